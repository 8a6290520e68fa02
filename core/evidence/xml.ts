/**
 * A small, safe view over fast-xml-parser's ordered output. Entities are NOT processed by the
 * parser (no DOCTYPE entity is ever expanded, nothing external is fetched); text is decoded here
 * with the five XML entities and numeric references only.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { collapseWhitespace, decodeXmlEntities } from './text.js';

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false as unknown as string,
});

export class XmlFormatError extends Error {
  override name = 'XmlFormatError';
}

/** Validates then parses; throws XmlFormatError naming line and column when not well-formed. */
export function parseXml(xml: string): XmlNode[] {
  const v = XMLValidator.validate(xml, { allowBooleanAttributes: true });
  if (v !== true) throw new XmlFormatError(`malformed XML: ${v.err.msg} (line ${v.err.line}, column ${v.err.col})`);
  return parser.parse(xml) as XmlNode[];
}

export function tagName(node: XmlNode): string | undefined {
  for (const k of Object.keys(node)) if (k !== ':@') return k;
  return undefined;
}

export function kids(node: XmlNode | undefined): XmlNode[] {
  if (!node) return [];
  const name = tagName(node);
  if (!name || name === '#text') return [];
  const v = node[name];
  return Array.isArray(v) ? (v as XmlNode[]) : [];
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const a = node?.[':@'] as Record<string, unknown> | undefined;
  const v = a?.[name];
  return v === undefined || v === null ? undefined : decodeXmlEntities(String(v));
}

export function all(node: XmlNode | undefined, name: string): XmlNode[] {
  return kids(node).filter((k) => tagName(k) === name);
}

export function first(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return kids(node).find((k) => tagName(k) === name);
}

/** Follows a path of child names, first match at each step. */
export function at(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let cur = node;
  for (const p of path) {
    cur = first(cur, p);
    if (!cur) return undefined;
  }
  return cur;
}

function rawText(node: XmlNode, out: string[]): void {
  const name = tagName(node);
  if (name === '#text') {
    out.push(String(node['#text'] ?? ''));
    return;
  }
  if (name === '__cdata' || name === '#cdata') {
    for (const k of kids(node)) if (tagName(k) === '#text') out.push(String(k['#text'] ?? ''));
    return;
  }
  // Inline markup (i, b, u, sup, sub, MathML …) is reduced to its text content.
  for (const k of kids(node)) rawText(k, out);
}

/** The text content of an element: inline markup dropped, entities decoded, whitespace collapsed. */
export function text(node: XmlNode | undefined): string {
  if (!node) return '';
  const out: string[] = [];
  for (const k of kids(node)) rawText(k, out);
  return collapseWhitespace(decodeXmlEntities(out.join('')));
}
