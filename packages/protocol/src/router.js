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
             * @property {boolean|null} [firstInSequence] Header firstInSequence
             * @property {string|null} [precedingServiceRequestId] Header precedingServiceRequestId
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
             * Header firstInSequence.
             * @member {boolean|null|undefined} firstInSequence
             * @memberof dccrouter.v1.Header
             * @instance
             */
            Header.prototype.firstInSequence = null;

            /**
             * Header precedingServiceRequestId.
             * @member {string} precedingServiceRequestId
             * @memberof dccrouter.v1.Header
             * @instance
             */
            Header.prototype.precedingServiceRequestId = "";

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            Object.defineProperty(Header.prototype, "_firstInSequence", {
                get: $util.oneOfGetter($oneOfFields = ["firstInSequence"]),
                set: $util.oneOfSetter($oneOfFields)
            });

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
                if (message.firstInSequence != null && Object.hasOwnProperty.call(message, "firstInSequence"))
                    writer.uint32(/* id 5, wireType 0 =*/40).bool(message.firstInSequence);
                if (message.precedingServiceRequestId != null && Object.hasOwnProperty.call(message, "precedingServiceRequestId"))
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.precedingServiceRequestId);
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
                    case 5: {
                            message.firstInSequence = reader.bool();
                            break;
                        }
                    case 6: {
                            message.precedingServiceRequestId = reader.string();
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
                let properties = {};
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
                if (message.firstInSequence != null && Object.hasOwnProperty.call(message, "firstInSequence")) {
                    properties._firstInSequence = 1;
                    if (typeof message.firstInSequence !== "boolean")
                        return "firstInSequence: boolean expected";
                }
                if (message.precedingServiceRequestId != null && Object.hasOwnProperty.call(message, "precedingServiceRequestId"))
                    if (!$util.isString(message.precedingServiceRequestId))
                        return "precedingServiceRequestId: string expected";
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
                if (object.firstInSequence != null)
                    message.firstInSequence = Boolean(object.firstInSequence);
                if (object.precedingServiceRequestId != null)
                    message.precedingServiceRequestId = String(object.precedingServiceRequestId);
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
                    object.precedingServiceRequestId = "";
                }
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId"))
                    object.requestId = $root.dccrouter.v1.RequestId.toObject(message.requestId, options, q + 1);
                if (message.commandVariant != null && Object.hasOwnProperty.call(message, "commandVariant"))
                    object.commandVariant = message.commandVariant;
                if (message.serviceReference != null && Object.hasOwnProperty.call(message, "serviceReference"))
                    object.serviceReference = message.serviceReference;
                if (message.serviceReferenceVariant != null && Object.hasOwnProperty.call(message, "serviceReferenceVariant"))
                    object.serviceReferenceVariant = message.serviceReferenceVariant;
                if (message.firstInSequence != null && Object.hasOwnProperty.call(message, "firstInSequence")) {
                    object.firstInSequence = message.firstInSequence;
                    if (options.oneofs)
                        object._firstInSequence = "firstInSequence";
                }
                if (message.precedingServiceRequestId != null && Object.hasOwnProperty.call(message, "precedingServiceRequestId"))
                    object.precedingServiceRequestId = message.precedingServiceRequestId;
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
             * @property {dccrouter.v1.IAcknowledgement|null} [acknowledgement] SubmitResult acknowledgement
             * @property {dccrouter.v1.IRefusal|null} [refusal] SubmitResult refusal
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
             * SubmitResult acknowledgement.
             * @member {dccrouter.v1.IAcknowledgement|null|undefined} acknowledgement
             * @memberof dccrouter.v1.SubmitResult
             * @instance
             */
            SubmitResult.prototype.acknowledgement = null;

            /**
             * SubmitResult refusal.
             * @member {dccrouter.v1.IRefusal|null|undefined} refusal
             * @memberof dccrouter.v1.SubmitResult
             * @instance
             */
            SubmitResult.prototype.refusal = null;

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
                if (message.acknowledgement != null && Object.hasOwnProperty.call(message, "acknowledgement"))
                    $root.dccrouter.v1.Acknowledgement.encode(message.acknowledgement, writer.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
                if (message.refusal != null && Object.hasOwnProperty.call(message, "refusal"))
                    $root.dccrouter.v1.Refusal.encode(message.refusal, writer.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
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
                    case 3: {
                            message.acknowledgement = $root.dccrouter.v1.Acknowledgement.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 4: {
                            message.refusal = $root.dccrouter.v1.Refusal.decode(reader, reader.uint32(), undefined, long + 1);
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
                if (message.acknowledgement != null && Object.hasOwnProperty.call(message, "acknowledgement")) {
                    let error = $root.dccrouter.v1.Acknowledgement.verify(message.acknowledgement, long + 1);
                    if (error)
                        return "acknowledgement." + error;
                }
                if (message.refusal != null && Object.hasOwnProperty.call(message, "refusal")) {
                    let error = $root.dccrouter.v1.Refusal.verify(message.refusal, long + 1);
                    if (error)
                        return "refusal." + error;
                }
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
                if (object.acknowledgement != null) {
                    if (!$util.isObject(object.acknowledgement))
                        throw TypeError(".dccrouter.v1.SubmitResult.acknowledgement: object expected");
                    message.acknowledgement = $root.dccrouter.v1.Acknowledgement.fromObject(object.acknowledgement, long + 1);
                }
                if (object.refusal != null) {
                    if (!$util.isObject(object.refusal))
                        throw TypeError(".dccrouter.v1.SubmitResult.refusal: object expected");
                    message.refusal = $root.dccrouter.v1.Refusal.fromObject(object.refusal, long + 1);
                }
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
                    object.acknowledgement = null;
                    object.refusal = null;
                }
                if (message.status != null && Object.hasOwnProperty.call(message, "status"))
                    object.status = message.status;
                if (message.answerJson != null && Object.hasOwnProperty.call(message, "answerJson"))
                    object.answerJson = message.answerJson;
                if (message.acknowledgement != null && Object.hasOwnProperty.call(message, "acknowledgement"))
                    object.acknowledgement = $root.dccrouter.v1.Acknowledgement.toObject(message.acknowledgement, options, q + 1);
                if (message.refusal != null && Object.hasOwnProperty.call(message, "refusal"))
                    object.refusal = $root.dccrouter.v1.Refusal.toObject(message.refusal, options, q + 1);
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

        v1.Acknowledgement = (function() {

            /**
             * Properties of an Acknowledgement.
             * @memberof dccrouter.v1
             * @interface IAcknowledgement
             * @property {string|null} [requestId] Acknowledgement requestId
             * @property {string|null} [responseCode] Acknowledgement responseCode
             * @property {string|null} [responseDateTime] Acknowledgement responseDateTime
             * @property {dccrouter.v1.IRoute|null} [route] Acknowledgement route
             * @property {dccrouter.v1.ITrtBudget|null} [trt] Acknowledgement trt
             * @property {string|null} [bodyJson] Acknowledgement bodyJson
             * @property {dccrouter.v1.IQuarantine|null} [quarantine] Acknowledgement quarantine
             * @property {string|null} [deletedBreach] Acknowledgement deletedBreach
             */

            /**
             * Constructs a new Acknowledgement.
             * @memberof dccrouter.v1
             * @classdesc Represents an Acknowledgement.
             * @implements IAcknowledgement
             * @constructor
             * @param {dccrouter.v1.IAcknowledgement=} [properties] Properties to set
             */
            function Acknowledgement(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * Acknowledgement requestId.
             * @member {string} requestId
             * @memberof dccrouter.v1.Acknowledgement
             * @instance
             */
            Acknowledgement.prototype.requestId = "";

            /**
             * Acknowledgement responseCode.
             * @member {string} responseCode
             * @memberof dccrouter.v1.Acknowledgement
             * @instance
             */
            Acknowledgement.prototype.responseCode = "";

            /**
             * Acknowledgement responseDateTime.
             * @member {string} responseDateTime
             * @memberof dccrouter.v1.Acknowledgement
             * @instance
             */
            Acknowledgement.prototype.responseDateTime = "";

            /**
             * Acknowledgement route.
             * @member {dccrouter.v1.IRoute|null|undefined} route
             * @memberof dccrouter.v1.Acknowledgement
             * @instance
             */
            Acknowledgement.prototype.route = null;

            /**
             * Acknowledgement trt.
             * @member {dccrouter.v1.ITrtBudget|null|undefined} trt
             * @memberof dccrouter.v1.Acknowledgement
             * @instance
             */
            Acknowledgement.prototype.trt = null;

            /**
             * Acknowledgement bodyJson.
             * @member {string} bodyJson
             * @memberof dccrouter.v1.Acknowledgement
             * @instance
             */
            Acknowledgement.prototype.bodyJson = "";

            /**
             * Acknowledgement quarantine.
             * @member {dccrouter.v1.IQuarantine|null|undefined} quarantine
             * @memberof dccrouter.v1.Acknowledgement
             * @instance
             */
            Acknowledgement.prototype.quarantine = null;

            /**
             * Acknowledgement deletedBreach.
             * @member {string} deletedBreach
             * @memberof dccrouter.v1.Acknowledgement
             * @instance
             */
            Acknowledgement.prototype.deletedBreach = "";

            /**
             * Creates a new Acknowledgement instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.Acknowledgement
             * @static
             * @param {dccrouter.v1.IAcknowledgement=} [properties] Properties to set
             * @returns {dccrouter.v1.Acknowledgement} Acknowledgement instance
             */
            Acknowledgement.create = function create(properties) {
                return new Acknowledgement(properties);
            };

            /**
             * Encodes the specified Acknowledgement message. Does not implicitly {@link dccrouter.v1.Acknowledgement.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.Acknowledgement
             * @static
             * @param {dccrouter.v1.IAcknowledgement} message Acknowledgement message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Acknowledgement.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId"))
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.requestId);
                if (message.responseCode != null && Object.hasOwnProperty.call(message, "responseCode"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.responseCode);
                if (message.responseDateTime != null && Object.hasOwnProperty.call(message, "responseDateTime"))
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.responseDateTime);
                if (message.route != null && Object.hasOwnProperty.call(message, "route"))
                    $root.dccrouter.v1.Route.encode(message.route, writer.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
                if (message.trt != null && Object.hasOwnProperty.call(message, "trt"))
                    $root.dccrouter.v1.TrtBudget.encode(message.trt, writer.uint32(/* id 5, wireType 2 =*/42).fork(), q + 1).ldelim();
                if (message.bodyJson != null && Object.hasOwnProperty.call(message, "bodyJson"))
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.bodyJson);
                if (message.quarantine != null && Object.hasOwnProperty.call(message, "quarantine"))
                    $root.dccrouter.v1.Quarantine.encode(message.quarantine, writer.uint32(/* id 7, wireType 2 =*/58).fork(), q + 1).ldelim();
                if (message.deletedBreach != null && Object.hasOwnProperty.call(message, "deletedBreach"))
                    writer.uint32(/* id 8, wireType 2 =*/66).string(message.deletedBreach);
                return writer;
            };

            /**
             * Encodes the specified Acknowledgement message, length delimited. Does not implicitly {@link dccrouter.v1.Acknowledgement.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.Acknowledgement
             * @static
             * @param {dccrouter.v1.IAcknowledgement} message Acknowledgement message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Acknowledgement.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes an Acknowledgement message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.Acknowledgement
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.Acknowledgement} Acknowledgement
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Acknowledgement.decode = function decode(reader, length, error, long) {
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
                message = new $root.dccrouter.v1.Acknowledgement();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.requestId = reader.string();
                            break;
                        }
                    case 2: {
                            message.responseCode = reader.string();
                            break;
                        }
                    case 3: {
                            message.responseDateTime = reader.string();
                            break;
                        }
                    case 4: {
                            message.route = $root.dccrouter.v1.Route.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 5: {
                            message.trt = $root.dccrouter.v1.TrtBudget.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 6: {
                            message.bodyJson = reader.string();
                            break;
                        }
                    case 7: {
                            message.quarantine = $root.dccrouter.v1.Quarantine.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 8: {
                            message.deletedBreach = reader.string();
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
             * Decodes an Acknowledgement message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.Acknowledgement
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.Acknowledgement} Acknowledgement
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Acknowledgement.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies an Acknowledgement message.
             * @function verify
             * @memberof dccrouter.v1.Acknowledgement
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Acknowledgement.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId"))
                    if (!$util.isString(message.requestId))
                        return "requestId: string expected";
                if (message.responseCode != null && Object.hasOwnProperty.call(message, "responseCode"))
                    if (!$util.isString(message.responseCode))
                        return "responseCode: string expected";
                if (message.responseDateTime != null && Object.hasOwnProperty.call(message, "responseDateTime"))
                    if (!$util.isString(message.responseDateTime))
                        return "responseDateTime: string expected";
                if (message.route != null && Object.hasOwnProperty.call(message, "route")) {
                    let error = $root.dccrouter.v1.Route.verify(message.route, long + 1);
                    if (error)
                        return "route." + error;
                }
                if (message.trt != null && Object.hasOwnProperty.call(message, "trt")) {
                    let error = $root.dccrouter.v1.TrtBudget.verify(message.trt, long + 1);
                    if (error)
                        return "trt." + error;
                }
                if (message.bodyJson != null && Object.hasOwnProperty.call(message, "bodyJson"))
                    if (!$util.isString(message.bodyJson))
                        return "bodyJson: string expected";
                if (message.quarantine != null && Object.hasOwnProperty.call(message, "quarantine")) {
                    let error = $root.dccrouter.v1.Quarantine.verify(message.quarantine, long + 1);
                    if (error)
                        return "quarantine." + error;
                }
                if (message.deletedBreach != null && Object.hasOwnProperty.call(message, "deletedBreach"))
                    if (!$util.isString(message.deletedBreach))
                        return "deletedBreach: string expected";
                return null;
            };

            /**
             * Creates an Acknowledgement message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.Acknowledgement
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.Acknowledgement} Acknowledgement
             */
            Acknowledgement.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.Acknowledgement)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.Acknowledgement: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.Acknowledgement();
                if (object.requestId != null)
                    message.requestId = String(object.requestId);
                if (object.responseCode != null)
                    message.responseCode = String(object.responseCode);
                if (object.responseDateTime != null)
                    message.responseDateTime = String(object.responseDateTime);
                if (object.route != null) {
                    if (!$util.isObject(object.route))
                        throw TypeError(".dccrouter.v1.Acknowledgement.route: object expected");
                    message.route = $root.dccrouter.v1.Route.fromObject(object.route, long + 1);
                }
                if (object.trt != null) {
                    if (!$util.isObject(object.trt))
                        throw TypeError(".dccrouter.v1.Acknowledgement.trt: object expected");
                    message.trt = $root.dccrouter.v1.TrtBudget.fromObject(object.trt, long + 1);
                }
                if (object.bodyJson != null)
                    message.bodyJson = String(object.bodyJson);
                if (object.quarantine != null) {
                    if (!$util.isObject(object.quarantine))
                        throw TypeError(".dccrouter.v1.Acknowledgement.quarantine: object expected");
                    message.quarantine = $root.dccrouter.v1.Quarantine.fromObject(object.quarantine, long + 1);
                }
                if (object.deletedBreach != null)
                    message.deletedBreach = String(object.deletedBreach);
                return message;
            };

            /**
             * Creates a plain object from an Acknowledgement message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.Acknowledgement
             * @static
             * @param {dccrouter.v1.Acknowledgement} message Acknowledgement
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Acknowledgement.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.requestId = "";
                    object.responseCode = "";
                    object.responseDateTime = "";
                    object.route = null;
                    object.trt = null;
                    object.bodyJson = "";
                    object.quarantine = null;
                    object.deletedBreach = "";
                }
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId"))
                    object.requestId = message.requestId;
                if (message.responseCode != null && Object.hasOwnProperty.call(message, "responseCode"))
                    object.responseCode = message.responseCode;
                if (message.responseDateTime != null && Object.hasOwnProperty.call(message, "responseDateTime"))
                    object.responseDateTime = message.responseDateTime;
                if (message.route != null && Object.hasOwnProperty.call(message, "route"))
                    object.route = $root.dccrouter.v1.Route.toObject(message.route, options, q + 1);
                if (message.trt != null && Object.hasOwnProperty.call(message, "trt"))
                    object.trt = $root.dccrouter.v1.TrtBudget.toObject(message.trt, options, q + 1);
                if (message.bodyJson != null && Object.hasOwnProperty.call(message, "bodyJson"))
                    object.bodyJson = message.bodyJson;
                if (message.quarantine != null && Object.hasOwnProperty.call(message, "quarantine"))
                    object.quarantine = $root.dccrouter.v1.Quarantine.toObject(message.quarantine, options, q + 1);
                if (message.deletedBreach != null && Object.hasOwnProperty.call(message, "deletedBreach"))
                    object.deletedBreach = message.deletedBreach;
                return object;
            };

            /**
             * Converts this Acknowledgement to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.Acknowledgement
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Acknowledgement.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for Acknowledgement
             * @function getTypeUrl
             * @memberof dccrouter.v1.Acknowledgement
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            Acknowledgement.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.Acknowledgement";
            };

            return Acknowledgement;
        })();

        v1.Route = (function() {

            /**
             * Properties of a Route.
             * @memberof dccrouter.v1
             * @interface IRoute
             * @property {string|null} [generation] Route generation
             * @property {string|null} [destination] Route destination
             */

            /**
             * Constructs a new Route.
             * @memberof dccrouter.v1
             * @classdesc Represents a Route.
             * @implements IRoute
             * @constructor
             * @param {dccrouter.v1.IRoute=} [properties] Properties to set
             */
            function Route(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * Route generation.
             * @member {string} generation
             * @memberof dccrouter.v1.Route
             * @instance
             */
            Route.prototype.generation = "";

            /**
             * Route destination.
             * @member {string} destination
             * @memberof dccrouter.v1.Route
             * @instance
             */
            Route.prototype.destination = "";

            /**
             * Creates a new Route instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.Route
             * @static
             * @param {dccrouter.v1.IRoute=} [properties] Properties to set
             * @returns {dccrouter.v1.Route} Route instance
             */
            Route.create = function create(properties) {
                return new Route(properties);
            };

            /**
             * Encodes the specified Route message. Does not implicitly {@link dccrouter.v1.Route.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.Route
             * @static
             * @param {dccrouter.v1.IRoute} message Route message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Route.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.generation != null && Object.hasOwnProperty.call(message, "generation"))
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.generation);
                if (message.destination != null && Object.hasOwnProperty.call(message, "destination"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.destination);
                return writer;
            };

            /**
             * Encodes the specified Route message, length delimited. Does not implicitly {@link dccrouter.v1.Route.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.Route
             * @static
             * @param {dccrouter.v1.IRoute} message Route message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Route.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a Route message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.Route
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.Route} Route
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Route.decode = function decode(reader, length, error, long) {
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
                message = new $root.dccrouter.v1.Route();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.generation = reader.string();
                            break;
                        }
                    case 2: {
                            message.destination = reader.string();
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
             * Decodes a Route message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.Route
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.Route} Route
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Route.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a Route message.
             * @function verify
             * @memberof dccrouter.v1.Route
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Route.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.generation != null && Object.hasOwnProperty.call(message, "generation"))
                    if (!$util.isString(message.generation))
                        return "generation: string expected";
                if (message.destination != null && Object.hasOwnProperty.call(message, "destination"))
                    if (!$util.isString(message.destination))
                        return "destination: string expected";
                return null;
            };

            /**
             * Creates a Route message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.Route
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.Route} Route
             */
            Route.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.Route)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.Route: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.Route();
                if (object.generation != null)
                    message.generation = String(object.generation);
                if (object.destination != null)
                    message.destination = String(object.destination);
                return message;
            };

            /**
             * Creates a plain object from a Route message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.Route
             * @static
             * @param {dccrouter.v1.Route} message Route
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Route.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.generation = "";
                    object.destination = "";
                }
                if (message.generation != null && Object.hasOwnProperty.call(message, "generation"))
                    object.generation = message.generation;
                if (message.destination != null && Object.hasOwnProperty.call(message, "destination"))
                    object.destination = message.destination;
                return object;
            };

            /**
             * Converts this Route to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.Route
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Route.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for Route
             * @function getTypeUrl
             * @memberof dccrouter.v1.Route
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            Route.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.Route";
            };

            return Route;
        })();

        v1.TrtBudget = (function() {

            /**
             * Properties of a TrtBudget.
             * @memberof dccrouter.v1
             * @interface ITrtBudget
             * @property {Long|null} [budgetMs] TrtBudget budgetMs
             * @property {string|null} [deadline] TrtBudget deadline
             */

            /**
             * Constructs a new TrtBudget.
             * @memberof dccrouter.v1
             * @classdesc Represents a TrtBudget.
             * @implements ITrtBudget
             * @constructor
             * @param {dccrouter.v1.ITrtBudget=} [properties] Properties to set
             */
            function TrtBudget(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * TrtBudget budgetMs.
             * @member {Long} budgetMs
             * @memberof dccrouter.v1.TrtBudget
             * @instance
             */
            TrtBudget.prototype.budgetMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * TrtBudget deadline.
             * @member {string} deadline
             * @memberof dccrouter.v1.TrtBudget
             * @instance
             */
            TrtBudget.prototype.deadline = "";

            /**
             * Creates a new TrtBudget instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.TrtBudget
             * @static
             * @param {dccrouter.v1.ITrtBudget=} [properties] Properties to set
             * @returns {dccrouter.v1.TrtBudget} TrtBudget instance
             */
            TrtBudget.create = function create(properties) {
                return new TrtBudget(properties);
            };

            /**
             * Encodes the specified TrtBudget message. Does not implicitly {@link dccrouter.v1.TrtBudget.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.TrtBudget
             * @static
             * @param {dccrouter.v1.ITrtBudget} message TrtBudget message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            TrtBudget.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.budgetMs != null && Object.hasOwnProperty.call(message, "budgetMs"))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.budgetMs);
                if (message.deadline != null && Object.hasOwnProperty.call(message, "deadline"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.deadline);
                return writer;
            };

            /**
             * Encodes the specified TrtBudget message, length delimited. Does not implicitly {@link dccrouter.v1.TrtBudget.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.TrtBudget
             * @static
             * @param {dccrouter.v1.ITrtBudget} message TrtBudget message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            TrtBudget.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a TrtBudget message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.TrtBudget
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.TrtBudget} TrtBudget
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            TrtBudget.decode = function decode(reader, length, error, long) {
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
                message = new $root.dccrouter.v1.TrtBudget();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.budgetMs = reader.uint64();
                            break;
                        }
                    case 2: {
                            message.deadline = reader.string();
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
             * Decodes a TrtBudget message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.TrtBudget
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.TrtBudget} TrtBudget
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            TrtBudget.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a TrtBudget message.
             * @function verify
             * @memberof dccrouter.v1.TrtBudget
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            TrtBudget.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.budgetMs != null && Object.hasOwnProperty.call(message, "budgetMs"))
                    if (!$util.isInteger(message.budgetMs) && !(message.budgetMs && $util.isInteger(message.budgetMs.low) && $util.isInteger(message.budgetMs.high)))
                        return "budgetMs: integer|Long expected";
                if (message.deadline != null && Object.hasOwnProperty.call(message, "deadline"))
                    if (!$util.isString(message.deadline))
                        return "deadline: string expected";
                return null;
            };

            /**
             * Creates a TrtBudget message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.TrtBudget
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.TrtBudget} TrtBudget
             */
            TrtBudget.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.TrtBudget)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.TrtBudget: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.TrtBudget();
                if (object.budgetMs != null)
                    if ($util.Long)
                        message.budgetMs = $util.Long.fromValue(object.budgetMs, true);
                    else if (typeof object.budgetMs === "string")
                        message.budgetMs = parseInt(object.budgetMs, 10);
                    else if (typeof object.budgetMs === "number")
                        message.budgetMs = object.budgetMs;
                    else if (typeof object.budgetMs === "object")
                        message.budgetMs = new $util.LongBits(object.budgetMs.low >>> 0, object.budgetMs.high >>> 0).toNumber(true);
                if (object.deadline != null)
                    message.deadline = String(object.deadline);
                return message;
            };

            /**
             * Creates a plain object from a TrtBudget message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.TrtBudget
             * @static
             * @param {dccrouter.v1.TrtBudget} message TrtBudget
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            TrtBudget.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.budgetMs = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.budgetMs = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                    object.deadline = "";
                }
                if (message.budgetMs != null && Object.hasOwnProperty.call(message, "budgetMs"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.budgetMs = typeof message.budgetMs === "number" ? BigInt(message.budgetMs) : $util.Long.fromBits(message.budgetMs.low >>> 0, message.budgetMs.high >>> 0, true).toBigInt();
                    else if (typeof message.budgetMs === "number")
                        object.budgetMs = options.longs === String ? String(message.budgetMs) : message.budgetMs;
                    else
                        object.budgetMs = options.longs === String ? $util.Long.prototype.toString.call(message.budgetMs) : options.longs === Number ? new $util.LongBits(message.budgetMs.low >>> 0, message.budgetMs.high >>> 0).toNumber(true) : message.budgetMs;
                if (message.deadline != null && Object.hasOwnProperty.call(message, "deadline"))
                    object.deadline = message.deadline;
                return object;
            };

            /**
             * Converts this TrtBudget to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.TrtBudget
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            TrtBudget.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for TrtBudget
             * @function getTypeUrl
             * @memberof dccrouter.v1.TrtBudget
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            TrtBudget.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.TrtBudget";
            };

            return TrtBudget;
        })();

        v1.Quarantine = (function() {

            /**
             * Properties of a Quarantine.
             * @memberof dccrouter.v1
             * @interface IQuarantine
             * @property {string|null} [ref] Quarantine ref
             * @property {string|null} [breach] Quarantine breach
             */

            /**
             * Constructs a new Quarantine.
             * @memberof dccrouter.v1
             * @classdesc Represents a Quarantine.
             * @implements IQuarantine
             * @constructor
             * @param {dccrouter.v1.IQuarantine=} [properties] Properties to set
             */
            function Quarantine(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * Quarantine ref.
             * @member {string} ref
             * @memberof dccrouter.v1.Quarantine
             * @instance
             */
            Quarantine.prototype.ref = "";

            /**
             * Quarantine breach.
             * @member {string} breach
             * @memberof dccrouter.v1.Quarantine
             * @instance
             */
            Quarantine.prototype.breach = "";

            /**
             * Creates a new Quarantine instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.Quarantine
             * @static
             * @param {dccrouter.v1.IQuarantine=} [properties] Properties to set
             * @returns {dccrouter.v1.Quarantine} Quarantine instance
             */
            Quarantine.create = function create(properties) {
                return new Quarantine(properties);
            };

            /**
             * Encodes the specified Quarantine message. Does not implicitly {@link dccrouter.v1.Quarantine.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.Quarantine
             * @static
             * @param {dccrouter.v1.IQuarantine} message Quarantine message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Quarantine.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.ref != null && Object.hasOwnProperty.call(message, "ref"))
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.ref);
                if (message.breach != null && Object.hasOwnProperty.call(message, "breach"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.breach);
                return writer;
            };

            /**
             * Encodes the specified Quarantine message, length delimited. Does not implicitly {@link dccrouter.v1.Quarantine.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.Quarantine
             * @static
             * @param {dccrouter.v1.IQuarantine} message Quarantine message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Quarantine.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a Quarantine message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.Quarantine
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.Quarantine} Quarantine
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Quarantine.decode = function decode(reader, length, error, long) {
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
                message = new $root.dccrouter.v1.Quarantine();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.ref = reader.string();
                            break;
                        }
                    case 2: {
                            message.breach = reader.string();
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
             * Decodes a Quarantine message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.Quarantine
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.Quarantine} Quarantine
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Quarantine.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a Quarantine message.
             * @function verify
             * @memberof dccrouter.v1.Quarantine
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Quarantine.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.ref != null && Object.hasOwnProperty.call(message, "ref"))
                    if (!$util.isString(message.ref))
                        return "ref: string expected";
                if (message.breach != null && Object.hasOwnProperty.call(message, "breach"))
                    if (!$util.isString(message.breach))
                        return "breach: string expected";
                return null;
            };

            /**
             * Creates a Quarantine message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.Quarantine
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.Quarantine} Quarantine
             */
            Quarantine.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.Quarantine)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.Quarantine: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.Quarantine();
                if (object.ref != null)
                    message.ref = String(object.ref);
                if (object.breach != null)
                    message.breach = String(object.breach);
                return message;
            };

            /**
             * Creates a plain object from a Quarantine message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.Quarantine
             * @static
             * @param {dccrouter.v1.Quarantine} message Quarantine
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Quarantine.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.ref = "";
                    object.breach = "";
                }
                if (message.ref != null && Object.hasOwnProperty.call(message, "ref"))
                    object.ref = message.ref;
                if (message.breach != null && Object.hasOwnProperty.call(message, "breach"))
                    object.breach = message.breach;
                return object;
            };

            /**
             * Converts this Quarantine to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.Quarantine
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Quarantine.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for Quarantine
             * @function getTypeUrl
             * @memberof dccrouter.v1.Quarantine
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            Quarantine.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.Quarantine";
            };

            return Quarantine;
        })();

        v1.Refusal = (function() {

            /**
             * Properties of a Refusal.
             * @memberof dccrouter.v1
             * @interface IRefusal
             * @property {string|null} [reason] Refusal reason
             * @property {string|null} [message] Refusal message
             * @property {string|null} [responseCode] Refusal responseCode
             * @property {number|null} [httpStatus] Refusal httpStatus
             * @property {number|null} [retryAfterMs] Refusal retryAfterMs
             */

            /**
             * Constructs a new Refusal.
             * @memberof dccrouter.v1
             * @classdesc Represents a Refusal.
             * @implements IRefusal
             * @constructor
             * @param {dccrouter.v1.IRefusal=} [properties] Properties to set
             */
            function Refusal(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * Refusal reason.
             * @member {string} reason
             * @memberof dccrouter.v1.Refusal
             * @instance
             */
            Refusal.prototype.reason = "";

            /**
             * Refusal message.
             * @member {string} message
             * @memberof dccrouter.v1.Refusal
             * @instance
             */
            Refusal.prototype.message = "";

            /**
             * Refusal responseCode.
             * @member {string} responseCode
             * @memberof dccrouter.v1.Refusal
             * @instance
             */
            Refusal.prototype.responseCode = "";

            /**
             * Refusal httpStatus.
             * @member {number} httpStatus
             * @memberof dccrouter.v1.Refusal
             * @instance
             */
            Refusal.prototype.httpStatus = 0;

            /**
             * Refusal retryAfterMs.
             * @member {number} retryAfterMs
             * @memberof dccrouter.v1.Refusal
             * @instance
             */
            Refusal.prototype.retryAfterMs = 0;

            /**
             * Creates a new Refusal instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.Refusal
             * @static
             * @param {dccrouter.v1.IRefusal=} [properties] Properties to set
             * @returns {dccrouter.v1.Refusal} Refusal instance
             */
            Refusal.create = function create(properties) {
                return new Refusal(properties);
            };

            /**
             * Encodes the specified Refusal message. Does not implicitly {@link dccrouter.v1.Refusal.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.Refusal
             * @static
             * @param {dccrouter.v1.IRefusal} message Refusal message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Refusal.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.reason != null && Object.hasOwnProperty.call(message, "reason"))
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.reason);
                if (message.message != null && Object.hasOwnProperty.call(message, "message"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.message);
                if (message.responseCode != null && Object.hasOwnProperty.call(message, "responseCode"))
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.responseCode);
                if (message.httpStatus != null && Object.hasOwnProperty.call(message, "httpStatus"))
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.httpStatus);
                if (message.retryAfterMs != null && Object.hasOwnProperty.call(message, "retryAfterMs"))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.retryAfterMs);
                return writer;
            };

            /**
             * Encodes the specified Refusal message, length delimited. Does not implicitly {@link dccrouter.v1.Refusal.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.Refusal
             * @static
             * @param {dccrouter.v1.IRefusal} message Refusal message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Refusal.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a Refusal message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.Refusal
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.Refusal} Refusal
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Refusal.decode = function decode(reader, length, error, long) {
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
                message = new $root.dccrouter.v1.Refusal();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.reason = reader.string();
                            break;
                        }
                    case 2: {
                            message.message = reader.string();
                            break;
                        }
                    case 3: {
                            message.responseCode = reader.string();
                            break;
                        }
                    case 4: {
                            message.httpStatus = reader.uint32();
                            break;
                        }
                    case 5: {
                            message.retryAfterMs = reader.uint32();
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
             * Decodes a Refusal message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.Refusal
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.Refusal} Refusal
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Refusal.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a Refusal message.
             * @function verify
             * @memberof dccrouter.v1.Refusal
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Refusal.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.reason != null && Object.hasOwnProperty.call(message, "reason"))
                    if (!$util.isString(message.reason))
                        return "reason: string expected";
                if (message.message != null && Object.hasOwnProperty.call(message, "message"))
                    if (!$util.isString(message.message))
                        return "message: string expected";
                if (message.responseCode != null && Object.hasOwnProperty.call(message, "responseCode"))
                    if (!$util.isString(message.responseCode))
                        return "responseCode: string expected";
                if (message.httpStatus != null && Object.hasOwnProperty.call(message, "httpStatus"))
                    if (!$util.isInteger(message.httpStatus))
                        return "httpStatus: integer expected";
                if (message.retryAfterMs != null && Object.hasOwnProperty.call(message, "retryAfterMs"))
                    if (!$util.isInteger(message.retryAfterMs))
                        return "retryAfterMs: integer expected";
                return null;
            };

            /**
             * Creates a Refusal message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.Refusal
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.Refusal} Refusal
             */
            Refusal.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.Refusal)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.Refusal: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.Refusal();
                if (object.reason != null)
                    message.reason = String(object.reason);
                if (object.message != null)
                    message.message = String(object.message);
                if (object.responseCode != null)
                    message.responseCode = String(object.responseCode);
                if (object.httpStatus != null)
                    message.httpStatus = object.httpStatus >>> 0;
                if (object.retryAfterMs != null)
                    message.retryAfterMs = object.retryAfterMs >>> 0;
                return message;
            };

            /**
             * Creates a plain object from a Refusal message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.Refusal
             * @static
             * @param {dccrouter.v1.Refusal} message Refusal
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Refusal.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.reason = "";
                    object.message = "";
                    object.responseCode = "";
                    object.httpStatus = 0;
                    object.retryAfterMs = 0;
                }
                if (message.reason != null && Object.hasOwnProperty.call(message, "reason"))
                    object.reason = message.reason;
                if (message.message != null && Object.hasOwnProperty.call(message, "message"))
                    object.message = message.message;
                if (message.responseCode != null && Object.hasOwnProperty.call(message, "responseCode"))
                    object.responseCode = message.responseCode;
                if (message.httpStatus != null && Object.hasOwnProperty.call(message, "httpStatus"))
                    object.httpStatus = message.httpStatus;
                if (message.retryAfterMs != null && Object.hasOwnProperty.call(message, "retryAfterMs"))
                    object.retryAfterMs = message.retryAfterMs;
                return object;
            };

            /**
             * Converts this Refusal to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.Refusal
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Refusal.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for Refusal
             * @function getTypeUrl
             * @memberof dccrouter.v1.Refusal
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            Refusal.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.Refusal";
            };

            return Refusal;
        })();

        v1.FeedRequest = (function() {

            /**
             * Properties of a FeedRequest.
             * @memberof dccrouter.v1
             * @interface IFeedRequest
             * @property {string|null} [after] FeedRequest after
             */

            /**
             * Constructs a new FeedRequest.
             * @memberof dccrouter.v1
             * @classdesc Represents a FeedRequest.
             * @implements IFeedRequest
             * @constructor
             * @param {dccrouter.v1.IFeedRequest=} [properties] Properties to set
             */
            function FeedRequest(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * FeedRequest after.
             * @member {string} after
             * @memberof dccrouter.v1.FeedRequest
             * @instance
             */
            FeedRequest.prototype.after = "";

            /**
             * Creates a new FeedRequest instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.FeedRequest
             * @static
             * @param {dccrouter.v1.IFeedRequest=} [properties] Properties to set
             * @returns {dccrouter.v1.FeedRequest} FeedRequest instance
             */
            FeedRequest.create = function create(properties) {
                return new FeedRequest(properties);
            };

            /**
             * Encodes the specified FeedRequest message. Does not implicitly {@link dccrouter.v1.FeedRequest.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.FeedRequest
             * @static
             * @param {dccrouter.v1.IFeedRequest} message FeedRequest message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            FeedRequest.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.after != null && Object.hasOwnProperty.call(message, "after"))
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.after);
                return writer;
            };

            /**
             * Encodes the specified FeedRequest message, length delimited. Does not implicitly {@link dccrouter.v1.FeedRequest.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.FeedRequest
             * @static
             * @param {dccrouter.v1.IFeedRequest} message FeedRequest message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            FeedRequest.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes a FeedRequest message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.FeedRequest
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.FeedRequest} FeedRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            FeedRequest.decode = function decode(reader, length, error, long) {
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
                message = new $root.dccrouter.v1.FeedRequest();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.after = reader.string();
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
             * Decodes a FeedRequest message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.FeedRequest
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.FeedRequest} FeedRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            FeedRequest.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies a FeedRequest message.
             * @function verify
             * @memberof dccrouter.v1.FeedRequest
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            FeedRequest.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.after != null && Object.hasOwnProperty.call(message, "after"))
                    if (!$util.isString(message.after))
                        return "after: string expected";
                return null;
            };

            /**
             * Creates a FeedRequest message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.FeedRequest
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.FeedRequest} FeedRequest
             */
            FeedRequest.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.FeedRequest)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.FeedRequest: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.FeedRequest();
                if (object.after != null)
                    message.after = String(object.after);
                return message;
            };

            /**
             * Creates a plain object from a FeedRequest message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.FeedRequest
             * @static
             * @param {dccrouter.v1.FeedRequest} message FeedRequest
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            FeedRequest.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults)
                    object.after = "";
                if (message.after != null && Object.hasOwnProperty.call(message, "after"))
                    object.after = message.after;
                return object;
            };

            /**
             * Converts this FeedRequest to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.FeedRequest
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            FeedRequest.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for FeedRequest
             * @function getTypeUrl
             * @memberof dccrouter.v1.FeedRequest
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            FeedRequest.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.FeedRequest";
            };

            return FeedRequest;
        })();

        v1.OutboxItem = (function() {

            /**
             * Properties of an OutboxItem.
             * @memberof dccrouter.v1
             * @interface IOutboxItem
             * @property {string|null} [cursor] OutboxItem cursor
             * @property {string|null} [kind] OutboxItem kind
             * @property {string|null} [requestId] OutboxItem requestId
             * @property {string|null} [responseId] OutboxItem responseId
             * @property {string|null} [responseCode] OutboxItem responseCode
             * @property {string|null} [alertCode] OutboxItem alertCode
             * @property {string|null} [bodyJson] OutboxItem bodyJson
             * @property {string|null} [itemJson] OutboxItem itemJson
             */

            /**
             * Constructs a new OutboxItem.
             * @memberof dccrouter.v1
             * @classdesc Represents an OutboxItem.
             * @implements IOutboxItem
             * @constructor
             * @param {dccrouter.v1.IOutboxItem=} [properties] Properties to set
             */
            function OutboxItem(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            /**
             * OutboxItem cursor.
             * @member {string} cursor
             * @memberof dccrouter.v1.OutboxItem
             * @instance
             */
            OutboxItem.prototype.cursor = "";

            /**
             * OutboxItem kind.
             * @member {string} kind
             * @memberof dccrouter.v1.OutboxItem
             * @instance
             */
            OutboxItem.prototype.kind = "";

            /**
             * OutboxItem requestId.
             * @member {string} requestId
             * @memberof dccrouter.v1.OutboxItem
             * @instance
             */
            OutboxItem.prototype.requestId = "";

            /**
             * OutboxItem responseId.
             * @member {string} responseId
             * @memberof dccrouter.v1.OutboxItem
             * @instance
             */
            OutboxItem.prototype.responseId = "";

            /**
             * OutboxItem responseCode.
             * @member {string} responseCode
             * @memberof dccrouter.v1.OutboxItem
             * @instance
             */
            OutboxItem.prototype.responseCode = "";

            /**
             * OutboxItem alertCode.
             * @member {string} alertCode
             * @memberof dccrouter.v1.OutboxItem
             * @instance
             */
            OutboxItem.prototype.alertCode = "";

            /**
             * OutboxItem bodyJson.
             * @member {string} bodyJson
             * @memberof dccrouter.v1.OutboxItem
             * @instance
             */
            OutboxItem.prototype.bodyJson = "";

            /**
             * OutboxItem itemJson.
             * @member {string} itemJson
             * @memberof dccrouter.v1.OutboxItem
             * @instance
             */
            OutboxItem.prototype.itemJson = "";

            /**
             * Creates a new OutboxItem instance using the specified properties.
             * @function create
             * @memberof dccrouter.v1.OutboxItem
             * @static
             * @param {dccrouter.v1.IOutboxItem=} [properties] Properties to set
             * @returns {dccrouter.v1.OutboxItem} OutboxItem instance
             */
            OutboxItem.create = function create(properties) {
                return new OutboxItem(properties);
            };

            /**
             * Encodes the specified OutboxItem message. Does not implicitly {@link dccrouter.v1.OutboxItem.verify|verify} messages.
             * @function encode
             * @memberof dccrouter.v1.OutboxItem
             * @static
             * @param {dccrouter.v1.IOutboxItem} message OutboxItem message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            OutboxItem.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.cursor != null && Object.hasOwnProperty.call(message, "cursor"))
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.cursor);
                if (message.kind != null && Object.hasOwnProperty.call(message, "kind"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.kind);
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId"))
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.requestId);
                if (message.responseId != null && Object.hasOwnProperty.call(message, "responseId"))
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.responseId);
                if (message.responseCode != null && Object.hasOwnProperty.call(message, "responseCode"))
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.responseCode);
                if (message.alertCode != null && Object.hasOwnProperty.call(message, "alertCode"))
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.alertCode);
                if (message.bodyJson != null && Object.hasOwnProperty.call(message, "bodyJson"))
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.bodyJson);
                if (message.itemJson != null && Object.hasOwnProperty.call(message, "itemJson"))
                    writer.uint32(/* id 8, wireType 2 =*/66).string(message.itemJson);
                return writer;
            };

            /**
             * Encodes the specified OutboxItem message, length delimited. Does not implicitly {@link dccrouter.v1.OutboxItem.verify|verify} messages.
             * @function encodeDelimited
             * @memberof dccrouter.v1.OutboxItem
             * @static
             * @param {dccrouter.v1.IOutboxItem} message OutboxItem message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            OutboxItem.encodeDelimited = function encodeDelimited(message, writer) {
                return this.encode(message, writer && writer.len ? writer.fork() : writer).ldelim();
            };

            /**
             * Decodes an OutboxItem message from the specified reader or buffer.
             * @function decode
             * @memberof dccrouter.v1.OutboxItem
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {dccrouter.v1.OutboxItem} OutboxItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            OutboxItem.decode = function decode(reader, length, error, long) {
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
                message = new $root.dccrouter.v1.OutboxItem();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.cursor = reader.string();
                            break;
                        }
                    case 2: {
                            message.kind = reader.string();
                            break;
                        }
                    case 3: {
                            message.requestId = reader.string();
                            break;
                        }
                    case 4: {
                            message.responseId = reader.string();
                            break;
                        }
                    case 5: {
                            message.responseCode = reader.string();
                            break;
                        }
                    case 6: {
                            message.alertCode = reader.string();
                            break;
                        }
                    case 7: {
                            message.bodyJson = reader.string();
                            break;
                        }
                    case 8: {
                            message.itemJson = reader.string();
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
             * Decodes an OutboxItem message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof dccrouter.v1.OutboxItem
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {dccrouter.v1.OutboxItem} OutboxItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            OutboxItem.decodeDelimited = function decodeDelimited(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.uint32());
            };

            /**
             * Verifies an OutboxItem message.
             * @function verify
             * @memberof dccrouter.v1.OutboxItem
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            OutboxItem.verify = function verify(message, long) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    return "maximum nesting depth exceeded";
                if (message.cursor != null && Object.hasOwnProperty.call(message, "cursor"))
                    if (!$util.isString(message.cursor))
                        return "cursor: string expected";
                if (message.kind != null && Object.hasOwnProperty.call(message, "kind"))
                    if (!$util.isString(message.kind))
                        return "kind: string expected";
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId"))
                    if (!$util.isString(message.requestId))
                        return "requestId: string expected";
                if (message.responseId != null && Object.hasOwnProperty.call(message, "responseId"))
                    if (!$util.isString(message.responseId))
                        return "responseId: string expected";
                if (message.responseCode != null && Object.hasOwnProperty.call(message, "responseCode"))
                    if (!$util.isString(message.responseCode))
                        return "responseCode: string expected";
                if (message.alertCode != null && Object.hasOwnProperty.call(message, "alertCode"))
                    if (!$util.isString(message.alertCode))
                        return "alertCode: string expected";
                if (message.bodyJson != null && Object.hasOwnProperty.call(message, "bodyJson"))
                    if (!$util.isString(message.bodyJson))
                        return "bodyJson: string expected";
                if (message.itemJson != null && Object.hasOwnProperty.call(message, "itemJson"))
                    if (!$util.isString(message.itemJson))
                        return "itemJson: string expected";
                return null;
            };

            /**
             * Creates an OutboxItem message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof dccrouter.v1.OutboxItem
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {dccrouter.v1.OutboxItem} OutboxItem
             */
            OutboxItem.fromObject = function fromObject(object, long) {
                if (object instanceof $root.dccrouter.v1.OutboxItem)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".dccrouter.v1.OutboxItem: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let message = new $root.dccrouter.v1.OutboxItem();
                if (object.cursor != null)
                    message.cursor = String(object.cursor);
                if (object.kind != null)
                    message.kind = String(object.kind);
                if (object.requestId != null)
                    message.requestId = String(object.requestId);
                if (object.responseId != null)
                    message.responseId = String(object.responseId);
                if (object.responseCode != null)
                    message.responseCode = String(object.responseCode);
                if (object.alertCode != null)
                    message.alertCode = String(object.alertCode);
                if (object.bodyJson != null)
                    message.bodyJson = String(object.bodyJson);
                if (object.itemJson != null)
                    message.itemJson = String(object.itemJson);
                return message;
            };

            /**
             * Creates a plain object from an OutboxItem message. Also converts values to other types if specified.
             * @function toObject
             * @memberof dccrouter.v1.OutboxItem
             * @static
             * @param {dccrouter.v1.OutboxItem} message OutboxItem
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            OutboxItem.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.cursor = "";
                    object.kind = "";
                    object.requestId = "";
                    object.responseId = "";
                    object.responseCode = "";
                    object.alertCode = "";
                    object.bodyJson = "";
                    object.itemJson = "";
                }
                if (message.cursor != null && Object.hasOwnProperty.call(message, "cursor"))
                    object.cursor = message.cursor;
                if (message.kind != null && Object.hasOwnProperty.call(message, "kind"))
                    object.kind = message.kind;
                if (message.requestId != null && Object.hasOwnProperty.call(message, "requestId"))
                    object.requestId = message.requestId;
                if (message.responseId != null && Object.hasOwnProperty.call(message, "responseId"))
                    object.responseId = message.responseId;
                if (message.responseCode != null && Object.hasOwnProperty.call(message, "responseCode"))
                    object.responseCode = message.responseCode;
                if (message.alertCode != null && Object.hasOwnProperty.call(message, "alertCode"))
                    object.alertCode = message.alertCode;
                if (message.bodyJson != null && Object.hasOwnProperty.call(message, "bodyJson"))
                    object.bodyJson = message.bodyJson;
                if (message.itemJson != null && Object.hasOwnProperty.call(message, "itemJson"))
                    object.itemJson = message.itemJson;
                return object;
            };

            /**
             * Converts this OutboxItem to JSON.
             * @function toJSON
             * @memberof dccrouter.v1.OutboxItem
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            OutboxItem.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the default type url for OutboxItem
             * @function getTypeUrl
             * @memberof dccrouter.v1.OutboxItem
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            OutboxItem.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dccrouter.v1.OutboxItem";
            };

            return OutboxItem;
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

            /**
             * Callback as used by {@link dccrouter.v1.Router#feed}.
             * @memberof dccrouter.v1.Router
             * @typedef FeedCallback
             * @type {function}
             * @param {Error|null} error Error, if any
             * @param {dccrouter.v1.OutboxItem} [response] OutboxItem
             */

            /**
             * Calls Feed.
             * @function feed
             * @memberof dccrouter.v1.Router
             * @instance
             * @param {dccrouter.v1.IFeedRequest} request FeedRequest message or plain object
             * @param {dccrouter.v1.Router.FeedCallback} callback Node-style callback called with the error, if any, and OutboxItem
             * @returns {undefined}
             * @variation 1
             */
            Object.defineProperty(Router.prototype.feed = function feed(request, callback) {
                return $protobuf.rpc.Service.prototype.rpcCall.call(this, feed, $root.dccrouter.v1.FeedRequest, $root.dccrouter.v1.OutboxItem, request, callback);
            }, "name", { value: "Feed" });

            /**
             * Calls Feed.
             * @function feed
             * @memberof dccrouter.v1.Router
             * @instance
             * @param {dccrouter.v1.IFeedRequest} request FeedRequest message or plain object
             * @returns {Promise<dccrouter.v1.OutboxItem>} Promise
             * @variation 2
             */

            return Router;
        })();

        return v1;
    })();

    return dccrouter;
})();

export { $root as default };
