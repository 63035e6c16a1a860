import t from 'tap'
import { qualification, QcStatementsError, type QualifiedCa } from './index.js'
import { createCa, issueCertificate } from '../../test/helpers/pki.js'
import { fingerprint } from './fingerprint.js'
import { qcComplianceStatement } from '../../test/helpers/trust.js'

const qualifiedCa = createCa('Qualified CA')
const ordinaryCa = createCa('Ordinary CA')
const listed: QualifiedCa[] = [{ pem: qualifiedCa.cert, fingerprint: fingerprint(qualifiedCa.cert), territory: 'SI', provider: 'P', service: 'S' }]
const client = (ca = ordinaryCa, extensions: { oid: string; der: Uint8Array }[] = []) =>
  issueCertificate(ca, { commonName: 'payroll', kind: 'client', extensions }).cert

t.test('a certificate of a qualified CA of a trusted list is qualified', async t => {
  t.match(qualification(client(qualifiedCa), listed), { qualified: true, by: 'trusted_list', ca: { territory: 'SI' } })
})

t.test('a certificate carrying the QcCompliance statement is qualified, whoever issued it', async t => {
  t.same(qualification(client(ordinaryCa, [qcComplianceStatement]), []), { qualified: true, by: 'qc_statement' })
})

t.test('any other certificate is not; a CA of the same name with another key is not the qualified one', async t => {
  t.same(qualification(client(), listed), { qualified: false })
  t.same(qualification(client(createCa('Qualified CA')), listed), { qualified: false })
  // qcStatements with another statement only (QcSSCD, 0.4.0.1862.1.4).
  const sscdOnly = { oid: qcComplianceStatement.oid, der: Buffer.from('300a3008060604008e460104', 'hex') }
  t.same(qualification(client(ordinaryCa, [sscdOnly]), []), { qualified: false })
})

t.test('a malformed qcStatements extension is an error, not a silent "not qualified"', async t => {
  for (const hex of ['300a3008060604008e4601', '3003020101', '300a3008060604008e46010100', '30133008060604008e4601013007060604008e460104', '04']) {
    const broken = client(ordinaryCa, [{ oid: qcComplianceStatement.oid, der: Buffer.from(hex, 'hex') }])
    t.throws(() => qualification(broken, []), QcStatementsError, hex)
  }
  t.throws(() => qualification('not a certificate', []), /no PEM certificate/)
})
