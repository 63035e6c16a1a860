import type { XmlElement } from './element.js'

/**
 * The document an element carries (a form inside a SOAP body's `document`): its content as sent, from the first
 * markup to the end of its one child element, with the namespace declarations that child inherits and uses added
 * to its start tag, so that it means on its own what it meant in place. Needs a parse with `{ spans: true }`.
 */
export function embeddedDocument(text: string, wrapper: XmlElement): string {
  const root = wrapper.children[0]
  const outer = wrapper.span
  const span = root?.span
  if (!outer || !span || wrapper.children.length !== 1) throw new Error('embeddedDocument needs a wrapper of one element, parsed with spans')
  const lead = text.slice(outer.contentStart, span.start).search(/\S/)
  const from = lead === -1 ? span.start : outer.contentStart + lead
  const own = text.slice(span.start, span.end)
  const used = prefixesUsed(own)
  let declarations = ''
  for (const [prefix, uri] of span.inScope) {
    if (prefix === 'xml' || span.declares.includes(prefix) || !used.has(prefix)) continue
    declarations += prefix === '' ? ` xmlns="${escapeAttribute(uri)}"` : ` xmlns:${prefix}="${escapeAttribute(uri)}"`
  }
  const nameEnd = span.start + 1 + span.qname.length
  return text.slice(from, nameEnd) + declarations + text.slice(nameEnd, span.end)
}

// A loose test: a false positive only adds a declaration nothing uses. Markup uses a prefix as `<p:`, `</p:` or
// whitespace before `p:name=`, and the default namespace by an unprefixed element name; a QName value such as
// xsi:type="p:T" uses it at the start of an attribute value. One pass over the document finds them all.
function prefixesUsed(xml: string): Set<string> {
  const used = new Set<string>()
  for (const m of xml.matchAll(/(?:<\/?|\s|=["'])([^\s<>"'=/:]+):/g)) used.add(m[1]!)
  if (/<(?![/!?])[^\s:/>]+(?=[\s/>])/.test(xml)) used.add('')
  return used
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
}
