import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { currentStates } from '../lifecycle/index.js'
import type { EarlierSource } from './document-pool.js'
import { wasForwarded } from '../forms/index.js'

/** The documents a "documents" rule compares a new one with (DOCUMENTS.md §1.6). */
export interface SeriesKey {
  readonly environment: 'test' | 'production'
  /** The test client's sandbox: a series is judged within it (SPEC.md §7); null in production. */
  readonly sandbox: string | null
  readonly employer: string
  readonly type: string
  readonly series: string
}

/**
 * The series' documents with their current states, oldest first. With `content`, the accepted ones that were
 * forwarded come with their bytes too, for the document pool to parse (a negative amount is allowed only in a row
 * that was negative in one of them).
 */
export async function loadEarlierDocuments(db: Db, key: SeriesKey, content: boolean): Promise<EarlierSource[]> {
  const rows = await db.selectFrom('documents').select(['id', 'number', 'kind', 'message_id'])
    .where('environment', '=', key.environment).where('sandbox', key.sandbox === null ? 'is' : '=', key.sandbox).where('employer', '=', key.employer)
    .where('type', '=', key.type)
    // A batch (sk-official.md §6) belongs to the series of each of its entries.
    .where(eb => eb.or([eb('series', '=', key.series), eb('id', 'in', eb.selectFrom('document_series').select('document_id').where('series', '=', key.series))]))
    .orderBy('received_at').orderBy('id').execute()
  const states = await currentStates(db, rows.map(r => r.id))
  const earlier = rows.map(r => ({ row: r, state: states.get(r.id)! }))
  const wanted = content ? earlier.filter(e => e.state.acceptance === 'accepted' && wasForwarded(e.state)) : []
  const bodies = wanted.length === 0 ? new Map<string, Uint8Array | null>() : new Map((await db.selectFrom('message_log')
    .select(['id', 'body']).where('id', 'in', wanted.map(e => e.row.message_id)).execute())
    .map(m => [m.id, m.body]))
  return earlier.map(({ row, state }) => {
    const body = bodies.get(row.message_id)
    return {
      number: row.number, kind: row.kind, acceptance: state.acceptance, processing: state.processing,
      ...(body !== undefined ? { body: body ?? new Uint8Array() } : {}),
    }
  })
}

/** Serialises the admission of a series' documents across transactions and gateway instances. */
export async function lockSeries(trx: Db, key: SeriesKey): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':series:' || ${`${key.sandbox ?? key.environment}|${key.employer}|${key.type}|${key.series}`}))`.execute(trx)
}
