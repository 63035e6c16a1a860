import { assignPaths, type XmlElement } from '../xml/index.js'
import type { Finding } from '../validation/index.js'

/**
 * An authority's own XML format read as a second vocabulary of a form (sk-official.md): the official document is
 * checked against its own schema, then turned into the form's own document, whose elements remember where in the
 * official document each value was read (`XmlElement.source`). Every check of the form then runs on that document
 * unchanged, and its findings are moved to the official paths at the end.
 */

/**
 * Where an attribute of an official element is: its element's path, then `/@name`. The path is made only when
 * asked for (a finding), not for each of the million values of a large report.
 */
export function attributeAt(element: XmlElement, name: string): { readonly path: string; readonly line: number } {
  return new AttributeLocation(element, name)
}

class AttributeLocation {
  constructor(private readonly element: XmlElement, private readonly name: string) {}
  get path(): string { return `${this.element.path}/@${this.name}` }
  get line(): number { return this.element.line }
}

/** A plain copy of a source, to pass the element to another thread without the official tree behind it. */
export function plainSource(source: XmlElement['source']): XmlElement['source'] {
  return source && { path: source.path, line: source.line }
}

type Source = { readonly path: string; readonly line: number }
const noAttributes: Readonly<Record<string, string>> = Object.freeze({})

/** Builds the form's own document: elements get their paths from `finish`, their lines when serialized. */
export class InternalBuilder {
  constructor(private readonly namespace: string) {}

  /** An element with text, read from `from` (an official element, or `attributeAt` one of its attributes). */
  leaf(name: string, text: string, from: Source): XmlElement {
    return { name, ns: this.namespace, path: '', line: 0, attributes: noAttributes, children: [], text, source: from }
  }

  /** An element of elements; absent children (undefined) are left out. */
  node(name: string, from: Source, children: readonly (XmlElement | undefined)[]): XmlElement {
    return {
      name, ns: this.namespace, path: '', line: 0, attributes: noAttributes, children: children.filter((c): c is XmlElement => c !== undefined),
      text: '', source: from,
    }
  }
}

/**
 * Gives the built document its paths (as the parser would: an index where a name repeats among siblings) and
 * its root the `verzija` attribute of every document of ours.
 */
export function finishInternal(root: XmlElement): XmlElement {
  const withVersion = { ...root, attributes: { verzija: '1' } }
  assignPaths(withVersion)
  return withVersion
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
const escape = (text: string): string => text.replace(/[&<>"]/g, c => escapes[c]!)

/**
 * The built document as XML of our own vocabulary, one start tag a line, for our own schema to check its values.
 * Each element's `line` becomes the line it is written on, so that the schema's issues find their element.
 */
export function serializeInternal(root: XmlElement): string {
  const lines: string[] = []
  const write = (el: XmlElement, depth: number): void => {
    ;(el as { line: number }).line = lines.length + 1
    const attributes = depth === 0
      ? ` xmlns="${el.ns}"${Object.entries(el.attributes).map(([k, v]) => ` ${k}="${escape(v)}"`).join('')}`
      : ''
    if (el.children.length === 0) {
      lines.push(`<${el.name}${attributes}>${escape(el.text)}</${el.name}>`)
      return
    }
    lines.push(`<${el.name}${attributes}>`)
    for (const c of el.children) write(c, depth + 1)
    lines.push(`</${el.name}>`)
  }
  write(root, 0)
  return lines.join('\n')
}

/**
 * Findings about the built document, moved to where their values were read in the official one: the element's
 * own source, or (for an element the built document lacks) its nearest ancestor's. Each finding's path is
 * followed down the tree, so a document of 20,000 rows without findings costs nothing here.
 */
export function toOfficialLocations(findings: readonly Finding[], internal: XmlElement): Finding[] {
  return findings.map(f => toOfficialLocation(f, internal))
}

/** One location (a finding's, or where one will point) moved as `toOfficialLocations` moves findings. */
export function toOfficialLocation<T extends { readonly path: string; readonly line?: number }>(at: T, internal: XmlElement): T {
  const ours = `/${internal.name}`
  // A finding of the official format's own code already points into the official document.
  if (at.path !== ours && !at.path.startsWith(`${ours}/`)) return at
  const source = nearestSource(internal, at.path)
  return source ? { ...at, path: source.path, line: source.line } : at
}

/** The source of the element at `path` (as `finishInternal` numbers them), or of its nearest ancestor present. */
function nearestSource(root: XmlElement, path: string): XmlElement['source'] {
  const steps = path.split('/').slice(2)
  let at = root
  let source = root.source
  for (const step of steps) {
    const m = /^(.*?)(?:\[([0-9]+)\])?$/.exec(step)!
    const name = m[1]!
    let n = m[2] === undefined ? 1 : Number(m[2])
    let next: XmlElement | undefined
    for (const c of at.children) {
      if (c.name === name && --n === 0) {
        next = c
        break
      }
    }
    if (!next) break
    at = next
    source = next.source ?? source
  }
  return source
}

// The conversions of sk-official.md §2. Each answers the official value unchanged when it is not of the official
// lexical form, so that a document read before (or without) its schema check still maps, and our types judge it.

const collapse = (text: string): string => text.replace(/[ \t\r\n]+/g, ' ').trim()

/** `DD.MM.RRRR` → `RRRR-MM-DD` (the calendar is our `Datum`'s to check). */
export function officialDate(text: string): string {
  const m = /^([0-9]{2})\.([0-9]{2})\.([0-9]{4})$/.exec(collapse(text))
  return m ? `${m[3]}-${m[2]}-${m[1]}` : text
}

/** `MMRRRR` → `RRRR-MM`. */
export function officialPeriod(text: string): string {
  const m = /^([0-9]{2})([0-9]{4})$/.exec(text)
  return m ? `${m[2]}-${m[1]}` : text
}

const canonicalAmount = /^-?(0|[1-9][0-9]*)\.[0-9]{2}$/

/** An `xs:decimal` of at most two fraction digits, written with exactly two and without `+` or leading zeros. */
export function officialAmount(text: string): string {
  // What a payroll program writes nearly always: already our form.
  if (canonicalAmount.test(text)) return text
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(collapse(text))
  if (!m || (m[2] === '' && (m[3] ?? '') === '') || (m[3] ?? '').length > 2) return text
  const whole = m[2]!.replace(/^0+(?=[0-9])/, '') || '0'
  return `${m[1] === '-' ? '-' : ''}${whole}.${(m[3] ?? '').padEnd(2, '0')}`
}

/** An `xs:integer` in canonical form (`07` → `7`, `+3` → `3`). */
export function officialInteger(text: string): string {
  const m = /^([+-]?)([0-9]+)$/.exec(collapse(text))
  if (!m) return text
  const digits = m[2]!.replace(/^0+(?=[0-9])/, '')
  return `${m[1] === '-' && digits !== '0' ? '-' : ''}${digits}`
}

/** `xs:boolean` → our `Priznak` (`1` → `true`, `0` → `false`). */
export function officialFlag(text: string): string {
  const value = collapse(text)
  return value === '1' ? 'true' : value === '0' ? 'false' : value
}

/** A text in our `Text(n)`: whitespace collapsed. */
export const officialText = collapse
