import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify from 'fastify'
import { tlsProfile } from '../src/pki/index.js'

/**
 * The `echo` scenario's server (SPEC.md §9): bare Fastify on the gateway's development PKI and TLS profile,
 * requiring a client certificate, that reads each body, hashes it and answers 201. What the gateway adds on top
 * of this (parsing, validation, storage) is what `m1-small` is read against. Run as its own process, as the
 * gateway is, so that the load's client and the server never share an event loop.
 *
 * Usage: node dist/bench/echo-server.js <certs-dev folder>; prints {"port":N} once it listens on 127.0.0.1.
 */
const dir = process.argv[2]
if (!dir) throw new Error('usage: echo-server <certs-dev folder>')
const pem = (file: string) => readFileSync(join(dir, file), 'utf8')

const app = Fastify({
  https: { cert: pem('server.pem'), key: pem('server-key.pem'), ca: pem('ca.pem'), requestCert: true, rejectUnauthorized: true, ...tlsProfile },
  bodyLimit: 16 * 1024 * 1024,
  keepAliveTimeout: 65_000,
})
app.addContentTypeParser('application/xml', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
app.post('/api/v1/documents', async (request, reply) => {
  const sha256 = createHash('sha256').update(request.body as Buffer).digest('hex')
  return reply.code(201).send({ sha256, size: (request.body as Buffer).byteLength })
})

await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }) + '\n')
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
