import type { Finding, FindingLocation } from '../validation/index.js'

/** One document handed to the back office: plain facts and the bytes as submitted; no database, no rows. */
export interface ProcessingRequest {
  readonly id: string
  readonly number: string
  readonly type: string
  /** The register the document belongs to: `production`, or a test client's sandbox (`sandbox:<id>`). */
  readonly register: string
  /** Filed by a test client into its certification sandbox, where fault injection applies (SPEC.md §7). */
  readonly sandbox: boolean
  /** The program's own reference (ZunanjiId / ExternyId), if it gave one. */
  readonly externalId: string | null
  /** The employer's tax number. */
  readonly employer: string
  /**
   * The bytes as submitted, read when asked: a back office that does not read a document (a report at processing)
   * never loads it. Not inside a transaction of the back office's own: with PGlite's one connection it would wait
   * for itself.
   */
  content(): Promise<Uint8Array>
}

/**
 * The processing result (SPEC.md §4a): `refused` (`faulty` for ELDP) carries the findings that explain it.
 * `withdrawn` answers a document the filer withdrew first (`withdraw`): it was not processed, and its storno
 * records what became of it.
 */
export interface ProcessingResult {
  readonly processing: 'processed' | 'refused' | 'faulty' | 'withdrawn'
  readonly findings: readonly Finding[]
}

/** What a register check (KNR, sk-ezu §5) of a report found: one error per registration error. */
export interface RegisterCheckResult {
  readonly errors: readonly Finding[]
  readonly warnings: readonly Finding[]
  /**
   * Where the check's summary finding points: the report's attachment in the document as filed (in an official
   * report, its own element). Absent: the form's path for it, without a line.
   */
  readonly summaryAt?: FindingLocation
}

/**
 * The authority's back office as the gateway sees it (the port `processing/` implements). The gateway calls it
 * outside any transaction of its own and records each answer in its own transaction, so a remote back office
 * never holds the gateway's rows while it answers. Requests come in filing order within one register (country
 * and environment), one register's requests one call at a time, and the answers are one per request, in order.
 *
 * Delivery is at least once: after a failure between an answer and its record, the same document is asked
 * about again, and must get the same answer without being applied twice.
 */
export interface BackOffice {
  /** Processes documents that are due (SI at once, SK once forwarded). */
  process(requests: readonly ProcessingRequest[]): Promise<readonly ProcessingResult[]>
  /** Checks reports (MVP, VPP) against the register of insured persons; reads only. */
  checkRegister(requests: readonly ProcessingRequest[]): Promise<readonly RegisterCheckResult[]>
  /**
   * The filer cancelled a document that may already have been handed over: true when the back office had not
   * processed it (it never will), false when it had (the storno is refused).
   */
  withdraw(documentId: string): Promise<boolean>
}
