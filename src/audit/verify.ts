import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { entryHash, GENESIS, storedTime } from './chain.js'
import { checkpointFiles, PREFIX_DIGITS, readCheckpoint, trustedSigners } from './checkpoints.js'

export interface VerifyOptions {
  /** Folder of signed checkpoints (AUDIT_ANCHOR_DIR); absent: the chain is checked on its own. */
  readonly anchorDir?: string
  /** SIGNING_CERT as PEM: checkpoints must be signed with it, or with a certificate a CA listed in it issued. */
  readonly trustedPem?: string
}

/** What does not hold: the first bad entry of the chain, each untrustworthy checkpoint, the first bad document. */
export type AuditFault =
  | { readonly kind: 'entry'; readonly seq: number; readonly reason: string }
  | { readonly kind: 'checkpoint'; readonly file: string; readonly reason: string }
  | { readonly kind: 'document'; readonly id: string; readonly number: string | null; readonly reason: string }

export interface AuditVerdict {
  readonly ok: boolean
  /** Entries in the chain (up to the first bad one). */
  readonly entries: number
  /** Entries covered by the newest trustworthy checkpoint. */
  readonly anchored: number
  /** Checkpoint files read. */
  readonly checkpoints: number
  readonly faults: readonly AuditFault[]
  /** Facts an operator should know that are not faults, such as entries not yet anchored. */
  readonly notes: readonly string[]
}

interface Anchor {
  readonly name: string
  readonly seq: number
  readonly hash: string
  readonly entryAt: string
  readonly from: number
}

const PAGE = 2000

/**
 * Checks the whole chain, entry by entry, in pages: each entry links to the one before, its hash (of its version)
 * holds, its time has no digits the gateway never writes and does not go back; then against every checkpoint in
 * `anchorDir`, whose signature must hold: each entry a checkpoint lists must have the hash it anchored, and no
 * checkpoint may name an entry beyond the end of the log. Entries after the newest checkpoint may exist (they are
 * noted). Finally every document must match the SHA-256 its `document.received` entry recorded.
 * The first entry that does not hold is named with the reason; nothing after it is trusted.
 */
export async function verifyAudit(db: Db, options: VerifyOptions = {}): Promise<AuditVerdict> {
  const faults: AuditFault[] = []
  const notes: string[] = []
  const anchors: Anchor[] = []
  const dir = options.anchorDir
  let files = 0
  const trusted = trustedSigners(options.trustedPem)
  if (dir !== undefined) {
    const names = checkpointFiles(dir)
    files = names.length
    if (names.length === 0) notes.push(`${existsSync(dir) ? 'no checkpoints in' : 'no folder'} ${dir}: the chain was checked on its own`)
    for (const name of names) {
      const read = readCheckpoint(dir, name, trusted)
      if ('reason' in read) faults.push({ kind: 'checkpoint', file: join(dir, name), reason: `checkpoint ${read.reason}` })
      else anchors.push({ name, seq: read.checkpoint.seq, hash: read.checkpoint.hash, entryAt: read.checkpoint.entryAt, from: read.checkpoint.entries.from })
    }
    anchors.sort((a, b) => a.from - b.from || a.seq - b.seq)
  }

  // Checkpoints whose entry lists cover the entries being read; each list is read when the walk reaches it.
  const active: { anchor: Anchor; prefixes: string }[] = []
  let nextAnchor = 0
  let prev = GENESIS
  let prevAt: string | undefined
  let hasVersion2 = false
  let expected = 1
  let broken: { seq: number; reason: string } | undefined
  walk: for (;;) {
    const rows = await db.selectFrom('audit_log')
      .select(['seq', 'actor', 'action', 'subject', 'details', 'prev_hash', 'hash', 'hash_version', storedTime('at').as('at')])
      .where('seq', '>=', expected).orderBy('seq').limit(PAGE).execute()
    for (const r of rows) {
      const seq = Number(r.seq)
      if (seq !== expected) {
        broken = { seq: expected, reason: `is missing (the log goes on at entry ${seq})` }
        break walk
      }
      const version = Number(r.hash_version)
      const reason = entryProblem(r, version, prev, prevAt, hasVersion2, seq)
      if (reason) {
        broken = { seq, reason }
        break walk
      }
      while (nextAnchor < anchors.length && anchors[nextAnchor]!.from <= seq) {
        const anchor = anchors[nextAnchor++]!
        const read = readCheckpoint(dir!, anchor.name, trusted)
        if ('reason' in read) faults.push({ kind: 'checkpoint', file: join(dir!, anchor.name), reason: `checkpoint ${read.reason}` })
        else active.push({ anchor, prefixes: read.checkpoint.entries.hashPrefixes })
      }
      for (const { anchor, prefixes } of active) {
        const offset = (seq - anchor.from) * PREFIX_DIGITS
        const anchored = seq === anchor.seq ? anchor.hash : prefixes.slice(offset, offset + PREFIX_DIGITS)
        if (!r.hash.startsWith(anchored) || (seq === anchor.seq && r.at !== anchor.entryAt)) {
          broken = { seq, reason: `differs from checkpoint ${anchor.name}, which anchored it: the log was rewritten from this entry on` }
          break walk
        }
      }
      for (let i = active.length - 1; i >= 0; i--) if (active[i]!.anchor.seq <= seq) active.splice(i, 1)
      prev = r.hash
      prevAt = r.at
      hasVersion2 ||= version === 2
      expected++
    }
    if (rows.length < PAGE) break
  }

  const count = expected - 1
  if (!broken) broken = await endProblem(db, count, prev, anchors)
  if (broken) faults.unshift({ kind: 'entry', ...broken })
  const anchored = anchors.reduce((max, a) => (a.seq <= count && a.seq > max ? a.seq : max), 0)
  if (!broken && anchors.length > 0 && anchored < count) {
    const n = count - anchored
    notes.push(`${n} ${n === 1 ? 'entry' : 'entries'} after the newest checkpoint (entry ${anchored}) ${n === 1 ? 'is' : 'are'} not anchored yet`)
  }

  const document = await documentProblem(db)
  if (document) faults.push(document)
  return { ok: faults.length === 0, entries: count, anchored, checkpoints: files, faults, notes }
}

interface EntryRow {
  readonly actor: string
  readonly action: string
  readonly subject: string | null
  readonly details: unknown
  readonly prev_hash: string
  readonly hash: string
  readonly at: string
}

function entryProblem(r: EntryRow, version: number, prev: string, prevAt: string | undefined, hasVersion2: boolean, seq: number): string | undefined {
  if (r.prev_hash !== prev) return 'does not link to the entry before it (its previous hash differs)'
  if (version !== 1 && version !== 2) return `has an unknown hash version (${version})`
  if (version === 1 && hasVersion2) return 'claims the old hash version 1 after entries of version 2'
  // The gateway dates entries with a JavaScript Date: milliseconds, so the stored microseconds end in 000.
  if (!r.at.endsWith('000Z')) return `has a changed time (${r.at}: the gateway never writes sub-millisecond digits)`
  if (entryHash(version, prev, seq, r.at, r) !== r.hash) return 'content does not match its hash'
  if (version === 2 && prevAt !== undefined && r.at < prevAt) {
    return `is dated before entry ${seq - 1} (${r.at} < ${prevAt}); the log's time never goes back, so it was put in behind that entry`
  }
  return undefined
}

/** After the last entry: the chain head row and every checkpoint must agree that the log ends here. */
async function endProblem(db: Db, count: number, lastHash: string, anchors: readonly Anchor[]): Promise<{ seq: number; reason: string } | undefined> {
  const found: { seq: number; reason: string }[] = []
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst()
  if (!head) found.push({ seq: count + 1, reason: 'cannot be checked: the chain head row is missing' })
  else if (Number(head.seq) > count) {
    found.push({ seq: count + 1, reason: `is missing: the chain head names entry ${head.seq}, the log ends at entry ${count} (entries removed)` })
  } else if (Number(head.seq) < count) {
    found.push({ seq: Number(head.seq) + 1, reason: `was added after the recorded chain head (entry ${head.seq}) without moving it` })
  } else if (head.hash !== lastHash) found.push({ seq: count, reason: 'does not match the hash the chain head records' })
  const beyond = anchors.filter(a => a.seq > count).sort((a, b) => b.seq - a.seq)[0]
  if (beyond) {
    found.push({ seq: count + 1, reason: `is missing: checkpoint ${beyond.name} names entry ${beyond.seq}, the log ends at entry ${count} (entries removed)` })
  }
  return found.sort((a, b) => a.seq - b.seq)[0]
}

/** Each document against the SHA-256 its `document.received` entry recorded (the chain, not the documents table, is anchored). */
async function documentProblem(db: Db): Promise<AuditFault | undefined> {
  const { rows: [bad] } = await sql<{ id: string | null; number: string | null; seq: number | null; subject: string | null; audited: string | null; sha256: string | null }>`
    select d.id, d.number, a.seq, a.subject, a.details->>'sha256' as audited, d.sha256
    from documents d
    full join (select seq, subject, details from audit_log where action = 'document.received') a on a.subject = d.id
    where a.seq is null or d.id is null or (a.details->>'sha256') is distinct from d.sha256
    order by coalesce(a.seq, 0), d.id
    limit 1`.execute(db)
  if (!bad) return undefined
  if (bad.id === null) return { kind: 'document', id: bad.subject ?? '', number: null, reason: `is missing, though audit entry ${bad.seq} recorded its receipt` }
  if (bad.seq === null) return { kind: 'document', id: bad.id, number: bad.number, reason: 'has no document.received entry in the audit log' }
  return { kind: 'document', id: bad.id, number: bad.number, reason: `differs from the SHA-256 that audit entry ${bad.seq} recorded for it` }
}
