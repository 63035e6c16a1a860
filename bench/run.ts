import { Agent, request } from 'node:https'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureDevPki, issueCertificate } from '../src/pki/index.js'
import { loadCodeLists } from '../src/forms/index.js'
import { createValidator } from '../src/forms/index.js'
import { localDate, projectRoot } from '../src/lib/index.js'
import { ehrsBin, run, runProgram, startListeningProcess, startServerProcess } from '../test/helpers/processes.js'
import { storeDocuments } from './stored.js'
import { syntheticM1, syntheticMvp, syntheticOfficialMvp, syntheticRlfoBatch } from './documents.js'
import { hostileCorpus } from '../test/fixtures/hostile/generate.js'

/**
 * `npm run bench` (SPEC.md §9): one JSON line per scenario, the scenarios named (all by default) run in the
 * order of `scenarios` below. The gateway runs as its own process, as in production, on the embedded database
 * unless DATABASE_URL is set; BENCH_SECONDS shortens echo, m1-small and m1-small-1m, and BENCH_STORED sets how
 * many documents m1-small-1m's database holds.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 20)
const connections = 64

function line(result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(result) + '\n')
}

/** bench/echo-server.ts as compiled beside this file. */
const echoServerJs = fileURLToPath(new URL('echo-server.js', import.meta.url))

const databaseKind = (): 'postgres' | 'pglite' => (process.env.DATABASE_URL ? 'postgres' : 'pglite')

const max = (values: readonly number[]): number => values.reduce((a, b) => Math.max(a, b), 0)

/** a / b to two decimals. */
const ratio = (a: number, b: number): number => Math.round(a / b * 100) / 100

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100
}

/** A memory figure of /proc/<pid>/status (VmRSS now, VmHWM the peak), in MB; 0 where there is no /proc. */
function statusMB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
    return Math.round(kb / 1024)
  } catch {
    return 0
  }
}

const peakRssMB = (pid: number): number => statusMB(pid, 'VmHWM')

type Call = (method: string, path: string, body?: Buffer) => Promise<{ status: number; json: any; ms: number }>

/** Options of a bench gateway beyond its environment. */
interface GatewayOptions {
  /** Runs after the test client is registered and before the gateway starts: the database is the bench's alone. */
  readonly prepare?: (env: NodeJS.ProcessEnv) => Promise<void>
}

/**
 * A gateway process of its own with a test client registered the way an operator does it (before the gateway
 * starts, so that `prepare` can fill its database first); `client()` registers more.
 */
async function benchGateway(taxNumber: string, extraEnv: NodeJS.ProcessEnv = {}, options: GatewayOptions = {}) {
  const home = mkdtempSync(join(tmpdir(), 'ehrs-bench-'))
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: join(home, 'data'), LOG_LEVEL: 'warn', ...extraEnv }
  const { ca } = devCa(home)
  const agents: Agent[] = []
  let port = 0
  const client = async (tax: string): Promise<{ agent: Agent; call: Call }> => {
    const agent = await registerClient(home, env, ca, tax)
    agents.push(agent)
    const call: Call = (method, path, body) => callGateway(port, agent, method, path, body)
    return { agent, call }
  }
  const { agent, call } = await client(taxNumber)
  await options.prepare?.(env)
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof", profiles the gateway under load.
  const server = await startServerProcess(home, { ...env, LOG_LEVEL: 'info' }, process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean))
  port = server.port
  return {
    server, agent, call, client, ca,
    async stop() {
      for (const a of agents) a.destroy()
      await server.stop()
      rmSync(home, { recursive: true, force: true })
    },
  }
}

/** Issues a client certificate from the development CA and registers it with `ehrs clients add`; an agent that presents it. */
async function registerClient(home: string, env: NodeJS.ProcessEnv, ca: Ca, tax: string): Promise<Agent> {
  const { agent, cert } = clientAgent(ca, `bench payroll program ${tax}`)
  const pem = join(home, `bench-${tax}.pem`)
  writeFileSync(pem, cert)
  const added = await run(ehrsBin, ['clients', 'add', '--name', `Bench ${tax}`, '--tax-number', tax, '--env', 'test', '--cert', pem], { cwd: home, env })
  if (added.code !== 0) throw new Error(`clients add failed: ${added.stderr}`)
  return agent
}

type Ca = { cert: string; key: string }

/** The development PKI the gateway would create on its first start in `home`, and its CA. */
function devCa(home: string): { pki: ReturnType<typeof ensureDevPki>; ca: Ca } {
  const pki = ensureDevPki(join(home, 'certs-dev'))
  return { pki, ca: { cert: readFileSync(pki.caCert, 'utf8'), key: readFileSync(join(pki.dir, 'ca-key.pem'), 'utf8') } }
}

/** A new client certificate of `ca`, and a keep-alive agent for `connections` sockets that presents it. */
function clientAgent(ca: Ca, commonName: string): { agent: Agent; cert: string } {
  const issued = issueCertificate(ca, { commonName, kind: 'client' })
  return { agent: new Agent({ keepAlive: true, maxSockets: connections, ca: ca.cert, cert: issued.cert, key: issued.key }), cert: issued.cert }
}

function callGateway(port: number, agent: Agent, method: string, path: string, body?: Buffer): ReturnType<Call> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = request({ host: '127.0.0.1', port, path, method, agent,
      headers: body ? { 'content-type': 'application/xml', 'content-length': body.byteLength } : {} }, res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        let json: unknown
        try { json = JSON.parse(text) } catch { json = undefined }
        resolve({ status: res.statusCode ?? 0, json, ms: performance.now() - started })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Registers persons 0 … count − 1 with Vzor s.r.o. through RLFO batches, and waits until all are processed. */
async function registerPersons(call: Call, count: number): Promise<void> {
  for (let first = 0; first < count; first += 300) {
    const res = await call('POST', '/api/v1/documents', syntheticRlfoBatch(first, Math.min(300, count - first), '2025-01-01'))
    if (res.status !== 201) throw new Error(`registration list answered ${res.status}: ${JSON.stringify(res.json).slice(0, 500)}`)
  }
  const pending = async (): Promise<number> => {
    const unprocessed = await call('GET', '/api/v1/documents?type=RLFO&processing=unprocessed&limit=1')
    const forwarded = await call('GET', '/api/v1/documents?type=RLFO&processing=forwarded&limit=1')
    return unprocessed.json.items.length + forwarded.json.items.length
  }
  while (await pending() > 0) await new Promise(resolve => setTimeout(resolve, 100))
}

/** The end-to-end time of this run's `mvp-large`, which `mvp-large-sp` is read against. */
let mvpLargeEndToEndMs: number | undefined

/**
 * One 20,000-row MVP (about 14 MiB) for an employer whose 20,000 employees are registered: how long the
 * submission takes (parse, XSD, rules, storage), how long until its register check has decided, and the
 * gateway's peak memory.
 */
async function fileLargeReport(scenario: string, document: (rows: number, period: string) => Buffer, xsd: string): Promise<Record<string, unknown>> {
  const rows = 20_000
  const body = document(rows, '2025-03')
  const gw = await benchGateway('2021234501', { TEST_FORWARD_DELAY: '0s' })
  let result: Record<string, unknown>
  try {
    await registerPersons(gw.call, rows)

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
    result = {
      scenario, rows, bytes: body.byteLength, submitMs: Math.round(submitMs), registerCheckMs: Math.round(endToEndMs - submitMs),
      endToEndMs: Math.round(endToEndMs), acceptance: view.status.acceptance, errors: view.findings.filter((f: any) => f.severity === 'error').length,
      rssMB: peakRssMB(gw.server.child.pid!), database: databaseKind(),
    }
  } finally {
    await gw.stop()
  }
  // After the gateway has stopped, so that nothing else runs beside xmllint.
  const xmllintMs = await timeXmllint(body, join(projectRoot, 'xsd', xsd))
  return xmllintMs === undefined ? result : { ...result, xmllintMs, ratioToXmllint: ratio(result.endToEndMs as number, xmllintMs) }
}

/**
 * Native `xmllint --noout --schema` on the same document, the median of three runs in ms (the reference for
 * XSD validation alone); undefined when xmllint is not installed.
 */
async function timeXmllint(body: Buffer, xsd: string): Promise<number | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'ehrs-bench-xmllint-'))
  try {
    const file = join(dir, 'document.xml')
    writeFileSync(file, body)
    const times: number[] = []
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      let result
      try {
        result = await runProgram('xmllint', ['--noout', '--schema', xsd, file])
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
      times.push(performance.now() - started)
      if (result.code !== 0) throw new Error(`xmllint refused the document (exit ${result.code}): ${result.stderr.slice(0, 2000)}`)
    }
    return Math.round(times.sort((a, b) => a - b)[1]!)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function mvpLarge(): Promise<void> {
  const result = await fileLargeReport('mvp-large', syntheticMvp, 'mvp.xsd')
  mvpLargeEndToEndMs = result.endToEndMs as number
  line(result)
}

/** `mvp-large`'s report in Sociálna poisťovňa's own format (sk-official.md §3), on a gateway set up the same way. */
async function mvpLargeSp(): Promise<void> {
  const result = await fileLargeReport('mvp-large-sp', syntheticOfficialMvp, 'sp/mvpp2026.xsd')
  const ratio = mvpLargeEndToEndMs === undefined ? {} : { ratioToMvpLarge: Math.round((result.endToEndMs as number) / mvpLargeEndToEndMs * 100) / 100 }
  line({ ...result, ...ratio })
}

/** What `drive` measured: documents answered, seconds, latencies in ms (sorted), and answers other than 201. */
interface Load { docs: number; elapsed: number; latencies: number[]; errors: number }

/**
 * The load of `m1-small` and `echo`: 64 keep-alive connections, each posting one synthetic M1 after another for
 * `seconds`, to whatever listens on `port`.
 */
async function drive(port: number, agent: Agent, seconds: number): Promise<Load> {
  const post = (body: Buffer): Promise<number> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/documents', method: 'POST', agent,
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
  latencies.sort((a, b) => a - b)
  return { docs: latencies.length, elapsed, latencies, errors }
}

/** The common fields of a load's line. */
function loadFields(load: Load): Record<string, number> {
  return {
    docs: load.docs, seconds: Math.round(load.elapsed * 10) / 10, docsPerSec: Math.round(load.docs / load.elapsed),
    p50ms: percentile(load.latencies, 50), p99ms: percentile(load.latencies, 99), errors: load.errors,
  }
}

/** Throughputs of this run's `echo` and `m1-small`, which other lines are read against. */
const measured: { echo?: Record<string, unknown>; m1SmallDocsPerSec?: number } = {}

/**
 * The same client and documents against a bare Fastify mutual-TLS server in a process of its own
 * (bench/echo-server.ts), which only hashes each body and answers 201. When `m1-small` runs too, this line is
 * printed after it, with `m1Ratio`.
 */
async function echo(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'ehrs-bench-echo-'))
  const { pki, ca } = devCa(home)
  const { agent } = clientAgent(ca, 'bench payroll program')
  const server = await startListeningProcess([echoServerJs, pki.dir], { port: /\{"port":(\d+)\}/ })
  try {
    const load = await drive(server.port, agent, seconds)
    const result = { scenario: 'echo', ...loadFields(load), rssMB: peakRssMB(server.child.pid!) }
    if (selected.includes('m1-small')) measured.echo = result
    else line(result)
  } finally {
    agent.destroy()
    await server.stop()
    rmSync(home, { recursive: true, force: true })
  }
}


/** `drive` against a gateway whose test client files for its own employer; the line of `scenario`. */
async function gatewayLoad(scenario: string, options: GatewayOptions = {}): Promise<Record<string, unknown>> {
  // One client on 64 connections measures throughput, not the per-client limits that would otherwise answer 429.
  const gw = await benchGateway('45678138', { RATE_LIMIT: '100000/s', MAX_INFLIGHT_PER_CLIENT: String(connections) }, options)
  try {
    const load = await drive(gw.server.port, gw.agent, seconds)
    const rssMB = peakRssMB(gw.server.child.pid!)
    // The back office works through what the load left unprocessed: how long until the last one is processed.
    const loadEnded = performance.now()
    while ((await gw.call('GET', '/api/v1/documents?processing=unprocessed&limit=1')).json.items.length > 0) {
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    const backlogSeconds = Math.round((performance.now() - loadEnded) / 100) / 10
    return { scenario, ...loadFields(load), rssMB, database: databaseKind(), connections, backlogSeconds }
  } finally {
    await gw.stop()
  }
}

async function m1Small(): Promise<void> {
  const result = await gatewayLoad('m1-small')
  measured.m1SmallDocsPerSec = result.docsPerSec as number
  const echo = measured.echo
  if (!echo) return line(result)
  const m1Ratio = ratio(result.docsPerSec as number, echo.docsPerSec as number)
  line({ ...result, echoDocsPerSec: echo.docsPerSec, m1Ratio })
  line({ ...echo, m1Ratio })
  measured.echo = undefined
}

/**
 * `m1-small` on a gateway whose database already holds BENCH_STORED (1,000,000) processed documents of the same
 * client, loaded by the bench before the gateway starts: how throughput holds up as the tables grow.
 */
async function m1SmallStored(): Promise<void> {
  const stored = Number(process.env.BENCH_STORED ?? 1_000_000)
  if (!Number.isInteger(stored) || stored < 1) throw new Error(`BENCH_STORED must be a whole number of documents, not ${process.env.BENCH_STORED}`)
  let loadSeconds = 0
  const result = await gatewayLoad('m1-small-1m', {
    prepare: async env => { loadSeconds = await storeDocuments(env, 'Bench 45678138', stored) },
  })
  const m1Small = measured.m1SmallDocsPerSec
  line({ ...result, stored, loadSeconds, ...(m1Small === undefined ? {} : { ratioToM1Small: ratio(result.docsPerSec as number, m1Small) }) })
}

/** The gateway at rest: its memory 5 s after /readyz first answers 200, with no load. */
async function idle(): Promise<void> {
  const gw = await benchGateway('45678138')
  try {
    while ((await gw.call('GET', '/readyz').catch(() => ({ status: 0 }))).status !== 200) await new Promise(resolve => setTimeout(resolve, 100))
    await new Promise(resolve => setTimeout(resolve, 5000))
    const pid = gw.server.child.pid!
    line({ scenario: 'idle', rssMB: statusMB(pid, 'VmRSS'), peakRssMB: statusMB(pid, 'VmHWM'), database: databaseKind() })
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
}

/** GETs /healthz over its own connection every `everyMs` until stopped; the answers' times, in ms. */
function probeHealth(port: number, ca: string, everyMs = 10): { stop(): Promise<number[]> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca })
  const times: number[] = []
  let running = true
  const loop = (async () => {
    while (running) {
      const started = performance.now()
      await new Promise<void>(resolve => {
        request({ host: '127.0.0.1', port, path: '/healthz', agent }, res => { res.resume(); res.on('end', () => resolve()) })
          .on('error', () => resolve()).end()
      })
      times.push(performance.now() - started)
      await new Promise(resolve => setTimeout(resolve, everyMs))
    }
  })()
  return { async stop() { running = false; await loop; agent.destroy(); return times } }
}

/**
 * Eight 20,000-row MVPs (16 MiB each) from one client at once, while another client files one small M1 after
 * another: how long the M1s wait, while the MVPs are received and then while their register checks run.
 */
async function burst(gw: Awaited<ReturnType<typeof benchGateway>>, vzor: { call: Call }): Promise<Record<string, unknown>> {
  await registerPersons(vzor.call, 20_000)
  const filingDate = localDate(new Date())
  const mvps = Array.from({ length: 8 }, (_, i) => syntheticMvp(20_000, `2025-0${i + 1}`))
  const m1: number[] = []
  const afterReceipt: number[] = []
  let phase: number[] | undefined = m1
  const filer = (async () => {
    for (let n = 1_000_000; phase; n++) {
      const into = phase
      const res = await gw.call('POST', '/api/v1/documents', syntheticM1(n, filingDate))
      if (res.status !== 201) throw new Error(`M1 during the burst answered ${res.status}`)
      into.push(res.ms)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  })()
  const started = performance.now()
  const answers = await Promise.all(mvps.map(body => vzor.call('POST', '/api/v1/documents', body)))
  const receivedMs = performance.now() - started
  phase = afterReceipt
  const checking = ['awaiting_first_register_check', 'register_check_running']
  for (const answer of answers) {
    if (answer.status !== 201) throw new Error(`MVP answered ${answer.status}: ${JSON.stringify(answer.json).slice(0, 300)}`)
    let view = answer.json
    while (checking.includes(view.status.acceptance)) {
      await new Promise(resolve => setTimeout(resolve, 100))
      view = (await vzor.call('GET', `/api/v1/documents/${answer.json.id}`)).json
    }
    if (view.status.acceptance !== 'accepted') throw new Error(`MVP ended ${view.status.acceptance}`)
  }
  phase = undefined
  await filer
  return {
    mvps: mvps.length, mvpBytes: mvps[0]!.byteLength, receivedMs: Math.round(receivedMs), checkedMs: Math.round(performance.now() - started),
    m1MaxMs: Math.round(max(m1)), m1P50Ms: percentile([...m1].sort((a, b) => a - b), 50), m1Count: m1.length,
    m1MaxMsDuringChecks: Math.round(max(afterReceipt)), m1P50MsDuringChecks: percentile([...afterReceipt].sort((a, b) => a - b), 50),
    m1CountDuringChecks: afterReceipt.length,
  }
}

/**
 * Pathological documents (test/fixtures/hostile), each submitted while /healthz is probed: how fast each is
 * refused and the slowest /healthz answer; then the burst of eight large MVPs.
 */
async function hostile(): Promise<void> {
  const gw = await benchGateway('45678138', { TEST_FORWARD_DELAY: '0s' })
  try {
    const probe = probeHealth(gw.server.port, gw.ca.cert)
    const refusals: Record<string, { status: number; code?: string; expected: string; ms: number }> = {}
    const corpusDir = mkdtempSync(join(tmpdir(), 'ehrs-hostile-'))
    const vzor = await gw.client('2021234501')
    for (const { file, path, expected } of hostileCorpus(corpusDir)) {
      const res = await (file.startsWith('mvp-') ? vzor : gw).call('POST', '/api/v1/documents', readFileSync(path))
      refusals[file] = { status: res.status, code: res.json?.code, expected: `${expected.status} ${expected.code}`, ms: Math.round(res.ms) }
    }
    rmSync(corpusDir, { recursive: true, force: true })
    const health = await probe.stop()
    const burstProbe = probeHealth(gw.server.port, gw.ca.cert)
    const burstResult = await burst(gw, vzor)
    const burstHealth = await burstProbe.stop()
    line({
      scenario: 'hostile', healthzMaxMs: Math.round(max(health)), healthzProbes: health.length,
      slowestRefusalMs: max(Object.values(refusals).map(r => r.ms)), refusals,
      unexpected: Object.entries(refusals).filter(([, r]) => `${r.status} ${r.code}` !== r.expected).map(([file]) => file),
      burst: { ...burstResult, healthzMaxMs: Math.round(max(burstHealth)) },
      rssMB: peakRssMB(gw.server.child.pid!), database: databaseKind(),
    })
  } finally {
    await gw.stop()
  }
}

const scenarios: Record<string, () => Promise<void>> = {
  'validate-only': validateOnly,
  echo,
  'm1-small': m1Small,
  'm1-small-1m': m1SmallStored,
  'mvp-large': mvpLarge,
  'mvp-large-sp': mvpLargeSp,
  idle,
  hostile,
}

const only = process.argv.slice(2)
const unknown = only.filter(name => !(name in scenarios))
if (unknown.length > 0) throw new Error(`unknown scenario: ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`)
const selected = only.length === 0 ? Object.keys(scenarios) : only
for (const [name, scenario] of Object.entries(scenarios)) {
  if (selected.includes(name)) await scenario()
}
if (measured.echo) line(measured.echo)
