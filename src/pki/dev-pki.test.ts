import { X509Certificate } from 'node:crypto'
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { certificateInfo, ensureDevPki, fingerprint, issueCertificate, type DevPki } from './index.js'

const CERT_FILES = ['caCert', 'serverCert', 'signingCert', 'clientCert'] as const
const KEY_FILES = ['serverKey', 'signingKey', 'clientKey'] as const

function fingerprints(pki: DevPki): string[] {
  return CERT_FILES.map(name => fingerprint(readFileSync(pki[name], 'utf8')))
}

t.test('creates the development PKI in a new folder', async t => {
  const dir = join(t.testdir(), 'certs', 'dev')
  const pki = ensureDevPki(dir)
  t.equal(pki.created, true)
  t.same(pki, {
    dir,
    caCert: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server-key.pem'),
    signingCert: join(dir, 'signing.pem'),
    signingKey: join(dir, 'signing-key.pem'),
    clientCert: join(dir, 'client-demo.pem'),
    clientKey: join(dir, 'client-demo-key.pem'),
    created: true,
  })

  const ca = new X509Certificate(readFileSync(pki.caCert))
  t.ok(ca.ca)
  t.equal(certificateInfo(ca.toString()).subject, 'ehrs-gateway development CA')
  for (const name of CERT_FILES) t.ok(new X509Certificate(readFileSync(pki[name])).verify(ca.publicKey), name)

  const server = new X509Certificate(readFileSync(pki.serverCert))
  t.equal(server.checkHost('localhost'), 'localhost')
  t.equal(server.checkIP('127.0.0.1'), '127.0.0.1')
  t.equal(server.checkIP('::1'), '::1')
  t.match(certificateInfo(readFileSync(pki.signingCert, 'utf8')), { subject: 'ehrs-gateway receipt signing (development)' })
  t.match(certificateInfo(readFileSync(pki.clientCert, 'utf8')), { subject: 'demo client', organization: 'Demo payroll d.o.o.' })

  for (const name of KEY_FILES) t.equal(statSync(pki[name]).mode & 0o777, 0o600, name)
  t.equal(statSync(join(dir, 'ca-key.pem')).mode & 0o777, 0o600, 'ca-key.pem')
})

t.test('leaves a complete PKI alone, and replaces it when forced', async t => {
  const dir = t.testdir()
  const before = fingerprints(ensureDevPki(dir))
  const again = ensureDevPki(dir)
  t.equal(again.created, false)
  t.same(fingerprints(again), before)

  const forced = ensureDevPki(dir, { force: true })
  t.equal(forced.created, true)
  const after = fingerprints(forced)
  before.forEach((old, i) => t.not(after[i], old, CERT_FILES[i]))
  t.equal(ensureDevPki(dir).created, false)
})

t.test('recreates everything when the PKI is half-written, damaged or expired', async t => {
  const dir = t.testdir()
  const pki = ensureDevPki(dir)
  const before = fingerprints(pki)

  rmSync(pki.signingKey)
  const afterMissing = ensureDevPki(dir)
  t.equal(afterMissing.created, true, 'a missing file')
  t.not(fingerprints(afterMissing)[0], before[0], 'the CA is new too')

  writeFileSync(pki.clientCert, readFileSync(pki.clientCert, 'utf8').slice(0, 200))
  t.equal(ensureDevPki(dir).created, true, 'a truncated certificate')

  const server = readFileSync(pki.serverCert, 'utf8')
  ensureDevPki(dir, { force: true })
  writeFileSync(pki.serverCert, server)
  t.equal(ensureDevPki(dir).created, true, 'a certificate from another CA')

  const ca = { cert: readFileSync(pki.caCert, 'utf8'), key: readFileSync(join(dir, 'ca-key.pem'), 'utf8') }
  const expired = issueCertificate(ca, {
    commonName: 'demo client',
    kind: 'client',
    notBefore: new Date(Date.now() - 3 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  })
  writeFileSync(pki.clientCert, expired.cert)
  writeFileSync(pki.clientKey, expired.key)
  t.equal(ensureDevPki(dir).created, true, 'an expired certificate')
  t.equal(ensureDevPki(dir).created, false)
})
