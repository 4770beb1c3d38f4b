import { SaxesParser, type SaxesTagNS } from 'saxes';

/**
 * A small, hardened XML tree for DUIS documents, built with saxes (a strict, namespace-aware,
 * non-validating parser): what canonicalisation (C14N) and the DUIS mapping need, nothing more.
 *
 * Hardening, all before any recursive work: a DOCTYPE (so any entity declaration, internal or
 * external) is refused outright, as are processing instructions; only the predefined entities and
 * character references are expanded (saxes knows no others); an XML version other than 1.0 and
 * an encoding other than UTF-8 are refused; elements nest at most MAX_XML_DEPTH deep (the tree is built with an explicit stack, and
 * the size is bounded by the edge's body limit, row 2); at most MAX_NAMESPACE_DECLARATIONS namespace
 * declarations.
 */

export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** How deep elements may nest: a DUIS request nests about a dozen levels. */
export const MAX_XML_DEPTH = 64;

/**
 * Namespace declarations a document may make, all elements together: a DUIS request makes a
 * handful (the DCC test suite's templates at most 4). Thousands of them would make canonicalising
 * the document cost far more than its size suggests, before its sender is even known.
 */
export const MAX_NAMESPACE_DECLARATIONS = 32;

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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a document's bytes; throws XmlRefused with the reason when it is not acceptable. */
export function parseXmlDocument(bytes: Uint8Array): XmlElement {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new XmlRefused('body is not valid UTF-8');
  }
  return parseXmlText(text);
}

export function parseXmlText(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: false });
  let root: XmlElement | undefined;
  let current: XmlElement | undefined;
  let depth = 0;
  let declarations = 0;
  let failure: Error | undefined;
  const fail = (message: string) => {
    failure ??= new XmlRefused(message);
    throw failure;
  };
  parser.on('error', (error) => fail(`XML is not well-formed: ${error.message}`));
  parser.on('doctype', () => fail('a DOCTYPE (and so any entity declaration) is not accepted'));
  parser.on('processinginstruction', () => fail('processing instructions are not accepted'));
  parser.on('xmldecl', (decl) => {
    // XML 1.1 reads other characters and line ends, and lets prefixes be undeclared: DUIS is XML 1.0.
    if (decl.version !== '1.0') fail(`XML version ${decl.version} is not accepted: DUIS documents are XML 1.0`);
    if (decl.encoding !== undefined && decl.encoding.toLowerCase() !== 'utf-8') fail(`encoding ${decl.encoding} is not accepted: UTF-8 only`);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (++depth > MAX_XML_DEPTH) fail(`elements nest deeper than ${MAX_XML_DEPTH} levels`);
    const element: XmlElement = {
      name: tag.name, prefix: tag.prefix, local: tag.local, uri: tag.uri,
      attributes: [], declarations: [], children: [], parent: current,
    };
    for (const name in tag.attributes) {
      const attribute = tag.attributes[name];
      if (attribute.name === 'xmlns') element.declarations.push(['', attribute.value]);
      else if (attribute.prefix === 'xmlns') element.declarations.push([attribute.local, attribute.value]);
      else element.attributes.push({ name: attribute.name, prefix: attribute.prefix, local: attribute.local, uri: attribute.uri, value: attribute.value });
    }
    declarations += element.declarations.length;
    if (declarations > MAX_NAMESPACE_DECLARATIONS) fail(`the document declares more than ${MAX_NAMESPACE_DECLARATIONS} namespaces (xmlns attributes)`);
    if (current) current.children.push(element);
    else root = element;
    current = element;
  });
  parser.on('closetag', () => {
    depth--;
    current = current?.parent;
  });
  const addText = (value: string) => {
    // Text outside the document element is only whitespace (saxes refuses anything else).
    if (!current || value === '') return;
    const last = current.children.length - 1;
    if (last >= 0 && typeof current.children[last] === 'string') current.children[last] += value;
    else current.children.push(value);
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof XmlRefused) throw error;
    throw failure ?? new XmlRefused(`XML is not well-formed: ${(error as Error).message}`);
  }
  if (!root) throw new XmlRefused('XML has no document element');
  return root;
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
