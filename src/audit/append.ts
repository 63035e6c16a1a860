import type { Db } from '../db/index.js'
import { CURRENT_HASH_VERSION, entryHash, microsecondTime } from './chain.js'

/** An entry of the hash-chained audit log. `actor` is `operator`, `client:<id>` or `system`. */
export interface AuditEntry {
  readonly actor: string
  readonly action: string
  readonly subject?: string
  readonly details?: Record<string, unknown>
}

/** The chain head after an append: the last entry's number, hash and stored time. */
export interface ChainHead {
  readonly seq: number
  readonly hash: string
  readonly at: Date | null
}

/**
 * Takes the chain's lock for the rest of the caller's transaction (appending takes it too). A write whose order
 * must be the order of commits, as the events' `seq` is, takes it first: transactions holding it commit one by one.
 */
export async function lockAuditChain(trx: Db): Promise<void> {
  await trx.selectFrom('audit_head').select('seq').where('id', '=', 1).forUpdate().execute()
}

/**
 * Appends entries inside the caller's transaction and returns the new head. The chain head row is locked until
 * that transaction ends, so concurrent writers (also other gateway instances) extend the chain one after another.
 * The log's time never goes back: an entry is dated `at`, or the head's time when that is later (a document
 * received before another may be committed after it; gateway instances' clocks differ a little). This is what
 * lets `verifyAudit` tell an entry slipped in behind a checkpoint from one appended after it.
 */
export async function appendAudit(trx: Db, at: Date, ...entries: AuditEntry[]): Promise<ChainHead> {
  const head = await trx.selectFrom('audit_head').select(['seq', 'hash', 'at']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow()
  if (entries.length === 0) return { seq: Number(head.seq), hash: head.hash, at: head.at }
  const time = head.at && head.at.getTime() > at.getTime() ? head.at : at
  const stored = microsecondTime(time)
  let seq = Number(head.seq)
  let hash = head.hash
  const rows = entries.map(e => {
    seq += 1
    // Hashed as the database will give it back (a Date in details becomes its ISO text, undefined goes).
    const row = { actor: e.actor, action: e.action, subject: e.subject ?? null, details: JSON.parse(JSON.stringify(e.details ?? {})) as unknown }
    const prev = hash
    hash = entryHash(CURRENT_HASH_VERSION, prev, seq, stored, row)
    return {
      seq, at: time, actor: row.actor, action: row.action, subject: row.subject, details: JSON.stringify(row.details),
      prev_hash: prev, hash, hash_version: CURRENT_HASH_VERSION,
    }
  })
  await trx.insertInto('audit_log').values(rows).execute()
  await trx.updateTable('audit_head').set({ seq, hash, at: time }).where('id', '=', 1).execute()
  return { seq, hash, at: time }
}
