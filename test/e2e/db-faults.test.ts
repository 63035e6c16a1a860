import t, { type Test } from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { holdConnection, testDb } from '../helpers/db.js'
import { testPki } from '../helpers/pki.js'
import { privateClusterUnavailable, startPrivateCluster } from '../helpers/pg-cluster.js'
import { syntheticM1 } from '../../bench/documents.js'
import { migrateToLatest, openDb, type DbHandle } from '../../src/db/index.js'
import { verifyAudit } from '../../src/audit/index.js'
import { sha256Hex, localDate } from '../../src/lib/index.js'

// SPEC.md §8: database faults are survived. Each scenario files valid M1 documents from concurrent callers while the
// database fails under them, and then checks the contract: every 2xx document is stored byte-exact, every other
// answer is 503 DATABASE_UNAVAILABLE with Retry-After, no answer takes longer than DB_STATEMENT_TIMEOUT (plus a
// generous margin: this is a bound, not a benchmark), /readyz follows the database, and afterwards new documents are
// stored, every timed transition ran once and the audit chain verifies. An uncaught error would fail the file.

const url = process.env.DATABASE_URL
const TIMEOUT_MS = 1000
const MARGIN_MS = 3000
// The load comes from one client: admission control would refuse most of it before it reached the database.
const env = { DB_STATEMENT_TIMEOUT: `${TIMEOUT_MS}ms`, PROCESSING_DELAY: '1s', RATE_LIMIT: '100000/s', MAX_INFLIGHT_PER_CLIENT: '1000' }
const pki = testPki()
const as = pki.client
const PRIMER = '45678138'
let serial = 0

interface Answer {
  readonly status: number
  readonly code?: string
  readonly retryAfter?: string
  readonly ms: number
  readonly sha256: string
  readonly id?: string
  readonly error?: string
}

async function submit(gw: TestGateway): Promise<Answer> {
  const body = syntheticM1(serial++, localDate(new Date()))
  const sha256 = sha256Hex(body)
  const start = performance.now()
  try {
    const res = await gw.call({ path: '/api/v1/documents', as, body, headers: xmlHeaders })
    const retryAfter = res.headers['retry-after']
    return {
      status: res.status, ms: performance.now() - start, sha256, id: res.json?.id, code: res.json?.code,
      ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
    }
  } catch (error) {
    return { status: 0, ms: performance.now() - start, sha256, error: String(error) }
  }
}

/** `callers` concurrent callers, each filing one document after another until `stop()`. */
function load(gateways: readonly TestGateway[], callers: number) {
  const answers: Answer[] = []
  let stopped = false
  const done = Promise.all(Array.from({ length: callers }, async (_, i) => {
    while (!stopped) answers.push(await submit(gateways[i % gateways.length]!))
  }))
  return {
    answers,
    /** Resolves once `n` answers in all have come in. */
    more: (n: number) => until(() => answers.length >= n, `${n} answers`),
    async stop(): Promise<Answer[]> {
      stopped = true
      await done
      return answers
    },
  }
}

/** Polls `condition` every 50 ms, for at most 60 s. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<number> {
  const start = performance.now()
  while (!(await condition())) {
    if (performance.now() - start > 60_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return performance.now() - start
}

const readyz = async (gw: TestGateway): Promise<number> => (await gw.call({ path: '/readyz' })).status

/** The contract for every answer of a fault; returns what was measured, for the scenario's comment. */
async function judge(t: Test, gw: TestGateway, answers: readonly Answer[]): Promise<{ stored: string[]; summary: string }> {
  const ok = answers.filter(a => a.status === 200 || a.status === 201)
  const refused = answers.filter(a => a.status === 503)
  const other = answers.filter(a => !ok.includes(a) && !refused.includes(a))
  t.same(other.map(a => a.error ?? `${a.status} ${a.code}`), [], 'every answer is a 2xx or a 503')
  t.ok(refused.every(a => a.code === 'DATABASE_UNAVAILABLE'), `every 503 is DATABASE_UNAVAILABLE (${[...new Set(refused.map(a => a.code))].join(', ')})`)
  t.ok(refused.every(a => Number(a.retryAfter) > 0), 'every 503 has a Retry-After')
  const longest = Math.max(...answers.map(a => a.ms))
  t.ok(longest <= TIMEOUT_MS + MARGIN_MS, `no answer took longer than DB_STATEMENT_TIMEOUT + ${MARGIN_MS} ms (longest ${Math.round(longest)} ms)`)
  // Every document answered 2xx is stored, byte for byte.
  const mismatched: string[] = []
  for (let i = 0; i < ok.length; i += 16) {
    await Promise.all(ok.slice(i, i + 16).map(async a => {
      const res = await gw.call({ path: `/api/v1/documents/${a.id}/content`, as })
      if (res.status !== 200 || sha256Hex(res.bytes) !== a.sha256) mismatched.push(`${a.id}: ${res.status}`)
    }))
  }
  t.same(mismatched, [], `each of the ${ok.length} stored documents reads back byte-exact`)
  return { stored: ok.map(a => a.id!), summary: `${answers.length} submissions: ${ok.length} stored, ${refused.length} × 503, longest ${Math.round(longest)} ms` }
}

/** After the fault: a new document is stored, every stored one was processed exactly once, and the audit chain holds. */
async function recovered(t: Test, gateways: readonly TestGateway[], stored: readonly string[]): Promise<void> {
  const gw = gateways[0]!
  const fresh = await submit(gw)
  t.equal(fresh.status, 201, 'a new submission is stored')
  const ids = [...new Set([...stored, fresh.id!])]
  const db = gw.services.db
  // PROCESSING_DELAY is 1 s: the timers that were due during the fault run once the database is back.
  await until(async () => {
    const { rows } = await sql<{ n: number }>`select count(*) as n from timers where done_at is null`.execute(db)
    return Number(rows[0]!.n) === 0
  }, 'every timer to have run')
  const { rows } = await sql<{ document_id: string; n: number }>`
    select document_id, count(*) as n from document_states where reason <> 'received' group by document_id`.execute(db)
  const counts = new Map(rows.map(r => [r.document_id, Number(r.n)]))
  t.same(ids.filter(id => counts.get(id) !== 1), [], `each of the ${ids.length} stored documents was processed exactly once`)
  const timers = await sql<{ n: number }>`select count(*) as n from timers where outcome = 'done'`.execute(db)
  t.equal(Number(timers.rows[0]!.n), counts.size, 'one timer ran per processed document')
  t.match(await verifyAudit(db), { ok: true }, 'the audit chain verifies')
  for (const g of gateways) {
    t.match(await g.services.metrics.render(), /ehrs_database_faults_total\{cause="[^"]+"\} [1-9]/, 'the faults are counted in /metrics')
    // The outage ends once probes have passed for a while with no fault.
    await until(async () => { await readyz(g); return /^ehrs_database_available 1$/m.test(await g.services.metrics.render()) }, 'ehrs_database_available 1')
    t.match(g.logs(), /database available again/, 'the end of the outage is logged')
  }
}

/** Reads and SOAP calls are answered DATABASE_UNAVAILABLE too, the SOAP one as a Fault with the same code. */
async function everyRouteUnavailable(t: Test, gw: TestGateway, id: string): Promise<void> {
  const paths = ['/api/v1/documents', `/api/v1/documents/${id}`, `/api/v1/documents/${id}/content`, '/api/v1/insurances']
  const envelope = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetDocumentStatus xmlns="urn:ehrs:soap:1"><id>${id}</id></GetDocumentStatus></soap:Body></soap:Envelope>`
  const [soap, ...answers] = await Promise.all([
    gw.call({ path: '/soap', as, body: envelope, headers: { 'content-type': 'text/xml; charset=utf-8' } }),
    ...paths.map(path => gw.call({ path, as })),
  ])
  answers.forEach((res, i) => {
    t.same([res.status, res.json?.code, Number(res.headers['retry-after']) > 0], [503, 'DATABASE_UNAVAILABLE', true], `GET ${paths[i]}`)
  })
  t.equal(soap!.status, 500, 'SOAP: a Fault')
  t.match(soap!.text, /<faultcode>soap:Server<\/faultcode>.*<code>DATABASE_UNAVAILABLE<\/code>/s, 'SOAP: with the code DATABASE_UNAVAILABLE')
  t.ok(Number(soap!.headers['retry-after']) > 0, 'SOAP: and Retry-After')
}


async function gatewayOn(t: Test, db: DbHandle): Promise<TestGateway> {
  const gw = await startGateway(t, { db, env })
  await gw.register(as, { taxNumber: PRIMER })
  return gw
}

/** A connection of its own to the test's PostgreSQL, as an operator's session. */
async function adminClient(t: Test): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  t.teardown(() => admin.end())
  return admin
}

const onPostgres = { skip: !url && 'runs with DATABASE_URL' }
const onPglite = { skip: !!url && 'runs in the PGlite pass' }

t.test('PostgreSQL: backends terminated under load', onPostgres, async t => {
  const handle = await testDb(t, { statementTimeoutMs: TIMEOUT_MS })
  const gw = await gatewayOn(t, handle)
  const admin = await adminClient(t)
  const traffic = load([gw], 40)
  await traffic.more(40)
  let terminated = 0
  for (let round = 0; round < 3; round++) {
    const { rows } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [`ehrs-gateway/${handle.schema}`])
    terminated += rows.length
    await new Promise(resolve => setTimeout(resolve, 150))
  }
  t.ok(terminated > 0, `${terminated} backends terminated`)
  await traffic.more(traffic.answers.length + 40)
  const { stored, summary } = await judge(t, gw, await traffic.stop())
  t.comment(summary)
  await until(async () => await readyz(gw) === 200, '/readyz 200')
  t.pass('/readyz is 200')
  await recovered(t, [gw], stored)
})

t.test('PostgreSQL: a lock on documents held past DB_STATEMENT_TIMEOUT', onPostgres, async t => {
  const handle = await testDb(t, { statementTimeoutMs: TIMEOUT_MS })
  const gw = await gatewayOn(t, handle)
  const admin = await adminClient(t)
  const traffic = load([gw], 40)
  await traffic.more(20)
  await admin.query('begin')
  await admin.query(`lock table ${handle.schema}.documents in access exclusive mode`)
  const before = traffic.answers.length
  await new Promise(resolve => setTimeout(resolve, 2.5 * TIMEOUT_MS))
  await admin.query('rollback')
  await traffic.more(traffic.answers.length + 40)
  const answers = await traffic.stop()
  const { stored, summary } = await judge(t, gw, answers)
  t.comment(summary)
  t.ok(answers.slice(before).some(a => a.status === 503), 'submissions behind the lock are answered 503 at the timeout')
  t.match(await gw.services.metrics.render(), /ehrs_database_faults_total\{cause="57014"\}/, 'counted as cause 57014 (statement timeout)')
  t.equal((gw.logs().match(/"cause":"57014"/g) ?? []).length, 1, 'logged once with its cause')
  await recovered(t, [gw], stored)
})

t.test('PostgreSQL: a full pool, its connections held past DB_STATEMENT_TIMEOUT', onPostgres, async t => {
  const handle = await testDb(t, { statementTimeoutMs: TIMEOUT_MS, poolSize: 2 })
  const gw = await gatewayOn(t, handle)
  const before = await submit(gw)
  const holders = [holdConnection(handle.db), holdConnection(handle.db)]
  await Promise.all(holders.map(h => h.held))
  const answers = await Promise.all(Array.from({ length: 30 }, () => submit(gw)))
  t.ok(answers.every(a => a.status === 503), 'with every connection held, each submission is answered 503')
  const { summary } = await judge(t, gw, answers)
  t.comment(summary)
  await everyRouteUnavailable(t, gw, before.id!)
  t.equal(await readyz(gw), 503, '/readyz is 503 while no connection is to be had')
  for (const h of holders) h.release()
  await Promise.all(holders.map(h => h.done))
  const recovery = await until(async () => await readyz(gw) === 200, '/readyz 200')
  t.comment(`/readyz 200 again ${Math.round(recovery)} ms after the pool was freed`)
  const after = await Promise.all(Array.from({ length: 30 }, () => submit(gw)))
  const { stored } = await judge(t, gw, after)
  t.equal(stored.length, 30, 'more submissions than connections are all stored once the pool is free')
  await recovered(t, [gw], [before.id!, ...stored])
})

t.test('PostgreSQL restarted and crashed under load, two gateway instances on it', {
  skip: !url ? 'runs with DATABASE_URL' : privateClusterUnavailable() ?? false,
}, async t => {
  const cluster = await startPrivateCluster(t)
  const open = async (name: string): Promise<DbHandle> => {
    const handle = await openDb({ databaseUrl: cluster.url, statementTimeoutMs: TIMEOUT_MS, applicationName: name })
    t.teardown(() => handle.close())
    await migrateToLatest(handle.db)
    return handle
  }
  const one = await gatewayOn(t, await open('ehrs-one'))
  const two = await startGateway(t, { db: await open('ehrs-two'), env })
  const gateways = [one, two]
  let stored: string[] = []

  await t.test('pg_ctl stop -m immediate for two seconds, then start', async t => {
    const traffic = load(gateways, 40)
    await traffic.more(40)
    await cluster.stop('immediate')
    const stoppedAt = performance.now()
    const down = await until(async () => (await Promise.all(gateways.map(readyz))).every(s => s === 503), '/readyz 503 on both')
    t.pass(`/readyz 503 on both instances ${Math.round(down)} ms after the stop`)
    await new Promise(resolve => setTimeout(resolve, 2000))
    await cluster.start()
    const startedAt = performance.now()
    const back = await until(async () => (await Promise.all(gateways.map(readyz))).every(s => s === 200), '/readyz 200 on both')
    t.comment(`down ${Math.round(startedAt - stoppedAt)} ms; /readyz 200 on both ${Math.round(back)} ms after the start, without a restart`)
    await traffic.more(traffic.answers.length + 40)
    const answers = await traffic.stop()
    const result = await judge(t, one, answers)
    t.comment(result.summary)
    t.ok(answers.some(a => a.status === 503), 'submissions while it was down were answered 503')
    stored = [...stored, ...result.stored]
    for (const gw of gateways) t.match(gw.logs(), /database unavailable/, 'the fault is logged')
  })

  await t.test('a backend killed with SIGKILL: PostgreSQL restarts every backend', async t => {
    const traffic = load(gateways, 40)
    await traffic.more(40)
    const [pid] = await cluster.backendPids('ehrs-one')
    t.ok(pid, 'a backend of the first instance')
    process.kill(pid!, 'SIGKILL')
    await traffic.more(traffic.answers.length + 80)
    const result = await judge(t, one, await traffic.stop())
    t.comment(result.summary)
    stored = [...stored, ...result.stored]
    await until(async () => (await Promise.all(gateways.map(readyz))).every(s => s === 200), '/readyz 200 on both')
  })

  await t.test('both instances recovered by themselves; no timed transition ran twice or was lost', async t => {
    await recovered(t, gateways, stored)
  })
})

t.test('PGlite: the one connection held past DB_STATEMENT_TIMEOUT', onPglite, async t => {
  const handle = await testDb(t, { statementTimeoutMs: TIMEOUT_MS })
  const gw = await gatewayOn(t, handle)
  const first = await submit(gw)
  const traffic = load([gw], 40)
  await traffic.more(20)
  const holder = holdConnection(handle.db)
  await holder.held
  const before = traffic.answers.length
  await everyRouteUnavailable(t, gw, first.id!)
  await new Promise(resolve => setTimeout(resolve, 2.5 * TIMEOUT_MS))
  holder.release()
  await holder.done
  await traffic.more(traffic.answers.length + 40)
  const answers = await traffic.stop()
  const { stored, summary } = await judge(t, gw, answers)
  t.comment(summary)
  t.ok(answers.slice(before).some(a => a.status === 503), 'submissions waiting for the connection are answered 503 at the timeout')
  await recovered(t, [gw], [first.id!, ...stored])
})

t.test('PGlite: DATA_DIR on a full disk, then space freed', {
  ...onPglite,
  ...(!url && process.getuid?.() !== 0 && !process.env.CI ? { skip: 'mounts a small tmpfs: needs root (CI runs as root)' } : {}),
}, async t => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'ehrs-full-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', mountPoint])
  t.teardown(() => {
    execFileSync('umount', ['-l', mountPoint])
    rmSync(mountPoint, { recursive: true, force: true })
  })
  const dataDir = join(mountPoint, 'data')
  mkdirSync(dataDir)
  const handle = await openDb({ dataDir, statementTimeoutMs: TIMEOUT_MS })
  t.teardown(() => handle.close())
  await migrateToLatest(handle.db)
  const gw = await gatewayOn(t, handle)
  const first = await Promise.all(Array.from({ length: 20 }, () => submit(gw)))
  t.ok(first.every(a => a.status === 201), 'stored while there is space')

  // Leave 256 KiB: the next documents fill it.
  const filler = join(mountPoint, 'filler')
  const { bavail, bsize } = statfsSync(mountPoint)
  writeFileSync(filler, Buffer.alloc(bavail * bsize - 256 * 1024))
  const traffic = load([gw], 20)
  const full = await until(() => traffic.answers.some(a => a.status === 503), 'a 503 on the full disk')
  t.comment(`the disk filled after ${traffic.answers.length} more submissions (${Math.round(full)} ms)`)
  // A write that needs no new page but a new write-ahead log segment, which cannot be created on the full disk:
  // PGlite reports it (53100) and then spins in its next statement. The driver gives that instance up at the
  // timeout and cannot open a new one while the disk is full.
  await sql`select pg_switch_wal()`.execute(handle.db)
  const wal = await sql`update document_counters set last_value = last_value`.execute(handle.db).then(() => 'written', (e: Error) => e.message)
  t.match(wal, /No space left on device/, `a write to the log fails: ${wal}`)
  await until(async () => await readyz(gw) === 503, '/readyz 503')
  t.pass('/readyz is 503 while the embedded database cannot be opened')
  await traffic.more(traffic.answers.length + 40)
  rmSync(filler)
  const back = await until(async () => await readyz(gw) === 200, '/readyz 200')
  t.comment(`/readyz 200 ${Math.round(back)} ms after space was freed`)
  await traffic.more(traffic.answers.length + 40)
  const answers = await traffic.stop()
  const result = await judge(t, gw, answers)
  t.comment(result.summary)
  t.match(gw.logs(), /"cause":"53100"/, 'the full disk is logged with its SQLSTATE')
  t.match(gw.logs(), /submission not kept in the message log/, 'and so is each submission the message log could not keep')
  await recovered(t, [gw], [...first.map(a => a.id!), ...result.stored])
})
