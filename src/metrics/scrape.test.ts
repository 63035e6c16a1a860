import t from 'tap'
import type { Db } from '../db/index.js'
import { newId } from '../lib/index.js'
import { overdueAfterMs, readScrapeState } from './scrape.js'
import { testDb } from '../../test/helpers/db.js'

const now = new Date('2025-03-03T08:00:00Z')
const ago = (ms: number): Date => new Date(now.getTime() - ms)
const day = 86_400_000
const options = { certificateWarnMs: 30 * day, timeoutMs: 5_000 }

async function client(db: Db, environment: 'test' | 'production'): Promise<string> {
  const id = newId()
  await db.insertInto('clients').values({ id, name: 'c', tax_number: '45678138', environment, created_at: ago(400 * day) }).execute()
  return id
}

let counter = 0
async function documentOf(db: Db, clientId: string, environment: 'test' | 'production', receivedAt: Date): Promise<string> {
  const id = newId()
  const message = newId()
  await db.insertInto('message_log').values({ id: message, received_at: receivedAt, transport: 'rest', size: 0, status: 201, findings: '[]' }).execute()
  await db.insertInto('documents').values({
    id, client_id: clientId, environment, type: 'M1', number: `P2503${String(++counter).padStart(8, '0')}`, employer: '45678138',
    received_at: receivedAt, sha256: id, size: 0, message_id: message, findings: '[]',
  }).execute()
  return id
}

async function timer(db: Db, documentId: string, kind: string, dueAt: Date, doneAt: Date | null = null): Promise<void> {
  await db.insertInto('timers').values({ lane: 'l', kind, document_id: documentId, due_at: dueAt, created_at: ago(day), done_at: doneAt }).execute()
}

async function certificate(db: Db, clientId: string, notAfter: Date, revokedAt: Date | null = null): Promise<string> {
  const fingerprint = newId().replace(/-/g, '').padEnd(64, '0')
  await db.insertInto('client_certificates').values({
    fingerprint, client_id: clientId, subject: 'CN=x', issuer: 'CN=ca', serial: '01', not_before: ago(400 * day), not_after: notAfter,
    pem: '', added_at: ago(400 * day), revoked_at: revokedAt,
  }).execute()
  return fingerprint
}

t.test('counts due and overdue timers by kind; a pending timer not yet due, or one done, counts for neither', async t => {
  const { db } = await testDb(t)
  const c = await client(db, 'production')
  const d = await documentOf(db, c, 'production', ago(day))
  await timer(db, d, 'process', ago(1000))
  await timer(db, d, 'process', ago(overdueAfterMs + 1))
  await timer(db, d, 'forward', ago(overdueAfterMs))
  await timer(db, d, 'forward', ago(-1000))
  await timer(db, d, 'register-check', ago(2 * overdueAfterMs), ago(overdueAfterMs))
  const state = await readScrapeState(db, now, options)
  t.same(state.timers, { process: { due: 2, overdue: 1 }, forward: { due: 1, overdue: 1 } })
})

t.test('the oldest document waiting for a timed transition, per environment', async t => {
  const { db } = await testDb(t)
  const production = await client(db, 'production')
  const test = await client(db, 'test')
  const waiting = await documentOf(db, production, 'production', ago(3 * 3600_000))
  await timer(db, waiting, 'forward', ago(-2 * 3600_000))
  const newer = await documentOf(db, production, 'production', ago(60_000))
  await timer(db, newer, 'process', now)
  const processed = await documentOf(db, production, 'production', ago(10 * day))
  await timer(db, processed, 'process', ago(10 * day), ago(10 * day))
  const sandbox = await documentOf(db, test, 'test', ago(90_000))
  await timer(db, sandbox, 'process', ago(30_000))
  t.same((await readScrapeState(db, now, options)).oldestUnprocessedSeconds, { production: 3 * 3600, test: 90 })
})

t.test('certificates: seconds to expiry of each unrevoked one; expiring ones counted unless the client has renewed', async t => {
  const { db } = await testDb(t)
  const [a, b, c, d] = [await client(db, 'production'), await client(db, 'production'), await client(db, 'test'), await client(db, 'production')]
  const soon = await certificate(db, a, ago(-10 * day))
  await certificate(db, b, ago(-5 * day))
  const renewed = await certificate(db, b, ago(-365 * day))
  await certificate(db, c, ago(-29 * day))
  await certificate(db, d, ago(-day), ago(day))
  const expired = await certificate(db, d, ago(2 * day))
  await certificate(db, d, ago(31 * day))
  const state = await readScrapeState(db, now, options)
  t.same(state.expiringCertificates, { production: 1, test: 1 }, 'a: expiring; b: renewed; c: test; d: revoked or expired')
  const byFingerprint = new Map(state.certificates.map(x => [x.fingerprint, x]))
  t.equal(state.certificates.length, 5, 'the revoked one and the one expired longer than the warning time ago are left out')
  t.same(byFingerprint.get(soon), { clientId: a, environment: 'production', fingerprint: soon, expirySeconds: 10 * 86_400 })
  t.equal(byFingerprint.get(renewed)?.expirySeconds, 365 * 86_400)
  t.equal(byFingerprint.get(expired)?.expirySeconds, -2 * 86_400, 'negative once expired')
})

t.test('a database that does not answer in time rejects the read, and does not hang the scrape', async t => {
  const handle = await testDb(t, { poolSize: 1 })
  let release!: () => void
  let isHolding!: () => void
  const holding = new Promise<void>(resolve => { isHolding = resolve })
  const held = handle.db.transaction().execute(async trx => {
    await trx.selectFrom('timers').select('id').limit(1).execute()
    isHolding()
    await new Promise<void>(resolve => { release = resolve })
  })
  await holding
  const started = Date.now()
  await t.rejects(readScrapeState(handle.db, now, { ...options, timeoutMs: 200 }), /did not answer the scrape within 200 ms/)
  t.ok(Date.now() - started < 2_000, 'rejected at its time-out')
  release()
  await held
})
