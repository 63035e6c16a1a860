import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type ConnectionOptions } from 'node:tls'
import t from 'tap'
import { startGateway } from '../helpers/gateway.js'
import { createCa, issueCertificate, testPki } from '../helpers/pki.js'
import { envelope, readAnswer, soapCall } from '../helpers/soap.js'
import { createCrl, qcComplianceStatement, signTrustedList, trustedListXml } from '../helpers/trust.js'
import { sql } from 'kysely'
import { testDb } from '../helpers/db.js'
import { addMandate } from '../../src/operator/index.js'
import { openDb } from '../../src/db/index.js'
import { certificateExpiringType, warnExpiringCertificates } from '../../src/events/index.js'
import { fingerprint } from '../../src/pki/index.js'

const DAY_MS = 86_400_000
const pki = testPki()
const client = (opts: { notAfter?: Date; qc?: boolean } = {}) => issueCertificate(pki.ca, {
  commonName: 'payroll program', kind: 'client', ...(opts.notAfter ? { notAfter: opts.notAfter } : {}), ...(opts.qc ? { extensions: [qcComplianceStatement] } : {}),
})

t.test('a certificate its CA lists in a CRL is CLIENT_CERT_REVOKED on REST and SOAP, from the next request on', async t => {
  const crlDir = t.testdir()
  const gw = await startGateway(t, { env: { CRL_DIR: crlDir } })
  const stolen = client()
  await gw.register(stolen)
  t.equal((await gw.call({ path: '/api/v1/events', as: stolen })).status, 200, 'no CRL yet')
  writeFileSync(join(crlDir, 'ca.crl'), await createCrl(pki.ca, [stolen.cert]))
  await gw.services.trust.crls.reload()
  const rest = await gw.call({ path: '/api/v1/events', as: stolen })
  t.equal(rest.status, 403)
  t.equal(rest.json.code, 'CLIENT_CERT_REVOKED')
  const soap = readAnswer((await soapCall(gw, stolen, envelope('GetEvents', ''))).text)
  t.equal(soap.fault?.problem.code, 'CLIENT_CERT_REVOKED')
})

t.test('CRL_REQUIRED=true refuses a certificate whose issuer has no current CRL (CLIENT_CERT_REVOCATION_UNKNOWN)', async t => {
  const crlDir = t.testdir()
  const gw = await startGateway(t, { env: { CRL_DIR: crlDir, CRL_REQUIRED: 'true' } })
  const cert = client()
  await gw.register(cert)
  const unknown = await gw.call({ path: '/api/v1/me', as: cert })
  t.equal(unknown.status, 403)
  t.equal(unknown.json.code, 'CLIENT_CERT_REVOCATION_UNKNOWN')
  const old = new Date(Date.now() - 3 * DAY_MS)
  writeFileSync(join(crlDir, 'ca.crl'), await createCrl(pki.ca, [], { thisUpdate: old, nextUpdate: new Date(old.getTime() + DAY_MS) }))
  await gw.services.trust.crls.reload()
  t.equal((await gw.call({ path: '/api/v1/me', as: cert })).json.code, 'CLIENT_CERT_REVOCATION_UNKNOWN', 'a stale CRL is not current')
  t.match(gw.logs(), /CRL past its nextUpdate/)
  t.match(await (await fetchMetrics(gw)), /^ehrs_crls_stale 1$/m)
  writeFileSync(join(crlDir, 'ca.crl'), await createCrl(pki.ca, []))
  await gw.services.trust.crls.reload()
  const me = await gw.call({ path: '/api/v1/me', as: cert })
  t.equal(me.status, 200)
  t.match(me.json.certificate.revocation, { status: 'good', crlIsStale: false })
})

t.test('GET /api/v1/me tells the client who the gateway takes it for', async t => {
  const gw = await startGateway(t)
  const cert = client({ qc: true })
  const id = await gw.register(cert, { name: 'Plače d.o.o.', taxNumber: '45678138', software: { vendor: 'Acme', product: 'Payroll', version: '4.2' } })
  await addMandate(gw.services.db, { employer: '2021234501', clientId: id, types: ['MVP'] }, new Date())
  const me = await gw.call({ path: '/api/v1/me', as: cert })
  t.equal(me.status, 200)
  t.match(me.json, {
    clientId: id, company: { name: 'Plače d.o.o.', taxNumber: '45678138' }, environment: 'test',
    software: { vendor: 'Acme', product: 'Payroll', version: '4.2', certified: false },
    certificate: { fingerprint: fingerprint(cert.cert), issuer: 'ehrs test CA', qualified: true, qualifiedBy: 'qc_statement', isExpiring: false, revocation: { status: 'unknown' } },
    mandates: [{ employer: '2021234501', types: ['MVP'] }],
  })
  t.equal(me.headers['client-cert-expires'], undefined, 'far from its end: no warning')
})

t.test('within CERT_EXPIRY_WARN every answer carries Client-Cert-Expires, and the feed one event a day', async t => {
  const gw = await startGateway(t, { env: { CERT_EXPIRY_WARN: '10d' } })
  const notAfter = new Date(Math.floor((Date.now() + 5 * DAY_MS) / 1000) * 1000)
  const cert = client({ notAfter })
  const id = await gw.register(cert)
  for (const path of ['/api/v1/me', '/api/v1/documents/00000000-0000-0000-0000-000000000000']) {
    t.equal((await gw.call({ path, as: cert })).headers['client-cert-expires'], notAfter.toISOString(), path)
  }
  const soap = await soapCall(gw, cert, envelope('GetEvents', ''))
  t.equal(soap.headers['client-cert-expires'], notAfter.toISOString(), 'SOAP too')
  t.equal(await gw.services.expiryWarnings.runDue(), 1)
  t.equal(await gw.services.expiryWarnings.runDue(), 0, 'once a day')
  const feed = await gw.call({ path: '/api/v1/events', as: cert })
  t.match(feed.json.items, [{ type: 'client.certificate_expiring', certificate: { fingerprint: fingerprint(cert.cert), notAfter: notAfter.toISOString() } }])
  t.ok(id)
})

t.test('two instances on one PostgreSQL database append exactly one client.certificate_expiring event per client and day', {
  skip: process.env.DATABASE_URL ? false : 'runs in the PostgreSQL pass',
}, async t => {
  const shared = await testDb(t)
  const second = await openDb({ databaseUrl: process.env.DATABASE_URL!, schema: shared.schema!, poolSize: 4 })
  t.teardown(() => second.close())
  const env = { CERT_EXPIRY_WARN: '10d' }
  const one = await startGateway(t, { db: shared, env })
  const two = await startGateway(t, { db: second, env })
  const expiring = Array.from({ length: 6 }, (_, i) => client({ notAfter: new Date(Date.now() + (i + 2) * DAY_MS) }))
  const ids: string[] = []
  for (const cert of expiring) ids.push(await (ids.length % 2 ? one : two).register(cert))
  await one.register(client())

  // Both instances' hourly checks, and more checks besides, at the same moment on their own connections.
  const now = new Date()
  const warnMs = 10 * DAY_MS
  const written = await Promise.all([
    one.services.expiryWarnings.runDue(), two.services.expiryWarnings.runDue(),
    ...[shared.db, second.db, shared.db, second.db].map(db => warnExpiringCertificates(db, now, warnMs)),
  ])
  t.equal(written.reduce((a, b) => a + b, 0), ids.length, 'one event per expiring client in all')
  const rows = await shared.db.selectFrom('events').select(['client_id', sql<string>`data ->> 'day'`.as('day')])
    .where('type', '=', certificateExpiringType).execute()
  t.same(rows.map(r => r.client_id).sort(), [...ids].sort(), 'each expiring client once, the client far from its end never')
  t.equal(new Set(rows.map(r => r.day)).size, 1, 'all on today')
  const again = await Promise.all([one.services.expiryWarnings.runDue(), two.services.expiryWarnings.runDue(), warnExpiringCertificates(second.db, now, warnMs)])
  t.same(again, [0, 0, 0], 'the same day again: nothing more')
  for (const [i, cert] of expiring.entries()) {
    const feed = await (i % 2 ? two : one).call({ path: '/api/v1/events', as: cert })
    t.same(feed.json.items.map((e: { type: string }) => e.type), [certificateExpiringType], 'the feed has the one event, seen from either instance')
  }
})

t.test('a client of a qualified CA that a verified trusted list names (an issuing CA, not a root) is let in', async t => {
  const dir = t.testdir()
  const root = createCa('National root')
  const issuing = intermediate(root)
  const signer = issueCertificate(createCa('Supervisory body'), { commonName: 'TL signer', kind: 'signing' })
  writeFileSync(join(dir, 'si.xml'), signTrustedList(trustedListXml('SI', [{ ca: issuing, name: 'Issuing CA' }]), signer))
  writeFileSync(join(dir, 'signer.pem'), signer.cert)
  const gw = await startGateway(t, { env: { TRUSTED_LIST: join(dir, 'si.xml'), TRUSTED_LIST_SIGNER: join(dir, 'signer.pem') } })
  const cert = issueCertificate(issuing, { commonName: 'qualified payroll', kind: 'client' })
  await gw.register(cert, { environment: 'production' })
  const me = await gw.call({ path: '/api/v1/me', as: cert })
  t.equal(me.status, 200)
  t.match(me.json.certificate, { qualified: true, qualifiedBy: 'trusted_list' })
  const stranger = issueCertificate(intermediate(root), { commonName: 'x', kind: 'client' })
  await gw.register(stranger)
  t.equal((await gw.call({ path: '/api/v1/me', as: stranger })).json.code, 'CLIENT_CERT_UNKNOWN', 'another issuing CA of the same root is not listed')
})

t.test('TLS profile: 1.3 and 1.2 ECDHE-AEAD handshake, static RSA, CBC and TLS 1.1 do not', async t => {
  const gw = await startGateway(t)
  const port = Number(new URL(gw.url).port)
  const handshake = (options: ConnectionOptions) => new Promise<string>(resolve => {
    const socket = connect({ host: '127.0.0.1', port, ca: pki.ca.cert, servername: 'localhost', ...options }, () => {
      resolve(`${socket.getProtocol()} ${socket.getCipher().standardName}`)
      socket.end()
    })
    socket.on('error', error => resolve(`refused: ${(error as NodeJS.ErrnoException).code ?? error.message}`))
  })
  t.match(await handshake({ minVersion: 'TLSv1.3' }), /^TLSv1\.3 TLS_/)
  t.equal(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }), 'TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256')
  t.equal(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' }), 'TLSv1.2 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256')
  for (const cipher of ['AES256-GCM-SHA384', 'AES128-SHA', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA', 'DHE-RSA-AES128-GCM-SHA256']) {
    t.match(await handshake({ maxVersion: 'TLSv1.2', ciphers: cipher }), /^refused/, cipher)
  }
  t.match(await handshake({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), /^refused/, 'TLS 1.1')
})

function intermediate(root: { cert: string; key: string }) {
  return issueCertificate(root, { commonName: 'Issuing CA', kind: 'ca' })
}

async function fetchMetrics(gw: Awaited<ReturnType<typeof startGateway>>): Promise<string> {
  return (await gw.call({ path: '/metrics' })).text
}
