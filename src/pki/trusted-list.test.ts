import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { fingerprint, loadTrust, readTrustedList, TrustedListError } from './index.js'
import { createCa, issueCertificate } from '../../test/helpers/pki.js'
import { signTrustedList, TIMESTAMP_SERVICE, trustedListXml, WITHDRAWN_STATUS } from '../../test/helpers/trust.js'

const signerCa = createCa('Supervisory body root')
const signer = issueCertificate(signerCa, { commonName: 'Trusted list signer', kind: 'signing' })
const otherSigner = issueCertificate(signerCa, { commonName: 'Someone else', kind: 'signing' })
const granted = createCa('Qualified CA (granted)')
const withdrawn = createCa('Qualified CA (withdrawn)')
const timestamps = createCa('Time-stamping authority')
const services = [
  { ca: granted, name: 'Granted qualified CA' },
  { ca: withdrawn, name: 'Withdrawn qualified CA', status: WITHDRAWN_STATUS },
  { ca: timestamps, name: 'Qualified time-stamping', type: TIMESTAMP_SERVICE },
]
const signed = signTrustedList(trustedListXml('SI', services), signer)

t.test('a signed list gives its granted qualified CAs, not the withdrawn one nor other service types', async t => {
  const list = readTrustedList(signed, [otherSigner.cert, signer.cert], 'si.xml')
  t.equal(list.territory, 'SI')
  t.equal(list.sequenceNumber, '42')
  t.same(list.nextUpdate, new Date('2036-07-01T00:00:00Z'))
  t.same(list.qualifiedCas.map(ca => ca.fingerprint), [fingerprint(granted.cert)])
  t.match(list.qualifiedCas[0], { territory: 'SI', provider: 'Test trust service provider', service: 'Granted qualified CA' })
})

t.test('a list signed by a certificate that is not pinned is refused', async t => {
  t.throws(() => readTrustedList(signed, [otherSigner.cert], 'si.xml'), { name: 'TrustedListError', message: /trusted list si.xml: the signature does not verify with any TRUSTED_LIST_SIGNER/ })
  t.throws(() => readTrustedList(signTrustedList(trustedListXml('SI', services), otherSigner), [signer.cert], 'si.xml'), TrustedListError)
  t.throws(() => readTrustedList(signed, [], 'si.xml'), /no TRUSTED_LIST_SIGNER/)
})

t.test('a tampered list is refused: a changed service status, an added service', async t => {
  const promoted = signed.replace(WITHDRAWN_STATUS, 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted')
  t.throws(() => readTrustedList(promoted, [signer.cert], 'si.xml'), TrustedListError)
  const rogue = createCa('Rogue CA')
  const added = signed.replace('<tsl:TSPServices>', trustedListXml('SI', [{ ca: rogue, name: 'Rogue' }]).match(/<tsl:TSPServices>[\s\S]*?<\/tsl:TSPService>/)![0])
  t.throws(() => readTrustedList(added, [signer.cert], 'si.xml'), TrustedListError)
})

t.test('content outside the signed list counts for nothing (signature wrapping)', async t => {
  const rogue = createCa('Rogue CA')
  // A second, unsigned list wrapped around the signed one: the root is no longer what was signed.
  const wrapped = trustedListXml('SI', [{ ca: rogue, name: 'Rogue' }]).replace('</tsl:TrustServiceStatusList>',
    `<tsl:Extra>${signed.replace(/^<\?xml[^>]*>/, '')}</tsl:Extra></tsl:TrustServiceStatusList>`)
  t.throws(() => readTrustedList(wrapped, [signer.cert], 'si.xml'), TrustedListError)
})

t.test('unsigned, malformed and foreign documents are refused with the reason', async t => {
  t.throws(() => readTrustedList(trustedListXml('SI', services), [signer.cert], 'a.xml'), /trusted list a.xml: it is not signed/)
  t.throws(() => readTrustedList(signed.slice(0, 500), [signer.cert], 'b.xml'), /trusted list b.xml: not well-formed XML/)
  t.throws(() => readTrustedList('<!DOCTYPE x [<!ENTITY e "x">]><x/>', [signer.cert], 'c.xml'), /not well-formed XML/)
  t.throws(() => readTrustedList('<List xmlns="urn:other"/>', [signer.cert], 'd.xml'), /not an ETSI TS 119 612/)
})

t.test('loadTrust joins the qualified CAs to TRUST_CA, once each; a bad list stops it', async t => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'si.xml'), signed)
  writeFileSync(join(dir, 'sk.xml'), signTrustedList(trustedListXml('SK', [{ ca: granted, name: 'Again' }]), signer))
  writeFileSync(join(dir, 'tampered.xml'), signed.replace('42', '43'))
  writeFileSync(join(dir, 'signer.pem'), signer.cert)
  const trustCa = createCa('Own CA').cert
  const trust = loadTrust([trustCa], [join(dir, 'si.xml'), join(dir, 'sk.xml')], join(dir, 'signer.pem'))
  t.same(trust.anchors, [trustCa, granted.cert.replace(/\r\n/g, '\n')].map(p => p), 'TRUST_CA, then the granted CA once')
  t.equal(trust.qualifiedCas.length, 2)
  t.same(loadTrust([trustCa]), { anchors: [trustCa], qualifiedCas: [], lists: [] })
  t.throws(() => loadTrust([trustCa], [join(dir, 'tampered.xml')], join(dir, 'signer.pem')), /trusted list .*tampered.xml/)
  t.throws(() => loadTrust([trustCa], [join(dir, 'si.xml')]), /TRUSTED_LIST_SIGNER/)
  t.throws(() => loadTrust([trustCa], [join(dir, 'missing.xml')], join(dir, 'signer.pem')), /missing.xml: cannot read/)
})
