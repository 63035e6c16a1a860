import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { Acceptance, DocumentState, Processing } from '../documents/index.js'
import type { Finding } from '../validation/index.js'
import { appendEvents } from '../events/index.js'

export interface NewState extends DocumentState {
  readonly documentId: string
  readonly reason: string
  readonly findings?: readonly Finding[]
  /** When it changed, if not at the batch's `at` (a group commit's documents keep each its own receipt time). */
  readonly at?: Date
}

/**
 * The one writer of document states: appends each state (never updates one, SPEC.md §8) and, in the same
 * transaction, its `document.state_changed` event (SPEC.md §4b), so that whatever follows state changes reads
 * them in one place, by `seq`. Each document's latest state is kept in `current_states` too, for the list by state.
 */
export async function appendStates(trx: Db, at: Date, states: readonly NewState[]): Promise<void> {
  if (states.length === 0) return
  await trx.insertInto('document_states').values(states.map(s => ({
    document_id: s.documentId, at: s.at ?? at, acceptance: s.acceptance, processing: s.processing, reason: s.reason,
    findings: JSON.stringify(s.findings ?? []),
  }))).execute()
  // The last of a document's states here is its latest (they are appended in this order). Whoever changes a stored
  // document's state holds its documents row (locked in id order), so two updates of one row never cross.
  const latest = [...new Map(states.map(s => [s.documentId, s])).values()]
  await sql`insert into current_states (document_id, client_id, environment, employer, received_at, acceptance, processing)
    select d.id, d.client_id, d.environment, d.employer, d.received_at, latest.acceptance, latest.processing
    from (values ${sql.join(latest.map(s => sql`(${s.documentId}, ${s.acceptance}, ${s.processing})`))}) as latest (document_id, acceptance, processing)
    join documents d on d.id = latest.document_id
    on conflict (document_id) do update set acceptance = excluded.acceptance, processing = excluded.processing`.execute(trx)
  await appendEvents(trx, states.map(s => ({
    at: s.at ?? at, type: 'document.state_changed', documentId: s.documentId, acceptance: s.acceptance, processing: s.processing, reason: s.reason,
  })))
}

/** The current state of each document, by id. */
export async function currentStates(trx: Db, ids: readonly string[]): Promise<Map<string, DocumentState>> {
  if (ids.length === 0) return new Map()
  const rows = await trx.selectFrom('current_states').select(['document_id', 'acceptance', 'processing']).where('document_id', 'in', ids).execute()
  return new Map(rows.map(r => [r.document_id, { acceptance: r.acceptance as Acceptance, processing: r.processing as Processing }]))
}
