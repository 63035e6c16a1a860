import type { XmlElement } from '../xml/index.js'
import type { Finding, FindingDef } from '../validation/index.js'
import type { CodeLists } from './code-lists.js'

/** An insurance (SI) or insurance relationship (SK) as the register keeps it; `kind` is the form that opened it. */
export interface Insurance {
  readonly id: string
  readonly environment: string
  readonly country: string
  readonly employer: string
  readonly person: string
  readonly kind: string
  readonly insurance_key: Record<string, unknown>
  readonly start_date: string
  readonly end_date: string | null
  readonly status: 'open' | 'closed' | 'annulled'
  readonly data: Record<string, unknown>
  readonly created_at: Date
}

/** What a document did to an insurance: opened, changed, closed or annulled it (the insurance's history). */
export interface InsuranceEvent {
  readonly insurance_id: string
  readonly document_id: string
  readonly at: Date
  readonly event: string
  readonly status: string
  readonly end_date: string | null
  /** JSON text of the values the event records. */
  readonly data: string
}

/** A refund claim (ENDM) as the register keeps it once processed: whose absence it covers and the eBOL numbers it cites. */
export interface Claim {
  readonly document_id: string
  /** The claim's document number, for the findings of a later claim that collides with it. */
  readonly number: string
  readonly environment: string
  readonly employer: string
  readonly person: string
  readonly absence_from: string
  readonly absence_to: string
  readonly ebol_numbers: readonly string[]
  readonly created_at: Date
}

/** The facts of a document the register needs: which register it changes, and which document changed it. */
export interface RegisterDocument {
  readonly id: string
  readonly number: string
  readonly type: string
  /** The register it belongs to: `production`, or a test client's sandbox (`sandbox:<id>`, SPEC.md §7). */
  readonly environment: string
  readonly employer: string
}

/**
 * The register as a form's register code sees it: the part one batch loaded, changed in memory document by
 * document (each sees the ones before it) and stored by the back office when the batch ends. No database here.
 */
export interface Register {
  /** The insurances of one person with one employer, of one kind, with this batch's changes so far. */
  find(environment: string, employer: string, person: string, kind: string): Insurance[]
  /** Every insurance of one kind of an employer loaded whole. */
  ofEmployer(environment: string, employer: string, kind: string): Insurance[]
  insert(row: Insurance): void
  update(row: Insurance, changes: Pick<Insurance, 'status' | 'end_date' | 'data'>): Insurance
  addEvent(event: InsuranceEvent): void
  /**
   * The processed claims of an employer the batch loaded for its claims (`RegisterScope.claims`): those of the
   * persons and eBOL numbers asked for, with this batch's claims so far.
   */
  claims(environment: string, employer: string): Claim[]
  addClaim(claim: Claim): void
  /** A point to return to with `rollbackTo`, for a document that fails half-way. */
  mark(): number
  rollbackTo(mark: number): void
}

/** The part of the register a document's register code reads: one person's insurances of a kind, or all of the employer's. */
export interface RegisterScope {
  readonly kind: string
  /** Absent: every insurance of the kind of the document's employer. */
  readonly person?: string
  /** The processed claims to load as well: of this person, and any of the employer's citing these eBOL numbers. */
  readonly claims?: { readonly person: string; readonly ebolNumbers: readonly string[] }
}

/** What a register check (KNR, sk-ezu §5) of a report found: one error per registration error. */
export interface RegisterCheck {
  readonly errors: readonly Finding[]
  readonly warnings: readonly Finding[]
}

/** What a form does with the register, as the built-in back office applies it (DOCUMENTS.md §1.6). */
export interface FormRegister {
  /** The insurances a document's register code reads. */
  readonly scope: (document: RegisterDocument, root: XmlElement) => RegisterScope
  /**
   * Applies a processed document to the register and returns the findings of its register rules; a document with
   * an error is not processed (`failedAs`), and whatever it changed is taken back.
   */
  readonly apply?: (register: Register, document: RegisterDocument, root: XmlElement, now: Date) => Finding[]
  /** `refused` (the default) or `faulty` (ELDP): what processing with an error is called. */
  readonly failedAs?: 'refused' | 'faulty'
  /** Checks a report against the register (its lifecycle starts with a register check); reads only. */
  readonly check?: (register: Register, document: RegisterDocument, root: XmlElement, codeLists: CodeLists, now: Date) => RegisterCheck
  /**
   * The findings that sum up a register check (sk-ezu §5.4), and the element they point at: not accepted at the
   * first or a repeated check, more errors than before, accepted with errors. Given with `check`.
   */
  readonly checkSummary?: {
    readonly at: string
    readonly first: FindingDef
    readonly repeated: FindingDef
    readonly moreThanBefore: FindingDef
    readonly acceptedWithErrors: FindingDef
  }
  /** The only elements the back office needs to read of a large document (a report's header and each row's person). */
  readonly outline?: readonly string[]
}
