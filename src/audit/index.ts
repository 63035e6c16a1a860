import { sha256Hex } from '../lib/hash.js'
import type { Db } from '../db/index.js'

/** An entry of the hash-chained audit log. `actor` is `operator`, `client:<id>` or `system`. */
export interface AuditEntry {
  readonly actor: string
  readonly action: string
  readonly subject?: string
  readonly details?: Record<string, unknown>
}

const GENESIS = '0'.repeat(64)

/** Key-sorted JSON, so a jsonb round trip (which reorders keys) hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

function entryHash(prevHash: string, seq: number, at: Date, e: { actor: string; action: string; subject: string | null; details: unknown }): string {
  return sha256Hex([prevHash, seq, at.toISOString(), e.actor, e.action, e.subject ?? '', canonicalJson(e.details)].join('\n'))
}

/**
 * Appends entries inside the caller's transaction. The chain head row is locked until that transaction
 * ends, so concurrent writers (also other gateway instances) extend the chain one after another.
 */
export async function appendAudit(trx: Db, at: Date, ...entries: AuditEntry[]): Promise<void> {
  const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow()
  let seq = Number(head.seq)
  let hash = head.hash
  const rows = entries.map(e => {
    seq += 1
    const row = { actor: e.actor, action: e.action, subject: e.subject ?? null, details: e.details ?? {} }
    const prev = hash
    hash = entryHash(prev, seq, at, row)
    return { seq, at, actor: row.actor, action: row.action, subject: row.subject, details: JSON.stringify(row.details), prev_hash: prev, hash }
  })
  if (rows.length === 0) return
  await trx.insertInto('audit_log').values(rows).execute()
  await trx.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute()
}

export type AuditVerdict = { ok: true; entries: number } | { ok: false; entries: number; seq: number; reason: string }

/** Recomputes the whole chain; reports the first entry that does not hold. */
export async function verifyAudit(db: Db): Promise<AuditVerdict> {
  let prev = GENESIS
  let expected = 1
  let count = 0
  const pageSize = 5000
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expected).orderBy('seq').limit(pageSize).execute()
    for (const r of rows) {
      const seq = Number(r.seq)
      if (seq !== expected) return { ok: false, entries: count, seq: expected, reason: 'entry missing' }
      if (r.prev_hash !== prev) return { ok: false, entries: count, seq, reason: 'previous hash does not match' }
      if (entryHash(prev, seq, r.at, r) !== r.hash) return { ok: false, entries: count, seq, reason: 'content does not match its hash' }
      prev = r.hash
      expected++
      count++
    }
    if (rows.length < pageSize) break
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow()
  if (Number(head.seq) !== count || head.hash !== prev) {
    return { ok: false, entries: count, seq: count + 1, reason: 'log ends before the recorded chain head (entries removed)' }
  }
  return { ok: true, entries: count }
}
