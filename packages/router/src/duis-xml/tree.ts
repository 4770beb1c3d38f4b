import { isUtf8 } from 'node:buffer';
import { ParseOption, XmlDocument, XmlParseError } from 'libxml2-wasm';
// libxml2's own node structs, read field by field: libxml2-wasm's node objects cost more than the
// parse itself (about 34 µs a request, against 6 this way). The version is pinned exactly for it.
import { XmlNsStruct, XmlNodeStruct } from 'libxml2-wasm/lib/libxml2.mjs';

// A small, hardened XML tree for DUIS documents: parsed once by libxml2 (the same document the
// schema check validates), copied into plain objects that canonicalisation (C14N) and the DUIS
// mapping read, then freed.
//
// Hardening: a DOCTYPE (so any entity declaration, internal or external) is refused before
// libxml2 sees the bytes, as are processing instructions; only the predefined entities and
// character references are expanded (with no DTD, any other reference is not well-formed); an XML
// version other than 1.0 and an encoding other than UTF-8 are refused; elements nest at most
// MAX_XML_DEPTH deep; at most MAX_NAMESPACE_DECLARATIONS namespace declarations and MAX_ATTRIBUTES
// attributes; never the network.

/** How deep elements may nest: a DUIS request nests about a dozen levels. */
export const MAX_XML_DEPTH = 64;

/**
 * Namespace declarations a document may make, all elements together: a DUIS request makes a
 * handful (the DCC test suite's templates at most 4). Thousands of them would make canonicalising
 * the document cost far more than its size suggests, before its sender is even known.
 */
export const MAX_NAMESPACE_DECLARATIONS = 32;

/**
 * Attributes a document may have, all elements together: a DUIS request has a few (schemaVersion,
 * its signature's Algorithm and URI). Thousands cost the schema check tens of milliseconds (libxml2
 * describes each it refuses), before the sender is known.
 */
export const MAX_ATTRIBUTES = 256;

export interface XmlAttribute {
  name: string;
  prefix: string;
  local: string;
  uri: string;
  value: string;
}

export interface XmlElement {
  name: string;
  prefix: string;
  local: string;
  uri: string;
  /** Attributes other than namespace declarations, as written. */
  attributes: XmlAttribute[];
  /** Namespace declarations made on this element: prefix ('' for the default) to URI. */
  declarations: [prefix: string, uri: string][];
  /** Elements and text (adjacent text and CDATA merged into one string); comments are dropped. */
  children: XmlNode[];
  parent: XmlElement | undefined;
}

export type XmlNode = XmlElement | string;

export class XmlRefused extends Error {}

/**
 * A look at the parsed document before it is freed (the schema check): a string refuses it with
 * that reason.
 */
export type XmlCheck = (root: XmlElement, document: XmlDocument) => string | undefined;

const DOCTYPE = Buffer.from('<!DOCTYPE');
// Compact text nodes (about 2 µs of a parse), no network, no external entities.
const PARSE_OPTIONS = { option: ParseOption.XML_PARSE_COMPACT | ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE };

/** Parses a document's bytes; throws XmlRefused with the reason when it is not acceptable. */
export function parseXmlDocument(bytes: Uint8Array, check?: XmlCheck): XmlElement {
  if (!isUtf8(bytes)) throw new XmlRefused('body is not valid UTF-8');
  // NUL is valid UTF-8 but never XML 1.0 text: a UTF-16 (or UTF-32) document of ASCII characters
  // is valid UTF-8 byte for byte, and its DOCTYPE's bytes are not those looked for below.
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.indexOf(0) >= 0) throw new XmlRefused('body holds a NUL byte: UTF-16 and UTF-32 are not accepted, UTF-8 only');
  // A DOCTYPE can stand only before the document element; elsewhere these bytes are only in a
  // comment or CDATA, refused too rather than parse a DTD at all.
  if (view.includes(DOCTYPE)) {
    throw new XmlRefused(DOCTYPE_REFUSED);
  }
  let document: XmlDocument;
  try {
    document = XmlDocument.fromBuffer(bytes, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error;
    const first = error.details[0];
    throw new XmlRefused(`XML is not well-formed: ${first ? `line ${first.line}: ${first.message.trim()}` : error.message.trim()}`);
  }
  try {
    // XML 1.1 reads other characters and line ends, and lets prefixes be undeclared: DUIS is XML 1.0.
    if (document.version !== '1.0') throw new XmlRefused(`XML version ${document.version} is not accepted: DUIS documents are XML 1.0`);
    const encoding = document.encoding;
    if (encoding !== null && encoding.toLowerCase() !== 'utf-8') throw new XmlRefused(`encoding ${encoding} is not accepted: UTF-8 only`);
    const rootPointer = nodePointer(document.root);
    for (const sibling of [XmlNodeStruct.prev, XmlNodeStruct.next]) {
      for (let node = sibling(rootPointer); node; node = sibling(node)) {
        const type = XmlNodeStruct.type(node);
        if (type === PI_NODE) throw new XmlRefused(PI_REFUSED);
        // Kept out above by its bytes; here whatever way a DTD came in.
        if (type === DTD_NODE) throw new XmlRefused(DOCTYPE_REFUSED);
      }
    }
    const root = new TreeCopy().element(rootPointer, undefined, 1);
    const refusal = check?.(root, document);
    if (refusal !== undefined) throw new XmlRefused(refusal);
    return root;
  } finally {
    document.dispose();
  }
}

/** Parses a document written as text (one the router or a test wrote). */
export function parseXmlText(text: string): XmlElement {
  return parseXmlDocument(Buffer.from(text));
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_NODE = 4;
const PI_NODE = 7;
const COMMENT_NODE = 8;
const DTD_NODE = 14;
const PI_REFUSED = 'processing instructions are not accepted';
const DOCTYPE_REFUSED = 'a DOCTYPE (and so any entity declaration) is not accepted';

function nodePointer(node: unknown): number {
  return (node as { _nodePtr: number })._nodePtr;
}

/** Where xmlNode (a text node, an attribute's value) keeps its text's pointer, on wasm32. */
const CONTENT_OFFSET = 40;

/** The string a struct field at that offset points to. */
function stringAt(pointer: number, offset: number): string {
  // name_ reads the string whose pointer is at offset 8; libxml2-wasm has no reader for content.
  return XmlNodeStruct.name_(pointer + offset - 8);
}

/** One document's copy: its namespaces read once each (elements share libxml2's xmlNs). */
class TreeCopy {
  private readonly namespaces = new Map<number, [prefix: string, uri: string]>();
  private declarations = 0;
  private attributes = 0;

  private namespace(pointer: number): [prefix: string, uri: string] {
    if (!pointer) return ['', ''];
    let namespace = this.namespaces.get(pointer);
    if (!namespace) {
      namespace = [XmlNsStruct.prefix(pointer) ?? '', XmlNsStruct.href(pointer)];
      this.namespaces.set(pointer, namespace);
    }
    return namespace;
  }

  element(pointer: number, parent: XmlElement | undefined, depth: number): XmlElement {
    if (depth > MAX_XML_DEPTH) throw new XmlRefused(`elements nest deeper than ${MAX_XML_DEPTH} levels`);
    const local = XmlNodeStruct.name_(pointer);
    const [prefix, uri] = this.namespace(XmlNodeStruct.namespace(pointer));
    const element: XmlElement = {
      name: prefix ? `${prefix}:${local}` : local, prefix, local, uri,
      attributes: [], declarations: [], children: [], parent,
    };
    for (let ns = XmlNodeStruct.nsDef(pointer); ns; ns = XmlNsStruct.next(ns)) {
      if (++this.declarations > MAX_NAMESPACE_DECLARATIONS) throw new XmlRefused(`the document declares more than ${MAX_NAMESPACE_DECLARATIONS} namespaces (xmlns attributes)`);
      element.declarations.push(this.namespace(ns));
    }
    for (let attribute = XmlNodeStruct.properties(pointer); attribute; attribute = XmlNodeStruct.next(attribute)) {
      if (++this.attributes > MAX_ATTRIBUTES) throw new XmlRefused(`the document has more than ${MAX_ATTRIBUTES} attributes`);
      const name = XmlNodeStruct.name_(attribute);
      const [attributePrefix, attributeUri] = this.namespace(XmlNodeStruct.namespace(attribute));
      let value = '';
      for (let text = XmlNodeStruct.children(attribute); text; text = XmlNodeStruct.next(text)) {
        // An entity reference would be read as its name here, and as its value by the schema.
        if (XmlNodeStruct.type(text) !== TEXT_NODE) throw new XmlRefused(`attribute ${name} holds an entity reference: not accepted`);
        value += stringAt(text, CONTENT_OFFSET);
      }
      element.attributes.push({ name: attributePrefix ? `${attributePrefix}:${name}` : name, prefix: attributePrefix, local: name, uri: attributeUri, value });
    }
    for (let child = XmlNodeStruct.children(pointer); child; child = XmlNodeStruct.next(child)) {
      const type = XmlNodeStruct.type(child);
      if (type === ELEMENT_NODE) element.children.push(this.element(child, element, depth + 1));
      else if (type === TEXT_NODE || type === CDATA_NODE) {
        const text = stringAt(child, CONTENT_OFFSET);
        const last = element.children.length - 1;
        if (last >= 0 && typeof element.children[last] === 'string') element.children[last] += text;
        else element.children.push(text);
      } else if (type === PI_NODE) throw new XmlRefused(PI_REFUSED);
      else if (type !== COMMENT_NODE) throw new XmlRefused(`an XML node of type ${type} is not accepted`);
    }
    return element;
  }
}

/** The element children of an element, ignoring whitespace text; undefined when it holds other text. */
export function elementChildren(element: XmlElement): XmlElement[] | undefined {
  const out: XmlElement[] = [];
  for (const child of element.children) {
    if (typeof child !== 'string') out.push(child);
    else if (!isWhitespace(child)) return undefined;
  }
  return out;
}

/** The text of an element holding only text (undefined when it holds elements). */
export function textOf(element: XmlElement): string | undefined {
  let text = '';
  for (const child of element.children) {
    if (typeof child !== 'string') return undefined;
    text += child;
  }
  return text;
}

const WHITESPACE = /^[ \t\r\n]*$/;
export function isWhitespace(text: string): boolean {
  return WHITESPACE.test(text);
}
