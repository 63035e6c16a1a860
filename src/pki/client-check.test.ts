import forge from 'node-forge'
import t from 'tap'
import { checkClientCertificate, type Pem } from './index.js'
import { createCa, issueCertificate } from '../../test/helpers/pki.js'
import { generateRsaKey } from './keys.js'

const DAY_MS = 86_400_000
const now = new Date()
const ca = createCa('Client CA')
const otherCa = createCa('Other CA')
const client = issueCertificate(ca, { commonName: 'payroll program', kind: 'client' })
const defects = (pem: string, trusted: string[] = [ca.cert], at = now) => checkClientCertificate(pem, trusted, at).map(p => p.defect)

/** A CA certificate signed by `issuer`, as a national CA's issuing CA is signed by its root. */
function intermediateCa(issuer: Pem, commonName: string): Pem {
  const { privateKeyPem, publicKeyPem } = generateRsaKey()
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem)
  cert.serialNumber = '0a1b2c'
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS)
  cert.validity.notAfter = new Date(now.getTime() + 365 * DAY_MS)
  cert.setSubject([{ shortName: 'CN', value: commonName }])
  cert.setIssuer(forge.pki.certificateFromPem(issuer.cert).subject.attributes)
  cert.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }])
  cert.sign(forge.pki.privateKeyFromPem(issuer.key), forge.md.sha256.create())
  return { cert: forge.pki.certificateToPem(cert), key: privateKeyPem }
}

t.test('a client certificate of a trusted CA, within its validity, passes', async t => {
  t.same(checkClientCertificate(client.cert, [otherCa.cert, ca.cert], now), [])
})

t.test('expired and not yet valid certificates are named with their date', async t => {
  const expired = issueCertificate(ca, { commonName: 'old', kind: 'client', notBefore: new Date(now.getTime() - 30 * DAY_MS), notAfter: new Date(now.getTime() - DAY_MS) })
  const early = issueCertificate(ca, { commonName: 'early', kind: 'client', notBefore: new Date(now.getTime() + DAY_MS), notAfter: new Date(now.getTime() + 30 * DAY_MS) })
  t.same(defects(expired.cert), ['expired'])
  t.match(checkClientCertificate(expired.cert, [ca.cert], now)[0]!.message, /expired on \d{4}-/)
  t.same(defects(early.cert), ['not_yet_valid'])
  t.same(defects(client.cert, [ca.cert], new Date(now.getTime() + 3 * 365 * DAY_MS)), ['expired'], 'judged at the given time')
})

t.test('a certificate of a CA outside the trusted ones does not chain', async t => {
  t.same(defects(client.cert, [otherCa.cert]), ['untrusted'])
  t.same(defects(client.cert, []), ['untrusted'])
  const lookalike = createCa('Client CA')
  t.same(defects(client.cert, [lookalike.cert]), ['untrusted'], 'the same name with another key is not the issuer')
})

t.test('a chain file reaches the trusted root through its intermediate', async t => {
  const issuing = intermediateCa(ca, 'Issuing CA')
  const leaf = issueCertificate(issuing, { commonName: 'vendor program', kind: 'client' })
  t.same(defects(leaf.cert), ['untrusted'], 'without the intermediate there is no path')
  t.same(defects(leaf.cert + issuing.cert), [], 'leaf followed by its issuing CA')
  t.same(defects(leaf.cert, [issuing.cert, ca.cert]), [], 'or the issuing CA trusted beside its root')
  t.same(defects(leaf.cert, [issuing.cert]), ['untrusted'], 'an issuing CA without its root is no anchor, as in the TLS handshake')
})

t.test('key usage must allow TLS client authentication', async t => {
  const server = issueCertificate(ca, { commonName: 'localhost', kind: 'server' })
  t.same(defects(server.cert), ['no_client_auth'], 'serverAuth only')
  t.match(checkClientCertificate(server.cert, [ca.cert], now)[0]!.message, /clientAuth/)
  const signing = issueCertificate(ca, { commonName: 'signer', kind: 'signing' })
  t.same(defects(signing.cert), [], 'no extended key usage: any use, and digitalSignature is there')
  t.same(defects(ca.cert), ['no_client_auth'], 'a CA certificate: keyCertSign and cRLSign only')
})

t.test('all defects at once, and a PEM without a certificate throws', async t => {
  const server = issueCertificate(otherCa, { commonName: 'localhost', kind: 'server', notBefore: new Date(now.getTime() - 30 * DAY_MS), notAfter: new Date(now.getTime() - DAY_MS) })
  t.same(defects(server.cert), ['expired', 'untrusted', 'no_client_auth'])
  t.throws(() => checkClientCertificate(client.key, [ca.cert], now), /no PEM certificate/)
})
