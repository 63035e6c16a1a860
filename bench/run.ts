import { Agent, request } from 'node:https'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { issueCertificate } from '../src/pki/index.js'
import { loadCodeLists } from '../src/forms/code-lists-file.js'
import { createValidator } from '../src/validation/validator.js'
import { localDate } from '../src/lib/dates.js'
import { ehrsBin, run, startServerProcess } from '../test/helpers/processes.js'
import { syntheticM1, syntheticMvp, syntheticRlfoBatch } from './documents.js'

/**
 * `npm run bench` (SPEC.md §9): one JSON line per scenario. The gateway runs as its own process, as in
 * production, on the embedded database unless DATABASE_URL is set; BENCH_SECONDS shortens m1-small.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 20)
const connections = 64

function line(result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(result) + '\n')
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100
}

function peakRssMB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
    return Math.round(kb / 1024)
  } catch {
    return 0
  }
}

/** A gateway process of its own with a test client registered the way an operator does it. */
async function benchGateway(taxNumber: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), 'ehrs-bench-'))
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: join(home, 'data'), LOG_LEVEL: 'warn', ...extraEnv }
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof", profiles the gateway under load.
  const server = await startServerProcess(home, { ...env, LOG_LEVEL: 'info' }, process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean))
  const ca = { cert: readFileSync(join(home, 'certs-dev', 'ca.pem'), 'utf8'), key: readFileSync(join(home, 'certs-dev', 'ca-key.pem'), 'utf8') }
  const client = issueCertificate(ca, { commonName: 'bench payroll program', kind: 'client' })
  writeFileSync(join(home, 'bench.pem'), client.cert)
  const added = await run(ehrsBin, ['clients', 'add', '--name', 'Bench', '--tax-number', taxNumber, '--env', 'test', '--cert', join(home, 'bench.pem')], { cwd: home, env })
  if (added.code !== 0) throw new Error(`clients add failed: ${added.stderr}`)
  const agent = new Agent({ keepAlive: true, maxSockets: connections, ca: ca.cert, cert: client.cert, key: client.key })
  const call = (method: string, path: string, body?: Buffer): Promise<{ status: number; json: any }> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, agent,
      headers: body ? { 'content-type': 'application/xml', 'content-length': body.byteLength } : {} }, res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        let json: unknown
        try { json = JSON.parse(text) } catch { json = undefined }
        resolve({ status: res.statusCode ?? 0, json })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
  return {
    server, agent, call,
    async stop() {
      agent.destroy()
      await server.stop()
      rmSync(home, { recursive: true, force: true })
    },
  }
}

/**
 * One MVP with 20,000 rows (about 14 MiB) for an employer whose 20,000 employees are registered: how long the
 * submission takes (parse, XSD, rules, storage), how long until its register check has decided, and the
 * gateway's peak memory.
 */
async function mvpLarge(): Promise<void> {
  const rows = 20_000
  const gw = await benchGateway('2021234501', { TEST_FORWARD_DELAY: '0s' })
  try {
    for (let first = 0; first < rows; first += 300) {
      const res = await gw.call('POST', '/api/v1/documents', syntheticRlfoBatch(first, Math.min(300, rows - first), '2025-01-01'))
      if (res.status !== 201) throw new Error(`registration list answered ${res.status}: ${JSON.stringify(res.json).slice(0, 500)}`)
    }
    const pending = async (): Promise<number> => {
      const unprocessed = await gw.call('GET', '/api/v1/documents?type=RLFO&processing=unprocessed&limit=1')
      const forwarded = await gw.call('GET', '/api/v1/documents?type=RLFO&processing=forwarded&limit=1')
      return unprocessed.json.items.length + forwarded.json.items.length
    }
    while (await pending() > 0) await new Promise(resolve => setTimeout(resolve, 100))

    const body = syntheticMvp(rows, '2025-03')
    const started = performance.now()
    const res = await gw.call('POST', '/api/v1/documents', body)
    const submitMs = performance.now() - started
    if (res.status !== 201) throw new Error(`MVP answered ${res.status}: ${JSON.stringify(res.json).slice(0, 500)}`)
    let view = res.json
    while (['awaiting_first_register_check', 'register_check_running'].includes(view.status.acceptance)) {
      await new Promise(resolve => setTimeout(resolve, 50))
      view = (await gw.call('GET', `/api/v1/documents/${res.json.id}`)).json
    }
    const endToEndMs = performance.now() - started
    line({
      scenario: 'mvp-large', rows, bytes: body.byteLength, submitMs: Math.round(submitMs), registerCheckMs: Math.round(endToEndMs - submitMs),
      endToEndMs: Math.round(endToEndMs), acceptance: view.status.acceptance, errors: view.findings.filter((f: any) => f.severity === 'error').length,
      rssMB: peakRssMB(gw.server.child.pid!), database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    })
  } finally {
    await gw.stop()
  }
}

async function m1Small(): Promise<void> {
  // One client on 64 connections measures throughput, not the per-client limits that would otherwise answer 429.
  const gw = await benchGateway('45678138', { RATE_LIMIT: '100000/s', MAX_INFLIGHT_PER_CLIENT: String(connections) })
  const { server, agent } = gw
  try {
    const post = (body: Buffer): Promise<number> => new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/v1/documents', method: 'POST', agent,
        headers: { 'content-type': 'application/xml', 'content-length': body.byteLength } }, res => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.end(body)
    })

    const filingDate = localDate(new Date())
    let next = 0
    let errors = 0
    const latencies: number[] = []
    const started = performance.now()
    const deadline = started + seconds * 1000
    await Promise.all(Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const body = syntheticM1(next++, filingDate)
        const t0 = performance.now()
        const status = await post(body).catch(() => 0)
        latencies.push(performance.now() - t0)
        if (status !== 201) errors++
      }
    }))
    const elapsed = (performance.now() - started) / 1000
    const rssMB = peakRssMB(server.child.pid!)
    // The back office works through what the load left unprocessed: how long until the last one is processed.
    const unprocessed = (): Promise<number> => new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/api/v1/documents?processing=unprocessed&limit=1', agent }, res => {
        let text = ''
        res.on('data', c => { text += c })
        res.on('end', () => resolve((JSON.parse(text) as { items: unknown[] }).items.length))
      }).on('error', reject).end()
    })
    const loadEnded = performance.now()
    while (await unprocessed() > 0) await new Promise(resolve => setTimeout(resolve, 100))
    const backlogSeconds = Math.round((performance.now() - loadEnded) / 100) / 10
    latencies.sort((a, b) => a - b)
    line({
      scenario: 'm1-small', docs: latencies.length, seconds: Math.round(elapsed * 10) / 10,
      docsPerSec: Math.round(latencies.length / elapsed), p50ms: percentile(latencies, 50), p99ms: percentile(latencies, 99),
      errors, rssMB, database: process.env.DATABASE_URL ? 'postgres' : 'pglite', connections, backlogSeconds,
    })
  } finally {
    await gw.stop()
  }
}

async function validateOnly(): Promise<void> {
  const validator = createValidator(loadCodeLists())
  const filingDate = localDate(new Date())
  const docs = Array.from({ length: 20_000 }, (_, i) => syntheticM1(i, filingDate))
  // Warm-up: compile the module in every worker.
  await Promise.all(docs.slice(0, 64).map(bytes => validator.validate(validator.identify(bytes), { filingDate })))
  let errors = 0
  let index = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: 512 }, async () => {
    while (index < docs.length) {
      const bytes = docs[index++]!
      const findings = await validator.validate(validator.identify(bytes), { filingDate })
      if (findings.some(f => f.severity === 'error')) errors++
    }
  }))
  const elapsed = (performance.now() - started) / 1000
  line({
    scenario: 'validate-only', docs: docs.length, seconds: Math.round(elapsed * 100) / 100,
    docsPerSec: Math.round(docs.length / elapsed), errors,
    rssMB: Math.round(process.memoryUsage().rss / 1024 / 1024),
  })
  await validator.close()
}

const scenarios: Record<string, () => Promise<void>> = {
  'validate-only': validateOnly,
  'm1-small': m1Small,
  'mvp-large': mvpLarge,
}

const only = process.argv.slice(2)
for (const [name, scenario] of Object.entries(scenarios)) {
  if (only.length === 0 || only.includes(name)) await scenario()
}
