import { notify, type Db } from '../db/index.js'
import { lockAuditChain } from '../audit/index.js'
import { newId } from '../lib/index.js'

/** The NOTIFY topic of committed events: long-polls and the webhook dispatcher wake on it. */
export const eventsTopic = 'ehrs_events'

/** An event to append: of a document's state (lifecycle's state writer), or of a client (a webhook subscription). */
export type NewEvent = { readonly at: Date; readonly type: string } & (
  | { readonly documentId: string; readonly acceptance: string; readonly processing: string; readonly reason: string }
  | { readonly clientId: string; readonly data: Record<string, unknown> }
)

/**
 * Appends events in the caller's transaction. It first takes the audit chain's lock, which every transaction that
 * appends an event holds until its commit anyway (it appends an audit entry too): so `seq` follows the order of
 * commits, and a reader of the events after one `seq` never misses one committed later. Waiting readers hear of
 * them once the transaction commits.
 */
export async function appendEvents(trx: Db, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return
  await lockAuditChain(trx)
  await trx.insertInto('events').values(events.map(e => ({
    id: newId(e.at.getTime()), at: e.at, type: e.type,
    ...('documentId' in e
      ? { document_id: e.documentId, acceptance: e.acceptance, processing: e.processing, reason: e.reason }
      : { client_id: e.clientId, data: JSON.stringify(e.data) }),
  }))).execute()
  await notify(trx, eventsTopic)
}
