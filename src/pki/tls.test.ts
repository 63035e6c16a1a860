import { readFileSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import t from 'tap'
import { ensureDevPki, fingerprint, fingerprintOfDer, type Pem } from './index.js'
import { createCa, issueCertificate } from '../../test/helpers/pki.js'

interface Seen {
  authorized: boolean
  authorizationError: string | null
  fingerprint: string | null
}

const dir = t.testdir()
const pki = ensureDevPki(dir)
const read = (file: string): string => readFileSync(file, 'utf8')
const caCert = read(pki.caCert)
const devCa: Pem = { cert: caCert, key: read(join(dir, 'ca-key.pem')) }

// The gateway's TLS settings: ask for a certificate but let the application judge it (SPEC §3).
const server = https.createServer(
  { cert: read(pki.serverCert), key: read(pki.serverKey), ca: [caCert], requestCert: true, rejectUnauthorized: false },
  (req, res) => {
    const socket = req.socket as TLSSocket
    const peer = socket.getPeerCertificate()
    const seen: Seen = {
      authorized: socket.authorized,
      authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
      fingerprint: peer.raw ? fingerprintOfDer(peer.raw) : null,
    }
    res.setHeader('content-type', 'application/json').end(JSON.stringify(seen))
  },
)
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
const { port } = server.address() as AddressInfo

function call(client?: Pem): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: '/', ca: [caCert], agent: false, ...(client ? { cert: client.cert, key: client.key } : {}) },
      res => {
        let body = ''
        res.setEncoding('utf8').on('data', chunk => (body += chunk)).on('end', () => resolve(JSON.parse(body) as Seen))
      },
    )
    req.on('error', reject).end()
  })
}

t.test('a client with the demo certificate is authorized and identified by its fingerprint', async t => {
  const client = { cert: read(pki.clientCert), key: read(pki.clientKey) }
  t.same(await call(client), { authorized: true, authorizationError: null, fingerprint: fingerprint(client.cert) })
})

t.test('an expired client certificate reaches the application as CERT_HAS_EXPIRED', async t => {
  const expired = issueCertificate(devCa, {
    commonName: 'expired client',
    kind: 'client',
    notBefore: new Date(Date.now() - 10 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  })
  t.same(await call(expired), { authorized: false, authorizationError: 'CERT_HAS_EXPIRED', fingerprint: fingerprint(expired.cert) })
})

t.test('a certificate from another CA and a missing certificate are not authorized', async t => {
  const stranger = issueCertificate(createCa('Other CA'), { commonName: 'stranger', kind: 'client' })
  t.match(await call(stranger), { authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
  t.match(await call(), { authorized: false, fingerprint: null })
})
