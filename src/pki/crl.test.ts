import { X509Certificate } from 'node:crypto'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createCrlStore, type CrlStore, type Pem } from './index.js'
import { createCa, issueCertificate } from '../../test/helpers/pki.js'
import { createCrl, crlPem } from '../../test/helpers/trust.js'

const DAY_MS = 86_400_000
const ca = createCa('Issuing CA')
const otherCa = createCa('Other CA')
const strangerCa = createCa('Stranger CA')
const client = (issuer: Pem = ca) => issueCertificate(issuer, { commonName: 'payroll', kind: 'client' }).cert
const good = client()
const stolen = client()
const der = (pem: string) => new X509Certificate(pem).raw

function store(t: { teardown(fn: () => unknown): void }, dir: string, events: string[] = []): CrlStore {
  const s = createCrlStore({
    dir, anchors: [ca.cert, otherCa.cert], pollMs: 3_600_000,
    onRefused: (file, reason) => events.push(`refused ${file.split('/').pop()} ${reason}`),
    onStale: crl => events.push(`stale ${crl.issuer}`),
  })
  t.teardown(() => s.close())
  return s
}

t.test('a certificate its CA lists is revoked; others of that CA are good; a CA without a CRL is unknown', async t => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'issuing.crl'), await createCrl(ca, [stolen]))
  const s = store(t, dir)
  await s.ready
  const now = new Date()
  t.match(s.status(der(stolen), now), { state: 'revoked', crl: { issuer: 'Issuing CA', isStale: false } })
  t.match(s.status(der(good), now), { state: 'good', crl: { issuer: 'Issuing CA' } })
  t.same(s.status(der(client(otherCa)), now), { state: 'unknown' })
  t.same(s.status(der(client(strangerCa)), now), { state: 'unknown' }, 'not issued by a trusted CA at all')
})

t.test('PEM and DER alike; a stale CRL still applies, and is reported once', async t => {
  const dir = t.testdir()
  const thisUpdate = new Date(Date.now() - 10 * DAY_MS)
  writeFileSync(join(dir, 'other.pem'), crlPem(await createCrl(otherCa, [], {})))
  writeFileSync(join(dir, 'issuing.der'), await createCrl(ca, [stolen], { thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + DAY_MS) }))
  const events: string[] = []
  const s = store(t, dir, events)
  await s.ready
  t.match(s.status(der(stolen), new Date()), { state: 'revoked', crl: { isStale: true } })
  t.match(s.status(der(client(otherCa)), new Date()), { state: 'good' })
  s.status(der(good), new Date())
  await s.reload()
  t.same(events, ['stale Issuing CA'], 'logged once')
  t.equal(s.crls().length, 2)
})

t.test('bad files are refused with the reason and change nothing', async t => {
  const dir = t.testdir()
  const crl = await createCrl(ca, [stolen])
  writeFileSync(join(dir, 'issuing.crl'), crl)
  const events: string[] = []
  const s = store(t, dir, events)
  await s.ready
  // The same file rewritten truncated (a copy caught half-way): the revocation it held stays in force.
  writeFileSync(join(dir, 'issuing.crl'), crl.subarray(0, crl.length - 40))
  writeFileSync(join(dir, 'stranger.crl'), await createCrl(strangerCa, [good]))
  const forged = await createCrl(createCa('Issuing CA'), [good])
  writeFileSync(join(dir, 'forged.crl'), forged)
  writeFileSync(join(dir, 'notes.txt'), 'not a CRL')
  await s.reload()
  t.equal(s.status(der(stolen), new Date()).state, 'revoked', 'the truncated file keeps its earlier content')
  t.equal(s.status(der(good), new Date()).state, 'good', 'neither a CRL of an unknown issuer nor a forged one counts')
  t.same(events.sort(), [
    'refused forged.crl has a signature that does not verify with the key of "CN=Issuing CA"',
    'refused issuing.crl is not a CRL (PEM "-----BEGIN X509 CRL-----" or DER), or it is truncated',
    'refused notes.txt is not a CRL (PEM "-----BEGIN X509 CRL-----" or DER), or it is truncated',
    'refused stranger.crl is issued by "CN=Stranger CA", which is not a trusted CA (TRUST_CA or a qualified CA of TRUSTED_LIST)',
  ])
  t.equal(s.refusedFiles().length, 4)
})

t.test('an older CRL put back does not lift a revocation; the folder is watched', async t => {
  const dir = t.testdir()
  const older = await createCrl(ca, [], { thisUpdate: new Date(Date.now() - 2 * DAY_MS) })
  writeFileSync(join(dir, 'issuing.crl'), older)
  const s = store(t, dir)
  await s.ready
  t.equal(s.status(der(stolen), new Date()).state, 'good')
  // Written beside and renamed, as an operator's tooling should; the watch reloads without being asked.
  writeFileSync(join(dir, '.issuing.tmp'), await createCrl(ca, [stolen]))
  renameSync(join(dir, '.issuing.tmp'), join(dir, 'issuing.crl'))
  for (let i = 0; i < 100 && s.status(der(stolen), new Date()).state !== 'revoked'; i++) await new Promise(r => setTimeout(r, 20))
  t.equal(s.status(der(stolen), new Date()).state, 'revoked', 'picked up by the watch')
  writeFileSync(join(dir, 'issuing.crl'), older)
  await s.reload()
  t.equal(s.status(der(stolen), new Date()).state, 'revoked', 'the older CRL does not replace the newer one')
  rmSync(join(dir, 'issuing.crl'))
  await s.reload()
  t.same(s.status(der(stolen), new Date()), { state: 'unknown' }, 'a CRL removed by the operator no longer counts')
})

t.test('a missing folder is no error: nothing is known until it appears', async t => {
  const s = store(t, join(t.testdir(), 'absent'))
  await s.ready
  t.same(s.status(der(good), new Date()), { state: 'unknown' })
})
