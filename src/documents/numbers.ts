import { sql } from 'kysely'
import type { Db } from '../db/index.js'

/**
 * Document numbers (DOCUMENTS.md §4): prefix, YYMM of receipt in Central European time, and an 8-digit
 * sequence per prefix and month, e.g. V250400000017. The counter row is locked by the upsert until the
 * caller's transaction ends, so numbers are unique across gateway instances.
 */
export async function nextDocumentNumber(trx: Db, prefix: string, receivedAt: Date): Promise<string> {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Ljubljana', year: '2-digit', month: '2-digit' }).formatToParts(receivedAt)
  const month = `${parts.find(p => p.type === 'year')!.value}${parts.find(p => p.type === 'month')!.value}`
  const row = await trx.insertInto('document_counters')
    .values({ prefix, month, last_value: 1 })
    .onConflict(oc => oc.columns(['prefix', 'month']).doUpdateSet({ last_value: sql`document_counters.last_value + 1` }))
    .returning('last_value')
    .executeTakeFirstOrThrow()
  return `${prefix}${month}${String(row.last_value).padStart(8, '0')}`
}
