import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request as httpsRequest } from 'node:https'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { loadConfig } from '../../src/config.js'
import tap from 'tap'
import { createServices, createWorkers, type Services, type Workers } from '../../src/services.js'
import { buildServer } from '../../src/transport/index.js'
import { databaseLogging, lifecycleLogging, loggerOptions, webhookLogging } from '../../src/logger.js'
import { systemClock, type Clock } from '../../src/lib/index.js'
import { addClient, type NewClient } from '../../src/operator/index.js'
import { loadTrust, type Pem } from '../../src/pki/index.js'
import type { DbHandle } from '../../src/db/index.js'
import { testDb } from './db.js'
import { testPki } from './pki.js'

export interface TestGateway {
  readonly services: Services
  readonly url: string
  /** Everything the gateway logged, as text. */
  logs(): string
  /** Registers a client with a certificate; its tax number is the employer it may file for itself. */
  register(cert: Pem, client?: Partial<Omit<NewClient, 'certPem'>>): Promise<string>
  call(options: CallOptions): Promise<CallResult>
  /** Stops the gateway as SIGTERM would: no new requests, timers stopped; the database stays. */
  stop(): Promise<void>
}

export interface CallOptions {
  readonly method?: string
  readonly path: string
  /** Client certificate and key; none means no certificate is presented. */
  readonly as?: Pem
  readonly body?: Uint8Array | string
  readonly headers?: Record<string, string>
}

export interface CallResult {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly text: string
  readonly bytes: Buffer
  // Parsed JSON body, loosely typed for assertions.
  readonly json: any
}

interface Teardown { teardown(fn: () => unknown): void }

let sharedWorkers: Workers | undefined

/**
 * One document thread for every gateway of this test process: starting threads took about a quarter of a second of
 * CPU per gateway. They hold no state of a gateway's; they end with the process's last test.
 */
export function testWorkers(): Workers {
  if (!sharedWorkers) {
    sharedWorkers = createWorkers({ validatorWorkers: 1 })
    const workers = sharedWorkers
    tap.teardown(() => workers.close())
  }
  return sharedWorkers
}

/**
 * A real gateway on 127.0.0.1, random port, real TLS with the test PKI, a fresh database. `ownWorkers` gives it
 * threads of its own, for a test that stops them.
 */
export async function startGateway(
  t: Teardown, options: { env?: Record<string, string>; clock?: Clock; trustOutsideCa?: boolean; db?: DbHandle; ownWorkers?: boolean } = {},
): Promise<TestGateway> {
  const pki = testPki()
  const handle = options.db ?? await testDb(t)
  // CRLs from a folder of the test's own, never from a data/crl that happens to be in the working directory.
  const config = loadConfig({ LOG_LEVEL: 'info', CRL_DIR: mkdtempSync(join(tmpdir(), 'ehrs-crl-')), ...options.env })
  const clock = options.clock ?? systemClock
  let logText = ''
  const sink = new Writable({ write(chunk, _enc, done) { logText += chunk.toString(); done() } })
  const logger = pino(loggerOptions(config.LOG_LEVEL), sink)
  const trust = loadTrust(options.trustOutsideCa === false ? [pki.ca.cert] : [pki.ca.cert, pki.outsideCa.cert], config.TRUSTED_LIST, config.TRUSTED_LIST_SIGNER)
  const services = createServices(config, handle, clock, {
    ...(options.ownWorkers ? { validatorWorkers: 1 } : { workers: testWorkers() }),
    signing: { certPem: pki.signing.cert, keyPem: pki.signing.key }, ...lifecycleLogging(logger), ...webhookLogging(logger),
    onMessageLogError: error => logger.error({ err: error }, 'message log write failed'),
    ...databaseLogging(logger),
    trust,
    onCrlRefused: (file, reason) => logger.error({ file, reason }, 'CRL file refused'),
    onCrlStale: crl => logger.warn({ file: crl.file, issuer: crl.issuer }, 'CRL past its nextUpdate'),
  })
  const app = await buildServer(services, { cert: pki.server.cert, key: pki.server.key, ca: trust.anchors }, logger)
  await app.listen({ host: '127.0.0.1', port: 0 })
  services.lifecycle.timers.start()
  services.webhooks.start()
  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> => (stopped ??= (async () => {
    await app.close()
    await services.close()
  })())
  t.teardown(stop)
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const url = `https://127.0.0.1:${port}`
  let taxCounter = 0
  return {
    services, url,
    logs: () => logText,
    async register(cert, client = {}) {
      const { id } = await addClient(handle.db, {
        name: client.name ?? 'Test client', taxNumber: client.taxNumber ?? `9${String(++taxCounter).padStart(7, '0')}`,
        environment: client.environment ?? 'test', certPem: cert.cert, ...(client.software ? { software: client.software } : {}), ...(client.role ? { role: client.role } : {}),
      }, clock.now())
      return id
    },
    call: options => call(url, pki.ca.cert, options),
    stop,
  }
}

export function call(url: string, caCert: string, options: CallOptions): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body
    const req = httpsRequest(`${url}${options.path}`, {
      method: options.method ?? (body ? 'POST' : 'GET'),
      ca: caCert,
      ...(options.as ? { cert: options.as.cert, key: options.as.key } : {}),
      headers: { ...(body ? { 'content-length': String(body.byteLength) } : {}), ...options.headers },
      agent: false,
    }, res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        const bytes = Buffer.concat(chunks)
        const text = bytes.toString('utf8')
        let json: unknown
        try { json = JSON.parse(text) } catch { json = undefined }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, json })
      })
    })
    req.on('error', reject)
    if (body) req.write(body)
    req.end()
  })
}

export const xmlHeaders = { 'content-type': 'application/xml' }
