import type { Db, DocumentRow } from '../db/index.js'
import type { Finding } from '../validation/index.js'

/** One accepted document handed to the back office, with the bytes as submitted. */
export interface ProcessingRequest {
  readonly document: DocumentRow
  readonly content: Uint8Array
}

/** The processing result (SPEC.md §4a): `refused` (`faulty` for ELDP) carries the findings that explain it. */
export interface ProcessingResult {
  readonly processing: 'processed' | 'refused' | 'faulty'
  readonly findings: readonly Finding[]
}

/** What a register check (KNR, sk-ezu §5) of a report found: one error per registration error. */
export interface RegisterCheckResult {
  readonly errors: readonly Finding[]
  readonly warnings: readonly Finding[]
}

/**
 * The authority's back office as the gateway sees it. The built-in one (src/register) applies documents to
 * the gateway's own insurance register; a real one replaces it behind this interface. `process` gets the
 * documents that are due, in filing order within their register, and answers one result per document in
 * the same order. It runs inside the transaction that records the results, so whatever it writes commits
 * or rolls back with the state changes. Each document is given to it once.
 */
export interface BackOffice {
  process(trx: Db, requests: readonly ProcessingRequest[], now: Date): Promise<readonly ProcessingResult[]>
  /**
   * Checks reports (MVP, VPP) against the register of insured persons, in the same way: due ones, in filing
   * order, one result per report, inside the transaction that records the acceptance they lead to.
   */
  checkRegister(trx: Db, requests: readonly ProcessingRequest[], now: Date, prepared?: PreparedDocuments): Promise<readonly RegisterCheckResult[]>
  /**
   * Optional: reads reports due for a register check before the transaction that checks them (their bytes never
   * change), so that reading a large one does not hold the transaction; `checkRegister` then gets the answer, and
   * the request's `content` may be empty for the documents it covers.
   */
  prepareRegisterCheck?(requests: readonly ProcessingRequest[]): Promise<PreparedDocuments>
}

/** What a back office read of documents ahead of a transaction, by document id; opaque to the lifecycle. */
export type PreparedDocuments = ReadonlyMap<string, unknown>
