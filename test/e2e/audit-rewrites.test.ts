import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import { startGateway, xmlHeaders } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'
import { reopenableDb } from '../helpers/db.js'
import { forgeAppend, onCopy, rechainFrom, storedTimeOf, truncateAfter } from '../helpers/audit.js'
import { ehrsBin, embeddedEnv, run, startServerProcess } from '../helpers/processes.js'
import { addMandate, runOperation, type OperatorContext } from '../../src/operator/index.js'
import { systemClock } from '../../src/lib/index.js'
import type { Db } from '../../src/db/index.js'

/**
 * SPEC.md §8: an insider who can write the database rewrites the audit log in each of the ways issue 12 found,
 * and `ehrs audit verify` names the first bad entry (or body) every time. Documents are filed through the real
 * gateway, which writes one checkpoint on the operator's word and one as it shuts down; each rewrite is then done
 * on a copy (a transaction rolled back afterwards), and one through the real CLI on the committed database.
 */
const pki = testPki()

t.test('each rewrite of the audit log or of a stored body is named by ehrs audit verify', async t => {
  const home = t.testdir({ 'signing.pem': pki.signing.cert, 'signing-key.pem': pki.signing.key, empty: {} })
  const anchors = join(home, 'anchors')
  const database = await reopenableDb(t)
  let handle = await database.open()
  const gw = await startGateway(t, { db: handle, env: { AUDIT_ANCHOR_DIR: anchors, PROCESSING_DELAY: '1h' } })
  gw.services.checkpoints.start()
  const clientId = await gw.register(pki.client, { taxNumber: '45678138' })
  const file = async (body: Uint8Array | string, status: number) => {
    const res = await gw.call({ path: '/api/v1/documents', as: pki.client, body, headers: xmlHeaders })
    t.equal(res.status, status, res.text.slice(0, 200))
    return res.json as { id?: string }
  }
  const basic = await file(fixture('si/m1/valid-basic.xml'), 201)
  await file(fixture('si/m1/valid-foreigner.xml'), 201)
  await gw.services.checkpoints.write('operator', 'operator')
  await file(fixture('si/m1/valid-maximal.xml'), 201)
  await file(fixture('si/m1/invalid/SI-COMMON-003.xml'), 422)
  // A refusal over 1 MiB: the log keeps its first MiB, with a SHA-256 of that part.
  await file(`<M1 xmlns="urn:unknown">${'x'.repeat(1_200_000)}</M1>`, 400)
  await gw.stop()
  // After the shutdown checkpoint, an operator action not yet anchored by any.
  await addMandate(handle.db, { employer: '38172658', clientId }, new Date())

  const entries = await handle.db.selectFrom('audit_log').select(['seq', 'action', 'subject']).orderBy('seq').execute()
  t.same(entries.map(e => e.action), ['client.added', 'document.received', 'document.received', 'audit.checkpoint',
    'document.received', 'audit.checkpoint', 'mandate.added'])
  t.equal(readdirSync(anchors).filter(f => f.endsWith('.json')).length, 2, 'one checkpoint on the operator\'s word, one at shutdown')
  const basicEntry = entries.find(e => e.subject === basic.id)!.seq

  const context: OperatorContext = {
    anchorDir: anchors, trustedPem: () => pki.signing.cert,
    checkpoint: () => { throw new Error('not in this test') },
  }
  type Verdict = { ok: boolean; entries: number; anchored: number; faults: Record<string, unknown>[]; notes: string[] }
  const verify = (db: Db) => runOperation(db, systemClock, 'audit.verify', {}, context) as Promise<Verdict>
  const rewritten = (rewrite: (copy: Db) => Promise<unknown>) => onCopy(handle.db, async copy => {
    await rewrite(copy)
    return verify(copy)
  })

  t.match(await verify(handle.db), { ok: true, entries: 7, anchored: 6, faults: [], notes: [/^1 entry after the newest checkpoint \(entry 6\) is not anchored yet$/] }, 'the untouched database')

  t.match(await rewritten(async copy => {
    await forgeAppend(copy, await storedTimeOf(copy, 3), { actor: 'operator', action: 'mandate.added', subject: 'm-forged', details: { employer: '12345678', clientId } })
  }), { ok: false, faults: [{ kind: 'entry', seq: 8, reason: /is dated before entry 7/ }] }, '(a) an entry appended, dated in the past, with the head moved')
  t.match(await rewritten(async copy => {
    await forgeAppend(copy, new Date(Date.now() + 60_000).toISOString().replace('Z', '000Z'), { actor: 'operator', action: 'mandate.added', subject: 'm-forged', details: {} })
  }), { ok: true, notes: [/2 entries after the newest checkpoint/] }, '(a) one dated after the last checkpoint cannot be told from the gateway\'s own: it is reported as not yet anchored')

  t.match(await rewritten(async copy => {
    await sql`update audit_log set actor = 'operator' where seq = 3`.execute(copy)
    await rechainFrom(copy, 3)
  }), { ok: false, faults: [{ kind: 'entry', seq: 3, reason: /differs from checkpoint checkpoint-000000000004-/ }] }, '(b) an entry altered and the chain recomputed after it')
  t.match(await rewritten(async copy => {
    await sql`update audit_log set details = jsonb_set(details, '{type}', '"M2"') where seq = 5`.execute(copy)
    await rechainFrom(copy, 5)
  }), { ok: false, faults: [{ kind: 'entry', seq: 5, reason: /differs from checkpoint checkpoint-000000000006-/ }] }, '(b) the same in the range of the second checkpoint')

  t.match(await rewritten(copy => truncateAfter(copy, 4)), {
    ok: false, entries: 4, faults: [{ kind: 'entry', seq: 5, reason: /is missing: checkpoint checkpoint-000000000006-.* names entry 6, the log ends at entry 4/ }],
  }, '(c) the tail truncated and the head moved back')

  t.match(await rewritten(copy => sql`update audit_log set at = at + interval '600 microseconds' where seq = 2`.execute(copy)),
    { ok: false, faults: [{ kind: 'entry', seq: 2, reason: /changed time/ }] }, '(d) a time shifted by 600 µs')
  t.match(await rewritten(async copy => {
    await sql`update audit_log set at = at + interval '600 microseconds' where seq = 2`.execute(copy)
    await rechainFrom(copy, 2)
  }), { ok: false, faults: [{ kind: 'entry', seq: 2, reason: /changed time/ }] }, '(d) the same with the chain recomputed after it')

  const flipByte = (where: ReturnType<typeof sql>) =>
    sql`update message_log set body = set_byte(body, 60, (get_byte(body, 60) + 1) % 256) where ${where}`
  const refused = await handle.db.selectFrom('message_log').select('id').where('status', '=', 422).executeTakeFirstOrThrow()
  t.match(await rewritten(copy => flipByte(sql`status = 422`).execute(copy)),
    { ok: false, faults: [{ kind: 'message', id: refused.id, documentId: null, reason: 'body does not match its SHA-256' }] }, '(e) a refused submission\'s body changed')
  t.match(await rewritten(copy => flipByte(sql`truncated`).execute(copy)),
    { ok: false, faults: [{ kind: 'message', reason: 'kept body does not match its SHA-256' }] }, '(e) the kept part of a cut refusal changed')

  const message = await handle.db.selectFrom('documents').select(['message_id', 'number']).where('id', '=', basic.id!).executeTakeFirstOrThrow()
  t.match(await rewritten(copy => flipByte(sql`document_id = ${basic.id}`).execute(copy)),
    { ok: false, faults: [{ kind: 'message', id: message.message_id, documentId: basic.id, reason: 'body does not match its SHA-256' }] }, '(e) a document\'s body changed')
  t.match(await rewritten(async copy => {
    await flipByte(sql`document_id = ${basic.id}`).execute(copy)
    await sql`update message_log set sha256 = encode(sha256(body), 'hex') where document_id = ${basic.id}`.execute(copy)
  }), { ok: false, faults: [{ kind: 'document', id: basic.id, number: message.number, reason: /differs from the SHA-256 of its bytes/ }] }, '(e) … with its message\'s SHA-256 recomputed')
  t.match(await rewritten(async copy => {
    await flipByte(sql`document_id = ${basic.id}`).execute(copy)
    await sql`update message_log set sha256 = encode(sha256(body), 'hex') where document_id = ${basic.id}`.execute(copy)
    await sql`update documents set sha256 = encode(sha256((select body from message_log where document_id = ${basic.id})), 'hex') where id = ${basic.id}`.execute(copy)
  }), { ok: false, faults: [{ kind: 'document', id: basic.id, reason: `differs from the SHA-256 that audit entry ${basicEntry} recorded for it` }] }, '(e) … and the document\'s own')

  t.match(await verify(handle.db), { ok: true }, 'every copy was thrown away')

  // The real program, on the committed database, with the gateway stopped.
  await handle.close()
  const env = { ...database.childEnv, AUDIT_ANCHOR_DIR: anchors, SIGNING_CERT: join(home, 'signing.pem'), SIGNING_KEY: join(home, 'signing-key.pem') }
  const ehrs = (...args: string[]) => run(ehrsBin, args, { cwd: home, env })
  const intact = await ehrs('audit', 'verify')
  t.equal(intact.code, 0, intact.stderr)
  t.match(intact.stdout, /audit log intact: 7 entries, 6 of them anchored by 2 checkpoint\(s\) in .*anchors; 5 message bodies and 3 documents match their SHA-256/)
  const checkpoint = await ehrs('audit', 'checkpoint')
  t.equal(checkpoint.code, 0, checkpoint.stderr)
  t.match(checkpoint.stdout, /checkpoint of entry 8 written: .*checkpoint-000000000008-/)
  const elsewhere = await ehrs('audit', 'verify', '--anchors', join(home, 'empty'))
  t.equal(elsewhere.code, 0, elsewhere.stderr)
  t.match(elsewhere.stdout, /note: no checkpoints in .*empty: the chain was checked on its own/)
  t.equal((await ehrs('audit', 'verify', '--anchors', join(home, 'nowhere'))).code, 2, 'an --anchors folder that does not exist')

  handle = await database.open()
  await sql`update audit_log set actor = 'operator' where seq = 3`.execute(handle.db)
  await rechainFrom(handle.db, 3)
  await handle.close()
  const broken = await ehrs('audit', 'verify')
  t.equal(broken.code, 1, broken.stderr)
  t.match(broken.stdout, /^audit log BROKEN at entry 3: entry 3 differs from checkpoint checkpoint-000000000004-.*: the log was rewritten from this entry on$/m)
})

t.test('the server writes a signed checkpoint as it shuts down, which the CLI then checks the chain against', async t => {
  const home = t.testdir({})
  const dataDir = join(home, 'data')
  const env = embeddedEnv(dataDir)
  const server = await startServerProcess(home, env)
  t.teardown(() => server.stop('SIGKILL'))
  t.equal(await server.stop(), 0, 'SIGTERM: graceful exit 0')
  t.match(server.output(), /"msg":"audit checkpoint written"/)
  // The demo client and its two mandates, registered at the first start, then the checkpoint's own entry.
  const files = readdirSync(join(dataDir, 'audit-anchors')).filter(f => f.endsWith('.json'))
  t.equal(files.length, 1)
  t.match(files[0], /^checkpoint-000000000004-/)
  const verify = await run(ehrsBin, ['audit', 'verify'], { cwd: home, env })
  t.equal(verify.code, 0, verify.stderr)
  t.match(verify.stdout, /audit log intact: 4 entries, 4 of them anchored by 1 checkpoint\(s\)/)
})
