import { defineFindings, makeFinding, type Finding, type FindingDef } from './finding.js'
import type { XmlElement, XsdIssue } from '../xml/index.js'

/**
 * Schema violations become findings like any other. libxml2's own text is English only and may quote the
 * value found (personal data), so it is never passed on: each class of violation has a fixed text.
 */
const si = defineFindings('SI-XSD', 'sl', {
  '000': { field: '', severity: 'error', en: 'The document does not match the schema.', sl: 'Dokument ni skladen s shemo.' },
  '001': { field: '', severity: 'error', en: 'This element is not allowed here: check the element name, its namespace and the order of elements.', sl: 'Element na tem mestu ni dovoljen: preverite ime elementa, imenski prostor in vrstni red elementov.' },
  '002': { field: '', severity: 'error', en: 'A required element is missing.', sl: 'Manjka obvezen element.' },
  '003': { field: '', severity: 'error', en: 'The value does not have the required format, length or range.', sl: 'Vrednost nima predpisane oblike, dolžine ali razpona.' },
  '004': { field: '', severity: 'error', en: 'Attribute not allowed, missing, or with a wrong value: only verzija="1" is allowed, on the root element.', sl: 'Atribut ni dovoljen, manjka ali ima napačno vrednost: dovoljen je le verzija="1" na korenskem elementu.' },
  '005': { field: '', severity: 'error', en: 'This element may not contain text, only elements.', sl: 'Ta element ne sme vsebovati besedila, le elemente.' },
  '006': { field: '', severity: 'error', en: 'The value is not one of the allowed codes.', sl: 'Vrednost ni med dovoljenimi kodami.' },
  '007': { field: '', severity: 'error', en: 'Only the first {n} findings are listed: the document has more. Correct these and submit it again.', sl: 'Navedenih je le prvih {n} ugotovitev: dokument jih ima več. Popravite jih in dokument oddajte znova.' },
})
const sk = defineFindings('SK-XSD', 'sk', {
  '000': { field: '', severity: 'error', en: si['000'].en, sk: 'Dokument nezodpovedá schéme.' },
  '001': { field: '', severity: 'error', en: si['001'].en, sk: 'Element tu nie je povolený: skontrolujte názov elementu, menný priestor a poradie elementov.' },
  '002': { field: '', severity: 'error', en: si['002'].en, sk: 'Chýba povinný element.' },
  '003': { field: '', severity: 'error', en: si['003'].en, sk: 'Hodnota nemá predpísaný formát, dĺžku alebo rozsah.' },
  '004': { field: '', severity: 'error', en: si['004'].en, sk: 'Atribút nie je povolený, chýba alebo má nesprávnu hodnotu: povolený je len verzija="1" na koreňovom elemente.' },
  '005': { field: '', severity: 'error', en: si['005'].en, sk: 'Tento element nesmie obsahovať text, len elementy.' },
  '006': { field: '', severity: 'error', en: si['006'].en, sk: 'Hodnota nie je medzi povolenými kódmi.' },
  '007': { field: '', severity: 'error', en: si['007'].en, sk: 'Uvedených je len prvých {n} zistení: dokument ich má viac. Opravte ich a dokument odošlite znova.' },
})

export const xsdFindings = { SI: si, SK: sk } as const

/** What the schema findings need of a document's form: its country, and the form field of an element path. */
export interface SchemaFindingForm {
  readonly country: keyof typeof xsdFindings
  readonly fieldOf: (path: string) => string
  /** Of an official format: every element name its schema declares (one of them out of place may stand for a missing one). */
  readonly elements?: ReadonlySet<string>
  /** Of an official format: the names an element of each name may contain, in any of its declarations. */
  readonly childrenOf?: ReadonlyMap<string, ReadonlySet<string>>
  /** Of an official format: the names every declaration of which is optional (their absence is no missing element). */
  readonly optional?: ReadonlySet<string>
}

type XsdKind = keyof typeof si

/**
 * Findings listed for one document, at most. A document may be wrong in every one of 100,000 rows; the first
 * thousand say what to correct, and the answer, the message log and the receipt stay small.
 */
export const maxFindings = 1_000

/** The first `maxFindings` findings, then one saying that more were left out when there were (SI-XSD-007). */
export function boundFindings(form: SchemaFindingForm, root: XmlElement, findings: readonly Finding[]): Finding[] {
  const leftOut = xsdFindings[form.country]['007']
  const listed = findings.filter(f => f.code !== leftOut.code)
  if (listed.length <= maxFindings && listed.length === findings.length) return [...findings]
  return [...listed.slice(0, maxFindings), makeFinding(leftOut, { path: `/${root.name}`, line: root.line }, form.fieldOf(`/${root.name}`), { n: maxFindings })]
}

const elementName = /Element '(?:\{[^}]*\})?([^']+)'/
const attributeName = /(?:[Aa]ttribute '(?:\{[^}]*\})?([^']+)')/
const expectedNames = /Expected is(?: one of)? \( ([^)]*) \)/

function classify(message: string): XsdKind {
  if (/attribute '|The attribute '/.test(message)) return '004'
  if (/This element is not expected/.test(message)) return '001'
  if (/Missing child element/.test(message)) return '002'
  if (/\[facet 'enumeration'\]/.test(message)) return '006'
  if (/\[facet '|is not a valid value|is not valid|is not accepted by the pattern/.test(message)) return '003'
  if (/Character content|Element content is not allowed|is not allowed/.test(message)) return '005'
  return '000'
}

/**
 * Turns libxml2's issues for one document into findings that point at the element and its form field. Issues
 * past `maxFindings` (the validator gives at most one more) only add the finding that says more were left out.
 */
export function xsdIssuesToFindings(form: SchemaFindingForm, root: XmlElement, issues: readonly XsdIssue[], options: { readonly official?: boolean } = {}): Finding[] {
  // Indexing a 20,000-row report costs more than a second: a valid document needs none of it.
  if (issues.length === 0) return []
  const tree = indexTree(root)
  const seen = new Set<string>()
  const findings: Finding[] = []
  for (const issue of issues.slice(0, maxFindings)) {
    let kind = classify(issue.message)
    const name = elementName.exec(issue.message)?.[1]
    // A start tag over several lines (an official row and its attributes) is reported on its last line.
    const element = tree.byLineAndName.get(`${issue.line} ${name}`) ?? (options.official && name !== undefined ? tree.lastStartedBy(name, issue.line) : undefined)
      ?? tree.byLine.get(issue.line)
    let path = element?.path ?? `/${root.name}`
    const attribute = options.official ? attributeName.exec(issue.message)?.[1] : undefined
    if (options.official) {
      // sk-official.md §1.4: an attribute is the last step of the path, and a missing element is reported at its parent.
      let line = issue.line
      if (attribute !== undefined) {
        path = `${path}/@${attribute}`
        line = element?.line ?? line
        kind = /is required but missing/.test(issue.message) ? '002' : /is not allowed/.test(issue.message) ? '001'
          : /\[facet 'enumeration'\]/.test(issue.message) ? '006' : '003'
      } else if (kind === '001' && element && mayStandForMissing(form, element) && missingBefore(tree, element, issue.message, form.optional)) {
        kind = '002'
        path = path.slice(0, path.lastIndexOf('/'))
      }
      const def: FindingDef = xsdFindings[form.country][kind]
      const key = `${def.code}|${path}`
      if (seen.has(key)) continue
      seen.add(key)
      findings.push(makeFinding(def, { path, line }, form.fieldOf(path)))
      continue
    }
    const expected = (expectedNames.exec(issue.message)?.[1] ?? '').split(',').map(n => n.trim().replace(/^\{[^}]*\}/, '')).filter(Boolean)
    if (kind === '002' && expected[0]) {
      // Point at the first missing child, so that the field names what to add.
      path = `${path}/${expected[0]}`
    } else if (kind === '001' && element && expected.length > 0) {
      // libxml2 lists what may come next: optional elements, then the next required one. "Ime is not expected,
      // expected is one of (Drzavljanstvo, Priimek)" where the parent has no Priimek means Priimek is missing.
      const required = expected[expected.length - 1]!
      const parentPath = path.slice(0, path.lastIndexOf('/'))
      const parent = tree.byPath.get(parentPath)
      // Only an element the form knows (it has a field of its own) can be "early"; an unknown one is just wrong.
      const isKnownElement = form.fieldOf(path) !== form.fieldOf(parentPath)
      // An element that already came earlier is an extra one: what libxml2 expects then may be merely optional
      // ("Expected is ( Oprava )" after a second PoistneZamestnavatel), so nothing is missing.
      const isRepeated = parent !== undefined && parent.children.slice(0, parent.children.indexOf(element)).some(c => c.name === element.name)
      if (parent && isKnownElement && !isRepeated && !tree.childNames(parent).has(required)) {
        kind = '002'
        path = `${parentPath}/${required}`
      }
    }
    const def: FindingDef = xsdFindings[form.country][kind]
    const key = `${def.code}|${path}`
    if (seen.has(key)) continue
    seen.add(key)
    findings.push(makeFinding(def, { path, line: issue.line }, form.fieldOf(path)))
  }
  return issues.length > maxFindings ? [...findings, makeFinding(xsdFindings[form.country]['007'], { path: `/${root.name}`, line: root.line }, form.fieldOf(`/${root.name}`), { n: maxFindings })] : findings
}

/**
 * libxml2 says "x is not expected, expected is ( a, b )" both for an extra element and for one that comes where a
 * required one is missing: the last expected name, absent from the parent, was skipped.
 */
function missingBefore(tree: TreeIndex, element: XmlElement, message: string, optional?: ReadonlySet<string>): boolean {
  const expected = (expectedNames.exec(message)?.[1] ?? '').split(',').map(n => n.trim().replace(/^\{[^}]*\}/, '')).filter(Boolean)
  const required = expected[expected.length - 1]
  const parentPath = element.path.slice(0, element.path.lastIndexOf('/'))
  const parent = tree.byPath.get(parentPath)
  // Where everything libxml2 still expects is optional, an element out of order is merely out of order.
  if (!parent || required === undefined || optional?.has(required)) return false
  const isRepeated = parent.children.slice(0, parent.children.indexOf(element)).some(c => c.name === element.name)
  return !isRepeated && !tree.childNames(parent).has(required)
}

/**
 * Whether an official element out of place may stand for a missing one before it: only an element its parent may
 * contain somewhere (a wrong alternative of a choice, or a name the schema does not declare, is just unexpected).
 */
function mayStandForMissing(form: SchemaFindingForm, element: XmlElement): boolean {
  if (form.elements && !form.elements.has(element.name)) return false
  const parentName = element.path.slice(0, element.path.lastIndexOf('/')).replace(/\[[0-9]+\]$/, '').split('/').pop()!
  const allowed = form.childrenOf?.get(parentName)
  return allowed === undefined || allowed.has(element.name)
}

interface TreeIndex {
  /** The first element that starts on a line. */
  readonly byLine: Map<number, XmlElement>
  /** The first element of a name that starts on a line: `${line} ${name}`. */
  readonly byLineAndName: Map<string, XmlElement>
  readonly byPath: Map<string, XmlElement>
  childNames(parent: XmlElement): Set<string>
  /** The last element of a name that starts on or before a line. */
  lastStartedBy(name: string, line: number): XmlElement | undefined
}

/** One walk in document order, so that each issue finds its element in one step even when the document is one line. */
function indexTree(root: XmlElement): TreeIndex {
  const byLine = new Map<number, XmlElement>()
  const byLineAndName = new Map<string, XmlElement>()
  const byPath = new Map<string, XmlElement>()
  const byName = new Map<string, XmlElement[]>()
  for (const el of inDocumentOrder(root)) {
    const named = byName.get(el.name)
    if (named) named.push(el)
    else byName.set(el.name, [el])
    if (!byLine.has(el.line)) byLine.set(el.line, el)
    const key = `${el.line} ${el.name}`
    if (!byLineAndName.has(key)) byLineAndName.set(key, el)
    byPath.set(el.path, el)
  }
  const names = new Map<XmlElement, Set<string>>()
  const childNames = (parent: XmlElement): Set<string> => {
    let set = names.get(parent)
    if (!set) names.set(parent, set = new Set(parent.children.map(c => c.name)))
    return set
  }
  const lastStartedBy = (name: string, line: number): XmlElement | undefined => {
    const named = byName.get(name) ?? []
    let lo = 0
    let hi = named.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (named[mid]!.line <= line) lo = mid + 1
      else hi = mid
    }
    return lo > 0 ? named[lo - 1] : undefined
  }
  return { byLine, byLineAndName, byPath, childNames, lastStartedBy }
}

/** Every element, in document order, without recursion (a tree may be 64 deep and 100,000 wide). */
function* inDocumentOrder(root: XmlElement): Generator<XmlElement> {
  const stack = [root]
  while (stack.length > 0) {
    const el = stack.pop()!
    yield el
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]!)
  }
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance'
const noAttributes: ReadonlySet<string> = new Set()
const rootAttributes: ReadonlySet<string> = new Set(['verzija', `{${XSI}}schemaLocation`, `{${XSI}}noNamespaceSchemaLocation`])

/**
 * DOCUMENTS.md §1.2: the root carries `verzija` and may carry xsi:schemaLocation (ignored, never fetched);
 * no other attribute appears anywhere. XML Schema itself admits every xsi: attribute on every element
 * (xsi:type could even swap an element's type), so that part is checked here.
 */
export function attributeFindings(form: SchemaFindingForm, root: XmlElement): Finding[] {
  const findings: Finding[] = []
  // Every element of every document is looked at: a plain walk, and no list of names made for each element.
  const stack = [root]
  while (stack.length > 0) {
    const el = stack.pop()!
    const allowed = el === root ? rootAttributes : noAttributes
    for (const name in el.attributes) {
      if (allowed.has(name)) continue
      findings.push(makeFinding(xsdFindings[form.country]['004'], { path: el.path, line: el.line }, form.fieldOf(el.path)))
      // One more than is listed, so that the list says more were left out.
      if (findings.length > maxFindings) return findings
      break
    }
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]!)
  }
  return findings
}
