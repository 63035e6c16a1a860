import type { Db } from '../db/index.js'
import type { Finding } from '../validation/index.js'
import { newId, sha256Hex } from '../lib/index.js'

export { verifyStoredBodies, type BodiesVerdict, type BodyFault } from './verify.js'

/** The facts of one submission as it arrived, recorded once (byte-exact, with its SHA-256) whatever the answer. */
export interface Arrival {
  readonly receivedAt: Date
  readonly transport: 'rest' | 'soap'
  readonly clientId: string
  readonly fingerprint: string
  readonly contentType: string | null
  readonly idempotencyKey: string | null
  readonly bytes: Uint8Array
  readonly sha256: string
}

export interface Outcome {
  readonly status: number
  readonly problemCode?: string
  readonly findings?: readonly Finding[]
  readonly documentId?: string
}

/**
 * How much of a submission that did not become a document the log keeps (SPEC.md §8): its size and SHA-256 are
 * of the whole, so that no client can fill the disk with refusals. A repeat (200) is cut too: its SHA-256 equals
 * that of the original, whose row holds the whole bytes.
 */
export const KEPT_BODY_BYTES = 1024 * 1024

/** The message-log row of one arrival; `bytes` is absent for a body refused before it was read (413, 429, 503). */
export function messageRow(id: string, arrival: Omit<Arrival, 'bytes' | 'sha256'> & { bytes?: Uint8Array; sha256?: string; size?: number }, outcome: Outcome) {
  const truncated = outcome.status !== 201 && arrival.bytes !== undefined && arrival.bytes.byteLength > KEPT_BODY_BYTES
  const kept = truncated ? arrival.bytes!.subarray(0, KEPT_BODY_BYTES) : undefined
  return {
    id,
    received_at: arrival.receivedAt,
    transport: arrival.transport,
    client_id: arrival.clientId,
    cert_fingerprint: arrival.fingerprint,
    content_type: arrival.contentType,
    idempotency_key: arrival.idempotencyKey,
    size: arrival.bytes?.byteLength ?? arrival.size ?? 0,
    sha256: arrival.sha256 ?? null,
    body: kept ?? arrival.bytes ?? null,
    truncated,
    // `sha256` is of the whole submission; this lets `ehrs audit verify` check the part that was kept.
    kept_sha256: kept ? sha256Hex(kept) : null,
    status: outcome.status,
    problem_code: outcome.problemCode ?? null,
    findings: JSON.stringify(outcome.findings ?? []),
    document_id: outcome.documentId ?? null,
  }
}

/** A message-log row as messageRow builds it. */
export type MessageRow = ReturnType<typeof messageRow>

/** Appends rows built by messageRow at once; `db` may be the caller's transaction (a batch of documents). */
export async function recordMessageRows(db: Db, rows: readonly MessageRow[]): Promise<void> {
  await db.insertInto('message_log').values([...rows]).execute()
}

/** Appends one message; returns its id. */
export async function recordMessage(db: Db, arrival: Arrival, outcome: Outcome): Promise<string> {
  const id = newId(arrival.receivedAt.getTime())
  await db.insertInto('message_log').values(messageRow(id, arrival, outcome)).execute()
  return id
}
