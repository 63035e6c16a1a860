import { sql, type Kysely } from 'kysely'
import type { Database, Db } from '../../src/db/index.js'
import { entryHash, GENESIS } from '../../src/audit/chain.js'

/**
 * What an insider with write access to the database can do to the audit chain, knowing how entries are hashed:
 * every helper leaves a chain that holds together on its own, head included.
 */
interface StoredEntry { seq: number; at: string; actor: string; action: string; subject: string | null; details: unknown; hash_version: number }

const storedAt = sql<string>`to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

async function entriesFrom(db: Db, seq: number): Promise<StoredEntry[]> {
  const { rows } = await sql<StoredEntry>`select seq, ${storedAt} as at, actor, action, subject, details, hash_version from audit_log where seq >= ${seq} order by seq`.execute(db)
  return rows.map(r => ({ ...r, seq: Number(r.seq), hash_version: Number(r.hash_version) }))
}

async function hashOf(db: Db, seq: number): Promise<string> {
  if (seq === 0) return GENESIS
  const { rows: [row] } = await sql<{ hash: string }>`select hash from audit_log where seq = ${seq}`.execute(db)
  return row!.hash
}

/** Recomputes every hash from entry `seq` on and moves the chain head to the end, as a careful forger would. */
export async function rechainFrom(db: Db, seq: number): Promise<void> {
  let prev = await hashOf(db, seq - 1)
  let last = seq - 1
  for (const e of await entriesFrom(db, seq)) {
    const hash = entryHash(e.hash_version, prev, e.seq, e.at, e)
    await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where seq = ${e.seq}`.execute(db)
    prev = hash
    last = e.seq
  }
  await sql`update audit_head set seq = ${last}, hash = ${prev}`.execute(db)
}

/** Appends a made-up entry dated `at` (stored time text, to the microsecond), hashed as the gateway would, and moves the head to it. */
export async function forgeAppend(db: Db, at: string, entry: { actor: string; action: string; subject: string | null; details: Record<string, unknown> }): Promise<number> {
  const { rows: [head] } = await sql<{ seq: number; hash: string }>`select seq, hash from audit_head`.execute(db)
  const seq = Number(head!.seq) + 1
  const hash = entryHash(2, head!.hash, seq, at, entry)
  await sql`insert into audit_log (seq, at, actor, action, subject, details, prev_hash, hash, hash_version)
    values (${seq}, ${at}::timestamptz, ${entry.actor}, ${entry.action}, ${entry.subject}, ${JSON.stringify(entry.details)}::jsonb, ${head!.hash}, ${hash}, 2)`.execute(db)
  await sql`update audit_head set seq = ${seq}, hash = ${hash}, at = ${at}::timestamptz`.execute(db)
  return seq
}

/** Removes every entry after `keep` and moves the head back to it. */
export async function truncateAfter(db: Db, keep: number): Promise<void> {
  await sql`delete from audit_log where seq > ${keep}`.execute(db)
  await sql`update audit_head set seq = ${keep}, hash = ${await hashOf(db, keep)}`.execute(db)
}

/** The stored time of entry `seq`, to the microsecond. */
export async function storedTimeOf(db: Db, seq: number): Promise<string> {
  const { rows: [row] } = await sql<{ at: string }>`select ${storedAt} as at from audit_log where seq = ${seq}`.execute(db)
  return row!.at
}

class RollBack extends Error {}

/**
 * Runs `fn` on the database as one transaction sees it, then rolls the transaction back: a rewrite done in `fn` is
 * seen by everything `fn` runs (a verification) and by nothing afterwards, so each rewrite starts from the same data.
 */
export async function onCopy<T>(db: Kysely<Database>, fn: (copy: Db) => Promise<T>): Promise<T> {
  let result: T | undefined
  await db.transaction().execute(async trx => {
    result = await fn(trx)
    throw new RollBack()
  }).catch(error => { if (!(error instanceof RollBack)) throw error })
  return result as T
}
