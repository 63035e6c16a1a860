import type { XmlElement } from '../xml/element.js'
import { makeFinding, type FindingDef, type FormLanguage, type Finding, type FindingLocation } from '../validation/finding.js'
import type { CodeLists } from './code-lists.js'

export type Country = 'SI' | 'SK'
export type DocumentType = 'M1' | 'M2' | 'M3' | 'M12' | 'MVP' | 'VPP' | 'RLFO' | 'RLZEC' | 'ELDP'

const slovenianTypes: readonly string[] = ['M1', 'M2', 'M3', 'M12']

/** The country whose authority a document type goes to (DOCUMENTS.md §1.1); its form language follows from it. */
export function countryOf(type: string): Country {
  return slovenianTypes.includes(type) ? 'SI' : 'SK'
}

/** What every stateless rule may read besides the document. */
export interface RuleContext {
  /** Filing date (YYYY-MM-DD, Central European time): today for `ehrs validate`, the receipt date on the server. */
  readonly filingDate: string
  readonly codeLists: CodeLists
}

/**
 * Adds a finding; `at` is the element concerned, or where a missing one would be. The finding's field is the
 * form field of that path (`FormModule.fieldOf`), so one definition serves every rubrika it applies to.
 */
export type Report = (def: FindingDef, at: FindingLocation) => void

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
}

/** One document type: its schema, its findings and its plain rules. Listed explicitly in forms/index.ts. */
export interface FormModule {
  readonly type: DocumentType
  readonly country: Country
  readonly language: FormLanguage
  readonly namespace: string
  readonly root: string
  /** Schema file in xsd/ (it may include xsd/common-*.xsd). */
  readonly xsd: string
  /** First letter of the document number (DOCUMENTS.md §4). */
  readonly numberPrefix: (root: XmlElement) => string
  readonly findings: Readonly<Record<string, FindingDef>>
  /** Findings of the rules that read the register, given when the back office processes the document (DOCUMENTS.md §1.6). */
  readonly registerFindings?: Readonly<Record<string, FindingDef>>
  readonly rules: readonly Rule[]
  readonly facts: (root: XmlElement) => DocumentFacts
  /** Field name for an element path, used to label XSD findings ("rubrika 18"). */
  readonly fieldOf: (path: string) => string
}

export type { Finding }

/** Runs a form's plain rules on a schema-valid document, in rule order. */
export function applyRules(form: FormModule, root: XmlElement, ctx: RuleContext): Finding[] {
  const findings: Finding[] = []
  for (const rule of form.rules) rule(root, (def, at) => findings.push(makeFinding(def, at, form.fieldOf(at.path))), ctx)
  return findings
}
