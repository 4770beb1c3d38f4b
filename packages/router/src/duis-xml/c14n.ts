import type { XmlAttribute, XmlElement } from './tree.ts';

/**
 * Canonical XML 1.0 (inclusive) and Exclusive XML Canonicalization 1.0, both without comments,
 * of an element and its descendants (the apex of the node-set), optionally leaving one descendant
 * out (the enveloped-signature transform). Written over the small tree of tree.ts, which keeps
 * what C14N needs (prefixes, declarations, attribute values as normalised by the parser, text
 * with line ends normalised); comments, a DOCTYPE and processing instructions never reach it.
 * The test suite checks it against xml-crypto's canonicalisers over @xmldom/xmldom, byte for byte.
 */

export const C14N_INCLUSIVE = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_EXCLUSIVE = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export interface C14nOptions {
  exclusive: boolean;
  /** A descendant left out of the output with everything under it (the enveloped signature). */
  omit?: XmlElement;
  /** Exclusive C14N's InclusiveNamespaces PrefixList ('#default' for the default namespace). */
  inclusivePrefixes?: readonly string[];
}

type Scope = Map<string, string>;

export function canonicalise(apex: XmlElement, options: C14nOptions): string {
  // The namespaces in scope at the apex, from its ancestors (nearest declaration wins).
  const chain: XmlElement[] = [];
  for (let e = apex.parent; e; e = e.parent) chain.unshift(e);
  let scope: Scope = new Map();
  for (const e of chain) scope = withDeclarations(scope, e);
  const inclusive = new Set((options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)));
  return render(apex, scope, new Map(), options, inclusive);
}

function withDeclarations(scope: Scope, element: XmlElement): Scope {
  if (element.declarations.length === 0) return scope;
  const next = new Map(scope);
  for (const [prefix, uri] of element.declarations) next.set(prefix, uri);
  return next;
}

function render(element: XmlElement, parentScope: Scope, rendered: Scope, options: C14nOptions, inclusive: Set<string>): string {
  const scope = withDeclarations(parentScope, element);
  const namespaces: [string, string][] = [];
  const consider = (prefix: string) => {
    const uri = scope.get(prefix) ?? '';
    const before = rendered.get(prefix) ?? '';
    if (prefix === '' ? uri !== before : (rendered.get(prefix) !== uri && uri !== '')) namespaces.push([prefix, uri]);
  };
  if (options.exclusive) {
    const utilised = new Set<string>([element.prefix]);
    for (const attribute of element.attributes) if (attribute.prefix && attribute.prefix !== 'xml') utilised.add(attribute.prefix);
    for (const prefix of inclusive) if (scope.has(prefix)) utilised.add(prefix);
    for (const prefix of utilised) consider(prefix);
  } else {
    for (const prefix of scope.keys()) consider(prefix);
    // A default namespace undeclared here (xmlns="") after a rendered non-empty one.
    if (!scope.has('') && (rendered.get('') ?? '') !== '') namespaces.push(['', '']);
  }
  let out = `<${element.name}`;
  let childRendered = rendered;
  if (namespaces.length > 0) {
    namespaces.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    childRendered = new Map(rendered);
    for (const [prefix, uri] of namespaces) {
      out += prefix === '' ? ` xmlns="${escapeAttribute(uri)}"` : ` xmlns:${prefix}="${escapeAttribute(uri)}"`;
      childRendered.set(prefix, uri);
    }
  }
  if (element.attributes.length > 0) {
    const attributes = element.attributes.length === 1 ? element.attributes : [...element.attributes].sort(compareAttributes);
    for (const attribute of attributes) out += ` ${attribute.name}="${escapeAttribute(attribute.value)}"`;
  }
  out += '>';
  for (const child of element.children) {
    if (typeof child === 'string') out += escapeText(child);
    else if (child !== options.omit) out += render(child, scope, childRendered, options, inclusive);
  }
  return `${out}</${element.name}>`;
}

/** By namespace URI (none first), then local name, by code point. */
function compareAttributes(a: XmlAttribute, b: XmlAttribute): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.local < b.local ? -1 : a.local > b.local ? 1 : 0;
}

const TEXT_SPECIAL = /[&<>\r]/;
const ATTRIBUTE_SPECIAL = /[&<"\t\n\r]/;

export function escapeText(text: string): string {
  if (!TEXT_SPECIAL.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

export function escapeAttribute(value: string): string {
  if (!ATTRIBUTE_SPECIAL.test(value)) return value;
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}
