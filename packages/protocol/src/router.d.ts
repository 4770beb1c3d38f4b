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

            /** Header firstInSequence */
            firstInSequence?: (boolean|null);

            /** Header precedingServiceRequestId */
            precedingServiceRequestId?: (string|null);
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

            /** Header firstInSequence. */
            public firstInSequence?: (boolean|null);

            /** Header precedingServiceRequestId. */
            public precedingServiceRequestId: string;

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

            /** SubmitResult acknowledgement */
            acknowledgement?: (dccrouter.v1.IAcknowledgement|null);

            /** SubmitResult refusal */
            refusal?: (dccrouter.v1.IRefusal|null);
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

            /** SubmitResult acknowledgement. */
            public acknowledgement?: (dccrouter.v1.IAcknowledgement|null);

            /** SubmitResult refusal. */
            public refusal?: (dccrouter.v1.IRefusal|null);

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

        /** Properties of an Acknowledgement. */
        interface IAcknowledgement {

            /** Acknowledgement requestId */
            requestId?: (string|null);

            /** Acknowledgement responseCode */
            responseCode?: (string|null);

            /** Acknowledgement responseDateTime */
            responseDateTime?: (string|null);

            /** Acknowledgement route */
            route?: (dccrouter.v1.IRoute|null);

            /** Acknowledgement trt */
            trt?: (dccrouter.v1.ITrtBudget|null);

            /** Acknowledgement bodyJson */
            bodyJson?: (string|null);

            /** Acknowledgement quarantine */
            quarantine?: (dccrouter.v1.IQuarantine|null);

            /** Acknowledgement deletedBreach */
            deletedBreach?: (string|null);
        }

        /** Represents an Acknowledgement. */
        class Acknowledgement implements IAcknowledgement {

            /**
             * Constructs a new Acknowledgement.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IAcknowledgement);

            /** Acknowledgement requestId. */
            public requestId: string;

            /** Acknowledgement responseCode. */
            public responseCode: string;

            /** Acknowledgement responseDateTime. */
            public responseDateTime: string;

            /** Acknowledgement route. */
            public route?: (dccrouter.v1.IRoute|null);

            /** Acknowledgement trt. */
            public trt?: (dccrouter.v1.ITrtBudget|null);

            /** Acknowledgement bodyJson. */
            public bodyJson: string;

            /** Acknowledgement quarantine. */
            public quarantine?: (dccrouter.v1.IQuarantine|null);

            /** Acknowledgement deletedBreach. */
            public deletedBreach: string;

            /**
             * Creates a new Acknowledgement instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Acknowledgement instance
             */
            public static create(properties?: dccrouter.v1.IAcknowledgement): dccrouter.v1.Acknowledgement;

            /**
             * Encodes the specified Acknowledgement message. Does not implicitly {@link dccrouter.v1.Acknowledgement.verify|verify} messages.
             * @param message Acknowledgement message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IAcknowledgement, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Acknowledgement message, length delimited. Does not implicitly {@link dccrouter.v1.Acknowledgement.verify|verify} messages.
             * @param message Acknowledgement message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IAcknowledgement, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Acknowledgement message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns Acknowledgement
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.Acknowledgement;

            /**
             * Decodes an Acknowledgement message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns Acknowledgement
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.Acknowledgement;

            /**
             * Verifies an Acknowledgement message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an Acknowledgement message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Acknowledgement
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.Acknowledgement;

            /**
             * Creates a plain object from an Acknowledgement message. Also converts values to other types if specified.
             * @param message Acknowledgement
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.Acknowledgement, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Acknowledgement to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for Acknowledgement
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a Route. */
        interface IRoute {

            /** Route generation */
            generation?: (string|null);

            /** Route destination */
            destination?: (string|null);
        }

        /** Represents a Route. */
        class Route implements IRoute {

            /**
             * Constructs a new Route.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IRoute);

            /** Route generation. */
            public generation: string;

            /** Route destination. */
            public destination: string;

            /**
             * Creates a new Route instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Route instance
             */
            public static create(properties?: dccrouter.v1.IRoute): dccrouter.v1.Route;

            /**
             * Encodes the specified Route message. Does not implicitly {@link dccrouter.v1.Route.verify|verify} messages.
             * @param message Route message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IRoute, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Route message, length delimited. Does not implicitly {@link dccrouter.v1.Route.verify|verify} messages.
             * @param message Route message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IRoute, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Route message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns Route
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.Route;

            /**
             * Decodes a Route message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns Route
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.Route;

            /**
             * Verifies a Route message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Route message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Route
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.Route;

            /**
             * Creates a plain object from a Route message. Also converts values to other types if specified.
             * @param message Route
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.Route, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Route to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for Route
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a TrtBudget. */
        interface ITrtBudget {

            /** TrtBudget budgetMs */
            budgetMs?: (Long|null);

            /** TrtBudget deadline */
            deadline?: (string|null);
        }

        /** Represents a TrtBudget. */
        class TrtBudget implements ITrtBudget {

            /**
             * Constructs a new TrtBudget.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.ITrtBudget);

            /** TrtBudget budgetMs. */
            public budgetMs: Long;

            /** TrtBudget deadline. */
            public deadline: string;

            /**
             * Creates a new TrtBudget instance using the specified properties.
             * @param [properties] Properties to set
             * @returns TrtBudget instance
             */
            public static create(properties?: dccrouter.v1.ITrtBudget): dccrouter.v1.TrtBudget;

            /**
             * Encodes the specified TrtBudget message. Does not implicitly {@link dccrouter.v1.TrtBudget.verify|verify} messages.
             * @param message TrtBudget message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.ITrtBudget, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified TrtBudget message, length delimited. Does not implicitly {@link dccrouter.v1.TrtBudget.verify|verify} messages.
             * @param message TrtBudget message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.ITrtBudget, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a TrtBudget message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns TrtBudget
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.TrtBudget;

            /**
             * Decodes a TrtBudget message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns TrtBudget
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.TrtBudget;

            /**
             * Verifies a TrtBudget message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a TrtBudget message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns TrtBudget
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.TrtBudget;

            /**
             * Creates a plain object from a TrtBudget message. Also converts values to other types if specified.
             * @param message TrtBudget
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.TrtBudget, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this TrtBudget to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for TrtBudget
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a Quarantine. */
        interface IQuarantine {

            /** Quarantine ref */
            ref?: (string|null);

            /** Quarantine breach */
            breach?: (string|null);
        }

        /** Represents a Quarantine. */
        class Quarantine implements IQuarantine {

            /**
             * Constructs a new Quarantine.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IQuarantine);

            /** Quarantine ref. */
            public ref: string;

            /** Quarantine breach. */
            public breach: string;

            /**
             * Creates a new Quarantine instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Quarantine instance
             */
            public static create(properties?: dccrouter.v1.IQuarantine): dccrouter.v1.Quarantine;

            /**
             * Encodes the specified Quarantine message. Does not implicitly {@link dccrouter.v1.Quarantine.verify|verify} messages.
             * @param message Quarantine message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IQuarantine, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Quarantine message, length delimited. Does not implicitly {@link dccrouter.v1.Quarantine.verify|verify} messages.
             * @param message Quarantine message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IQuarantine, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Quarantine message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns Quarantine
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.Quarantine;

            /**
             * Decodes a Quarantine message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns Quarantine
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.Quarantine;

            /**
             * Verifies a Quarantine message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Quarantine message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Quarantine
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.Quarantine;

            /**
             * Creates a plain object from a Quarantine message. Also converts values to other types if specified.
             * @param message Quarantine
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.Quarantine, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Quarantine to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for Quarantine
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a Refusal. */
        interface IRefusal {

            /** Refusal reason */
            reason?: (string|null);

            /** Refusal message */
            message?: (string|null);

            /** Refusal responseCode */
            responseCode?: (string|null);

            /** Refusal httpStatus */
            httpStatus?: (number|null);

            /** Refusal retryAfterMs */
            retryAfterMs?: (number|null);
        }

        /** Represents a Refusal. */
        class Refusal implements IRefusal {

            /**
             * Constructs a new Refusal.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IRefusal);

            /** Refusal reason. */
            public reason: string;

            /** Refusal message. */
            public message: string;

            /** Refusal responseCode. */
            public responseCode: string;

            /** Refusal httpStatus. */
            public httpStatus: number;

            /** Refusal retryAfterMs. */
            public retryAfterMs: number;

            /**
             * Creates a new Refusal instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Refusal instance
             */
            public static create(properties?: dccrouter.v1.IRefusal): dccrouter.v1.Refusal;

            /**
             * Encodes the specified Refusal message. Does not implicitly {@link dccrouter.v1.Refusal.verify|verify} messages.
             * @param message Refusal message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IRefusal, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Refusal message, length delimited. Does not implicitly {@link dccrouter.v1.Refusal.verify|verify} messages.
             * @param message Refusal message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IRefusal, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Refusal message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns Refusal
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.Refusal;

            /**
             * Decodes a Refusal message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns Refusal
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.Refusal;

            /**
             * Verifies a Refusal message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Refusal message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Refusal
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.Refusal;

            /**
             * Creates a plain object from a Refusal message. Also converts values to other types if specified.
             * @param message Refusal
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.Refusal, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Refusal to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for Refusal
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a FeedRequest. */
        interface IFeedRequest {

            /** FeedRequest after */
            after?: (string|null);
        }

        /** Represents a FeedRequest. */
        class FeedRequest implements IFeedRequest {

            /**
             * Constructs a new FeedRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IFeedRequest);

            /** FeedRequest after. */
            public after: string;

            /**
             * Creates a new FeedRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns FeedRequest instance
             */
            public static create(properties?: dccrouter.v1.IFeedRequest): dccrouter.v1.FeedRequest;

            /**
             * Encodes the specified FeedRequest message. Does not implicitly {@link dccrouter.v1.FeedRequest.verify|verify} messages.
             * @param message FeedRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IFeedRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified FeedRequest message, length delimited. Does not implicitly {@link dccrouter.v1.FeedRequest.verify|verify} messages.
             * @param message FeedRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IFeedRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a FeedRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns FeedRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.FeedRequest;

            /**
             * Decodes a FeedRequest message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns FeedRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.FeedRequest;

            /**
             * Verifies a FeedRequest message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a FeedRequest message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns FeedRequest
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.FeedRequest;

            /**
             * Creates a plain object from a FeedRequest message. Also converts values to other types if specified.
             * @param message FeedRequest
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.FeedRequest, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this FeedRequest to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for FeedRequest
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of an OutboxItem. */
        interface IOutboxItem {

            /** OutboxItem cursor */
            cursor?: (string|null);

            /** OutboxItem kind */
            kind?: (string|null);

            /** OutboxItem requestId */
            requestId?: (string|null);

            /** OutboxItem responseId */
            responseId?: (string|null);

            /** OutboxItem responseCode */
            responseCode?: (string|null);

            /** OutboxItem alertCode */
            alertCode?: (string|null);

            /** OutboxItem bodyJson */
            bodyJson?: (string|null);

            /** OutboxItem itemJson */
            itemJson?: (string|null);
        }

        /** Represents an OutboxItem. */
        class OutboxItem implements IOutboxItem {

            /**
             * Constructs a new OutboxItem.
             * @param [properties] Properties to set
             */
            constructor(properties?: dccrouter.v1.IOutboxItem);

            /** OutboxItem cursor. */
            public cursor: string;

            /** OutboxItem kind. */
            public kind: string;

            /** OutboxItem requestId. */
            public requestId: string;

            /** OutboxItem responseId. */
            public responseId: string;

            /** OutboxItem responseCode. */
            public responseCode: string;

            /** OutboxItem alertCode. */
            public alertCode: string;

            /** OutboxItem bodyJson. */
            public bodyJson: string;

            /** OutboxItem itemJson. */
            public itemJson: string;

            /**
             * Creates a new OutboxItem instance using the specified properties.
             * @param [properties] Properties to set
             * @returns OutboxItem instance
             */
            public static create(properties?: dccrouter.v1.IOutboxItem): dccrouter.v1.OutboxItem;

            /**
             * Encodes the specified OutboxItem message. Does not implicitly {@link dccrouter.v1.OutboxItem.verify|verify} messages.
             * @param message OutboxItem message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encode(message: dccrouter.v1.IOutboxItem, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified OutboxItem message, length delimited. Does not implicitly {@link dccrouter.v1.OutboxItem.verify|verify} messages.
             * @param message OutboxItem message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            public static encodeDelimited(message: dccrouter.v1.IOutboxItem, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an OutboxItem message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns OutboxItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): dccrouter.v1.OutboxItem;

            /**
             * Decodes an OutboxItem message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns OutboxItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): dccrouter.v1.OutboxItem;

            /**
             * Verifies an OutboxItem message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            public static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an OutboxItem message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns OutboxItem
             */
            public static fromObject(object: { [k: string]: any }): dccrouter.v1.OutboxItem;

            /**
             * Creates a plain object from an OutboxItem message. Also converts values to other types if specified.
             * @param message OutboxItem
             * @param [options] Conversion options
             * @returns Plain object
             */
            public static toObject(message: dccrouter.v1.OutboxItem, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this OutboxItem to JSON.
             * @returns JSON object
             */
            public toJSON(): { [k: string]: any };

            /**
             * Gets the default type url for OutboxItem
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

            /**
             * Calls Feed.
             * @param request FeedRequest message or plain object
             * @param callback Node-style callback called with the error, if any, and OutboxItem
             */
            public feed(request: dccrouter.v1.IFeedRequest, callback: dccrouter.v1.Router.FeedCallback): void;

            /**
             * Calls Feed.
             * @param request FeedRequest message or plain object
             * @returns Promise
             */
            public feed(request: dccrouter.v1.IFeedRequest): Promise<dccrouter.v1.OutboxItem>;
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

            /**
             * Callback as used by {@link dccrouter.v1.Router#feed}.
             * @param error Error, if any
             * @param [response] OutboxItem
             */
            type FeedCallback = (error: (Error|null), response?: dccrouter.v1.OutboxItem) => void;
        }
    }
}
