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

/** What a binding was before it changed at an element: put back when the walk leaves it. */
type Undo = [prefix: string, uri: string | undefined][];

/**
 * Namespace bindings (prefix to URI) changed as the walk goes down and put back as it comes up:
 * each element costs only the prefixes it declares or uses, never a copy of everything in scope
 * (a copy per element made canonicalisation quadratic in the declarations).
 */
class Bindings {
  private readonly map = new Map<string, string>();

  get(prefix: string): string | undefined {
    return this.map.get(prefix);
  }

  prefixes(): IterableIterator<string> {
    return this.map.keys();
  }

  /** Binds, noting in `undo` (if given) what to put back. */
  set(prefix: string, uri: string, undo?: Undo): void {
    undo?.push([prefix, this.map.get(prefix)]);
    this.map.set(prefix, uri);
  }

  restore(undo: Undo): void {
    for (let i = undo.length - 1; i >= 0; i--) {
      const [prefix, uri] = undo[i];
      if (uri === undefined) this.map.delete(prefix);
      else this.map.set(prefix, uri);
    }
  }
}

interface Walk {
  options: C14nOptions;
  inclusive: Set<string>;
  /** What is in scope at the element being rendered. */
  scope: Bindings;
  /** What its nearest output ancestors declared. */
  rendered: Bindings;
}

export function canonicalise(apex: XmlElement, options: C14nOptions): string {
  // The namespaces in scope above the apex, from its ancestors (nearest declaration wins).
  const chain: XmlElement[] = [];
  for (let e = apex.parent; e; e = e.parent) chain.push(e);
  const scope = new Bindings();
  for (let i = chain.length - 1; i >= 0; i--) for (const [prefix, uri] of chain[i].declarations) scope.set(prefix, uri);
  const inclusive = new Set((options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)));
  return render(apex, { options, inclusive, scope, rendered: new Bindings() }, true);
}

/** Adds to `namespaces` the declaration of `prefix` the output needs at this element, if any. */
function consider(walk: Walk, prefix: string, namespaces: [string, string][]): void {
  const uri = walk.scope.get(prefix) ?? '';
  const before = walk.rendered.get(prefix);
  if (prefix === '' ? uri !== (before ?? '') : (before !== uri && uri !== '')) namespaces.push([prefix, uri]);
}

function render(element: XmlElement, walk: Walk, apex: boolean): string {
  const { scope, rendered, options } = walk;
  const scopeUndo: Undo | undefined = element.declarations.length > 0 ? [] : undefined;
  for (const [prefix, uri] of element.declarations) scope.set(prefix, uri, scopeUndo);
  const namespaces: [string, string][] = [];
  if (options.exclusive) {
    consider(walk, element.prefix, namespaces);
    if (element.attributes.length > 0 || walk.inclusive.size > 0) {
      const utilised = new Set<string>();
      for (const attribute of element.attributes) if (attribute.prefix && attribute.prefix !== 'xml') utilised.add(attribute.prefix);
      for (const prefix of walk.inclusive) if (scope.get(prefix) !== undefined) utilised.add(prefix);
      utilised.delete(element.prefix);
      for (const prefix of utilised) consider(walk, prefix, namespaces);
    }
  } else if (apex) {
    // The apex declares everything in scope; below it, its output ancestors have declared all
    // that their scope holds, so only what an element declares itself can differ.
    for (const prefix of scope.prefixes()) consider(walk, prefix, namespaces);
  } else {
    for (const [prefix] of element.declarations) consider(walk, prefix, namespaces);
  }
  let out = `<${element.name}`;
  const renderedUndo: Undo | undefined = namespaces.length > 0 ? [] : undefined;
  if (namespaces.length > 0) {
    namespaces.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [prefix, uri] of namespaces) {
      out += prefix === '' ? ` xmlns="${escapeAttribute(uri)}"` : ` xmlns:${prefix}="${escapeAttribute(uri)}"`;
      rendered.set(prefix, uri, renderedUndo);
    }
  }
  if (element.attributes.length > 0) {
    const attributes = element.attributes.length === 1 ? element.attributes : [...element.attributes].sort(compareAttributes);
    for (const attribute of attributes) out += ` ${attribute.name}="${escapeAttribute(attribute.value)}"`;
  }
  out += '>';
  for (const child of element.children) {
    if (typeof child === 'string') out += escapeText(child);
    else if (child !== options.omit) out += render(child, walk, false);
  }
  if (renderedUndo) rendered.restore(renderedUndo);
  if (scopeUndo) scope.restore(scopeUndo);
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
