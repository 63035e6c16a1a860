import type { XmlElement } from '../xml/index.js'
import { makeFinding, type FindingDef, type FormLanguage, type Finding, type FindingLocation, type FindingParams } from '../validation/index.js'
import type { CodeLists } from './code-lists.js'
import type { FormRegister } from './register.js'

export type Country = 'SI' | 'SK'
/** A registered form's type (`M1`, `MVP`, …): forms/index.ts lists them. */
export type DocumentType = string

/**
 * How a stored document's lifecycle starts (SPEC.md §4a): `process`, it goes to the back office after
 * PROCESSING_DELAY (SI); `forward`, it waits out the storno window of FORWARD_DELAY first (SK); `register-check`,
 * a report is checked against the register first (sk-ezu §5), then forwarded once accepted; `pairing`, a
 * preliminary registration waits to be confirmed by a later document (`FormModule.pairing`), and expires
 * PRELIMINARY_DEADLINE after its date when none does (DOCUMENTS.md §3.7).
 */
export type LifecycleStart = 'process' | 'forward' | 'register-check' | 'pairing'

/**
 * What pairs a preliminary registration with the document that confirms it (DOCUMENTS.md §3.7): keys are opaque
 * to the gateway, which compares them within one employer and one register.
 */
export interface PairingFacts {
  /** A preliminary registration: the key that confirms it, and its date (YYYY-MM-DD), from which its deadline runs. */
  readonly awaits?: { readonly key: string; readonly date: string }
  /** A confirming document: the keys of the preliminary registrations filed before it that it confirms. */
  readonly confirms?: readonly string[]
}

/** A form's part in pairing (DOCUMENTS.md §3.7). */
export interface FormPairing {
  /** Read from a document as it is identified, so it must cope with missing elements. */
  readonly facts: (root: XmlElement) => PairingFacts
  /** A `pairing` form: the warning its document gets when it expires unpaired. */
  readonly expired?: FindingDef
}

/**
 * An earlier document of the same series (same environment, employer, type and `FormModule.series`), as a
 * "documents" rule sees it (DOCUMENTS.md §1.6): R/O admissibility, corrective ELDP, negative rows.
 */
export interface EarlierDocument {
  readonly number: string
  readonly kind: string | null
  readonly acceptance: string
  readonly processing: string
  /** The parsed document, loaded only when `FormModule.needsEarlierContent` asks for it. */
  readonly root?: XmlElement
}

/** What every rule may read besides the document. */
export interface RuleContext {
  /** Filing date (YYYY-MM-DD, Central European time): today for `ehrs validate`, the receipt date on the server. */
  readonly filingDate: string
  readonly codeLists: CodeLists
  /**
   * The series' earlier documents, oldest first. Absent where they cannot be known (`ehrs validate`): rules
   * that need them then stay silent, or judge as if there were none where that is the stricter reading.
   */
  readonly earlier?: readonly EarlierDocument[]
}

/**
 * Adds a finding; `at` is the element concerned, or where a missing one would be. The finding's field is the
 * form field of that path (`FormModule.fieldOf`), so one definition serves every rubrika it applies to.
 */
export type Report = (def: FindingDef, at: FindingLocation, params?: FindingParams) => void

/** A plain rule reads the document alone (DOCUMENTS.md §1.6). Rules add findings; they never throw. */
export type Rule = (root: XmlElement, report: Report, ctx: RuleContext) => void

/** The facts the gateway needs from a document before and after validation (DOCUMENTS.md §1.7). */
export interface DocumentFacts {
  /** Employer's tax number: `Zavezanec/DavcnaStevilka` (SI) or `Zamestnavatel/Dic` (SK). */
  readonly employer?: string
  readonly period?: string
  readonly kind?: string
  /** `ZunanjiId` / `ExternyId`: the filer's own reference. */
  readonly externalId?: string
  /** SK: the employer's IČZ, which binds an official document naming only the IČO to a DIČ (sk-official.md §1.3). */
  readonly icz?: string
}

/**
 * One entry of a document of several (a registration list of 2–300 persons, an official ELDP batch), as the
 * document view lists it: never the whole personal number (sk-official.md §6).
 */
export interface DocumentEntry {
  readonly kind: string
  /** The RČ masked to its last four digits (`******1472`). */
  readonly person: string
  readonly start?: string
  readonly end?: string
  /** The series of the "documents" rules the entry belongs to (an ELDP's person and relationship). */
  readonly series?: string
}

/** A personal number as a view may show it: its last four characters. */
export function maskedPerson(number: string | undefined): string {
  return number === undefined ? '' : `${'*'.repeat(Math.max(0, number.length - 4))}${number.slice(-4)}`
}

/** What the official document says of its employer (sk-official.md §1.3), before any binding. */
export interface OfficialEmployer {
  /** IČZ (`variabilnySymbol`, ELDP `icz`). */
  readonly icz?: string
  /** `identifikator/dic`, when the document names it. */
  readonly dic?: string
  /** Where a finding about the employer's tax number points (`identifikator`, else `variabilnySymbol`). */
  readonly at: FindingLocation
}

/** What the mapping of an official document may read besides it. */
export interface OfficialContext {
  /** The employer's DIČ when the document does not name it (the IČZ binding, sk-official.md §1.3). */
  readonly dic?: string
  readonly codeLists: CodeLists
  /** Only these elements of ours are wanted (a reader's outline, `FormRegister.outline`): the mapping may skip others. */
  readonly keep?: ReadonlySet<string>
}

/**
 * A form's second vocabulary: the authority's own XML for the same document (sk-official.md). Its documents are
 * checked against `xsd`, then `toInternal` turns them into the form's own document, on which every check of the
 * form runs; `rules` read the official document itself (what has no field of ours).
 */
export interface OfficialReader {
  /** `format` of the document view. */
  readonly format: 'sp'
  readonly namespace: string
  readonly root: string
  /** Absolute path of the official schema as we wrote it. */
  readonly xsd: string
  /** Elements whose path always carries an index, also `[1]`. */
  readonly repeatable: ReadonlySet<string>
  readonly employer: (root: XmlElement) => OfficialEmployer
  /** The form's own document; it must cope with a document its schema refuses (elements missing or malformed). */
  readonly toInternal: (root: XmlElement, ctx: OfficialContext) => XmlElement
  readonly findings: Readonly<Record<string, FindingDef>>
  readonly rules: readonly Rule[]
  /** Codes of the form's own rules that `rules` take the place of in this format (the sum rule, sk-official.md §8). */
  readonly replaces?: ReadonlySet<string>
  /**
   * Whether a finding of the form's own rules (on the mapped document, its path still ours) does not apply to
   * what the official document says: an entry whose start the register gives, or that changes data only, lacks
   * dates our vocabulary requires (sk-official.md §7.2, SKO-RL-4 and -5); an ELDP period without dates or base is
   * SKO-ELDP-2's. Absent: every finding applies.
   */
  readonly waives?: (finding: Finding, internal: XmlElement) => boolean
  /** The field name of an official path's finding. */
  readonly fieldOf: (path: string) => string
  /** The number prefix, where the official document decides it rather than the mapped one (a batch counted on its entries). */
  readonly numberPrefix?: (root: XmlElement) => string
  /**
   * A batch: one document of ours per entry, each judged as if filed alone (sk-official.md §6); `toInternal` then
   * gives the first. Absent: the official document is one document of ours.
   */
  readonly entries?: (root: XmlElement, ctx: OfficialContext) => XmlElement[]
  /** An entry of a batch as the view lists it. */
  readonly entry?: (entry: XmlElement) => DocumentEntry
  /** The step of the ordered input check (`FormModule.checkStep`) a finding of `rules` belongs to; default the last. */
  readonly checkStep?: (finding: Finding) => number
}

/**
 * One document type, whole: its schema, findings and rules, how its lifecycle starts, what it does to the
 * register, and which insurances a mandate for it shows. Registered in forms/index.ts.
 */
export interface FormModule {
  readonly type: DocumentType
  readonly country: Country
  readonly language: FormLanguage
  readonly namespace: string
  readonly root: string
  /** Schema file: a name in xsd/ (it may include xsd/common-*.xsd), or an absolute path. */
  readonly xsd: string
  readonly lifecycle: LifecycleStart
  /**
   * What the built-in back office does with the register: `apply` for a form it processes into the register,
   * `check` for a form whose lifecycle starts with a register check. Absent: processed as filed.
   */
  readonly register?: FormRegister
  /**
   * The kind of insurance (the form that opens it: `M1`, `M12`, `RLFO`) whose insurances a mandate for this form
   * shows (SPEC.md §4 `GET /api/v1/insurances`).
   */
  readonly insuranceKind: string
  /** First letter of the document number (DOCUMENTS.md §4). */
  readonly numberPrefix: (root: XmlElement) => string
  readonly findings: Readonly<Record<string, FindingDef>>
  /** Findings of the rules that read the register, given when the back office processes the document (DOCUMENTS.md §1.6). */
  readonly registerFindings?: Readonly<Record<string, FindingDef>>
  readonly rules: readonly Rule[]
  readonly facts: (root: XmlElement) => DocumentFacts
  /**
   * Days within which the authority pays once it has processed a document of this form (a refund claim: ZZZS pays
   * within 30 days of a complete claim, si-endm §5). Given, a processed document's view, receipt and events carry
   * `payment.expectedBy`.
   */
  readonly paymentDays?: number
  /**
   * What to do instead of a storno once a document of this form is processed: the `STORNO_NOT_ALLOWED` detail.
   * Absent: the country's advice (SI: an M3, or M2 + M1; SK: a corrective document).
   */
  readonly afterProcessing?: string
  /** Preliminary registrations and the documents that confirm them (DOCUMENTS.md §3.7). */
  readonly pairing?: FormPairing
  /** Field name for an element path, used to label XSD findings ("rubrika 18"). */
  readonly fieldOf: (path: string) => string
  /**
   * The series a document belongs to for the "documents" rules: the period of a report, the person and
   * relationship of an ELDP. Absent for forms without such rules.
   */
  readonly series?: (root: XmlElement) => string | undefined
  /** True when the "documents" rules need the earlier documents' content, not only their states. */
  readonly needsEarlierContent?: (root: XmlElement) => boolean
  /**
   * Rules of the first steps of an ordered input check (sk-ezu §6.3): they run whether or not the schema is
   * satisfied, so they must cope with missing elements.
   */
  readonly admission?: readonly Rule[]
  /**
   * The step of the ordered input check a finding belongs to. When given, only the findings up to the first
   * step that has an error are reported: a document is judged step by step, in that order.
   */
  readonly checkStep?: (finding: Finding) => number
  /** The authority's own XML format of the same document, read beside ours (sk-official.md). */
  readonly official?: OfficialReader
  /** The entries of a document of several, as the view lists them; none for a document of one. */
  readonly entries?: (root: XmlElement) => DocumentEntry[]
}

/**
 * What a shipped form's type and country name (DOCUMENTS.md §1.1): its language, namespace `urn:ehrs:<country>:<type>:1`,
 * root element `<TYPE>` and schema `xsd/<type>.xsd`.
 */
export function formNames(country: Country, type: string): Pick<FormModule, 'type' | 'country' | 'language' | 'namespace' | 'root' | 'xsd'> {
  const name = type.toLowerCase()
  return { type, country, language: country === 'SI' ? 'sl' : 'sk', namespace: `urn:ehrs:${country.toLowerCase()}:${name}:1`, root: type, xsd: `${name}.xsd` }
}

export type { Finding }

/** Where an absent child would be: its path, on the line of the parent that is present. */
export function missingChild(parent: XmlElement, name: string): FindingLocation {
  return { path: `${parent.path}/${name}`, line: parent.line }
}

/** Runs rules (by default the form's plain rules, on a schema-valid document) in rule order. */
export function applyRules(form: FormModule, root: XmlElement, ctx: RuleContext, rules: readonly Rule[] = form.rules): Finding[] {
  const findings: Finding[] = []
  for (const rule of rules) rule(root, (def, at, params) => findings.push(makeFinding(def, at, form.fieldOf(at.path), params)), ctx)
  return findings
}
