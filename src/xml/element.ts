/** A parsed element. Only what the rules need: names, namespaces, collapsed text, position. */
export interface XmlElement {
  /** Local name, without prefix. */
  readonly name: string
  /** Namespace URI, '' when none. */
  readonly ns: string
  /** Path from the root without prefixes, 1-based index where a name repeats among siblings: `/MVP/Priloha/Riadok[3]/Np/Vz`. */
  path: string
  /** 1-based line of the start tag. */
  readonly line: number
  /** By local name when unprefixed, by expanded name `{namespace}local` when prefixed. */
  readonly attributes: Readonly<Record<string, string>>
  readonly children: XmlElement[]
  /** Text content with XML whitespace collapsed (as xs:token sees it). */
  text: string
  /** Where the element stands in the text; only when parsed with `{ spans: true }`. */
  span?: XmlSpan
  /** Of an element built from an authority's own format (forms/official.ts): where its value was read there. */
  readonly source?: { readonly path: string; readonly line: number }
  /** Of the first entry of an official batch read for the back office: every entry, this one first. */
  readonly batch?: readonly XmlElement[]
  /**
   * Of an element built from an authority's own format: values read there that no element of ours carries (an
   * odhláška's stated start, sk-official.md §7.1), by name, each with where it was read. Never serialized: only
   * the code that knows the format reads them.
   */
  readonly officialValues?: Readonly<Record<string, OfficialValue>>
}

/** A value of an official document without an element of ours, and where it was read there. */
export interface OfficialValue {
  readonly value: string
  readonly path: string
  readonly line: number
}

/** An element's extent in the parsed text and its namespace context, to cut it out as a document of its own. */
export interface XmlSpan {
  /** Index of its `<`. */
  readonly start: number
  /** Index just past its end tag (or its empty-element tag). */
  end: number
  /** Its content lies from just past its start tag to its end tag's `<`. */
  readonly contentStart: number
  contentEnd: number
  /** Its qualified name as written. */
  readonly qname: string
  /** Every prefix in scope at the element ('' for the default namespace), its own declarations included. */
  readonly inScope: ReadonlyMap<string, string>
  /** Prefixes its own start tag declares ('' for `xmlns=`). */
  readonly declares: readonly string[]
}

export function child(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find(c => c.name === name)
}

/** Collapsed text of a child element, or undefined when the child is absent. */
export function childText(parent: XmlElement | undefined, name: string): string | undefined {
  return child(parent, name)?.text
}

/** Follows a path of local names: `descend(root, 'Zavezanec', 'DavcnaStevilka')`. */
export function descend(from: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let at = from
  for (const name of names) at = child(at, name)
  return at
}
