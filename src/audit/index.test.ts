import t from 'tap'
import { sql } from 'kysely'
import { testDb } from '../../test/helpers/db.js'
import { appendAudit, verifyAudit, canonicalJson } from './index.js'

t.test('the chain verifies, and any altered or removed entry breaks it', async t => {
  const { db } = await testDb(t)
  const at = new Date('2025-03-03T08:00:00.123Z')
  for (let i = 0; i < 5; i++) {
    await db.transaction().execute(trx => appendAudit(trx, at, { actor: 'operator', action: 'client.added', subject: `c${i}`, details: { n: i, z: 'a', a: [1, { y: 2, x: 1 }] } }))
  }
  t.same(await verifyAudit(db), { ok: true, entries: 5 })

  await sql`update audit_log set details = '{"n": 99}' where seq = 3`.execute(db)
  t.match(await verifyAudit(db), { ok: false, seq: 3, reason: /content/ })
  await sql`update audit_log set details = ${JSON.stringify({ n: 2, z: 'a', a: [1, { x: 1, y: 2 }] })} where seq = 3`.execute(db)
  t.same(await verifyAudit(db), { ok: true, entries: 5 }, 'restored content verifies again (key order does not matter)')

  await sql`delete from audit_log where seq = 5`.execute(db)
  t.match(await verifyAudit(db), { ok: false, reason: /removed/ })
})

t.test('concurrent appends extend one chain', async t => {
  const { db } = await testDb(t)
  await Promise.all(Array.from({ length: 20 }, (_, i) =>
    db.transaction().execute(trx => appendAudit(trx, new Date(), { actor: 'system', action: 'test', details: { i } }))))
  t.same(await verifyAudit(db), { ok: true, entries: 20 })
})

t.test('canonical JSON sorts keys at every level', async t => {
  t.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }), '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}')
})
