import * as $protobuf from "protobufjs";
import Long = require("long");
/** Namespace dccrouter. */
export namespace dccrouter {

    /** Namespace v1. */
    namespace v1 {

        /** Properties of a RequestId. */
        interface IRequestId {

            /** RequestId originatorId */
            originatorId?: (string|null);

            /** RequestId targetId */
            targetId?: (string|null);

            /** RequestId counter */
            counter?: (Long|null);
        }

        /** Represents a RequestId. */
        class RequestId implements IRequestId {

            /**
             * Constructs a new RequestId.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IRequestId);

            /** RequestId originatorId. */
            public originatorId: string;

            /** RequestId targetId. */
            public targetId: string;

            /** RequestId counter. */
            public counter: Long;

            /**
             * Creates a new RequestId instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RequestId instance
             */
            public static create(properties?: dccrouter.v1.IRequestId): dccrouter.v1.RequestId;

            /**
             * Encodes the specified RequestId message. Does not implicitly {@link dccrouter.v1.RequestId.verify|verify} messages.
             * @param message RequestId message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IRequestId, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified RequestId message, length delimited. Does not implicitly {@link dccrouter.v1.RequestId.verify|verify} messages.
             * @param message RequestId message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IRequestId, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RequestId message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns RequestId
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.RequestId;

            /**
             * Decodes a RequestId message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns RequestId
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.RequestId;

            /**
             * Verifies a RequestId message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a RequestId message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns RequestId
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.RequestId;

            /**
             * Creates a plain object from a RequestId message. Also converts values to other types if specified.
             * @param message RequestId
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.RequestId, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this RequestId to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for RequestId
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a Header. */
        interface IHeader {

            /** Header requestId */
            requestId?: (dccrouter.v1.IRequestId|null);

            /** Header commandVariant */
            commandVariant?: (number|null);

            /** Header serviceReference */
            serviceReference?: (string|null);

            /** Header serviceReferenceVariant */
            serviceReferenceVariant?: (string|null);
        }

        /** Represents a Header. */
        class Header implements IHeader {

            /**
             * Constructs a new Header.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IHeader);

            /** Header requestId. */
            public requestId?: (dccrouter.v1.IRequestId|null);

            /** Header commandVariant. */
            public commandVariant: number;

            /** Header serviceReference. */
            public serviceReference: string;

            /** Header serviceReferenceVariant. */
            public serviceReferenceVariant: string;

            /**
             * Creates a new Header instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Header instance
             */
            public static create(properties?: dccrouter.v1.IHeader): dccrouter.v1.Header;

            /**
             * Encodes the specified Header message. Does not implicitly {@link dccrouter.v1.Header.verify|verify} messages.
             * @param message Header message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IHeader, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Header message, length delimited. Does not implicitly {@link dccrouter.v1.Header.verify|verify} messages.
             * @param message Header message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IHeader, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Header message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns Header
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.Header;

            /**
             * Decodes a Header message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns Header
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.Header;

            /**
             * Verifies a Header message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Header message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Header
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.Header;

            /**
             * Creates a plain object from a Header message. Also converts values to other types if specified.
             * @param message Header
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.Header, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Header to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for Header
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a ServiceRequest. */
        interface IServiceRequest {

            /** ServiceRequest header */
            header?: (dccrouter.v1.IHeader|null);

            /** ServiceRequest bodyElement */
            bodyElement?: (string|null);

            /** ServiceRequest bodyJson */
            bodyJson?: (string|null);
        }

        /** Represents a ServiceRequest. */
        class ServiceRequest implements IServiceRequest {

            /**
             * Constructs a new ServiceRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IServiceRequest);

            /** ServiceRequest header. */
            public header?: (dccrouter.v1.IHeader|null);

            /** ServiceRequest bodyElement. */
            public bodyElement: string;

            /** ServiceRequest bodyJson. */
            public bodyJson: string;

            /**
             * Creates a new ServiceRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ServiceRequest instance
             */
            public static create(properties?: dccrouter.v1.IServiceRequest): dccrouter.v1.ServiceRequest;

            /**
             * Encodes the specified ServiceRequest message. Does not implicitly {@link dccrouter.v1.ServiceRequest.verify|verify} messages.
             * @param message ServiceRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IServiceRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified ServiceRequest message, length delimited. Does not implicitly {@link dccrouter.v1.ServiceRequest.verify|verify} messages.
             * @param message ServiceRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IServiceRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ServiceRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns ServiceRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.ServiceRequest;

            /**
             * Decodes a ServiceRequest message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns ServiceRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.ServiceRequest;

            /**
             * Verifies a ServiceRequest message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a ServiceRequest message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns ServiceRequest
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.ServiceRequest;

            /**
             * Creates a plain object from a ServiceRequest message. Also converts values to other types if specified.
             * @param message ServiceRequest
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.ServiceRequest, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this ServiceRequest to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for ServiceRequest
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a SignedServiceRequest. */
        interface ISignedServiceRequest {

            /** SignedServiceRequest body */
            body?: (Uint8Array|null);

            /** SignedServiceRequest signature */
            signature?: (string|null);

            /** SignedServiceRequest contentType */
            contentType?: (string|null);
        }

        /** Represents a SignedServiceRequest. */
        class SignedServiceRequest implements ISignedServiceRequest {

            /**
             * Constructs a new SignedServiceRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.ISignedServiceRequest);

            /** SignedServiceRequest body. */
            public body: Uint8Array;

            /** SignedServiceRequest signature. */
            public signature: string;

            /** SignedServiceRequest contentType. */
            public contentType: string;

            /**
             * Creates a new SignedServiceRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SignedServiceRequest instance
             */
            public static create(properties?: dccrouter.v1.ISignedServiceRequest): dccrouter.v1.SignedServiceRequest;

            /**
             * Encodes the specified SignedServiceRequest message. Does not implicitly {@link dccrouter.v1.SignedServiceRequest.verify|verify} messages.
             * @param message SignedServiceRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.ISignedServiceRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified SignedServiceRequest message, length delimited. Does not implicitly {@link dccrouter.v1.SignedServiceRequest.verify|verify} messages.
             * @param message SignedServiceRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.ISignedServiceRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SignedServiceRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns SignedServiceRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.SignedServiceRequest;

            /**
             * Decodes a SignedServiceRequest message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns SignedServiceRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.SignedServiceRequest;

            /**
             * Verifies a SignedServiceRequest message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a SignedServiceRequest message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns SignedServiceRequest
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.SignedServiceRequest;

            /**
             * Creates a plain object from a SignedServiceRequest message. Also converts values to other types if specified.
             * @param message SignedServiceRequest
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.SignedServiceRequest, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this SignedServiceRequest to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for SignedServiceRequest
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a ServiceRequestBatch. */
        interface IServiceRequestBatch {

            /** ServiceRequestBatch requests */
            requests?: (dccrouter.v1.ISignedServiceRequest[]|null);
        }

        /** Represents a ServiceRequestBatch. */
        class ServiceRequestBatch implements IServiceRequestBatch {

            /**
             * Constructs a new ServiceRequestBatch.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IServiceRequestBatch);

            /** ServiceRequestBatch requests. */
            public requests: dccrouter.v1.ISignedServiceRequest[];

            /**
             * Creates a new ServiceRequestBatch instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ServiceRequestBatch instance
             */
            public static create(properties?: dccrouter.v1.IServiceRequestBatch): dccrouter.v1.ServiceRequestBatch;

            /**
             * Encodes the specified ServiceRequestBatch message. Does not implicitly {@link dccrouter.v1.ServiceRequestBatch.verify|verify} messages.
             * @param message ServiceRequestBatch message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IServiceRequestBatch, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified ServiceRequestBatch message, length delimited. Does not implicitly {@link dccrouter.v1.ServiceRequestBatch.verify|verify} messages.
             * @param message ServiceRequestBatch message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IServiceRequestBatch, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ServiceRequestBatch message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns ServiceRequestBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.ServiceRequestBatch;

            /**
             * Decodes a ServiceRequestBatch message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns ServiceRequestBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.ServiceRequestBatch;

            /**
             * Verifies a ServiceRequestBatch message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a ServiceRequestBatch message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns ServiceRequestBatch
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.ServiceRequestBatch;

            /**
             * Creates a plain object from a ServiceRequestBatch message. Also converts values to other types if specified.
             * @param message ServiceRequestBatch
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.ServiceRequestBatch, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this ServiceRequestBatch to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for ServiceRequestBatch
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a SubmitResult. */
        interface ISubmitResult {

            /** SubmitResult status */
            status?: (number|null);

            /** SubmitResult answerJson */
            answerJson?: (string|null);
        }

        /** Represents a SubmitResult. */
        class SubmitResult implements ISubmitResult {

            /**
             * Constructs a new SubmitResult.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.ISubmitResult);

            /** SubmitResult status. */
            public status: number;

            /** SubmitResult answerJson. */
            public answerJson: string;

            /**
             * Creates a new SubmitResult instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SubmitResult instance
             */
            public static create(properties?: dccrouter.v1.ISubmitResult): dccrouter.v1.SubmitResult;

            /**
             * Encodes the specified SubmitResult message. Does not implicitly {@link dccrouter.v1.SubmitResult.verify|verify} messages.
             * @param message SubmitResult message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.ISubmitResult, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified SubmitResult message, length delimited. Does not implicitly {@link dccrouter.v1.SubmitResult.verify|verify} messages.
             * @param message SubmitResult message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.ISubmitResult, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SubmitResult message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns SubmitResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.SubmitResult;

            /**
             * Decodes a SubmitResult message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns SubmitResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.SubmitResult;

            /**
             * Verifies a SubmitResult message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a SubmitResult message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns SubmitResult
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.SubmitResult;

            /**
             * Creates a plain object from a SubmitResult message. Also converts values to other types if specified.
             * @param message SubmitResult
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.SubmitResult, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this SubmitResult to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for SubmitResult
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Represents a Router */
        class Router extends $protobuf.rpc.Service {

            /**
             * Constructs a new Router service.
             * @param rpcImpl RPC implementation
             * @param [requestDelimited=false] Whether requests are length-delimited
             * @param [responseDelimited=false] Whether responses are length-delimited
             */
            constructor(rpcImpl: $protobuf.RPCImpl, requestDelimited?: boolean, responseDelimited?: boolean);

            /**
             * Creates new Router service using the specified rpc implementation.
             * @param rpcImpl RPC implementation
             * @param [requestDelimited=false] Whether requests are length-delimited
             * @param [responseDelimited=false] Whether responses are length-delimited
             * @returns RPC service. Useful where requests and/or responses are streamed.
             */
            public static create(rpcImpl: $protobuf.RPCImpl, requestDelimited?: boolean, responseDelimited?: boolean): Router;

            /**
             * Calls Submit.
             * @param request SignedServiceRequest message or plain object
             * @param callback Node-style callback called with the error, if any, and SubmitResult
             */
            public submit(request: dccrouter.v1.ISignedServiceRequest, callback: dccrouter.v1.Router.SubmitCallback): void;

            /**
             * Calls Submit.
             * @param request SignedServiceRequest message or plain object
             * @returns Promise
             */
            public submit(request: dccrouter.v1.ISignedServiceRequest): Promise<dccrouter.v1.SubmitResult>;

            /**
             * Calls SubmitStream.
             * @param request SignedServiceRequest message or plain object
             * @param callback Node-style callback called with the error, if any, and SubmitResult
             */
            public submitStream(request: dccrouter.v1.ISignedServiceRequest, callback: dccrouter.v1.Router.SubmitStreamCallback): void;

            /**
             * Calls SubmitStream.
             * @param request SignedServiceRequest message or plain object
             * @returns Promise
             */
            public submitStream(request: dccrouter.v1.ISignedServiceRequest): Promise<dccrouter.v1.SubmitResult>;
        }

        namespace Router {

            /**
             * Callback as used by {@link dccrouter.v1.Router#submit}.
             * @param error Error, if any
             * @param [response] SubmitResult
             */
            type SubmitCallback = (error: (Error|null), response?: dccrouter.v1.SubmitResult) => void;

            /**
             * Callback as used by {@link dccrouter.v1.Router#submitStream}.
             * @param error Error, if any
             * @param [response] SubmitResult
             */
            type SubmitStreamCallback = (error: (Error|null), response?: dccrouter.v1.SubmitResult) => void;
        }
    }
}
