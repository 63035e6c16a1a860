import type { XmlElement, XmlSpan } from './element.js'

/**
 * A small non-validating XML 1.0 parser with namespaces, written for untrusted input:
 * - a DOCTYPE is refused outright: it is the only door to entity expansion ("billion laughs"),
 *   external entities (XXE) and network access, and no document of ours needs one;
 * - only the five predefined entities and character references are decoded;
 * - every dimension a document can grow in is capped (`XmlLimits`), each checked as soon as it is read, and parsing
 *   is a single linear pass whatever the shape, so that a hostile document is refused in milliseconds.
 * It checks well-formedness strictly enough that xmllint sees only well-formed input, and keeps
 * line numbers so that findings can point into the document.
 */

export type XmlErrorKind = 'malformed' | 'doctype' | 'encoding' | 'limit'

export class XmlError extends Error {
  constructor(readonly kind: XmlErrorKind, message: string, readonly line?: number) {
    super(line !== undefined ? `${message} (line ${line})` : message)
  }
}

/**
 * Bounds on a document's shape. A breach is an XmlError of kind 'limit', whose message names the limit. The
 * largest legitimate document (an MVP of 32 MiB, about 40,000 rows) has about 1.2 million elements, 40,000
 * children of one element, depth 5, one namespace, names of a few dozen characters and values under 1,000 characters.
 */
export interface XmlLimits {
  readonly maxDepth: number
  /**
   * Attributes of one element, namespace declarations not counted. A row of Sociálna poisťovňa's own VPP has up to
   * 51 (sk-official.md §3.2, §4).
   */
  readonly maxAttributes: number
  /** Namespace declarations (`xmlns`, `xmlns:p`) on one element. */
  readonly maxNamespaceDeclarations: number
  /** Distinct prefixes bound at one element, the default namespace among them. */
  readonly maxNamespacesInScope: number
  /** Characters of an element or attribute name, prefix included. */
  readonly maxNameLength: number
  /** Characters of one attribute value, as written. */
  readonly maxAttributeLength: number
  /** Characters of text directly inside one element, as written; whitespace between elements does not count. */
  readonly maxTextLength: number
  readonly maxChildren: number
  readonly maxElements: number
}

export const defaultLimits: XmlLimits = {
  maxDepth: 64,
  maxAttributes: 64,
  maxNamespaceDeclarations: 32,
  maxNamespacesInScope: 64,
  maxNameLength: 256,
  maxAttributeLength: 64 * 1024,
  maxTextLength: 1024 * 1024,
  maxChildren: 100_000,
  // A tree costs some hundred bytes per element: this bounds one document's tree below a gigabyte.
  maxElements: 2_000_000,
}

export interface ParseOptions {
  /** Record each element's `span`, so that a part of the text can be taken out whole (a document inside a SOAP body). */
  readonly spans?: boolean
  /**
   * Allow an XML declaration as the first thing inside an element: a SOAP client that pastes a whole document file
   * into the body (PHP's SoapClient does, for xs:any) puts one there. Still only UTF-8.
   */
  readonly embeddedDeclarations?: boolean
  /**
   * Keep elements only down to this depth (the root is 1); deeper ones are checked as strictly but not kept, so a
   * SOAP envelope around a 16 MiB report costs no tree of the report (intake parses the document itself).
   */
  readonly keepDepth?: number
  /**
   * Keep below the root only the elements with these local names whose parent is kept; the others are checked as
   * strictly but not kept, so an outline of a 16 MiB report costs no tree of the rest of it. Asked once, of the root
   * as its start tag is read; undefined keeps every element.
   */
  readonly keepNames?: (root: { readonly ns: string; readonly name: string }) => ReadonlySet<string> | undefined
}

export interface XmlDocument {
  readonly root: XmlElement
  /** The decoded text (BOM removed), as libxml2 sees it. */
  readonly text: string
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace'
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/'

const nameStart = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD'
const nameChar = `${nameStart}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`
const nameAt = new RegExp(`[${nameStart}][${nameChar}]*`, 'y')
// Characters XML 1.0 forbids anywhere (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/FFFF).
const forbiddenChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const entityRef = /&(?:(lt|gt|amp|apos|quot)|#([0-9]+)|#x([0-9a-fA-F]+));/y
const predefined: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' }
const whitespaceRun = /[ \t\r\n]+/g

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/** Decodes bytes as UTF-8 (the only encoding our documents use) and parses them. */
export function parseXmlBytes(bytes: Uint8Array, limits: XmlLimits = defaultLimits, options: ParseOptions = {}): XmlDocument {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw new XmlError('encoding', 'The document is not valid UTF-8')
  }
  return parseXml(text, limits, options)
}

interface OpenElement {
  /** Absent for an element not kept (`keepDepth`, `keepNames`). */
  element: XmlElement | undefined
  qname: string
  /** Prefixes its start tag binds, unbound again at its end. */
  declared: string[] | undefined
  /** Only with spans: the declarations in scope. */
  scope: Scope | undefined
  children: number
  textLength: number
  text: string
}

/**
 * One namespace declaration and those around it, innermost first. An element that declares nothing shares its
 * parent's, so recording spans costs one node per declaration, not a copy of every prefix per element.
 */
interface Scope {
  readonly prefix: string
  readonly uri: string
  readonly outer: Scope | undefined
}

// Shared by every element without attributes, and by every element without children until its first: most elements
// have no attributes and most have no children, and a tree may hold millions.
const noAttributes: Record<string, string> = Object.freeze({})
const noChildren: XmlElement[] = Object.freeze([]) as unknown as XmlElement[]
const maxInterned = 4096

const xmlScope: Scope = { prefix: 'xml', uri: XML_NS, outer: undefined }

/** Every prefix in scope, in the order prefixes were first declared; an inner declaration replaces an outer one in place. */
function prefixesInScope(innermost: Scope): Map<string, string> {
  const chain: Scope[] = []
  for (let s: Scope | undefined = innermost; s; s = s.outer) chain.push(s)
  const map = new Map<string, string>()
  for (let i = chain.length - 1; i >= 0; i--) map.set(chain[i]!.prefix, chain[i]!.uri)
  return map
}

// 100000 as 100,000 (toLocaleString would first load ICU's number formats: tens of milliseconds).
const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',')

export function parseXml(input: string, limits: XmlLimits = defaultLimits, options: ParseOptions = {}): XmlDocument {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const bad = forbiddenChar.exec(text)
  if (bad) throw new XmlError('malformed', 'The document contains a character XML does not allow', lineOf(text, bad.index))

  let pos = 0
  let line = 1
  // Positions only grow, so each newline is looked for once: linear even when the document is one long line.
  let nextNewline = text.indexOf('\n')
  const lineAt = (at: number): number => {
    while (nextNewline !== -1 && nextNewline < at) {
      line++
      nextNewline = text.indexOf('\n', nextNewline + 1)
    }
    return line
  }
  const fail = (message: string, at = pos): never => { throw new XmlError('malformed', message, lineOf(text, at)) }
  const refuse = (message: string, at: number): never => { throw new XmlError('limit', message, lineAt(at)) }

  const stack: OpenElement[] = []
  let root: XmlElement | undefined
  let keepNames: ReadonlySet<string> | undefined
  // Each element's name is a string of its own as read; the tree keeps one per distinct name. A document has a few
  // dozen names; a hostile one with more than `maxInterned` keeps the rest as read.
  const interned = new Map<string, string>()
  const intern = (name: string): string => {
    const known = interned.get(name)
    if (known !== undefined) return known
    if (interned.size < maxInterned) interned.set(name, name)
    return name
  }
  let elementCount = 0
  // The namespace in force for each prefix is the last of its bindings: pushed at a start tag, popped at the end
  // tag, so that a lookup is one step however many elements and declarations there are.
  const bindings = new Map<string, string[]>([['xml', [XML_NS]]])
  const unbind = (declared: readonly string[]): void => {
    for (const prefix of declared) {
      const uris = bindings.get(prefix)!
      uris.pop()
      if (uris.length === 0) bindings.delete(prefix)
    }
  }

  if (text.startsWith('<?xml') && /[\s?]/.test(text.charAt(5))) pos = readDeclaration(text, 0, fail)

  while (pos < text.length) {
    const lt = text.indexOf('<', pos)
    const chunkEnd = lt === -1 ? text.length : lt
    if (chunkEnd > pos) {
      const top = stack[stack.length - 1]
      if (isBlank(text, pos, chunkEnd)) {
        // Whitespace between tags, read without a copy: it can only separate text already read, and the text is
        // collapsed at the end, so one space stands for it.
        if (top?.element && top.text !== '') top.text += ' '
      } else if (top) {
        const raw = text.slice(pos, chunkEnd)
        if (raw.includes(']]>')) fail('"]]>" is not allowed in text', pos + raw.indexOf(']]>'))
        addText(top, raw.length, pos)
        const decoded = decodeText(raw, pos, fail)
        if (top.element) top.text += decoded
      } else {
        fail(root ? 'Content after the root element' : 'Text before the root element', pos)
      }
    }
    if (lt === -1) break
    pos = lt
    const next = text.charAt(pos + 1)

    if (next === '/') {
      const nameEnd = nameEndAt(pos + 2)
      if (nameEnd === -1) fail('Malformed end tag')
      let p = nameEnd
      while (isSpace(text.charCodeAt(p))) p++
      if (text.charAt(p) !== '>') fail('Malformed end tag')
      const open = stack.pop() ?? fail(`End tag </${text.slice(pos + 2, nameEnd)}> without a start tag`)
      if (nameEnd - pos - 2 !== open.qname.length || !text.startsWith(open.qname, pos + 2)) {
        fail(`End tag </${text.slice(pos + 2, nameEnd)}> does not match <${open.qname}>`)
      }
      closeElement(open)
      if (open.declared) unbind(open.declared)
      if (open.element?.span) Object.assign(open.element.span, { contentEnd: pos, end: p + 1 })
      pos = p + 1
    } else if (next === '!') {
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4)
        if (end === -1) fail('Unterminated comment')
        if (text.slice(pos + 4, end).includes('--')) fail('"--" is not allowed inside a comment')
        if (text.charAt(end - 1) === '-') fail('A comment may not end with "--->"')
        pos = end + 3
      } else if (text.startsWith('<![CDATA[', pos)) {
        const top = stack[stack.length - 1] ?? fail('CDATA outside the root element')
        const end = text.indexOf(']]>', pos + 9)
        if (end === -1) fail('Unterminated CDATA section')
        addText(top, end - pos - 9, pos)
        if (top.element) top.text += text.slice(pos + 9, end)
        pos = end + 3
      } else if (/^<!DOCTYPE/i.test(text.slice(pos, pos + 9))) {
        throw new XmlError('doctype', 'A DOCTYPE is not allowed', lineAt(pos))
      } else {
        fail('Malformed markup declaration')
      }
    } else if (next === '?') {
      const end = text.indexOf('?>', pos + 2)
      if (end === -1) fail('Unterminated processing instruction')
      nameAt.lastIndex = pos + 2
      const target = nameAt.exec(text)?.[0] ?? fail('Processing instruction without a target')
      const top = stack[stack.length - 1]
      // textLength counts no whitespace: the declaration may follow only whitespace.
      if (target === 'xml' && options.embeddedDeclarations && top?.element && top.children === 0 && top.textLength === 0) {
        pos = readDeclaration(text, pos, fail)
        continue
      }
      if (target.toLowerCase() === 'xml') fail('The XML declaration may only stand at the very beginning')
      if (target.includes(':')) fail('A processing instruction target may not contain ":"')
      pos = end + 2
    } else {
      if (root && stack.length === 0) fail('A document has exactly one root element')
      pos = readStartTag(pos)
    }
  }
  if (stack.length > 0) fail(`Unclosed element <${stack[stack.length - 1]!.qname}>`, text.length)
  if (!root) throw new XmlError('malformed', 'The document has no root element')
  assignPaths(root)
  return { root, text }

  function addText(open: OpenElement, length: number, at: number): void {
    open.textLength += length
    if (open.textLength > limits.maxTextLength) refuse(`More than ${count(limits.maxTextLength)} characters of text in one element`, at)
  }

  /** Where the name starting at `at` ends, or -1; `test` rather than `exec`: no match array for every name. */
  function nameEndAt(at: number): number {
    nameAt.lastIndex = at
    return nameAt.test(text) ? nameAt.lastIndex : -1
  }

  function readName(at: number, what: string): string {
    const end = nameEndAt(at)
    if (end === -1) fail(`Malformed ${what}`, at)
    if (end - at > limits.maxNameLength) refuse(`A name longer than ${count(limits.maxNameLength)} characters`, at)
    return text.slice(at, end)
  }

  function readStartTag(start: number): number {
    const qname = readName(start + 1, 'start tag')
    // The shape limits come first, before any attribute is read.
    const parent = stack[stack.length - 1]
    if (stack.length + 1 > limits.maxDepth) refuse(`Elements nested deeper than ${count(limits.maxDepth)}`, start)
    if (parent && ++parent.children > limits.maxChildren) refuse(`More than ${count(limits.maxChildren)} child elements in one element`, start)
    if (++elementCount > limits.maxElements) refuse(`More than ${count(limits.maxElements)} elements in the document`, start)

    let p = start + 1 + qname.length
    // Most elements have no attributes: their lists are made for the first.
    let names: string[] | undefined
    let rawAttributes: [string, string][] | undefined
    let declared: string[] | undefined
    let scope = options.spans ? parent?.scope ?? xmlScope : undefined
    for (;;) {
      const before = p
      while (isSpace(text.charCodeAt(p))) p++
      const c = text.charAt(p)
      if (c === '>' || c === '/') break
      if (c === '') fail('Unterminated start tag', start)
      if (p === before) fail('Attributes must be separated by whitespace', p)
      const attrName = readName(p, 'attribute')
      p += attrName.length
      while (isSpace(text.charCodeAt(p))) p++
      if (text.charAt(p) !== '=') fail(`Attribute ${attrName} has no value`, p)
      p++
      while (isSpace(text.charCodeAt(p))) p++
      const quote = text.charAt(p)
      if (quote !== '"' && quote !== "'") fail('Attribute values must be quoted', p)
      const end = text.indexOf(quote, p + 1)
      if (end === -1) fail('Unterminated attribute value', p)
      if (end - p - 1 > limits.maxAttributeLength) refuse(`An attribute value longer than ${count(limits.maxAttributeLength)} characters`, p)
      const rawValue = text.slice(p + 1, end)
      if (rawValue.includes('<')) fail('"<" is not allowed in an attribute value', p)
      names ??= []
      if (names.includes(attrName)) fail(`Duplicate attribute ${attrName}`, p)
      names.push(attrName)
      // Attribute-value normalisation: literal whitespace characters become spaces.
      const value = decodeText(rawValue.replace(/[\t\r\n]/g, ' '), p + 1, fail)
      const prefix = attrName === 'xmlns' ? '' : attrName.startsWith('xmlns:') ? attrName.slice(6) : undefined
      if (prefix === undefined) {
        rawAttributes ??= []
        if (rawAttributes.push([attrName, value]) > limits.maxAttributes) refuse(`More than ${count(limits.maxAttributes)} attributes on one element`, p)
      } else {
        if (prefix === '' && (value === XML_NS || value === XMLNS_NS)) fail('Reserved namespace bound as the default namespace', start)
        if (prefix !== '' && value === '') fail(`Prefix ${prefix} may not be bound to an empty namespace`, start)
        if (prefix === 'xmlns' || (prefix !== '' && (prefix === 'xml') !== (value === XML_NS))) fail(`Reserved prefix or namespace misused: ${prefix}`, start)
        declared ??= []
        if (declared.push(prefix) > limits.maxNamespaceDeclarations) refuse(`More than ${count(limits.maxNamespaceDeclarations)} namespace declarations on one element`, p)
        const uris = bindings.get(prefix)
        if (uris) uris.push(value)
        else bindings.set(prefix, [value])
        // 'xml' is always bound and never counted.
        if (bindings.size - 1 > limits.maxNamespacesInScope) refuse(`More than ${count(limits.maxNamespacesInScope)} namespace prefixes in scope at one element`, p)
        if (scope) scope = { prefix, uri: value, outer: scope }
      }
      p = end + 1
    }
    const selfClosing = text.charAt(p) === '/'
    if (selfClosing && text.charAt(p + 1) !== '>') fail('Malformed empty-element tag', p)
    const tagEnd = p + (selfClosing ? 2 : 1)

    let prefix = ''
    let written = qname
    if (qname.includes(':')) [prefix, written] = splitQName(qname, start)
    const local = intern(written)
    const ns = prefix === '' ? bindings.get('')?.at(-1) ?? '' : bindings.get(prefix)?.at(-1) ?? fail(`Undeclared namespace prefix ${prefix}`, start)
    // Prefixed attributes are keyed by expanded name ({uri}local), so that checks do not depend on prefixes.
    const attributes: Record<string, string> = rawAttributes ? {} : noAttributes
    for (const [name, value] of rawAttributes ?? []) {
      const [ap, al] = splitQName(name, start)
      const key = ap === '' ? al : `{${bindings.get(ap)?.at(-1) ?? fail(`Undeclared namespace prefix ${ap}`, start)}}${al}`
      if (key in attributes) fail(`Duplicate attribute ${name}`, start)
      attributes[key] = value
    }

    if (!parent) keepNames = options.keepNames?.({ ns, name: local })
    const kept = (options.keepDepth === undefined || stack.length < options.keepDepth)
      && (!parent || (parent.element !== undefined && (keepNames === undefined || keepNames.has(local))))
    const element: XmlElement | undefined = kept ? { name: local, ns, path: '', line: lineAt(start), attributes, children: noChildren, text: '' } : undefined
    if (element && scope) {
      const inScope = scope
      element.span = {
        start, end: tagEnd, contentStart: tagEnd, contentEnd: tagEnd, qname, declares: declared ?? [],
        // Built only when asked for: only the few elements cut out of a SOAP body need it.
        get inScope() { return prefixesInScope(inScope) },
      } satisfies XmlSpan
    }
    // A kept element's parent is kept too.
    if (!parent) root = element
    else if (element) {
      const siblings = parent.element!
      if (siblings.children === noChildren) (siblings as { children: XmlElement[] }).children = [element]
      else siblings.children.push(element)
    }
    const open: OpenElement = { element, qname, declared, scope, children: 0, textLength: 0, text: '' }
    if (selfClosing) {
      closeElement(open)
      if (declared) unbind(declared)
    } else {
      stack.push(open)
    }
    return tagEnd
  }

  function splitQName(qname: string, at: number): [string, string] {
    const colon = qname.indexOf(':')
    if (colon === -1) return ['', qname]
    const prefix = qname.slice(0, colon)
    const local = qname.slice(colon + 1)
    if (!prefix || !local || local.includes(':')) fail(`Malformed qualified name ${qname}`, at)
    return [prefix, local]
  }
}

function closeElement(open: OpenElement): void {
  if (open.element) open.element.text = open.text.replace(whitespaceRun, ' ').trim()
}

/**
 * Paths are assigned once the tree is complete, because an index depends on the siblings that follow: a 1-based
 * index where a name repeats among siblings, and always on the names of `alwaysIndexed` (an official format's rows,
 * sk-official.md §1.4). Also for trees built rather than parsed (forms/official.ts).
 */
export function assignPaths(root: XmlElement, alwaysIndexed: ReadonlySet<string> = noNames): void {
  root.path = `/${root.name}`
  const stack: XmlElement[] = [root]
  // Two maps for the whole tree, not two for every element with children.
  const counts = new Map<string, number>()
  const seen = new Map<string, number>()
  while (stack.length > 0) {
    const el = stack.pop()!
    if (el.children.length === 0) continue
    if (el.children.length === 1) {
      const c = el.children[0]!
      c.path = alwaysIndexed.has(c.name) ? `${el.path}/${c.name}[1]` : `${el.path}/${c.name}`
      stack.push(c)
      continue
    }
    counts.clear()
    seen.clear()
    for (const c of el.children) counts.set(c.name, (counts.get(c.name) ?? 0) + 1)
    for (const c of el.children) {
      const n = (seen.get(c.name) ?? 0) + 1
      seen.set(c.name, n)
      c.path = counts.get(c.name)! > 1 || alwaysIndexed.has(c.name) ? `${el.path}/${c.name}[${n}]` : `${el.path}/${c.name}`
      stack.push(c)
    }
  }
}

const noNames: ReadonlySet<string> = new Set()

function readDeclaration(text: string, start: number, fail: (message: string, at?: number) => never): number {
  const end = text.indexOf('?>', start)
  if (end === -1) fail('Unterminated XML declaration', start)
  const decl = text.slice(start + 5, end)
  const m = /^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\3)?(\s+standalone\s*=\s*(["'])(yes|no)\6)?\s*$/.exec(decl)
  if (!m) fail('Malformed XML declaration', start)
  const encoding = m![4]
  if (encoding && !/^utf-?8$/i.test(encoding)) throw new XmlError('encoding', `Documents must be UTF-8, the declaration names ${encoding}`, lineOf(text, start))
  return end + 2
}

function decodeText(raw: string, at: number, fail: (message: string, at?: number) => never): string {
  let amp = raw.indexOf('&')
  if (amp === -1) return raw
  let out = ''
  let from = 0
  while (amp !== -1) {
    out += raw.slice(from, amp)
    entityRef.lastIndex = amp
    const m = entityRef.exec(raw) ?? fail('"&" must start a character reference or one of &lt; &gt; &amp; &apos; &quot;', at + amp)
    if (m[1]) {
      out += predefined[m[1]]
    } else {
      const code = m[2] !== undefined ? Number.parseInt(m[2], 10) : Number.parseInt(m[3]!, 16)
      const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
      if (!allowed) fail('Character reference to a character XML does not allow', at + amp)
      out += String.fromCodePoint(code)
    }
    from = entityRef.lastIndex
    amp = raw.indexOf('&', from)
  }
  return out + raw.slice(from)
}

/** Only whitespace between `from` and `to`. */
function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false
  return true
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}

function lineOf(text: string, index: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++
  return line
}
