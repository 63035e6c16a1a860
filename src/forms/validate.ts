import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { GatewayError } from '../problems.js'
import {
  assignPaths, parseXml, parseXmlBytes, XmlError, createSchemaChecker, type SchemaChecker, type SchemaCheckerOptions, type XmlDocument, type XmlElement, type XsdIssue,
} from '../xml/index.js'
import { findReader } from './index.js'
import { applyRules, type FormModule, type DocumentFacts, type OfficialContext, type OfficialEmployer, type OfficialReader, type RuleContext } from './form-module.js'
import { serializeInternal, toOfficialLocations } from './official.js'
import type { CodeLists } from './code-lists.js'
import type { Finding } from '../validation/index.js'
import { attributeFindings, boundFindings, maxFindings, xsdIssuesToFindings } from '../validation/index.js'
import { projectRoot } from '../lib/index.js'

/** A parsed document whose type is known. */
export interface IdentifiedDocument {
  readonly form: FormModule
  /** The document as submitted. */
  readonly doc: XmlDocument
  /** The document in the form's own vocabulary: `doc.root`, or an official document mapped (`official`). */
  readonly root: XmlElement
  /** `ehrs`: our vocabulary; `sp`: Sociálna poisťovňa's own (sk-official.md). */
  readonly format: 'ehrs' | 'sp'
  /**
   * The reader of an official document, what it says of its employer, and its entries in the form's own vocabulary:
   * one document of ours each (`root` is the first), more than one for a batch (sk-official.md §6).
   */
  readonly official?: { readonly reader: OfficialReader; readonly employer: OfficialEmployer; readonly entries: readonly XmlElement[] }
  readonly facts: DocumentFacts
  readonly bytes: Uint8Array
}

export interface Validator {
  /**
   * Parses safely and finds the form by namespace and root element.
   * Throws GatewayError XML_MALFORMED, XML_DOCTYPE_FORBIDDEN or UNKNOWN_DOCUMENT_TYPE.
   */
  identify(bytes: Uint8Array): IdentifiedDocument
  /**
   * XSD, then (only when the schema is satisfied) the form's plain rules; a form with an ordered input check
   * also runs its admission rules and reports only up to the first step with an error. Findings in step
   * order, then document order; at most `maxFindings` of them, then one saying more were left out.
   * `earlier` feeds the "documents" rules; without it they stay silent.
   */
  validate(document: IdentifiedDocument, options: ValidateOptions): Promise<Finding[]>
  /** The form's admission rules alone (sk-ezu §6.3 steps 1–3), e.g. to re-judge R/O admissibility under a lock. */
  admit(document: IdentifiedDocument, options: ValidateOptions): Finding[]
}

export interface ValidateOptions {
  readonly filingDate: string
  readonly earlier?: RuleContext['earlier']
  /**
   * The employer's DIČ for an official document that does not name it (its IČZ binding, sk-official.md §1.3).
   * Absent offline: the document is judged without it, and SK-COMMON findings on the tax number stay silent.
   */
  readonly employer?: string
  /** Of an official batch: the earlier documents of each entry's series, in entry order (instead of `earlier`). */
  readonly entryEarlier?: readonly (RuleContext['earlier'])[]
}

export function createValidator(codeLists: CodeLists, checkerOptions: Partial<SchemaCheckerOptions> = {}): Validator {
  let checker: Promise<SchemaChecker> | undefined
  return {
    identify: bytes => identifyDocument(bytes, codeLists),
    async validate(document, options) {
      checker ??= createSchemaChecker({ schemaDir, ...xsdOptions, ...checkerOptions })
      return checkDocument(document, await checker, { codeLists, ...options }).findings
    },
    admit: (document, options) => admitDocument(document, { codeLists, ...options }),
  }
}

/**
 * XSD, then the rules (`Validator.validate`), on the thread that holds the document: an official document's own
 * schema on the bytes as sent; once satisfied, ours on the values the mapping read from them. Also answers the
 * document as judged, which for an official document that names no employer is the one mapped with `employer`.
 */
export function checkDocument(document: IdentifiedDocument, checker: SchemaChecker, options: ValidateOptions & { readonly codeLists: CodeLists }): { document: IdentifiedDocument; findings: Finding[] } {
  const { codeLists, filingDate, earlier, employer, entryEarlier } = options
  const ctx = { codeLists, filingDate, ...(earlier ? { earlier } : {}) }
  if (!document.official) return { document, findings: judgeDocument(document, checker.check(document.form.xsd, document.bytes), ctx) }
  const mapped = withEmployer(document, employer, codeLists)
  const officialIssues = checker.check(document.official.reader.xsd, document.bytes)
  if (officialIssues.length > 0) return { document: mapped, findings: judgeOfficialDocument(document, officialIssues, [], ctx) }
  const entryIssues = internalBytes(mapped).map(bytes => checker.check(document.form.xsd, bytes))
  return { document: mapped, findings: judgeOfficialDocument(mapped, [], entryIssues, { ...ctx, ...(entryEarlier ? { entryEarlier } : {}) }) }
}

export const schemaDir = join(projectRoot, 'xsd')
/** One issue more than is listed tells that more were left out. */
export const xsdOptions = { maxIssues: maxFindings + 1 } as const

/** Parses safely and finds the form by namespace and root element; see {@link Validator.identify}. */
export function identifyDocument(bytes: Uint8Array, codeLists: CodeLists): IdentifiedDocument {
  let doc: XmlDocument
  try {
    doc = parseXmlBytes(bytes)
  } catch (error) {
    if (error instanceof XmlError) {
      throw new GatewayError(error.kind === 'doctype' ? 'XML_DOCTYPE_FORBIDDEN' : 'XML_MALFORMED', error.message, [], { cause: error })
    }
    throw error
  }
  const found = findReader(doc.root.ns, doc.root.name)
  if (!found) {
    throw new GatewayError('UNKNOWN_DOCUMENT_TYPE',
      `No document type has root element ${doc.root.name} in namespace "${doc.root.ns}"`)
  }
  const { form, official: reader } = found
  if (!reader) return { form, doc, root: doc.root, format: 'ehrs', facts: form.facts(doc.root), bytes }
  assignPaths(doc.root, reader.repeatable)
  const employer = reader.employer(doc.root)
  const entries = mapEntries(reader, doc.root, { codeLists })
  const facts = form.facts(entries[0]!)
  return {
    form, doc, root: entries[0]!, format: 'sp', official: { reader, employer, entries }, facts: { ...facts, ...(employer.icz ? { icz: employer.icz } : {}) }, bytes,
  }
}

/** An official document's entries in the form's own vocabulary: a batch's, or the one document it is. */
function mapEntries(reader: OfficialReader, root: XmlElement, ctx: OfficialContext): XmlElement[] {
  const entries = reader.entries?.(root, ctx) ?? []
  return entries.length > 0 ? entries : [reader.toInternal(root, ctx)]
}

/**
 * A stored document in the form's own vocabulary, for those who read it after intake (the back office, the rules
 * of later documents): a document of ours as parsed, an official one mapped. With `keep`, only elements of those
 * names are wanted (an outline): a document of ours is then built with no others.
 */
export function readInternal(bytes: Uint8Array, codeLists: CodeLists, keep?: ReadonlySet<string>): XmlElement {
  const { root } = parseXmlBytes(bytes, undefined, keep ? { keepNames: r => (findReader(r.ns, r.name)?.official ? undefined : keep) } : {})
  return internalOf(root, codeLists, keep)
}

/** A parsed document as `readInternal` reads it: ours as it is, an official one mapped (its batch's entries under the first). */
export function internalOf(root: XmlElement, codeLists: CodeLists, keep?: ReadonlySet<string>): XmlElement {
  const reader = findReader(root.ns, root.name)?.official
  if (!reader) return root
  assignPaths(root, reader.repeatable)
  const entries = mapEntries(reader, root, { codeLists, ...(keep ? { keep } : {}) })
  return entries.length > 1 ? { ...entries[0]!, batch: entries } : entries[0]!
}

/**
 * An official document mapped again with the employer's DIČ its IČZ binding gives, when it does not name one: the
 * rules then judge the employer as for a document of ours.
 */
export function withEmployer(document: IdentifiedDocument, dic: string | undefined, codeLists: CodeLists): IdentifiedDocument {
  if (!document.official || document.official.employer.dic !== undefined || dic === undefined) return document
  const entries = mapEntries(document.official.reader, document.doc.root, { codeLists, dic })
  return { ...document, root: entries[0]!, official: { ...document.official, entries }, facts: { ...document.facts, employer: dic } }
}

/** The mapped entries in our vocabulary, for our own schema to check their values (`judgeOfficialDocument`). */
export function internalBytes(document: IdentifiedDocument): Uint8Array[] {
  const encoder = new TextEncoder()
  return (document.official?.entries ?? [document.root]).map(entry => encoder.encode(serializeInternal(entry)))
}

/**
 * Everything after the XSD check, on the thread that holds the tree: the schema issues as findings, then (only when
 * the schema is satisfied) the plain rules, the admission rules in any case; see {@link Validator.validate}.
 */
export function judgeDocument({ form, root }: IdentifiedDocument, issues: readonly XsdIssue[], ctx: RuleContext): Finding[] {
  return boundFindings(form, root, inOrder(judgeSteps(form, root, issues, ctx)))
}

/**
 * An official document (sk-official.md §1.4): its own schema first, on the official paths; once that is satisfied,
 * each entry of the mapped document is judged as one of ours (`entryIssues`: our schema on its values), its findings
 * moved to where the values were read, beside the findings of the official format's own rules.
 */
export function judgeOfficialDocument(
  document: IdentifiedDocument, officialIssues: readonly XsdIssue[], entryIssues: readonly (readonly XsdIssue[])[],
  ctx: RuleContext & { readonly entryEarlier?: readonly (RuleContext['earlier'])[] },
): Finding[] {
  const { form, doc } = document
  const { reader, entries } = document.official!
  const officialForm = { country: form.country, fieldOf: reader.fieldOf, ...schemaShape(reader.xsd) }
  if (officialIssues.length > 0) {
    return boundFindings(officialForm, doc.root, xsdIssuesToFindings(officialForm, doc.root, officialIssues, { official: true }).sort(byLine))
  }
  // Offline an official document naming only the IČO has no DIČ: the IČZ binding gives it on filing (SKO-EMP-1).
  const dicFromBinding = document.official!.employer.dic === undefined && document.facts.employer === undefined
  const keep = (f: Finding, entry: XmlElement): boolean =>
    !reader.replaces?.has(f.code) && !reader.waives?.(f, entry) && !(dicFromBinding && f.path.endsWith('/Zamestnavatel/Dic'))
  // Each entry is judged as a document of ours, with its own series' earlier documents (sk-official.md §6).
  const own = entries.flatMap((entry, i) => {
    const { entryEarlier, ...rest } = ctx
    const earlier = entryEarlier ? entryEarlier[i] : rest.earlier
    const steps = judgeSteps(form, entry, entryIssues[i] ?? [], { ...rest, ...(earlier ? { earlier } : {}) }).filter(s => keep(s.finding, entry))
    const moved = toOfficialLocations(steps.map(s => s.finding), entry)
    return steps.map((s, j) => ({ finding: moved[j]!, step: s.step }))
  })
  const steps = [
    ...own,
    ...applyRules({ ...form, fieldOf: reader.fieldOf }, doc.root, ctx, reader.rules).map(finding => ({ finding, step: reader.checkStep?.(finding) ?? ruleStep })),
  ]
  return boundFindings(officialForm, doc.root, inOrder(steps))
}

/** The form's admission rules alone; see {@link Validator.admit}. */
export function admitDocument(document: IdentifiedDocument, ctx: RuleContext & { readonly entryEarlier?: readonly (RuleContext['earlier'])[] }): Finding[] {
  const { form, root } = document
  if (!form.admission) return []
  if (!document.official) return applyRules(form, root, ctx, form.admission)
  const { entryEarlier, ...rest } = ctx
  return document.official.entries.flatMap((entry, i) => {
    const earlier = entryEarlier ? entryEarlier[i] : rest.earlier
    return toOfficialLocations(applyRules(form, entry, { ...rest, ...(earlier ? { earlier } : {}) }, form.admission!), entry)
  })
}

/** What the findings of an official schema's issues need to know of it (`SchemaFindingForm`). */
interface SchemaShape {
  readonly elements: ReadonlySet<string>
  readonly childrenOf: ReadonlyMap<string, ReadonlySet<string>>
  readonly optional: ReadonlySet<string>
}

const shapes = new Map<string, SchemaShape>()

/**
 * The element names a schema of ours declares, what each may contain and which are optional wherever declared;
 * read once per schema. Our official schemas use named and inline complex types only (no groups, refs or extensions).
 */
function schemaShape(xsd: string): SchemaShape {
  let shape = shapes.get(xsd)
  if (shape) return shape
  const { root } = parseXml(readFileSync(xsd, 'utf8'))
  const types = new Map(root.children.filter(c => c.name === 'complexType' && c.attributes.name).map(c => [c.attributes.name!, c]))
  const contained = (node: XmlElement, into: Set<string>): Set<string> => {
    for (const c of node.children) {
      if (c.name === 'element') {
        if (c.attributes.name) into.add(c.attributes.name)
      } else contained(c, into)
    }
    return into
  }
  const elements = new Set<string>()
  const childrenOf = new Map<string, Set<string>>()
  const required = new Set<string>()
  const optional = new Set<string>()
  const stack = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    stack.push(...node.children)
    const name = node.name === 'element' ? node.attributes.name : undefined
    if (name === undefined) continue
    elements.add(name)
    ;(node.attributes.minOccurs === '0' ? optional : required).add(name)
    const content = types.get(node.attributes.type ?? '') ?? node
    const children = childrenOf.get(name) ?? new Set<string>()
    childrenOf.set(name, contained(content, children))
  }
  for (const name of required) optional.delete(name)
  shapes.set(xsd, shape = { elements, childrenOf, optional })
  return shape
}

interface StepFinding { readonly finding: Finding; readonly step: number }

/** The step of findings of forms without an ordered input check, and of the rules of an official format. */
const ruleStep = 5

/** The schema issues as findings, then (only when the schema is satisfied) the plain rules, the admission rules in any case. */
function judgeSteps(form: FormModule, root: XmlElement, issues: readonly XsdIssue[], ctx: RuleContext): StepFinding[] {
  const schemaFindings = [...attributeFindings(form, root), ...xsdIssuesToFindings(form, root, issues)]
  const admission = form.admission ? applyRules(form, root, ctx, form.admission) : []
  const findings = [...admission, ...(schemaFindings.length > 0 ? schemaFindings : applyRules(form, root, ctx))]
  return findings.map(finding => ({ finding, step: form.checkStep?.(finding) ?? ruleStep }))
}

const byLine = (a: Finding, b: Finding): number => (a.line ?? 0) - (b.line ?? 0)

/**
 * The findings of every step up to and including the first one with an error (sk-ezu §6.3), in step order, then
 * document order.
 */
function inOrder(findings: readonly StepFinding[]): Finding[] {
  let failing = Infinity
  for (const f of findings) if (f.finding.severity === 'error') failing = Math.min(failing, f.step)
  return findings.filter(f => f.step <= failing).sort((a, b) => a.step - b.step || byLine(a.finding, b.finding)).map(f => f.finding)
}
