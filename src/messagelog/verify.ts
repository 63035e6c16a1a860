import { sql } from 'kysely'
import type { Db } from '../db/index.js'

/** The first stored body that does not match its SHA-256, or a document whose bytes are not the ones it was filed with. */
export type BodyFault =
  | { readonly kind: 'message'; readonly id: string; readonly documentId: string | null; readonly reason: string }
  | { readonly kind: 'document'; readonly id: string; readonly number: string; readonly reason: string }

export interface BodiesVerdict {
  readonly ok: boolean
  /** Message-log bodies whose SHA-256 was checked. */
  readonly messages: number
  /** Cut bodies kept from before migration 0005, which have no SHA-256 of their own to check. */
  readonly unchecked: number
  readonly documents: number
  readonly faults: readonly BodyFault[]
}

const PAGE = 1000
/** Bodies are fetched in groups of at most this many bytes, so that a large database never sits in memory at once. */
const GROUP_BYTES = 16 * 1024 * 1024

/**
 * Hashes every message-log body and compares it with its SHA-256 (a cut refusal: its kept bytes with `kept_sha256`),
 * then checks that every document's row agrees with its message (SHA-256, size, a whole body). Bodies are read in
 * pages by id and hashed on libuv's thread pool (WebCrypto), so that a gateway answering through the admin socket
 * keeps serving while it runs. Names the first bad message (in order of arrival) and the first bad document.
 */
export async function verifyStoredBodies(db: Db): Promise<BodiesVerdict> {
  const faults: BodyFault[] = []
  let messages = 0
  let unchecked = 0
  let after = ''
  pages: for (;;) {
    const rows = await db.selectFrom('message_log')
      .select(['id', 'sha256', 'size', 'truncated', 'kept_sha256', 'document_id', 'status', sql<number | null>`octet_length(body)`.as('length')])
      .where('id', '>', after).orderBy('id').limit(PAGE).execute()
    for (let i = 0; i < rows.length;) {
      // A group of rows whose bodies together stay under GROUP_BYTES (one body alone may be larger).
      let bytes = 0
      let end = i
      while (end < rows.length && (end === i || bytes + Number(rows[end]!.length ?? 0) <= GROUP_BYTES)) bytes += Number(rows[end++]!.length ?? 0)
      const group = rows.slice(i, end)
      i = end
      const withBody = group.filter(r => r.length !== null).map(r => r.id)
      const bodies = new Map<string, Uint8Array>()
      if (withBody.length > 0) {
        for (const b of await db.selectFrom('message_log').select(['id', 'body']).where('id', 'in', withBody).execute()) bodies.set(b.id, b.body!)
      }
      for (const r of group) {
        const body = bodies.get(r.id)
        const problem = await bodyProblem(r, body)
        if (problem === 'unchecked') unchecked++
        else if (problem) {
          faults.push({ kind: 'message', id: r.id, documentId: r.document_id, reason: problem })
          break pages
        } else if (body) messages++
      }
    }
    if (rows.length < PAGE) break
    after = rows[rows.length - 1]!.id
  }

  const { rows: [counted] } = await sql<{ n: number }>`select count(*)::int as n from documents`.execute(db)
  const { rows: [bad] } = await sql<{ id: string; number: string; message: string | null; sha256: string | null; size: number | null; length: number | null; truncated: boolean | null; docSha256: string; docSize: number }>`
    select d.id, d.number, m.id as message, m.sha256, m.size, octet_length(m.body) as length, m.truncated, d.sha256 as "docSha256", d.size as "docSize"
    from documents d left join message_log m on m.id = d.message_id
    where m.id is null or m.body is null or m.truncated or m.sha256 is distinct from d.sha256 or m.size <> d.size or octet_length(m.body) <> d.size
    order by d.id
    limit 1`.execute(db)
  if (bad) {
    const reason = bad.message === null ? 'has lost its message-log row (its bytes)'
      : bad.length === null || bad.truncated ? `has lost its bytes (message ${bad.message} holds no whole body)`
        : bad.sha256 !== bad.docSha256 ? `differs from the SHA-256 of its bytes (message ${bad.message})`
          : `differs from the size of its bytes (message ${bad.message})`
    faults.push({ kind: 'document', id: bad.id, number: bad.number, reason })
  }
  return { ok: faults.length === 0, messages, unchecked, documents: counted?.n ?? 0, faults }
}

interface MessageRow {
  readonly sha256: string | null
  readonly size: number
  readonly truncated: boolean
  readonly kept_sha256: string | null
  readonly document_id: string | null
  readonly status: number
}

async function bodyProblem(r: MessageRow, body: Uint8Array | undefined): Promise<string | 'unchecked' | undefined> {
  if (!body) return r.document_id !== null && r.status === 201 ? 'has lost the body of its document' : undefined
  if (r.truncated) {
    if (body.byteLength >= r.size) return 'body is marked cut but is not shorter than the submission'
    if (r.kept_sha256 === null) return 'unchecked'
    return (await sha256Hex(body)) === r.kept_sha256 ? undefined : 'kept body does not match its SHA-256'
  }
  if (body.byteLength !== r.size) return `body has ${body.byteLength} bytes, not the ${r.size} recorded`
  if (r.sha256 === null) return 'body has no SHA-256 recorded'
  return (await sha256Hex(body)) === r.sha256 ? undefined : 'body does not match its SHA-256'
}

/** Hashed on the thread pool, off the thread that may be serving requests (the admin socket runs verify in the server). */
async function sha256Hex(data: Uint8Array): Promise<string> {
  // WebCrypto refuses views on shared memory, where the embedded database hands over large bodies: those are copied.
  const own = data.buffer instanceof SharedArrayBuffer ? new Uint8Array(data) : data as Uint8Array<ArrayBuffer>
  return Buffer.from(await crypto.subtle.digest('SHA-256', own)).toString('hex')
}
