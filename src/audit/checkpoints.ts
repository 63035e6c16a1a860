import { randomBytes, verify as verifySignature, X509Certificate } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Kysely } from 'kysely'
import type { Database } from '../db/index.js'
import { sha256Hex } from '../lib/index.js'
import { microsecondTime } from './chain.js'
import { appendAudit } from './append.js'

/**
 * Signed checkpoints of the audit chain, kept as files outside the database (SPEC.md §8), after X-Road's signed
 * message-log archive. Each is a JSON file with a detached RSA-SHA256 signature beside it (`.sig`), which
 * `openssl dgst -sha256 -verify` checks. Besides the chain head it lists a 16-hex-digit prefix of the hash of every
 * entry since the previous checkpoint in the folder, so that a rewrite is pinned to the entry where it starts.
 */
export const CHECKPOINT_FORMAT = 'ehrs-audit-checkpoint/1'

export type CheckpointReason = 'interval' | 'shutdown' | 'operator'

/** What a checkpoint file holds (its signature covers the file's bytes). */
export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT
  /** The chain head: the last entry's number, its hash and stored time; `count` entries precede it, itself included. */
  readonly seq: number
  readonly hash: string
  readonly entryAt: string
  readonly count: number
  readonly writtenAt: string
  readonly reason: CheckpointReason
  /** Hash prefixes of entries `from` … `seq`, `PREFIX_DIGITS` hex digits each, in order. */
  readonly entries: { readonly from: number; readonly hashPrefixes: string }
  /** The signing certificate (PEM) and its SHA-256 fingerprint. */
  readonly signer: { readonly sha256: string; readonly certificate: string }
}

export const PREFIX_DIGITS = 16
/** The first checkpoint of a long chain lists the last this many entries; older ones are anchored by the head alone. */
const MAX_LISTED = 1_000_000
const PAGE = 10_000

/** The gateway's signing key (SIGNING_KEY / SIGNING_CERT, the receipts' key). */
export interface CheckpointSigner {
  /** The signing certificate first, then its issuers, as PEM. */
  readonly certificatePem: string
  /** RSA-SHA256 (PKCS #1 v1.5) signature of `data`, as `openssl dgst -sha256 -sign` makes it. */
  signDetached(data: Uint8Array): Buffer
}

export interface WrittenCheckpoint {
  /** Path of the JSON file; its signature is the same path with `.sig` added. */
  readonly file: string
  readonly seq: number
  readonly hash: string
}

const NAME = /^checkpoint-(\d{12})-(\d{8}T\d{6}\.\d{3}Z)\.json$/

/** `checkpoint-000000000338-20250303T080000.123Z.json`: file names sort by entry, then by time. */
function checkpointName(seq: number, writtenAt: Date): string {
  return `checkpoint-${String(seq).padStart(12, '0')}-${writtenAt.toISOString().replace(/[-:]/g, '')}.json`
}

/** Checkpoint files of `dir` in name order (by entry, then time); none when the folder does not exist. */
export function checkpointFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return names.filter(n => NAME.test(n)).sort()
}

/**
 * Appends an `audit.checkpoint` entry and writes a signed checkpoint naming it as the chain head. The entry dates
 * the checkpoint inside the chain: the log's time only moves forward (appendAudit), so any entry added after the
 * checkpoint but dated before it is seen as slipped in. The file is written after the commit (a checkpoint never
 * names an entry that was rolled back) and never over another file.
 */
export async function writeCheckpoint(db: Kysely<Database>, options: {
  readonly dir: string
  readonly signer: CheckpointSigner
  readonly at: Date
  readonly reason: CheckpointReason
  readonly actor: string
}): Promise<WrittenCheckpoint> {
  mkdirSync(options.dir, { recursive: true, mode: 0o750 })
  const previous = checkpointFiles(options.dir).at(-1)
  const previousSeq = previous ? Number(NAME.exec(previous)![1]) : 0
  const head = await db.transaction().execute(trx =>
    appendAudit(trx, options.at, { actor: options.actor, action: 'audit.checkpoint', details: { reason: options.reason } }))
  const from = Math.max(previousSeq < head.seq ? previousSeq + 1 : 1, head.seq - MAX_LISTED + 1, 1)
  const leaf = new X509Certificate(options.signer.certificatePem)
  const checkpoint: Checkpoint = {
    format: CHECKPOINT_FORMAT,
    seq: head.seq,
    hash: head.hash,
    entryAt: microsecondTime(head.at!),
    count: head.seq,
    writtenAt: options.at.toISOString(),
    reason: options.reason,
    entries: { from, hashPrefixes: await hashPrefixes(db, from, head.seq) },
    signer: { sha256: sha256Hex(leaf.raw), certificate: leaf.toString() },
  }
  const bytes = Buffer.from(`${JSON.stringify(checkpoint, null, 2)}\n`)
  const file = join(options.dir, checkpointName(head.seq, options.at))
  // The signature first: a checkpoint file without its signature would be reported as broken.
  writeNew(`${file}.sig`, options.signer.signDetached(bytes))
  writeNew(file, bytes)
  return { file, seq: head.seq, hash: head.hash }
}

async function hashPrefixes(db: Kysely<Database>, from: number, to: number): Promise<string> {
  const parts: string[] = []
  for (let start = from; start <= to; start += PAGE) {
    const end = Math.min(to, start + PAGE - 1)
    const rows = await db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', '>=', start).where('seq', '<=', end).orderBy('seq').execute()
    if (rows.length !== end - start + 1) throw new Error(`the audit log has a gap between entries ${start} and ${end}; run \`ehrs audit verify\``)
    for (const r of rows) parts.push(r.hash.slice(0, PREFIX_DIGITS))
  }
  return parts.join('')
}

/** Writes `path` whole or not at all, and never replaces an existing file (a hard link fails on EEXIST). */
function writeNew(path: string, data: Uint8Array): void {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  const fd = openSync(temporary, 'wx', 0o640)
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    linkSync(temporary, path)
  } finally {
    unlinkSync(temporary)
  }
  const dirFd = openSync(dirname(path), 'r')
  try {
    fsyncSync(dirFd)
  } finally {
    closeSync(dirFd)
  }
}

/** The certificates a checkpoint may be signed with: those of SIGNING_CERT, or one issued by a CA among them. */
export function trustedSigners(pem: string | undefined): X509Certificate[] {
  return (pem?.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map(block => new X509Certificate(block))
}

function isTrusted(cert: X509Certificate, trusted: readonly X509Certificate[], at: Date): boolean {
  const valid = new Date(cert.validFrom).getTime() <= at.getTime() && at.getTime() <= new Date(cert.validTo).getTime()
  return valid && trusted.some(t => t.raw.equals(cert.raw) || (t.ca && cert.checkIssued(t) && cert.verify(t.publicKey)))
}

/**
 * Reads one checkpoint file and checks it: the signature beside it, made by a trusted certificate valid at the
 * checkpoint's time, a well-formed content, and a name that matches it. Returns the reason when it does not hold.
 */
export function readCheckpoint(dir: string, name: string, trusted: readonly X509Certificate[]): { checkpoint: Checkpoint } | { reason: string } {
  let bytes: Buffer
  let signature: Buffer
  try {
    bytes = readFileSync(join(dir, name))
  } catch {
    return { reason: 'cannot be read' }
  }
  try {
    signature = readFileSync(join(dir, `${name}.sig`))
  } catch {
    return { reason: `has no signature (${name}.sig)` }
  }
  let c: Checkpoint
  try {
    c = JSON.parse(bytes.toString('utf8')) as Checkpoint
  } catch {
    return { reason: 'is not JSON' }
  }
  const problem = malformed(c)
  if (problem) return { reason: problem }
  let cert: X509Certificate
  try {
    cert = new X509Certificate(c.signer.certificate)
  } catch {
    return { reason: 'names a signing certificate that does not parse' }
  }
  if (!signatureHolds(bytes, cert, signature)) return { reason: 'signature does not verify' }
  if (sha256Hex(cert.raw) !== c.signer.sha256) return { reason: 'signer fingerprint does not match its certificate' }
  if (trusted.length === 0) return { reason: 'cannot be checked: no signing certificate (SIGNING_CERT) to check it against' }
  if (!isTrusted(cert, trusted, new Date(c.writtenAt))) {
    return { reason: `is signed by a certificate that SIGNING_CERT does not vouch for (SHA-256 ${c.signer.sha256})` }
  }
  const m = NAME.exec(name)!
  if (Number(m[1]) !== c.seq) return { reason: `is named for entry ${Number(m[1])} but names entry ${c.seq}` }
  return { checkpoint: c }
}

function signatureHolds(bytes: Buffer, cert: X509Certificate, signature: Buffer): boolean {
  try {
    return verifySignature('sha256', bytes, cert.publicKey, signature)
  } catch {
    return false
  }
}

const HEX64 = /^[0-9a-f]{64}$/
const MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

function malformed(c: Checkpoint): string | undefined {
  const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 1
  if (typeof c !== 'object' || c === null || c.format !== CHECKPOINT_FORMAT) return `is not a ${CHECKPOINT_FORMAT} file`
  if (!isCount(c.seq) || c.count !== c.seq || typeof c.hash !== 'string' || !HEX64.test(c.hash)) return 'names no valid chain head'
  if (typeof c.entryAt !== 'string' || !MICROS.test(c.entryAt) || typeof c.writtenAt !== 'string' || Number.isNaN(Date.parse(c.writtenAt))) return 'has no valid time'
  const e = c.entries
  if (typeof e !== 'object' || e === null || !isCount(e.from) || e.from > c.seq || typeof e.hashPrefixes !== 'string'
    || e.hashPrefixes.length !== (c.seq - e.from + 1) * PREFIX_DIGITS || !/^[0-9a-f]*$/.test(e.hashPrefixes)) return 'has a malformed entry list'
  if (e.hashPrefixes.slice(-PREFIX_DIGITS) !== c.hash.slice(0, PREFIX_DIGITS)) return 'lists another hash for its head entry'
  if (typeof c.signer !== 'object' || c.signer === null || typeof c.signer.certificate !== 'string' || typeof c.signer.sha256 !== 'string') return 'names no signer'
  return undefined
}
