import t from 'tap'
import { startGateway, xmlHeaders } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'
import { addCertificate, addMandate, revokeCertificate, revokeMandate } from '../../src/operator/index.js'
import { fingerprint } from '../../src/pki/index.js'

const PRIMER = '45678138' // employer of valid-basic.xml
const NOVAK = '38172658' // employer of valid-sole-trader.xml
const pki = testPki()
const basic = fixture('si/m1/valid-basic.xml')
const soleTrader = fixture('si/m1/valid-sole-trader.xml')

t.test('every failure of SPEC §3 answers with its status and code', async t => {
  const gw = await startGateway(t)
  const now = new Date()
  const post = (as?: typeof pki.client) => gw.call({ path: '/api/v1/documents', ...(as ? { as } : {}), body: basic, headers: xmlHeaders })

  const none = await post()
  t.equal(none.status, 401)
  t.equal(none.json.code, 'CLIENT_CERT_REQUIRED')
  t.match(none.headers['content-type'], /application\/problem\+json/)

  const unknown = await post(pki.strangerClient)
  t.equal(unknown.status, 403)
  t.equal(unknown.json.code, 'CLIENT_CERT_UNKNOWN')

  await gw.register(pki.expiredClient, { taxNumber: PRIMER })
  const expired = await post(pki.expiredClient)
  t.equal(expired.status, 403)
  t.equal(expired.json.code, 'CLIENT_CERT_EXPIRED')

  await gw.register(pki.otherClient, { taxNumber: PRIMER })
  await revokeCertificate(gw.services.db, fingerprint(pki.otherClient.cert), now)
  const revoked = await post(pki.otherClient)
  t.equal(revoked.status, 403)
  t.equal(revoked.json.code, 'CLIENT_CERT_REVOKED')

  // Registered by mistake, but its CA is not in TRUST_CA: the chain is checked as well as the registration.
  await gw.register(pki.untrustedClient, { taxNumber: PRIMER })
  const untrusted = await post(pki.untrustedClient)
  t.equal(untrusted.status, 403)
  t.equal(untrusted.json.code, 'CLIENT_CERT_UNKNOWN')

  // Health endpoints need no certificate.
  t.equal((await gw.call({ path: '/healthz' })).status, 200)
})

t.test('a client of an outside CA files for itself, and for another employer only with a mandate', async t => {
  const gw = await startGateway(t)
  const clientId = await gw.register(pki.outsideClient, { taxNumber: PRIMER, name: 'Racunovodstvo d.o.o.' })
  const as = pki.outsideClient
  const own = await gw.call({ path: '/api/v1/documents', as, body: basic, headers: xmlHeaders })
  t.equal(own.status, 201, 'own tax number')

  const foreign = await gw.call({ path: '/api/v1/documents', as, body: soleTrader, headers: xmlHeaders })
  t.equal(foreign.status, 403)
  t.equal(foreign.json.code, 'NOT_AUTHORIZED_FOR_EMPLOYER')

  const db = gw.services.db
  const now = new Date()
  await addMandate(db, { employer: NOVAK, clientId, types: ['M2', 'M3'] }, now)
  t.equal((await gw.call({ path: '/api/v1/documents', as, body: soleTrader, headers: xmlHeaders })).json.code,
    'NOT_AUTHORIZED_FOR_EMPLOYER', 'a mandate for other document types does not cover M1')
  await addMandate(db, { employer: NOVAK, clientId, types: ['M1'], to: '2020-12-31' }, now)
  t.equal((await gw.call({ path: '/api/v1/documents', as, body: soleTrader, headers: xmlHeaders })).json.code,
    'NOT_AUTHORIZED_FOR_EMPLOYER', 'an expired mandate does not count')
  const { id: mandateId } = await addMandate(db, { employer: NOVAK, clientId, types: ['M1'], from: '2020-01-01' }, now)
  const mandated = await gw.call({ path: '/api/v1/documents', as, body: soleTrader, headers: xmlHeaders })
  t.equal(mandated.status, 201, 'filed under the mandate, without a restart')
  t.equal(mandated.json.employer, NOVAK)

  // The employer's own program files too: the mandated client sees that while its mandate lasts.
  await gw.register(pki.otherClient, { taxNumber: NOVAK })
  const byEmployer = await gw.call({ path: '/api/v1/documents', as: pki.otherClient, body: soleTrader.toString().replace('</M1>', '<!-- again --></M1>'), headers: xmlHeaders })
  t.equal(byEmployer.status, 201)
  t.equal((await gw.call({ path: `/api/v1/documents/${byEmployer.json.id}`, as })).status, 200, 'the employer\'s own filing, seen under the mandate')

  await revokeMandate(db, mandateId, now)
  const id = mandated.json.id
  t.equal((await gw.call({ path: `/api/v1/documents/${id}`, as })).status, 200, 'its own filing stays in sight after the mandate is revoked')
  t.equal((await gw.call({ path: `/api/v1/documents/${id}/content`, as })).status, 200, 'and its content')
  const receipt = await gw.call({ path: `/api/v1/documents/${id}/receipt`, as })
  t.equal(receipt.status, 200, 'and its receipt: the proof of filing')
  const listed = await gw.call({ path: `/api/v1/documents?employer=${NOVAK}`, as })
  t.same(listed.json.items.map((d: { id: string }) => d.id), [id], 'listed: its own filing, not the employer\'s')
  const hidden = await gw.call({ path: `/api/v1/documents/${byEmployer.json.id}`, as })
  t.same([hidden.status, hidden.json.code], [404, 'DOCUMENT_NOT_FOUND'], 'the employer\'s own filing is out of sight once the mandate is revoked')
  const storno = await gw.call({ method: 'POST', path: `/api/v1/documents/${id}/storno`, as })
  t.same([storno.status, storno.json.code], [403, 'NOT_AUTHORIZED_FOR_EMPLOYER'], 'seeing its filing does not let it act for the employer')
  t.equal((await gw.call({ path: `/api/v1/documents/${id}`, as: pki.otherClient })).status, 200, 'the employer sees the filing made for it')
})

t.test('clients see only what they may file, and 404 never reveals that an id exists', async t => {
  const gw = await startGateway(t)
  await gw.register(pki.client, { taxNumber: PRIMER })
  await gw.register(pki.otherClient, { taxNumber: NOVAK })
  const filed = await gw.call({ path: '/api/v1/documents', as: pki.client, body: basic, headers: xmlHeaders })
  t.equal(filed.status, 201)
  const other = await gw.call({ path: `/api/v1/documents/${filed.json.id}`, as: pki.otherClient })
  t.equal(other.status, 404)
  t.equal(other.json.code, 'DOCUMENT_NOT_FOUND')
  t.equal((await gw.call({ path: `/api/v1/documents/${filed.json.id}/content`, as: pki.otherClient })).status, 404)
  t.same((await gw.call({ path: '/api/v1/documents', as: pki.otherClient })).json.items, [])
  const missing = await gw.call({ path: '/api/v1/documents/01234567-89ab-7def-8123-456789abcdef', as: pki.client })
  t.same([missing.status, missing.json.code], [404, 'DOCUMENT_NOT_FOUND'])
})

t.test('test and production are kept apart; production needs certified software', async t => {
  const gw = await startGateway(t)
  const now = new Date()
  await gw.register(pki.client, { taxNumber: PRIMER, environment: 'test' })
  const prodId = await gw.register(pki.otherClient, { taxNumber: PRIMER, environment: 'production', software: { vendor: 'Acme', product: 'Payroll', version: '4.2' } })
  const refused = await gw.call({ path: '/api/v1/documents', as: pki.otherClient, body: basic, headers: xmlHeaders })
  t.equal(refused.status, 403)
  t.equal(refused.json.code, 'SOFTWARE_NOT_CERTIFIED')

  // As if a test client of that version had passed certification (test/e2e/certification.test.ts walks it whole).
  await gw.services.db.insertInto('software_certifications')
    .values({ vendor: 'Acme', product: 'Payroll', version: '4.2', certified_at: now, client_id: prodId, report: null }).execute()
  const filed = await gw.call({ path: '/api/v1/documents', as: pki.otherClient, body: basic, headers: xmlHeaders })
  t.equal(filed.status, 201)
  const fromTest = await gw.call({ path: `/api/v1/documents/${filed.json.id}`, as: pki.client })
  t.equal(fromTest.status, 404, 'a test client does not see production documents of the same employer')
})

t.test('certificate rotation: a new certificate works before the old one is revoked', async t => {
  const gw = await startGateway(t)
  const now = new Date()
  const id = await gw.register(pki.client, { taxNumber: PRIMER })
  await addCertificate(gw.services.db, id, pki.outsideClient.cert, now)
  t.equal((await gw.call({ path: '/api/v1/documents', as: pki.outsideClient })).status, 200)
  await revokeCertificate(gw.services.db, fingerprint(pki.client.cert), now)
  t.equal((await gw.call({ path: '/api/v1/documents', as: pki.client })).json.code, 'CLIENT_CERT_REVOKED')
  t.equal((await gw.call({ path: '/api/v1/documents', as: pki.outsideClient })).status, 200)
})
