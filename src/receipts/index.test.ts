import t from 'tap'
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto'
import { join } from 'node:path'
import forge from 'node-forge'
import { type Pem } from '../pki/index.js'
import { createCa, issueCertificate } from '../../test/helpers/pki.js'
import { stateLabel, type DocumentState } from '../documents/index.js'
import type { DocumentView } from '../documents/index.js'
import { createSchemaChecker } from '../xml/index.js'
import { xmlsec1For } from '../../test/helpers/xmlsec1.js'
import { projectRoot } from '../lib/index.js'
import { createReceiptSigner, renderReceipt, verifyReceipt } from './index.js'

const ca = createCa('ehrs receipts test CA')
const signing = issueCertificate(ca, { commonName: 'ehrs-gateway receipt signing', kind: 'signing', organization: 'Test d.o.o.' })
const otherCa = createCa('Other CA')
const otherSigning = issueCertificate(otherCa, { commonName: 'someone else signing', kind: 'signing' })
const signer = createReceiptSigner({ certPem: signing.cert, keyPem: signing.key })

const issuedAt = new Date('2025-04-03T08:01:02.345Z')

function view(type: string, state: DocumentState, extra: Partial<DocumentView>): DocumentView {
  return {
    id: '0195f3a2-7d41-7c9e-9a0b-3f2e1d4c5b6a',
    number: 'V250400000017',
    type,
    employer: '12345678',
    format: 'ehrs',
    receivedAt: '2025-04-03T08:00:00.123Z',
    sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    size: 2187,
    status: { ...state, label: stateLabel(['M1', 'M2', 'M3', 'M12'].includes(type) ? 'SI' : 'SK', state) },
    findings: [],
    history: [{ at: '2025-04-03T08:00:00.123Z', ...state, reason: 'received' }],
    ...extra,
  }
}

const siView = view('M1', { acceptance: 'accepted', processing: 'processed' }, {
  receiptNumber: 'V250400000017',
  externalId: 'PLAČE-2025/04 & <popravek> "1"',
  history: [
    { at: '2025-04-03T08:00:00.123Z', acceptance: 'accepted', processing: 'unprocessed', reason: 'received' },
    { at: '2025-04-04T10:15:00.000Z', acceptance: 'accepted', processing: 'processed', reason: 'back office' },
  ],
})

const skView = view('MVP', { acceptance: 'awaiting_first_register_check', processing: 'unprocessed' }, {
  id: '0195f3a2-7d41-7c9e-9a0b-3f2e1d4c5b6b',
  number: 'R250400000003',
  employer: 'Kováč & syn <s.r.o.> "Žilina"',
  period: '2025-03',
  kind: 'riadny',
  findings: [{ code: 'SK-MVP-012', severity: 'warning', field: 'Rodné číslo', path: '/MVP/Priloha/Riadok[3]/RodneCislo', message: { en: 'x', sk: 'y' } }],
})

const signedSi = signer.sign(renderReceipt(siView, issuedAt))
const signedSk = signer.sign(renderReceipt(skView, issuedAt))

/** Changes exactly one character inside the Sha256 element. */
function changeShaDigit(xml: string): string {
  return xml.replace(/<Sha256>(.)/, (_, first: string) => `<Sha256>${first === '0' ? '1' : '0'}`)
}

function changeStatus(xml: string): string {
  return xml.replace('acceptance="accepted"', 'acceptance="cancelled"')
}

t.test('renders the elements in schema order, escaping text and attributes', async t => {
  t.equal(renderReceipt(siView, issuedAt), `<?xml version="1.0" encoding="UTF-8"?>
<Receipt xmlns="urn:ehrs:receipt:1" version="1">
  <Title lang="sl">Potrdilo o prejemu dokumenta</Title>
  <DocumentId>0195f3a2-7d41-7c9e-9a0b-3f2e1d4c5b6a</DocumentId>
  <Number>V250400000017</Number>
  <ReceiptNumber>V250400000017</ReceiptNumber>
  <Type>M1</Type>
  <Employer>12345678</Employer>
  <ExternalId>PLAČE-2025/04 &amp; &lt;popravek&gt; "1"</ExternalId>
  <ReceivedAt>2025-04-03T08:00:00.123Z</ReceivedAt>
  <Sha256>9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</Sha256>
  <Status acceptance="accepted" processing="processed" since="2025-04-04T10:15:00.000Z">
    <Label lang="en">accepted / processed</Label>
    <Label lang="sl">sprejet / potrjen</Label>
  </Status>
  <IssuedAt>2025-04-03T08:01:02.345Z</IssuedAt>
</Receipt>
`)
  const sk = renderReceipt(skView, issuedAt)
  t.match(sk, '<Title lang="sk">Potvrdenie o prijatí dokumentu</Title>')
  t.match(sk, '<Employer>Kováč &amp; syn &lt;s.r.o.&gt; "Žilina"</Employer>')
  t.match(sk, '<Period>2025-03</Period>\n  <Kind>riadny</Kind>\n  <ReceivedAt>')
  t.match(sk, '<Label lang="sk">prijatý – čaká prvú kontrolu na register / nespracovaný</Label>')
  t.match(sk, '<Finding code="SK-MVP-012" severity="warning" field="Rodné číslo" path="/MVP/Priloha/Riadok[3]/RodneCislo"/>')
  t.notMatch(sk, 'ReceiptNumber')
  t.notMatch(sk, /message|"x"|"y"/, 'no finding texts')
})

t.test('escapes quotes and line breaks in attributes, and refuses characters XML cannot carry', async t => {
  const finding = { code: 'SI-M1-001', severity: 'error' as const, field: 'a"b<c&d\te\nf', path: '/M1', message: { en: '' } }
  t.match(renderReceipt({ ...siView, findings: [finding] }, issuedAt), 'field="a&quot;b&lt;c&amp;d&#x9;e&#xA;f"')
  t.throws(() => renderReceipt({ ...siView, externalId: 'a\u0001b' }, issuedAt), /character XML 1\.0 does not allow/)
})

t.test('a signed receipt verifies in process, with the signing certificate in KeyInfo', async t => {
  t.ok(verifyReceipt(signedSi, ca.cert), 'SI')
  t.ok(verifyReceipt(signedSk, ca.cert), 'SK')
  t.match(signedSi, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Receipt /)
  t.match(signedSi, /<\/IssuedAt>\n<ds:Signature xmlns:ds="http:\/\/www.w3.org\/2000\/09\/xmldsig#">[^]*<\/ds:Signature><\/Receipt>$/, 'last child of the root')
  const der = new X509Certificate(signing.cert).raw.toString('base64')
  t.match(signedSi, `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`)
  t.match(signedSi, '<ds:Reference URI="">')
})

t.test('in-process verification rejects a changed receipt and a foreign or expired signer', async t => {
  t.notOk(verifyReceipt(changeShaDigit(signedSi), ca.cert), 'one digit of Sha256')
  t.notOk(verifyReceipt(changeStatus(signedSi), ca.cert), 'status code')
  t.notOk(verifyReceipt(signedSk.replace('Kováč', 'Kovač'), ca.cert), 'one letter of the employer')
  t.notOk(verifyReceipt(signedSi.replace('</IssuedAt>', '</IssuedAt><IssuedAt>2030-01-01T00:00:00.000Z</IssuedAt>'), ca.cert), 'added element')
  t.notOk(verifyReceipt(signedSi.replace('<Receipt ', '<!DOCTYPE Receipt>\n<Receipt '), ca.cert), 'DOCTYPE')
  t.notOk(verifyReceipt(signedSi, otherCa.cert), 'another trusted CA')
  const foreign = createReceiptSigner({ certPem: otherSigning.cert, keyPem: otherSigning.key }).sign(renderReceipt(siView, issuedAt))
  t.ok(verifyReceipt(foreign, otherCa.cert), 'valid for its own CA')
  t.notOk(verifyReceipt(foreign, ca.cert), 'signed under another CA')
  t.notOk(verifyReceipt(signedSi, ca.cert, new Date(Date.now() + 3 * 365 * 86_400_000)), 'after the certificate expired')
  t.throws(() => verifyReceipt(signedSi, 'not a pem'), /trusted CA file holds no PEM certificate/)
  t.throws(() => verifyReceipt(signedSi, signing.cert), /trusted CA file holds no CA certificate/)
})

t.test('a signature moved away from the end of the receipt does not verify', async t => {
  const signature = /<ds:Signature[^]*<\/ds:Signature>/.exec(signedSi)![0]
  const moved = signedSi.replace(signature, '').replace('<Title ', `${signature}<Title `)
  t.ok(verifyReceipt(signedSi, ca.cert))
  t.notOk(verifyReceipt(moved, ca.cert), 'signature as the first child')
})

t.test('the signer refuses key and certificate problems, naming the variable', async t => {
  t.throws(() => createReceiptSigner({ certPem: signing.cert, keyPem: otherSigning.key }), /SIGNING_KEY does not belong to the signing certificate in SIGNING_CERT/)
  t.throws(() => createReceiptSigner({ certPem: signing.cert, keyPem: 'garbage' }), /SIGNING_KEY is not a readable/)
  t.throws(() => createReceiptSigner({ certPem: 'garbage', keyPem: signing.key }), /SIGNING_CERT holds no PEM certificate/)
  const brokenPem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
  t.throws(() => createReceiptSigner({ certPem: brokenPem, keyPem: signing.key }), /SIGNING_CERT: certificate 1 does not parse/)
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
  t.throws(() => createReceiptSigner({ certPem: signing.cert, keyPem: ec.privateKey }), /SIGNING_KEY must be an RSA key/)
  const day = 86_400_000
  const expired = issueCertificate(ca, { commonName: 'expired signing', kind: 'signing', notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) })
  t.throws(() => createReceiptSigner({ certPem: expired.cert, keyPem: expired.key }), /SIGNING_CERT is not valid at/)
  t.throws(() => createReceiptSigner({ certPem: signing.cert + otherCa.cert, keyPem: signing.key }), /SIGNING_CERT: certificate 2 did not issue certificate 1/)
})

t.test('the signed receipt satisfies xsd/receipt.xsd, which requires the signature', async t => {
  const xsd = await createSchemaChecker({ schemaDir: join(projectRoot, 'xsd') })
  const bytes = (xml: string) => new TextEncoder().encode(xml)
  t.same(xsd.check('receipt.xsd', bytes(signedSi)), [], 'SI')
  t.same(xsd.check('receipt.xsd', bytes(signedSk)), [], 'SK')
  t.match(xsd.check('receipt.xsd', bytes(renderReceipt(siView, issuedAt))), [{ message: /Missing child element/ }], 'unsigned')
  t.match(xsd.check('receipt.xsd', bytes(signedSi.replace('processing="processed"', 'processing="done"'))), [{ message: /processing/ }], 'unknown status code')
})

/** An intermediate CA under `root`; pki/ makes only roots and leaves, and receipts must work below an intermediate. */
function createIntermediateCa(root: Pem, commonName: string): Pem {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
  const rootCert = forge.pki.certificateFromPem(root.cert)
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey)
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`
  cert.validity.notBefore = new Date(Date.now() - 3_600_000)
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 86_400_000)
  cert.setSubject([{ shortName: 'CN', value: commonName }])
  cert.setIssuer(rootCert.subject.attributes)
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  cert.sign(forge.pki.privateKeyFromPem(root.key), forge.md.sha256.create())
  return { cert: forge.pki.certificateToPem(cert), key: keys.privateKey }
}

const intermediate = createIntermediateCa(ca, 'ehrs receipts intermediate CA')
const belowIntermediate = issueCertificate(intermediate, { commonName: 'signing below an intermediate', kind: 'signing' })
const signedBelowIntermediate = createReceiptSigner({ certPem: belowIntermediate.cert + intermediate.cert, keyPem: belowIntermediate.key })
  .sign(renderReceipt(skView, issuedAt))

t.test('intermediates in SIGNING_CERT travel in KeyInfo, so the chain reaches the root', async t => {
  t.ok(verifyReceipt(signedBelowIntermediate, ca.cert))
  t.equal(signedBelowIntermediate.match(/<ds:X509Certificate>/g)?.length, 2)
  const leafOnly = createReceiptSigner({ certPem: belowIntermediate.cert, keyPem: belowIntermediate.key }).sign(renderReceipt(skView, issuedAt))
  t.notOk(verifyReceipt(leafOnly, ca.cert), 'without the intermediate the chain is broken')
  t.ok(verifyReceipt(leafOnly, intermediate.cert), 'unless the intermediate itself is trusted')
})

t.test('xmlsec1 accepts the signed receipts with the signing CA', async t => {
  const xmlsec1 = xmlsec1For(t)
  if (!xmlsec1) return
  for (const [name, xml] of [['SI', signedSi], ['SK', signedSk], ['below an intermediate', signedBelowIntermediate]] as const) {
    const r = xmlsec1(xml, ca.cert)
    t.equal(r.code, 0, `${name}: ${r.output}`)
    t.match(r.output, /(^|\s)OK$/m, 'xmlsec1 1.3 prefixes the OK line, 1.2 does not')
  }
})

t.test('xmlsec1 rejects a receipt with a changed byte of signed content', async t => {
  const xmlsec1 = xmlsec1For(t)
  if (!xmlsec1) return
  for (const [name, xml] of [['Sha256 digit', changeShaDigit(signedSi)], ['status code', changeStatus(signedSi)]] as const) {
    t.not(xml, signedSi)
    const r = xmlsec1(xml, ca.cert)
    t.not(r.code, 0, `${name}: ${r.output}`)
    t.notOk(verifyReceipt(xml, ca.cert), `${name}: verifyReceipt agrees`)
  }
})

t.test('xmlsec1 rejects a receipt signed under another CA', async t => {
  const xmlsec1 = xmlsec1For(t)
  if (!xmlsec1) return
  const foreign = createReceiptSigner({ certPem: otherSigning.cert, keyPem: otherSigning.key }).sign(renderReceipt(siView, issuedAt))
  t.equal(xmlsec1(foreign, otherCa.cert).code, 0, 'its own CA accepts it')
  const r = xmlsec1(foreign, ca.cert)
  t.not(r.code, 0, r.output)
})
