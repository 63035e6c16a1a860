import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { resolve } from 'node:path'
import { loadConfig } from './config.js'

const TIMEOUT_MS = 5_000

/**
 * `bin/healthcheck.js`, the image's HEALTHCHECK: exit 0 when the gateway of this host answers GET /healthz
 * with 200 within 5 s, 1 otherwise. /healthz, not /readyz: a database outage is answered by the gateway
 * (503, Retry-After) and ends by itself; restarting the container would not help.
 */
async function main(): Promise<number> {
  const config = loadConfig()
  // The server's certificate names its public host, not the loopback address, and its CA need not be in the
  // container; the probe instead pins the certificate itself (TLS_CERT, or the development one).
  const expected = new X509Certificate(readFileSync(config.TLS_CERT ?? resolve('certs-dev', 'server.pem')))
  const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST === '::' ? '::1' : config.HOST
  return new Promise(done => {
    const req = request({ host, port: config.PORT, path: '/healthz', rejectUnauthorized: false, timeout: TIMEOUT_MS, agent: false }, res => {
      const peer = (res.socket as TLSSocket).getPeerCertificate()
      res.resume()
      if (!peer.raw?.equals(expected.raw)) {
        process.stderr.write(`healthcheck: the server on ${host}:${config.PORT} is not this gateway (another certificate)\n`)
        return done(1)
      }
      if (res.statusCode !== 200) process.stderr.write(`healthcheck: /healthz answered ${res.statusCode}\n`)
      done(res.statusCode === 200 ? 0 : 1)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)))
    req.on('error', error => {
      process.stderr.write(`healthcheck: ${error.message}\n`)
      done(1)
    })
    req.end()
  })
}

main().then(code => { process.exitCode = code }, error => {
  process.stderr.write(`healthcheck: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
