import t from 'tap'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/index.js'
import { testDb } from '../../test/helpers/db.js'
import { migrateToLatest } from '../db/index.js'
import { forgeAppend, rechainFrom, storedTimeOf, truncateAfter } from '../../test/helpers/audit.js'
import { appendAudit, verifyAudit, canonicalJson } from './index.js'
import { entryHash, GENESIS } from './chain.js'

const T0 = new Date('2025-03-03T08:00:00.123Z')
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000)

async function fiveEntries(db: Kysely<Database>) {
  for (let i = 0; i < 5; i++) {
    await db.transaction().execute(trx => appendAudit(trx, minutes(i), { actor: 'operator', action: 'client.added', subject: `c${i}`, details: { n: i, z: 'a', a: [1, { y: 2, x: 1 }] } }))
  }
}

t.test('the chain verifies, and any altered or removed entry breaks it', async t => {
  const { db } = await testDb(t)
  await fiveEntries(db)
  t.match(await verifyAudit(db), { ok: true, entries: 5, faults: [] })

  await sql`update audit_log set details = '{"n": 99}' where seq = 3`.execute(db)
  t.match(await verifyAudit(db), { ok: false, faults: [{ kind: 'entry', seq: 3, reason: /content/ }] })
  await sql`update audit_log set details = ${JSON.stringify({ n: 2, z: 'a', a: [1, { x: 1, y: 2 }] })} where seq = 3`.execute(db)
  t.match(await verifyAudit(db), { ok: true, entries: 5 }, 'restored content verifies again (key order does not matter)')

  await sql`delete from audit_log where seq = 5`.execute(db)
  t.match(await verifyAudit(db), { ok: false, faults: [{ seq: 5, reason: /is missing: the chain head names entry 5.*removed/ }] })
  await sql`delete from audit_log where seq = 3`.execute(db)
  t.match(await verifyAudit(db), { ok: false, faults: [{ seq: 3, reason: /is missing \(the log goes on at entry 4\)/ }] })
})

t.test('an entry added without moving the head, or a head with another hash, is named by its own number', async t => {
  const { db } = await testDb(t)
  await fiveEntries(db)
  const head = await db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow()
  await forgeAppend(db, await storedTimeOf(db, 5), { actor: 'operator', action: 'mandate.added', subject: 'x', details: {} })
  await sql`update audit_head set seq = ${head.seq}, hash = ${head.hash}`.execute(db)
  t.match(await verifyAudit(db), { ok: false, faults: [{ seq: 6, reason: /added after the recorded chain head \(entry 5\)/ }] })
  await sql`update audit_head set seq = 6, hash = ${'f'.repeat(64)}`.execute(db)
  t.match(await verifyAudit(db), { ok: false, faults: [{ seq: 6, reason: /does not match the hash the chain head records/ }] })
})

t.test('the hash covers the time to the stored microsecond', async t => {
  const { db } = await testDb(t)
  await fiveEntries(db)
  const at = await storedTimeOf(db, 3)
  t.equal(at, '2025-03-03T08:02:00.123000Z', 'stored to the microsecond, as the gateway wrote it')
  const fields = { actor: 'a', action: 'b', subject: null, details: {} }
  t.not(entryHash(2, GENESIS, 1, '2025-03-03T08:02:00.123000Z', fields), entryHash(2, GENESIS, 1, '2025-03-03T08:02:00.123600Z', fields))

  await sql`update audit_log set at = at + interval '600 microseconds' where seq = 3`.execute(db)
  t.match(await verifyAudit(db), { ok: false, faults: [{ seq: 3, reason: /changed time \(2025-03-03T08:02:00\.123600Z/ }] })
  await rechainFrom(db, 3)
  t.match(await verifyAudit(db), { ok: false, faults: [{ seq: 3, reason: /changed time/ }] }, 'also with the chain recomputed after it')
})

t.test('the log\'s time never goes back: appends are dated no earlier than the head, and an entry dated earlier is named', async t => {
  const { db } = await testDb(t)
  await fiveEntries(db)
  const head = await db.transaction().execute(trx => appendAudit(trx, minutes(-60), { actor: 'system', action: 'late' }))
  t.equal(head.seq, 6)
  t.equal(await storedTimeOf(db, 6), await storedTimeOf(db, 5), 'dated as the head, not an hour before it')
  t.match(await verifyAudit(db), { ok: true, entries: 6 })

  await forgeAppend(db, await storedTimeOf(db, 2), { actor: 'operator', action: 'mandate.added', subject: 'x', details: { employer: '12345678' } })
  t.match(await verifyAudit(db), { ok: false, faults: [{ seq: 7, reason: /is dated before entry 6/ }] })
})

t.test('entries from before migration 0005 (hash version 1) keep verifying, held to the millisecond', async t => {
  const { db } = await testDb(t)
  // Three entries as the gateway wrote them before: the time hashed in milliseconds, the fields joined by newlines.
  let prev = GENESIS
  for (let seq = 1; seq <= 3; seq++) {
    const e = { actor: 'operator', action: 'client.added', subject: `c${seq}`, details: { n: seq } }
    const hash = entryHash(1, prev, seq, `${minutes(seq).toISOString().slice(0, 23)}000Z`, e)
    await sql`insert into audit_log (seq, at, actor, action, subject, details, prev_hash, hash, hash_version)
      values (${seq}, ${minutes(seq)}, ${e.actor}, ${e.action}, ${e.subject}, ${JSON.stringify(e.details)}, ${prev}, ${hash}, 1)`.execute(db)
    prev = hash
  }
  await sql`update audit_head set seq = 3, hash = ${prev}, at = ${minutes(3)}`.execute(db)
  await db.transaction().execute(trx => appendAudit(trx, minutes(4), { actor: 'system', action: 'new' }, { actor: 'system', action: 'newer' }))
  t.match(await verifyAudit(db), { ok: true, entries: 5 })
  t.same((await db.selectFrom('audit_log').select('hash_version').orderBy('seq').execute()).map(r => r.hash_version), [1, 1, 1, 2, 2])

  await sql`update audit_log set at = at + interval '600 microseconds' where seq = 2`.execute(db)
  t.match(await verifyAudit(db), { ok: false, faults: [{ seq: 2, reason: /changed time/ }] })
  await sql`update audit_log set at = at - interval '600 microseconds' where seq = 2`.execute(db)
  await sql`update audit_log set hash_version = 1 where seq = 5`.execute(db)
  t.match(await verifyAudit(db), { ok: false, faults: [{ seq: 5, reason: /old hash version 1 after entries of version 2/ }] })
})

t.test('a truncated tail with the head moved back goes unseen without checkpoints (they are what catch it)', async t => {
  const { db } = await testDb(t)
  await fiveEntries(db)
  await truncateAfter(db, 3)
  t.match(await verifyAudit(db), { ok: true, entries: 3 })
})

t.test('concurrent appends extend one chain', async t => {
  const { db } = await testDb(t)
  await Promise.all(Array.from({ length: 20 }, (_, i) =>
    db.transaction().execute(trx => appendAudit(trx, new Date(), { actor: 'system', action: 'test', details: { i } }))))
  t.match(await verifyAudit(db), { ok: true, entries: 20 })
})

t.test('canonical JSON sorts keys at every level', async t => {
  t.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }), '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}')
})

t.test('migration 0005 keeps an existing chain as it is: it verifies, and new entries follow it', async t => {
  const handle = await testDb(t, { migratedTo: '0004-message-log-truncated' })
  const { db } = handle
  // The chain as the gateway wrote it before 0005: no hash version, no time in the head row.
  let prev = GENESIS
  for (let seq = 1; seq <= 3; seq++) {
    const e = { actor: 'operator', action: 'client.added', subject: `c${seq}`, details: { n: seq } }
    const hash = entryHash(1, prev, seq, `${minutes(seq).toISOString().slice(0, 23)}000Z`, e)
    await sql`insert into audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
      values (${seq}, ${minutes(seq)}, ${e.actor}, ${e.action}, ${e.subject}, ${JSON.stringify(e.details)}, ${prev}, ${hash})`.execute(db)
    prev = hash
  }
  await sql`update audit_head set seq = 3, hash = ${prev}`.execute(db)
  const before = (await sql<{ hash: string }>`select hash from audit_log order by seq`.execute(db)).rows.map(r => r.hash)

  await migrateToLatest(db, handle.schema)
  t.same((await db.selectFrom('audit_log').select('hash').orderBy('seq').execute()).map(r => r.hash), before, 'no hash rewritten')
  t.match(await db.selectFrom('audit_head').selectAll().executeTakeFirst(), { seq: 3, at: minutes(3) })
  t.match(await verifyAudit(db), { ok: true, entries: 3 })
  await db.transaction().execute(trx => appendAudit(trx, minutes(1), { actor: 'system', action: 'after' }))
  t.equal(await storedTimeOf(db, 4), await storedTimeOf(db, 3), 'dated no earlier than the last entry before the migration')
  t.match(await verifyAudit(db), { ok: true, entries: 4 })
})
