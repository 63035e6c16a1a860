import t from 'tap'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/index.js'
import { testDb } from '../../test/helpers/db.js'
import { createCa, issueCertificate, testPki } from '../../test/helpers/pki.js'
import { onCopy, rechainFrom, truncateAfter } from '../../test/helpers/audit.js'
import { runProgram } from '../../test/helpers/processes.js'
import { createReceiptSigner } from '../receipts/index.js'
import { appendAudit, createCheckpointer, verifyAudit, writeCheckpoint } from './index.js'

const pki = testPki()
const signer = createReceiptSigner({ certPem: pki.signing.cert, keyPem: pki.signing.key })
// Within the test certificates' validity (from an hour ago), which a checkpoint's signer must have at its time.
const T0 = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000 + 123)
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000)
const compact = (minutes: number) => at(minutes).toISOString().replace(/[-:]/g, '')

async function entries(db: Kysely<Database>, n: number, minute: number): Promise<void> {
  for (let i = 0; i < n; i++) await db.transaction().execute(trx => appendAudit(trx, at(minute), { actor: 'system', action: 'test', details: { i } }))
}

const checkpoint = (db: Kysely<Database>, dir: string, minute: number) =>
  writeCheckpoint(db, { dir, signer, at: at(minute), reason: 'operator', actor: 'operator' })

t.test('a checkpoint is a JSON file with a detached signature that openssl verifies', async t => {
  const { db } = await testDb(t)
  const dir = t.testdir({ 'signing.pem': pki.signing.cert })
  await entries(db, 3, 0)
  const written = await checkpoint(db, join(dir, 'anchors'), 1)
  t.equal(written.seq, 4, 'the checkpoint is itself an entry of the chain, and the head it names')
  t.equal(written.file, join(dir, 'anchors', `checkpoint-000000000004-${compact(1)}.json`))
  const content = JSON.parse(readFileSync(written.file, 'utf8'))
  const head = await db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow()
  t.match(content, {
    format: 'ehrs-audit-checkpoint/1', seq: 4, count: 4, hash: head.hash, entryAt: at(1).toISOString().replace('Z', '000Z'),
    writtenAt: at(1).toISOString(), reason: 'operator', entries: { from: 1 }, signer: { certificate: /BEGIN CERTIFICATE/ },
  })
  t.equal(content.entries.hashPrefixes.length, 4 * 16)
  t.match(await db.selectFrom('audit_log').select(['actor', 'action', 'details']).where('seq', '=', 4).executeTakeFirst(),
    { actor: 'operator', action: 'audit.checkpoint', details: { reason: 'operator' } })

  const pub = join(dir, 'pub.pem')
  t.equal((await runProgram('openssl', ['x509', '-in', join(dir, 'signing.pem'), '-pubkey', '-noout', '-out', pub])).code, 0)
  const ok = await runProgram('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', `${written.file}.sig`, written.file])
  t.equal(ok.code, 0, ok.stderr)
  t.match(ok.stdout, /Verified OK/)

  await entries(db, 2, 2)
  const second = await checkpoint(db, join(dir, 'anchors'), 3)
  t.match(JSON.parse(readFileSync(second.file, 'utf8')), { seq: 7, entries: { from: 5 } }, 'lists the entries since the previous checkpoint')
  t.same(readdirSync(join(dir, 'anchors')).sort(), [
    `checkpoint-000000000004-${compact(1)}.json`, `checkpoint-000000000004-${compact(1)}.json.sig`,
    `checkpoint-000000000007-${compact(3)}.json`, `checkpoint-000000000007-${compact(3)}.json.sig`,
  ])
})

t.test('a checkpoint never replaces a file', async t => {
  const { db } = await testDb(t)
  const name = `checkpoint-000000000001-${compact(0)}.json`
  const dir = t.testdir({ [name]: 'there before' })
  await t.rejects(checkpoint(db, dir, 0), { code: 'EEXIST' })
  t.equal(readFileSync(join(dir, name), 'utf8'), 'there before')
})

t.test('verify checks the chain against every checkpoint and pins a rewrite to the entry where it starts', async t => {
  const { db } = await testDb(t)
  const dir = t.testdir({})
  await entries(db, 5, 0)
  await checkpoint(db, dir, 1) // entry 6
  await entries(db, 5, 2)
  await checkpoint(db, dir, 3) // entry 12
  await entries(db, 2, 4)
  const options = { anchorDir: dir, trustedPem: pki.signing.cert }
  t.match(await verifyAudit(db, options), { ok: true, entries: 14, anchored: 12, checkpoints: 2, notes: [/2 entries after the newest checkpoint \(entry 12\) are not anchored yet/] })

  for (const seq of [3, 9, 12]) {
    await onCopy(db, async copy => {
      await sql`update audit_log set details = '{"i": 99}' where seq = ${seq}`.execute(copy)
      await rechainFrom(copy, seq)
      t.match(await verifyAudit(copy, options), { ok: false, faults: [{ kind: 'entry', seq, reason: /differs from checkpoint checkpoint-0+(6|12)-.*rewritten from this entry on/ }] }, `entry ${seq} rewritten`)
      t.match(await verifyAudit(copy), { ok: true }, 'which the chain alone does not show')
    })
  }
  t.match(await verifyAudit(db, options), { ok: true })

  await truncateAfter(db, 10)
  t.match(await verifyAudit(db, options), { ok: false, entries: 10, faults: [{ kind: 'entry', seq: 11, reason: /is missing: checkpoint checkpoint-000000000012-.* names entry 12, the log ends at entry 10/ }] })
})

t.test('a checkpoint counts only when its signature holds and SIGNING_CERT vouches for its signer', async t => {
  const { db } = await testDb(t)
  const dir = t.testdir({})
  await entries(db, 2, 0)
  const written = await checkpoint(db, dir, 1)
  const verify = (trustedPem: string) => verifyAudit(db, { anchorDir: dir, trustedPem })
  t.match(await verify(pki.signing.cert), { ok: true, anchored: 3 })

  const rotated = issueCertificate(pki.ca, { commonName: 'ehrs test receipt signing 2', kind: 'signing' })
  t.match(await verify(rotated.cert), { ok: false, faults: [{ kind: 'checkpoint', reason: /signed by a certificate that SIGNING_CERT does not vouch for/ }] })
  t.match(await verify(rotated.cert + pki.ca.cert), { ok: true, anchored: 3 }, 'after a key rotation, the CA listed in SIGNING_CERT vouches for the earlier key')

  const stranger = issueCertificate(createCa('Someone else'), { commonName: 'forger', kind: 'signing' })
  const forger = createReceiptSigner({ certPem: stranger.cert, keyPem: stranger.key })
  await entries(db, 1, 2)
  await writeCheckpoint(db, { dir, signer: forger, at: at(3), reason: 'operator', actor: 'operator' })
  t.match(await verify(pki.signing.cert), { ok: false, faults: [{ kind: 'checkpoint', file: /checkpoint-000000000005-/, reason: /does not vouch/ }] })

  const original = readFileSync(written.file)
  writeFileSync(written.file, original.toString().replace('"reason": "operator"', '"reason": "interval"'))
  t.match(await verify(pki.signing.cert + stranger.cert), { ok: false, faults: [{ kind: 'checkpoint', file: written.file, reason: 'checkpoint signature does not verify' }] })
  writeFileSync(written.file, original)
  writeFileSync(`${written.file}.sig`, '')
  t.match(await verify(pki.signing.cert + stranger.cert), { ok: false, faults: [{ kind: 'checkpoint', reason: /signature does not verify/ }] })
})

t.test('the server writes a checkpoint on its interval only when entries were added, and at shutdown', async t => {
  const { db } = await testDb(t)
  const dir = t.testdir({})
  let clock = at(0)
  let onWritten: () => void = () => {}
  const checkpointer = createCheckpointer(db, { now: () => clock }, { dir, signer, intervalMs: 20, onWritten: () => onWritten(), onError: error => t.error(error) })
  const nextWrite = () => new Promise<void>(resolve => { onWritten = resolve })
  const files = () => readdirSync(dir).filter(f => f.endsWith('.json'))
  t.teardown(() => checkpointer.stop())

  await entries(db, 2, 0)
  let written = nextWrite()
  checkpointer.start()
  await written
  t.equal(files().length, 1)
  // Nothing but its own entry since: more intervals pass without a checkpoint, until an entry is added.
  clock = at(10)
  written = nextWrite()
  await entries(db, 1, 10)
  await written
  t.same(files().length, 2)
  await checkpointer.stop()
  t.equal(files().length, 2, 'no shutdown checkpoint when nothing changed since the last one')

  checkpointer.start()
  await entries(db, 1, 11)
  clock = at(11)
  await checkpointer.stop()
  t.equal(files().length, 3, 'a shutdown checkpoint covers the entries since the last one')
  t.match(await verifyAudit(db, { anchorDir: dir, trustedPem: pki.signing.cert }), { ok: true, entries: 7, anchored: 7, checkpoints: 3 })
})
