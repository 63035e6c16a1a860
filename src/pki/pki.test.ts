import { createPrivateKey, X509Certificate } from 'node:crypto'
import forge from 'node-forge'
import t from 'tap'
import { certificateInfo, createCa, fingerprint, fingerprintOfDer, generateRsaKey, issueCertificate, normalizeFingerprint } from './index.js'

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1'
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2'
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

// Made with `openssl req -x509 -newkey ec` for a subject without CN: forge.pki cannot read EC certificates.
const EC_CERT = `-----BEGIN CERTIFICATE-----
MIIBtjCCAVugAwIBAgIURd/jASBRT1U0Z2tfvyO38fxWzyowCgYIKoZIzj0EAwIw
MDELMAkGA1UEBhMCU0sxFDASBgNVBAoMC016ZHkgcy5yLm8uMQswCQYDVQQLDAJJ
VDAeFw0yNjExMjEwNjEzMThaFw0zNjExMTgwNjEzMThaMDAxCzAJBgNVBAYTAlNL
MRQwEgYDVQQKDAtNemR5IHMuci5vLjELMAkGA1UECwwCSVQwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAQzKh2bMnTkqxf5p5riMGq5cTUzoOHE54nCDvQ9qHNtEC55
oFNtoZUNmuClNp+kOa23adnW2kim+/MCXKJvKVLio1MwUTAdBgNVHQ4EFgQUgNkr
BJM4s1luPewcO/lq8QvfQgQwHwYDVR0jBBgwFoAUgNkrBJM4s1luPewcO/lq8Qvf
QgQwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAjrKn2xYd0LFM
DdRkbkSMcRti60rjL6kzF241DcFwgqUCIQDTPBaQD+YpBmAsRnWMA8aUdZ4nrFiC
pr60YlOcmde+JQ==
-----END CERTIFICATE-----
`

const ca = createCa('Test CA')

function keyUsage(certPem: string): Record<string, unknown> | undefined {
  return forge.pki.certificateFromPem(certPem).getExtension('keyUsage') as Record<string, unknown> | undefined
}

t.test('creates a self-signed CA with cA, keyCertSign and cRLSign, valid for 10 years', async t => {
  const x509 = new X509Certificate(ca.cert)
  t.ok(x509.ca)
  t.ok(x509.verify(x509.publicKey), 'self-signed')
  t.match(keyUsage(ca.cert), { keyCertSign: true, cRLSign: true, critical: true })
  t.equal(forge.pki.certificateFromPem(ca.cert).siginfo.algorithmOid, forge.pki.oids.sha256WithRSAEncryption)
  const info = certificateInfo(ca.cert)
  t.equal(info.subject, 'Test CA')
  t.equal(info.issuer, 'Test CA')
  t.ok(Math.abs(info.notBefore.getTime() - (Date.now() - HOUR_MS)) < 60_000, 'backdated one hour')
  const years = (info.notAfter.getTime() - Date.now()) / (365.25 * DAY_MS)
  t.ok(years > 9.9 && years < 10.1, `10 years, got ${years}`)
})

t.test('gives each certificate a random positive 16-byte serial', async t => {
  // One key for all: the serial does not depend on it, and a key takes a tenth of a second or more to make.
  const key = generateRsaKey()
  const serials = Array.from({ length: 20 }, () => new X509Certificate(createCa('S', { key }).cert).serialNumber)
  for (const serial of serials) {
    t.match(serial, /^[0-7][0-9A-F]{31}$/, serial)
    t.not(serial.slice(0, 2), '00', 'no leading zero octet')
  }
  t.equal(new Set(serials).size, serials.length)
})

t.test('issues a server certificate that chains to the CA, with serverAuth and its DNS and IP names', async t => {
  const server = issueCertificate(ca, { commonName: 'gw.example', kind: 'server', altNames: ['gw.example', 'localhost', '127.0.0.1', '::1'] })
  const x509 = new X509Certificate(server.cert)
  t.ok(x509.verify(new X509Certificate(ca.cert).publicKey))
  t.notOk(x509.ca)
  t.ok(x509.checkIssued(new X509Certificate(ca.cert)))
  t.equal(x509.checkHost('gw.example'), 'gw.example')
  t.equal(x509.checkHost('localhost'), 'localhost')
  t.equal(x509.checkIP('127.0.0.1'), '127.0.0.1')
  t.equal(x509.checkIP('::1'), '::1')
  t.equal(x509.checkHost('other.example'), undefined)
  t.same(x509.keyUsage, [SERVER_AUTH])
  t.match(keyUsage(server.cert), { digitalSignature: true, keyEncipherment: true })
  t.ok(x509.checkPrivateKey(createPrivateKey(server.key)))
})

t.test('a server certificate without altNames is named for its common name', async t => {
  const x509 = new X509Certificate(issueCertificate(ca, { commonName: 'api.example', kind: 'server' }).cert)
  t.equal(x509.checkHost('api.example'), 'api.example')
})

t.test('issues a client certificate with clientAuth, CN and organization', async t => {
  const client = issueCertificate(ca, { commonName: 'payroll app', organization: 'Plače d.o.o.', kind: 'client' })
  const x509 = new X509Certificate(client.cert)
  t.ok(x509.verify(new X509Certificate(ca.cert).publicKey))
  t.same(x509.keyUsage, [CLIENT_AUTH])
  t.equal(x509.subjectAltName, undefined)
  t.match(certificateInfo(client.cert), { subject: 'payroll app', organization: 'Plače d.o.o.', issuer: 'Test CA' })
})

t.test('issues a signing certificate with digitalSignature and nonRepudiation', async t => {
  const signing = issueCertificate(ca, { commonName: 'receipts', kind: 'signing' })
  const x509 = new X509Certificate(signing.cert)
  t.ok(x509.verify(new X509Certificate(ca.cert).publicKey))
  t.match(keyUsage(signing.cert), { digitalSignature: true, nonRepudiation: true, critical: true })
  t.notOk(x509.keyUsage?.length, 'no extended key usage')
})

t.test('keeps a non-ASCII CA name intact in the issuer, so the chain still verifies', async t => {
  const slovenianCa = createCa('Testni overitelj Žiga Čolnar')
  const leaf = new X509Certificate(issueCertificate(slovenianCa, { commonName: 'x', kind: 'client' }).cert)
  const caX509 = new X509Certificate(slovenianCa.cert)
  t.equal(leaf.issuer, caX509.subject)
  t.ok(leaf.checkIssued(caX509))
  t.equal(certificateInfo(leaf.toString()).issuer, 'Testni overitelj Žiga Čolnar')
})

t.test('uses given validity dates and defaults to one hour ago until two years ahead', async t => {
  const notBefore = new Date('2020-01-01T00:00:00Z')
  const notAfter = new Date('2021-01-01T00:00:00Z')
  const fixed = certificateInfo(issueCertificate(ca, { commonName: 'old', kind: 'client', notBefore, notAfter }).cert)
  t.same([fixed.notBefore, fixed.notAfter], [notBefore, notAfter])

  const info = certificateInfo(issueCertificate(ca, { commonName: 'new', kind: 'client' }).cert)
  t.ok(Math.abs(info.notBefore.getTime() - (Date.now() - HOUR_MS)) < 60_000)
  const years = (info.notAfter.getTime() - Date.now()) / (365.25 * DAY_MS)
  t.ok(years > 1.9 && years < 2.1, `2 years, got ${years}`)

  t.throws(() => issueCertificate(ca, { commonName: 'x', kind: 'client', notBefore: notAfter, notAfter: notBefore }), /notAfter/)
})

t.test('refuses to issue from a certificate that is not a CA, or with a key that is not the CA\'s', async t => {
  const leaf = issueCertificate(ca, { commonName: 'leaf', kind: 'client' })
  t.throws(() => issueCertificate(leaf, { commonName: 'x', kind: 'client' }), /not a CA/)
  t.throws(() => issueCertificate({ cert: ca.cert, key: leaf.key }, { commonName: 'x', kind: 'client' }), /does not belong/)
})

t.test('certifies a given key pair instead of a new one', async t => {
  const key = generateRsaKey()
  const given = createCa('Given key CA', { key })
  t.equal(given.key, key.privateKeyPem)
  t.equal(new X509Certificate(given.cert).publicKey.export({ type: 'spki', format: 'pem' }), key.publicKeyPem)
  const leaf = issueCertificate(given, { commonName: 'same key', kind: 'client', key })
  t.ok(new X509Certificate(leaf.cert).checkPrivateKey(createPrivateKey(key.privateKeyPem)))
  t.ok(new X509Certificate(leaf.cert).verify(new X509Certificate(given.cert).publicKey), 'signed by the CA')
  const fresh = issueCertificate(ca, { commonName: 'new key', kind: 'client' })
  t.not(fresh.key, key.privateKeyPem, 'without one, a new key')
})

t.test('fingerprints are the SHA-256 of the DER, lowercase hex, as Node computes them', async t => {
  const client = issueCertificate(ca, { commonName: 'fp', kind: 'client' })
  const x509 = new X509Certificate(client.cert)
  t.match(fingerprint(client.cert), /^[0-9a-f]{64}$/)
  t.equal(fingerprint(client.cert), normalizeFingerprint(x509.fingerprint256))
  t.equal(fingerprintOfDer(x509.raw), fingerprint(client.cert))
  t.equal(certificateInfo(client.cert).fingerprint, fingerprint(client.cert))
  t.not(fingerprint(client.cert), fingerprint(ca.cert))
  t.throws(() => fingerprint('not a certificate'))
})

t.test('normalizes fingerprints written with colons or in any case, and refuses anything else', async t => {
  const hex = 'ab'.repeat(32)
  t.equal(normalizeFingerprint(hex), hex)
  t.equal(normalizeFingerprint(hex.toUpperCase()), hex)
  t.equal(normalizeFingerprint(Array(32).fill('AB').join(':')), hex)
  t.equal(normalizeFingerprint(Array(32).fill('aB').join(':')), hex)
  t.equal(normalizeFingerprint(`  ${hex}\n`), hex, 'surrounding whitespace from a paste')
  t.equal(normalizeFingerprint(Array(32).fill('ab').join(' ')), hex)
  const sha1 = 'ab'.repeat(20)
  const badlyGrouped = `${'abab:'.repeat(15)}abab`
  for (const bad of ['', 'ab'.repeat(31), 'ab'.repeat(33), `${'ab'.repeat(31)}zz`, 'ab:'.repeat(32), badlyGrouped, sha1, `sha256:${hex}`]) {
    t.throws(() => normalizeFingerprint(bad), /not a SHA-256 fingerprint/, JSON.stringify(bad))
  }
})

t.test('reads facts of certificates made elsewhere, including EC keys and subjects without CN', async t => {
  t.same(certificateInfo(EC_CERT), {
    fingerprint: '84c71d06ad269ab1c3d881b265b3a1b3d79b3dfd607fdde250a6ced18e9980d3',
    subject: 'C=SK, O=Mzdy s.r.o., OU=IT',
    organization: 'Mzdy s.r.o.',
    issuer: 'C=SK, O=Mzdy s.r.o., OU=IT',
    serial: '45dfe30120514f5534676b5fbf23b7f1fc56cf2a',
    notBefore: new Date('2026-11-21T06:13:18Z'),
    notAfter: new Date('2036-11-18T06:13:18Z'),
  })
})

t.test('reports the serial as lowercase hex and leaves organization out when there is none', async t => {
  const pem = issueCertificate(ca, { commonName: 'no org', kind: 'client' }).cert
  const info = certificateInfo(pem)
  t.equal(info.serial, new X509Certificate(pem).serialNumber.toLowerCase())
  t.notOk('organization' in info)
})
