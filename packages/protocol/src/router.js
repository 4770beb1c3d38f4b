/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars*/
import * as $protobuf from "protobufjs/minimal";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const dccrouter = $root.dccrouter = (() => {

    /**
     * Namespace dccrouter.
     * @exports dccrouter
     * @namespace
     */
    const dccrouter = {};

    dccrouter.v1 = (function() {

        /**
         * Namespace v1.
         * @memberof dccrouter
         * @namespace
         */
        const v1 = {};

        v1.RequestId = (function() {

            /**
             * Properties of a RequestId.
             * @memberof dccrouter.v1
             * @interface IRequestId
             * @property {string|null} [originatorId] RequestId originatorId
             * @property {string|null} [targetId] RequestId targetId
             * @property {Long|null} [counter] RequestId counter
             */

            /**
             * Constructs a new RequestId.
             * @memberof dccrouter.v1
             * @classdesc Represents a RequestId.
             * @implements IRequestId
             * @constructor
             * @param {dccrouter.v1.IRequestId=} [properties] Properties to set
             */
            function RequestId(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * RequestId originatorId.
             * @member {string} originatorId
             * @memberof dccrouter.v1.RequestId
             * @instance
             */
            RequestId.prototype.originatorId = "";

            /**
             * RequestId targetId.
             * @member {string} targetId
             * @memberof dccrouter.v1.RequestId
             * @instance
             */
            RequestId.prototype.targetId = "";

            /**
             * RequestId counter.
             * @member {Long} counter
             * @memberof dccrouter.v1.RequestId
             * @instance
             */
            RequestId.prototype.counter = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new RequestId instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.RequestId
             * @static
             * @param {dccrouter.v1.IRequestId=} [properties] Properties to set
             * @returns {dccrouter.v1.RequestId} RequestId instance
             */
            RequestId.create = function create(properties) {
                return new RequestId(properties);
            };

            /**
             * Encodes the specified RequestId message. Does not implicitly {@link dccrouter.v1.RequestId.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.RequestId
             * @static
             * @param {dccrouter.v1.IRequestId} message RequestId message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RequestId.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.originatorId != null && Object.hasOwnProperty.call(message, "originatorId"))
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.originatorId);
                if (message.targetId != null && Object.hasOwnProperty.call(message, "targetId"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.targetId);
                if (message.counter != null && Object.hasOwnProperty.call(message, "counter"))
                    writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.counter);
                return writer;
            };

            /**
             * Encodes the specified RequestId message, length delimited. Does not implicitly {@link dccrouter.v1.RequestId.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.RequestId
             * @static
             * @param {dccrouter.v1.IRequestId} message RequestId message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RequestId.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a RequestId message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.RequestId
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.RequestId} RequestId
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RequestId.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.dccrouter.v1.RequestId();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.originatorId = reader.string();
                            break;
                        }
                    case 2: {
                            message.targetId = reader.string();
                            break;
                        }
                    case 3: {
                            message.counter = reader.uint64();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            /**
             * Decodes a RequestId message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.RequestId
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.RequestId} RequestId
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RequestId.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a RequestId message.
             * @function verify
             * @memberof dccrouter.v1.RequestId
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            RequestId.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.originatorId != null && Object.hasOwnProperty.call(message, "originatorId"))
                    if (!$util.isString(message.originatorId))
                        return "originatorId: string expected";
                if (message.targetId != null && Object.hasOwnProperty.call(message, "targetId"))
                    if (!$util.isString(message.targetId))
                        return "targetId: string expected";
                if (message.counter != null && Object.hasOwnProperty.call(message, "counter"))
                    if (!$util.isInteger(message.counter) && !(message.counter && $util.isInteger(message.counter.low) && $util.isInteger(message.counter.high)))
                        return "counter: integer|Long expected";
                return null;
            };

            /**
             * Creates a RequestId message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.RequestId
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.RequestId} RequestId
             */
            RequestId.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.RequestId)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.RequestId: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.RequestId();
                if (object.originatorId != null)
                    message.originatorId = String(object.originatorId);
                if (object.targetId != null)
                    message.targetId = String(object.targetId);
                if (object.counter != null)
                    if ($util.Long)
                        message.counter = $util.Long.fromValue(object.counter, true);
                    else if (typeof object.counter === "string")
                        message.counter = parseInt(object.counter, 10);
                    else if (typeof object.counter === "number")
                        message.counter = object.counter;
                    else if (typeof object.counter === "object")
                        message.counter = new $util.LongBits(object.counter.low >>> 0, object.counter.high >>> 0).toNumber(true);
                return message;
            };

            /**
             * Creates a plain object from a RequestId message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.RequestId
             * @static
             * @param {dccrouter.v1.RequestId} message RequestId
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            RequestId.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.originatorId = "";
                    object.targetId = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.counter = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.counter = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                }
                if (message.originatorId != null && Object.hasOwnProperty.call(message, "originatorId"))
                    object.originatorId = message.originatorId;
                if (message.targetId != null && Object.hasOwnProperty.call(message, "targetId"))
                    object.targetId = message.targetId;
                if (message.counter != null && Object.hasOwnProperty.call(message, "counter"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.counter = typeof message.counter === "number" ? BigInt(message.counter) : $util.Long.fromBits(message.counter.low >>> 0, message.counter.high >>> 0, true).toBigInt();
                    else if (typeof message.counter === "number")
                        object.counter = options.longs === String ? String(message.counter) : message.counter;
                    else
                        object.counter = options.longs === String ? $util.Long.prototype.toString.call(message.counter) : options.longs === Number ? new $util.LongBits(message.counter.low >>> 0, message.counter.high >>> 0).toNumber(true) : message.counter;
                return object;
            };

            /**
             * Converts this RequestId to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.RequestId
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            RequestId.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for RequestId
             * @function getTypeUrl
             * @memberof dccrouter.v1.RequestId
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            RequestId.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.RequestId";
            };

            return RequestId;
        })();

        v1.Header = (function() {

            /**
             * Properties of a Header.
             * @memberof dccrouter.v1
             * @interface IHeader
             * @property {dccrouter.v1.IRequestId|null} [requestId] Header requestId
             * @property {number|null} [commandVariant] Header commandVariant
             * @property {string|null} [serviceReference] Header serviceReference
             * @property {string|null} [serviceReferenceVariant] Header serviceReferenceVariant
             */

            /**
             * Constructs a new Header.
             * @memberof dccrouter.v1
             * @classdesc Represents a Header.
             * @implements IHeader
             * @constructor
             * @param {dccrouter.v1.IHeader=} [properties] Properties to set
             */
            function Header(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * Header requestId.
             * @member {dccrouter.v1.IRequestId|null|undefined} requestId
             * @memberof dccrouter.v1.Header
             * @instance
             */
            Header.prototype.requestId = null;

            /**
             * Header commandVariant.
             * @member {number} commandVariant
             * @memberof dccrouter.v1.Header
             * @instance
             */
            Header.prototype.commandVariant = 0;

            /**
             * Header serviceReference.
             * @member {string} serviceReference
             * @memberof dccrouter.v1.Header
             * @instance
             */
            Header.prototype.serviceReference = "";

            /**
             * Header serviceReferenceVariant.
             * @member {string} serviceReferenceVariant
             * @memberof dccrouter.v1.Header
             * @instance
             */
            Header.prototype.serviceReferenceVariant = "";

            /**
             * Creates a new Header instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.Header
             * @static
             * @param {dccrouter.v1.IHeader=} [properties] Properties to set
             * @returns {dccrouter.v1.Header} Header instance
             */
            Header.create = function create(properties) {
                return new Header(properties);
            };

            /**
             * Encodes the specified Header message. Does not implicitly {@link dccrouter.v1.Header.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.Header
             * @static
             * @param {dccrouter.v1.IHeader} message Header message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Header.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId"))
                    $root.dccrouter.v1.RequestId.encode(message.requestId, writer.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                if (message.commandVariant != null && Object.hasOwnProperty.call(message, "commandVariant"))
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.commandVariant);
                if (message.serviceReference != null && Object.hasOwnProperty.call(message, "serviceReference"))
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.serviceReference);
                if (message.serviceReferenceVariant != null && Object.hasOwnProperty.call(message, "serviceReferenceVariant"))
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.serviceReferenceVariant);
                return writer;
            };

            /**
             * Encodes the specified Header message, length delimited. Does not implicitly {@link dccrouter.v1.Header.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.Header
             * @static
             * @param {dccrouter.v1.IHeader} message Header message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Header.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a Header message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.Header
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.Header} Header
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Header.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.dccrouter.v1.Header();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.requestId = $root.dccrouter.v1.RequestId.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            message.commandVariant = reader.uint32();
                            break;
                        }
                    case 3: {
                            message.serviceReference = reader.string();
                            break;
                        }
                    case 4: {
                            message.serviceReferenceVariant = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            /**
             * Decodes a Header message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.Header
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.Header} Header
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Header.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a Header message.
             * @function verify
             * @memberof dccrouter.v1.Header
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Header.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId")) {
                    let error = $root.dccrouter.v1.RequestId.verify(message.requestId, long + 1);
                    if (error)
                        return "requestId." + error;
                }
                if (message.commandVariant != null && Object.hasOwnProperty.call(message, "commandVariant"))
                    if (!$util.isInteger(message.commandVariant))
                        return "commandVariant: integer expected";
                if (message.serviceReference != null && Object.hasOwnProperty.call(message, "serviceReference"))
                    if (!$util.isString(message.serviceReference))
                        return "serviceReference: string expected";
                if (message.serviceReferenceVariant != null && Object.hasOwnProperty.call(message, "serviceReferenceVariant"))
                    if (!$util.isString(message.serviceReferenceVariant))
                        return "serviceReferenceVariant: string expected";
                return null;
            };

            /**
             * Creates a Header message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.Header
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.Header} Header
             */
            Header.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.Header)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.Header: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.Header();
                if (object.requestId != null) {
                    if (!$util.isObject(object.requestId))
                        throw TypeError(".dccrouter.v1.Header.requestId: object expected");
                    message.requestId = $root.dccrouter.v1.RequestId.fromObject(object.requestId, long + 1);
                }
                if (object.commandVariant != null)
                    message.commandVariant = object.commandVariant >>> 0;
                if (object.serviceReference != null)
                    message.serviceReference = String(object.serviceReference);
                if (object.serviceReferenceVariant != null)
                    message.serviceReferenceVariant = String(object.serviceReferenceVariant);
                return message;
            };

            /**
             * Creates a plain object from a Header message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.Header
             * @static
             * @param {dccrouter.v1.Header} message Header
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Header.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.requestId = null;
                    object.commandVariant = 0;
                    object.serviceReference = "";
                    object.serviceReferenceVariant = "";
                }
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId"))
                    object.requestId = $root.dccrouter.v1.RequestId.toObject(message.requestId, options, q + 1);
                if (message.commandVariant != null && Object.hasOwnProperty.call(message, "commandVariant"))
                    object.commandVariant = message.commandVariant;
                if (message.serviceReference != null && Object.hasOwnProperty.call(message, "serviceReference"))
                    object.serviceReference = message.serviceReference;
                if (message.serviceReferenceVariant != null && Object.hasOwnProperty.call(message, "serviceReferenceVariant"))
                    object.serviceReferenceVariant = message.serviceReferenceVariant;
                return object;
            };

            /**
             * Converts this Header to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.Header
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Header.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for Header
             * @function getTypeUrl
             * @memberof dccrouter.v1.Header
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            Header.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.Header";
            };

            return Header;
        })();

        v1.ServiceRequest = (function() {

            /**
             * Properties of a ServiceRequest.
             * @memberof dccrouter.v1
             * @interface IServiceRequest
             * @property {dccrouter.v1.IHeader|null} [header] ServiceRequest header
             * @property {string|null} [bodyElement] ServiceRequest bodyElement
             * @property {string|null} [bodyJson] ServiceRequest bodyJson
             */

            /**
             * Constructs a new ServiceRequest.
             * @memberof dccrouter.v1
             * @classdesc Represents a ServiceRequest.
             * @implements IServiceRequest
             * @constructor
             * @param {dccrouter.v1.IServiceRequest=} [properties] Properties to set
             */
            function ServiceRequest(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * ServiceRequest header.
             * @member {dccrouter.v1.IHeader|null|undefined} header
             * @memberof dccrouter.v1.ServiceRequest
             * @instance
             */
            ServiceRequest.prototype.header = null;

            /**
             * ServiceRequest bodyElement.
             * @member {string} bodyElement
             * @memberof dccrouter.v1.ServiceRequest
             * @instance
             */
            ServiceRequest.prototype.bodyElement = "";

            /**
             * ServiceRequest bodyJson.
             * @member {string} bodyJson
             * @memberof dccrouter.v1.ServiceRequest
             * @instance
             */
            ServiceRequest.prototype.bodyJson = "";

            /**
             * Creates a new ServiceRequest instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.ServiceRequest
             * @static
             * @param {dccrouter.v1.IServiceRequest=} [properties] Properties to set
             * @returns {dccrouter.v1.ServiceRequest} ServiceRequest instance
             */
            ServiceRequest.create = function create(properties) {
                return new ServiceRequest(properties);
            };

            /**
             * Encodes the specified ServiceRequest message. Does not implicitly {@link dccrouter.v1.ServiceRequest.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.ServiceRequest
             * @static
             * @param {dccrouter.v1.IServiceRequest} message ServiceRequest message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceRequest.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                    $root.dccrouter.v1.Header.encode(message.header, writer.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                if (message.bodyElement != null && Object.hasOwnProperty.call(message, "bodyElement"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.bodyElement);
                if (message.bodyJson != null && Object.hasOwnProperty.call(message, "bodyJson"))
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.bodyJson);
                return writer;
            };

            /**
             * Encodes the specified ServiceRequest message, length delimited. Does not implicitly {@link dccrouter.v1.ServiceRequest.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.ServiceRequest
             * @static
             * @param {dccrouter.v1.IServiceRequest} message ServiceRequest message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceRequest.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a ServiceRequest message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.ServiceRequest
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.ServiceRequest} ServiceRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceRequest.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.dccrouter.v1.ServiceRequest();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.header = $root.dccrouter.v1.Header.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            message.bodyElement = reader.string();
                            break;
                        }
                    case 3: {
                            message.bodyJson = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            /**
             * Decodes a ServiceRequest message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.ServiceRequest
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.ServiceRequest} ServiceRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceRequest.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a ServiceRequest message.
             * @function verify
             * @memberof dccrouter.v1.ServiceRequest
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ServiceRequest.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.header != null && Object.hasOwnProperty.call(message, "header")) {
                    let error = $root.dccrouter.v1.Header.verify(message.header, long + 1);
                    if (error)
                        return "header." + error;
                }
                if (message.bodyElement != null && Object.hasOwnProperty.call(message, "bodyElement"))
                    if (!$util.isString(message.bodyElement))
                        return "bodyElement: string expected";
                if (message.bodyJson != null && Object.hasOwnProperty.call(message, "bodyJson"))
                    if (!$util.isString(message.bodyJson))
                        return "bodyJson: string expected";
                return null;
            };

            /**
             * Creates a ServiceRequest message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.ServiceRequest
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.ServiceRequest} ServiceRequest
             */
            ServiceRequest.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.ServiceRequest)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.ServiceRequest: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.ServiceRequest();
                if (object.header != null) {
                    if (!$util.isObject(object.header))
                        throw TypeError(".dccrouter.v1.ServiceRequest.header: object expected");
                    message.header = $root.dccrouter.v1.Header.fromObject(object.header, long + 1);
                }
                if (object.bodyElement != null)
                    message.bodyElement = String(object.bodyElement);
                if (object.bodyJson != null)
                    message.bodyJson = String(object.bodyJson);
                return message;
            };

            /**
             * Creates a plain object from a ServiceRequest message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.ServiceRequest
             * @static
             * @param {dccrouter.v1.ServiceRequest} message ServiceRequest
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ServiceRequest.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.header = null;
                    object.bodyElement = "";
                    object.bodyJson = "";
                }
                if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                    object.header = $root.dccrouter.v1.Header.toObject(message.header, options, q + 1);
                if (message.bodyElement != null && Object.hasOwnProperty.call(message, "bodyElement"))
                    object.bodyElement = message.bodyElement;
                if (message.bodyJson != null && Object.hasOwnProperty.call(message, "bodyJson"))
                    object.bodyJson = message.bodyJson;
                return object;
            };

            /**
             * Converts this ServiceRequest to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.ServiceRequest
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ServiceRequest.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for ServiceRequest
             * @function getTypeUrl
             * @memberof dccrouter.v1.ServiceRequest
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            ServiceRequest.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.ServiceRequest";
            };

            return ServiceRequest;
        })();

        v1.SignedServiceRequest = (function() {

            /**
             * Properties of a SignedServiceRequest.
             * @memberof dccrouter.v1
             * @interface ISignedServiceRequest
             * @property {Uint8Array|null} [body] SignedServiceRequest body
             * @property {string|null} [signature] SignedServiceRequest signature
             * @property {string|null} [contentType] SignedServiceRequest contentType
             */

            /**
             * Constructs a new SignedServiceRequest.
             * @memberof dccrouter.v1
             * @classdesc Represents a SignedServiceRequest.
             * @implements ISignedServiceRequest
             * @constructor
             * @param {dccrouter.v1.ISignedServiceRequest=} [properties] Properties to set
             */
            function SignedServiceRequest(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * SignedServiceRequest body.
             * @member {Uint8Array} body
             * @memberof dccrouter.v1.SignedServiceRequest
             * @instance
             */
            SignedServiceRequest.prototype.body = $util.newBuffer([]);

            /**
             * SignedServiceRequest signature.
             * @member {string} signature
             * @memberof dccrouter.v1.SignedServiceRequest
             * @instance
             */
            SignedServiceRequest.prototype.signature = "";

            /**
             * SignedServiceRequest contentType.
             * @member {string} contentType
             * @memberof dccrouter.v1.SignedServiceRequest
             * @instance
             */
            SignedServiceRequest.prototype.contentType = "";

            /**
             * Creates a new SignedServiceRequest instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.SignedServiceRequest
             * @static
             * @param {dccrouter.v1.ISignedServiceRequest=} [properties] Properties to set
             * @returns {dccrouter.v1.SignedServiceRequest} SignedServiceRequest instance
             */
            SignedServiceRequest.create = function create(properties) {
                return new SignedServiceRequest(properties);
            };

            /**
             * Encodes the specified SignedServiceRequest message. Does not implicitly {@link dccrouter.v1.SignedServiceRequest.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.SignedServiceRequest
             * @static
             * @param {dccrouter.v1.ISignedServiceRequest} message SignedServiceRequest message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SignedServiceRequest.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.body != null && Object.hasOwnProperty.call(message, "body"))
                    writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.body);
                if (message.signature != null && Object.hasOwnProperty.call(message, "signature"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.signature);
                if (message.contentType != null && Object.hasOwnProperty.call(message, "contentType"))
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.contentType);
                return writer;
            };

            /**
             * Encodes the specified SignedServiceRequest message, length delimited. Does not implicitly {@link dccrouter.v1.SignedServiceRequest.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.SignedServiceRequest
             * @static
             * @param {dccrouter.v1.ISignedServiceRequest} message SignedServiceRequest message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SignedServiceRequest.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a SignedServiceRequest message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.SignedServiceRequest
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.SignedServiceRequest} SignedServiceRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SignedServiceRequest.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.dccrouter.v1.SignedServiceRequest();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.body = reader.bytes();
                            break;
                        }
                    case 2: {
                            message.signature = reader.string();
                            break;
                        }
                    case 3: {
                            message.contentType = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            /**
             * Decodes a SignedServiceRequest message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.SignedServiceRequest
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.SignedServiceRequest} SignedServiceRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SignedServiceRequest.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a SignedServiceRequest message.
             * @function verify
             * @memberof dccrouter.v1.SignedServiceRequest
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            SignedServiceRequest.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.body != null && Object.hasOwnProperty.call(message, "body"))
                    if (!(message.body && typeof message.body.length === "number" || $util.isString(message.body)))
                        return "body: buffer expected";
                if (message.signature != null && Object.hasOwnProperty.call(message, "signature"))
                    if (!$util.isString(message.signature))
                        return "signature: string expected";
                if (message.contentType != null && Object.hasOwnProperty.call(message, "contentType"))
                    if (!$util.isString(message.contentType))
                        return "contentType: string expected";
                return null;
            };

            /**
             * Creates a SignedServiceRequest message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.SignedServiceRequest
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.SignedServiceRequest} SignedServiceRequest
             */
            SignedServiceRequest.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.SignedServiceRequest)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.SignedServiceRequest: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.SignedServiceRequest();
                if (object.body != null)
                    if (typeof object.body === "string")
                        $util.base64.decode(object.body, message.body = $util.newBuffer($util.base64.length(object.body)), 0);
                    else if (object.body.length >= 0)
                        message.body = object.body;
                if (object.signature != null)
                    message.signature = String(object.signature);
                if (object.contentType != null)
                    message.contentType = String(object.contentType);
                return message;
            };

            /**
             * Creates a plain object from a SignedServiceRequest message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.SignedServiceRequest
             * @static
             * @param {dccrouter.v1.SignedServiceRequest} message SignedServiceRequest
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            SignedServiceRequest.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    if (options.bytes === String)
                        object.body = "";
                    else {
                        object.body = [];
                        if (options.bytes !== Array)
                            object.body = $util.newBuffer(object.body);
                    }
                    object.signature = "";
                    object.contentType = "";
                }
                if (message.body != null && Object.hasOwnProperty.call(message, "body"))
                    object.body = options.bytes === String ? $util.base64.encode(message.body, 0, message.body.length) : options.bytes === Array ? Array.prototype.slice.call(message.body) : message.body;
                if (message.signature != null && Object.hasOwnProperty.call(message, "signature"))
                    object.signature = message.signature;
                if (message.contentType != null && Object.hasOwnProperty.call(message, "contentType"))
                    object.contentType = message.contentType;
                return object;
            };

            /**
             * Converts this SignedServiceRequest to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.SignedServiceRequest
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            SignedServiceRequest.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for SignedServiceRequest
             * @function getTypeUrl
             * @memberof dccrouter.v1.SignedServiceRequest
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            SignedServiceRequest.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.SignedServiceRequest";
            };

            return SignedServiceRequest;
        })();

        v1.ServiceRequestBatch = (function() {

            /**
             * Properties of a ServiceRequestBatch.
             * @memberof dccrouter.v1
             * @interface IServiceRequestBatch
             * @property {Array.<dccrouter.v1.ISignedServiceRequest>|null} [requests] ServiceRequestBatch requests
             */

            /**
             * Constructs a new ServiceRequestBatch.
             * @memberof dccrouter.v1
             * @classdesc Represents a ServiceRequestBatch.
             * @implements IServiceRequestBatch
             * @constructor
             * @param {dccrouter.v1.IServiceRequestBatch=} [properties] Properties to set
             */
            function ServiceRequestBatch(properties) {
                this.requests = [];
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * ServiceRequestBatch requests.
             * @member {Array.<dccrouter.v1.ISignedServiceRequest>} requests
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @instance
             */
            ServiceRequestBatch.prototype.requests = $util.emptyArray;

            /**
             * Creates a new ServiceRequestBatch instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @static
             * @param {dccrouter.v1.IServiceRequestBatch=} [properties] Properties to set
             * @returns {dccrouter.v1.ServiceRequestBatch} ServiceRequestBatch instance
             */
            ServiceRequestBatch.create = function create(properties) {
                return new ServiceRequestBatch(properties);
            };

            /**
             * Encodes the specified ServiceRequestBatch message. Does not implicitly {@link dccrouter.v1.ServiceRequestBatch.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @static
             * @param {dccrouter.v1.IServiceRequestBatch} message ServiceRequestBatch message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceRequestBatch.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.requests != null && message.requests.length)
                    for (let i = 0; i < message.requests.length; ++i)
                        $root.dccrouter.v1.SignedServiceRequest.encode(message.requests[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                return writer;
            };

            /**
             * Encodes the specified ServiceRequestBatch message, length delimited. Does not implicitly {@link dccrouter.v1.ServiceRequestBatch.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @static
             * @param {dccrouter.v1.IServiceRequestBatch} message ServiceRequestBatch message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceRequestBatch.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a ServiceRequestBatch message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.ServiceRequestBatch} ServiceRequestBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceRequestBatch.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.dccrouter.v1.ServiceRequestBatch();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.requests && message.requests.length))
                                message.requests = [];
                            message.requests.push($root.dccrouter.v1.SignedServiceRequest.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            /**
             * Decodes a ServiceRequestBatch message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.ServiceRequestBatch} ServiceRequestBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceRequestBatch.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a ServiceRequestBatch message.
             * @function verify
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ServiceRequestBatch.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.requests != null && Object.hasOwnProperty.call(message, "requests")) {
                    if (!Array.isArray(message.requests))
                        return "requests: array expected";
                    for (let i = 0; i < message.requests.length; ++i) {
                        let error = $root.dccrouter.v1.SignedServiceRequest.verify(message.requests[i], long + 1);
                        if (error)
                            return "requests." + error;
                    }
                }
                return null;
            };

            /**
             * Creates a ServiceRequestBatch message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.ServiceRequestBatch} ServiceRequestBatch
             */
            ServiceRequestBatch.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.ServiceRequestBatch)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.ServiceRequestBatch: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.ServiceRequestBatch();
                if (object.requests) {
                    if (!Array.isArray(object.requests))
                        throw TypeError(".dccrouter.v1.ServiceRequestBatch.requests: array expected");
                    message.requests = [];
                    for (let i = 0; i < object.requests.length; ++i) {
                        if (!$util.isObject(object.requests[i]))
                            throw TypeError(".dccrouter.v1.ServiceRequestBatch.requests: object expected");
                        message.requests[i] = $root.dccrouter.v1.SignedServiceRequest.fromObject(object.requests[i], long + 1);
                    }
                }
                return message;
            };

            /**
             * Creates a plain object from a ServiceRequestBatch message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @static
             * @param {dccrouter.v1.ServiceRequestBatch} message ServiceRequestBatch
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ServiceRequestBatch.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults)
                    object.requests = [];
                if (message.requests && message.requests.length) {
                    object.requests = [];
                    for (let j = 0; j < message.requests.length; ++j)
                        object.requests[j] = $root.dccrouter.v1.SignedServiceRequest.toObject(message.requests[j], options, q + 1);
                }
                return object;
            };

            /**
             * Converts this ServiceRequestBatch to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ServiceRequestBatch.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for ServiceRequestBatch
             * @function getTypeUrl
             * @memberof dccrouter.v1.ServiceRequestBatch
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            ServiceRequestBatch.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.ServiceRequestBatch";
            };

            return ServiceRequestBatch;
        })();

        v1.SubmitResult = (function() {

            /**
             * Properties of a SubmitResult.
             * @memberof dccrouter.v1
             * @interface ISubmitResult
             * @property {number|null} [status] SubmitResult status
             * @property {string|null} [answerJson] SubmitResult answerJson
             */

            /**
             * Constructs a new SubmitResult.
             * @memberof dccrouter.v1
             * @classdesc Represents a SubmitResult.
             * @implements ISubmitResult
             * @constructor
             * @param {dccrouter.v1.ISubmitResult=} [properties] Properties to set
             */
            function SubmitResult(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * SubmitResult status.
             * @member {number} status
             * @memberof dccrouter.v1.SubmitResult
             * @instance
             */
            SubmitResult.prototype.status = 0;

            /**
             * SubmitResult answerJson.
             * @member {string} answerJson
             * @memberof dccrouter.v1.SubmitResult
             * @instance
             */
            SubmitResult.prototype.answerJson = "";

            /**
             * Creates a new SubmitResult instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.SubmitResult
             * @static
             * @param {dccrouter.v1.ISubmitResult=} [properties] Properties to set
             * @returns {dccrouter.v1.SubmitResult} SubmitResult instance
             */
            SubmitResult.create = function create(properties) {
                return new SubmitResult(properties);
            };

            /**
             * Encodes the specified SubmitResult message. Does not implicitly {@link dccrouter.v1.SubmitResult.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.SubmitResult
             * @static
             * @param {dccrouter.v1.ISubmitResult} message SubmitResult message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SubmitResult.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.status != null && Object.hasOwnProperty.call(message, "status"))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.status);
                if (message.answerJson != null && Object.hasOwnProperty.call(message, "answerJson"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.answerJson);
                return writer;
            };

            /**
             * Encodes the specified SubmitResult message, length delimited. Does not implicitly {@link dccrouter.v1.SubmitResult.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.SubmitResult
             * @static
             * @param {dccrouter.v1.ISubmitResult} message SubmitResult message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SubmitResult.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a SubmitResult message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.SubmitResult
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.SubmitResult} SubmitResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SubmitResult.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.dccrouter.v1.SubmitResult();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.status = reader.uint32();
                            break;
                        }
                    case 2: {
                            message.answerJson = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            /**
             * Decodes a SubmitResult message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.SubmitResult
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.SubmitResult} SubmitResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SubmitResult.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a SubmitResult message.
             * @function verify
             * @memberof dccrouter.v1.SubmitResult
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            SubmitResult.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.status != null && Object.hasOwnProperty.call(message, "status"))
                    if (!$util.isInteger(message.status))
                        return "status: integer expected";
                if (message.answerJson != null && Object.hasOwnProperty.call(message, "answerJson"))
                    if (!$util.isString(message.answerJson))
                        return "answerJson: string expected";
                return null;
            };

            /**
             * Creates a SubmitResult message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.SubmitResult
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.SubmitResult} SubmitResult
             */
            SubmitResult.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.SubmitResult)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.SubmitResult: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.SubmitResult();
                if (object.status != null)
                    message.status = object.status >>> 0;
                if (object.answerJson != null)
                    message.answerJson = String(object.answerJson);
                return message;
            };

            /**
             * Creates a plain object from a SubmitResult message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.SubmitResult
             * @static
             * @param {dccrouter.v1.SubmitResult} message SubmitResult
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            SubmitResult.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.status = 0;
                    object.answerJson = "";
                }
                if (message.status != null && Object.hasOwnProperty.call(message, "status"))
                    object.status = message.status;
                if (message.answerJson != null && Object.hasOwnProperty.call(message, "answerJson"))
                    object.answerJson = message.answerJson;
                return object;
            };

            /**
             * Converts this SubmitResult to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.SubmitResult
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            SubmitResult.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for SubmitResult
             * @function getTypeUrl
             * @memberof dccrouter.v1.SubmitResult
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            SubmitResult.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.SubmitResult";
            };

            return SubmitResult;
        })();

        v1.Router = (function() {

            /**
             * Constructs a new Router service.
             * @memberof dccrouter.v1
             * @classdesc Represents a Router
             * @extends $protobuf.rpc.Service
             * @constructor
             * @param {$protobuf.RPCImpl} rpcImpl RPC implementation
             * @param {boolean} [requestDelimited=false] Whether requests are length-delimited
             * @param {boolean} [responseDelimited=false] Whether responses are length-delimited
             */
            function Router(rpcImpl, requestDelimited, responseDelimited) {
                $protobuf.rpc.Service.call(this, rpcImpl, requestDelimited, responseDelimited);
            }

            (Router.prototype = Object.create($protobuf.rpc.Service.prototype)).constructor = Router;

            /**
             * Creates new Router service using the specified rpc implementation.
             * @function create
             * @memberof dccrouter.v1.Router
             * @static
             * @param {$protobuf.RPCImpl} rpcImpl RPC implementation
             * @param {boolean} [requestDelimited=false] Whether requests are length-delimited
             * @param {boolean} [responseDelimited=false] Whether responses are length-delimited
             * @returns {Router} RPC service. Useful where requests and/or responses are streamed.
             */
            Router.create = function create(rpcImpl, requestDelimited, responseDelimited) {
                return new this(rpcImpl, requestDelimited, responseDelimited);
            };

            /**
             * Callback as used by {@link dccrouter.v1.Router#submit}.
             * @memberof dccrouter.v1.Router
             * @typedef SubmitCallback
             * @type {function}
             * @param {Error|null} error Error, if any
             * @param {dccrouter.v1.SubmitResult} [response] SubmitResult
             */

            /**
             * Calls Submit.
             * @function submit
             * @memberof dccrouter.v1.Router
             * @instance
             * @param {dccrouter.v1.ISignedServiceRequest} request SignedServiceRequest message or plain object
             * @param {dccrouter.v1.Router.SubmitCallback} callback Node-style callback called with the error, if any, and SubmitResult
             * @returns {undefined}
             * @variation 1
             */
            Object.defineProperty(Router.prototype.submit = function submit(request, callback) {
                return $protobuf.rpc.Service.prototype.rpcCall.call(this, submit, $root.dccrouter.v1.SignedServiceRequest, $root.dccrouter.v1.SubmitResult, request, callback);
            }, "name", { value: "Submit" });

            /**
             * Calls Submit.
             * @function submit
             * @memberof dccrouter.v1.Router
             * @instance
             * @param {dccrouter.v1.ISignedServiceRequest} request SignedServiceRequest message or plain object
             * @returns {Promise<dccrouter.v1.SubmitResult>} Promise
             * @variation 2
             */

            /**
             * Callback as used by {@link dccrouter.v1.Router#submitStream}.
             * @memberof dccrouter.v1.Router
             * @typedef SubmitStreamCallback
             * @type {function}
             * @param {Error|null} error Error, if any
             * @param {dccrouter.v1.SubmitResult} [response] SubmitResult
             */

            /**
             * Calls SubmitStream.
             * @function submitStream
             * @memberof dccrouter.v1.Router
             * @instance
             * @param {dccrouter.v1.ISignedServiceRequest} request SignedServiceRequest message or plain object
             * @param {dccrouter.v1.Router.SubmitStreamCallback} callback Node-style callback called with the error, if any, and SubmitResult
             * @returns {undefined}
             * @variation 1
             */
            Object.defineProperty(Router.prototype.submitStream = function submitStream(request, callback) {
                return $protobuf.rpc.Service.prototype.rpcCall.call(this, submitStream, $root.dccrouter.v1.SignedServiceRequest, $root.dccrouter.v1.SubmitResult, request, callback);
            }, "name", { value: "SubmitStream" });

            /**
             * Calls SubmitStream.
             * @function submitStream
             * @memberof dccrouter.v1.Router
             * @instance
             * @param {dccrouter.v1.ISignedServiceRequest} request SignedServiceRequest message or plain object
             * @returns {Promise<dccrouter.v1.SubmitResult>} Promise
             * @variation 2
             */

            return Router;
        })();

        return v1;
    })();

    return dccrouter;
})();

export { $root as default };
