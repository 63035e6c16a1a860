import { sql } from 'kysely'
import { databaseFaultCause, type Db } from '../db/index.js'
import { appendAudit, type AuditEntry } from '../audit/index.js'
import { messageRow, recordMessageRows, type Arrival } from '../messagelog/index.js'
import { appendStates, recordPairings, scheduleTimers, type DocumentPairing, type NewTimer } from '../lifecycle/index.js'
import { registerOf } from '../identity/index.js'
import type { DocumentState, ViewEntry } from '../documents/index.js'
import type { Finding } from '../validation/index.js'
import { newId, localDate, createBatcher } from '../lib/index.js'

/** A validated document ready to be stored. */
export interface NewDocument {
  readonly id: string
  readonly arrival: Arrival
  readonly clientId: string
  readonly environment: 'test' | 'production'
  /** The test client's sandbox (SPEC.md §7); null in production. */
  readonly sandbox: string | null
  readonly type: string
  readonly numberPrefix: string
  readonly hasReceiptNumber: boolean
  readonly employer: string
  readonly period: string | null
  readonly kind: string | null
  readonly externalId: string | null
  /** `sp` for a document in Sociálna poisťovňa's own format (sk-official.md). */
  readonly format: 'ehrs' | 'sp'
  /** A Slovak document's IČZ, for the IČZ binding (sk-official.md §1.3). */
  readonly icz: string | null
  /** The entries of a document of several, as the view lists them. */
  readonly entries: readonly ViewEntry[] | null
  /** The series of a batch's entries (sk-official.md §6), by which later documents of each find it. */
  readonly entrySeries: readonly string[]
  readonly series: string | null
  readonly findings: readonly Finding[]
  readonly state: DocumentState
  /** Timed transitions that start with the document (e.g. processing after PROCESSING_DELAY). */
  readonly timers: readonly NewTimer[]
  /** A preliminary registration it is, or the ones it confirms (DOCUMENTS.md §3.7). */
  readonly pairing?: DocumentPairing
  /** Judges the document's admission again inside the writing transaction; throws to refuse it. */
  readonly admit?: (trx: Db) => Promise<void>
}

export interface DocumentWriter {
  /** Resolves with the document number once the document, its first state, its timers and its audit entry are committed. */
  write(doc: NewDocument): Promise<string>
}

const maxBatch = 256

type Written = { number: string } | { error: unknown }

/**
 * Group commit: documents that arrive while a transaction is being written wait and go together into the
 * next one, with one multi-row insert per table and one lock of the audit chain. Each caller still gets its
 * answer only after the commit that holds its document. If a batch fails, its documents are retried one by
 * one, so that one document's conflict (a racing duplicate) never fails another's submission. A database
 * fault is no document's conflict: it fails the batch, and the documents queued behind it, at once, so that
 * no caller waits through one statement timeout after another.
 */
export function createDocumentWriter(db: Db): DocumentWriter {
  const one = (doc: NewDocument): Promise<Written> => writeBatch(db, [doc]).then(([number]) => ({ number: number! }), (error: unknown) => ({ error }))
  const batcher = createBatcher<NewDocument, Written>(async docs => {
    try {
      return (await writeBatch(db, docs)).map(number => ({ number }))
    } catch (error) {
      // Nothing of this batch was written: the batcher fails the documents queued behind it too.
      if (databaseFaultCause(error)) throw error
      if (docs.length === 1) return [{ error }]
      const written: Written[] = []
      for (const doc of docs) written.push(await one(doc))
      return written
    }
  }, maxBatch, { isFault: error => databaseFaultCause(error) !== undefined })
  return {
    async write(doc) {
      // A document judged under a lock on its series is written alone, so that the next one of the series sees it,
      // and outside the group commit, so that small documents never wait behind a large report's transaction.
      const written = doc.admit ? await one(doc) : await batcher.load(doc)
      if ('error' in written) throw written.error
      return written.number
    },
  }
}

async function writeBatch(db: Db, docs: readonly NewDocument[]): Promise<string[]> {
  return db.transaction().execute(async trx => {
    for (const doc of docs) await doc.admit?.(trx)
    const numbers = await allocateNumbers(trx, docs)
    const messageIds = docs.map(d => newId(d.arrival.receivedAt.getTime()))
    await recordMessageRows(trx, docs.map((d, i) => messageRow(messageIds[i]!, d.arrival, { status: 201, findings: d.findings, documentId: d.id })))
    await trx.insertInto('documents').values(docs.map((d, i) => ({
      id: d.id, client_id: d.clientId, environment: d.environment, sandbox: d.sandbox, type: d.type, number: numbers[i]!,
      receipt_number: d.hasReceiptNumber ? numbers[i]! : null, employer: d.employer, period: d.period, kind: d.kind,
      external_id: d.externalId, received_at: d.arrival.receivedAt, sha256: d.arrival.sha256, size: d.arrival.bytes.byteLength,
      message_id: messageIds[i]!, idempotency_key: d.arrival.idempotencyKey, findings: JSON.stringify(d.findings), series: d.series,
      format: d.format, icz: d.icz, entries: d.entries ? JSON.stringify(d.entries) : null,
    }))).execute()
    const entrySeries = docs.flatMap(d => [...new Set(d.entrySeries)].map(series => ({ document_id: d.id, series })))
    if (entrySeries.length > 0) await trx.insertInto('document_series').values(entrySeries).execute()
    const keyed = docs.filter(d => d.arrival.idempotencyKey !== null)
    if (keyed.length > 0) {
      await trx.insertInto('idempotency_keys').values(keyed.map(d => ({
        client_id: d.clientId, key: d.arrival.idempotencyKey!, document_id: d.id, sha256: d.arrival.sha256, created_at: d.arrival.receivedAt,
      }))).execute()
    }
    await appendStates(trx, docs[docs.length - 1]!.arrival.receivedAt, docs.map(d => ({ documentId: d.id, ...d.state, reason: 'received', at: d.arrival.receivedAt })))
    await scheduleTimers(trx, docs[docs.length - 1]!.arrival.receivedAt, docs.flatMap(d => d.timers))
    // After the first states, so that a PREG paired by an RLFO of the same batch is received before it is paired.
    await recordPairings(trx, docs[docs.length - 1]!.arrival.receivedAt, docs.flatMap(d => (d.pairing ? [{
      documentId: d.id, register: registerOf(d), employer: d.employer, receivedAt: d.arrival.receivedAt, pairing: d.pairing,
    }] : [])))
    const entries: AuditEntry[] = docs.map((d, i) => ({
      actor: `client:${d.clientId}`, action: 'document.received', subject: d.id,
      details: { type: d.type, number: numbers[i], sha256: d.arrival.sha256, ...d.state, transport: d.arrival.transport },
    }))
    await appendAudit(trx, docs[docs.length - 1]!.arrival.receivedAt, ...entries)
    return numbers
  })
}

/**
 * Document numbers (DOCUMENTS.md §4): prefix, YYMM of receipt in Central European time, and an 8-digit
 * sequence per prefix and month, e.g. V250400000017. One counter upsert reserves a range for the batch; the
 * row stays locked until the transaction ends, so numbers are unique across gateway instances.
 */
async function allocateNumbers(trx: Db, docs: readonly NewDocument[]): Promise<string[]> {
  const keys = docs.map(d => ({ prefix: d.numberPrefix, month: yearMonth(d.arrival.receivedAt) }))
  const groups = new Map<string, number[]>()
  keys.forEach((k, i) => {
    const g = `${k.prefix}${k.month}`
    groups.set(g, [...(groups.get(g) ?? []), i])
  })
  const numbers: string[] = []
  for (const [group, indexes] of groups) {
    const prefix = group.slice(0, 1)
    const month = group.slice(1)
    const row = await trx.insertInto('document_counters')
      .values({ prefix, month, last_value: indexes.length })
      .onConflict(oc => oc.columns(['prefix', 'month']).doUpdateSet({ last_value: sql`document_counters.last_value + ${indexes.length}` }))
      .returning('last_value')
      .executeTakeFirstOrThrow()
    const first = Number(row.last_value) - indexes.length + 1
    indexes.forEach((docIndex, k) => { numbers[docIndex] = `${group}${String(first + k).padStart(8, '0')}` })
  }
  return numbers
}

/** YYMM of the receipt in Central European time. */
function yearMonth(at: Date): string {
  const date = localDate(at)
  return `${date.slice(2, 4)}${date.slice(5, 7)}`
}

/**
 * A test client's sandbox was reset (SPEC.md §7): its keys are free again for the new sandbox. The documents keep
 * the keys they were filed with; only the look-up that binds a key to a document forgets them.
 */
export async function releaseIdempotencyKeys(trx: Db, clientId: string, sandbox: string): Promise<void> {
  await trx.deleteFrom('idempotency_keys').where('client_id', '=', clientId)
    .where('document_id', 'in', eb => eb.selectFrom('documents').select('id').where('client_id', '=', clientId).where('sandbox', '=', sandbox))
    .execute()
}
