import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { holdConnection, testDb } from '../../test/helpers/db.js'
import { databaseFaultCause, migrateToLatest, openDb, type Db, type DbFault } from './index.js'

const url = process.env.DATABASE_URL

/** Terminates the backend `pid` from a connection of its own, as an operator or a fail-over would. */
async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query('select pg_terminate_backend($1)', [pid])
  } finally {
    await admin.end()
  }
}

const backendPid = async (db: Db): Promise<number> =>
  (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid

t.test('a terminated backend is a fault reported once, never the end of the process', { skip: !url && 'needs DATABASE_URL' }, async t => {
  const handle = await testDb(t)
  const faults: DbFault[] = []
  handle.faults.on('fault', fault => faults.push(fault))
  const faulted = () => new Promise<void>(resolve => handle.faults.once('fault', () => resolve()))

  t.test('idle in the pool', async t => {
    const pid = await backendPid(handle.db)
    const seen = faulted()
    await terminate(pid)
    await seen
    t.match(faults.at(-1)!.error.message, /terminat/i)
    t.equal(Number((await sql<{ one: number }>`select 1 as one`.execute(handle.db)).rows[0]!.one), 1, 'the next query opens a new connection')
  })

  t.test('checked out, between the statements of a transaction', async t => {
    const before = faults.length
    await t.rejects(handle.db.transaction().execute(async trx => {
      const pid = await backendPid(trx)
      const seen = faulted()
      await terminate(pid)
      await seen
      await sql`select 1`.execute(trx)
    }), 'the transaction fails: nothing of it is committed')
    t.equal(faults.length, before + 1, 'reported once')
    t.equal(Number((await sql<{ one: number }>`select 1 as one`.execute(handle.db)).rows[0]!.one), 1)
  })
})

/** Resolves with the time `work` took to settle and its error, if any. */
async function timed(work: Promise<unknown>): Promise<{ ms: number; error?: unknown }> {
  const start = performance.now()
  try {
    await work
    return { ms: performance.now() - start }
  } catch (error) {
    return { ms: performance.now() - start, error }
  }
}

/** `work` once it succeeds, trying again while it meets a database fault (at most 30 s). */
async function eventually<T>(work: () => Promise<T>): Promise<T> {
  const until = Date.now() + 30_000
  for (;;) {
    try {
      return await work()
    } catch (error) {
      if (!databaseFaultCause(error) || Date.now() > until) throw error
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }
}

const one = async (db: Db): Promise<number> => Number((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]!.one)


t.test('on PostgreSQL, DB_STATEMENT_TIMEOUT bounds a statement and the wait for a connection', { skip: !url && 'needs DATABASE_URL' }, async t => {
  const schema = `t_timeout_${process.pid}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  t.teardown(async () => {
    await admin.query(`drop schema ${schema} cascade`)
    await admin.end()
  })
  const handle = await openDb({ databaseUrl: url!, schema, poolSize: 1, statementTimeoutMs: 500 })
  t.teardown(() => handle.close())

  const slow = await timed(sql`select pg_sleep(3)`.execute(handle.db))
  t.equal(databaseFaultCause(slow.error), '57014', 'the server cancels the statement (query_canceled)')
  t.ok(slow.ms < 2500, `answered after ${Math.round(slow.ms)} ms, not after the statement's 3 s`)
  t.equal(await one(handle.db), 1, 'the connection serves the next query')

  const holder = holdConnection(handle.db)
  await holder.held
  const waiting = await timed(one(handle.db))
  t.equal(databaseFaultCause(waiting.error), 'connect_timeout', 'a full pool answers within the limit')
  t.ok(waiting.ms < 2500, `after ${Math.round(waiting.ms)} ms`)
  holder.release()
  await holder.done
  t.equal(await one(handle.db), 1, 'a freed connection serves again')

  const { rows } = await sql<{ name: string }>`select application_name as name from pg_stat_activity where pid = pg_backend_pid()`.execute(handle.db)
  t.equal(rows[0]!.name, `ehrs-gateway/${schema}`, 'each handle names itself in pg_stat_activity')
})

t.test('on PGlite, DB_STATEMENT_TIMEOUT bounds the wait for the one connection', { skip: !!url && 'the PGlite pass runs it' }, async t => {
  const handle = await openDb({ statementTimeoutMs: 300 })
  t.teardown(() => handle.close())
  await migrateToLatest(handle.db)
  const holder = holdConnection(handle.db)
  await holder.held
  const waiting = await timed(one(handle.db))
  t.equal(databaseFaultCause(waiting.error), 'connect_timeout')
  t.ok(waiting.ms >= 250 && waiting.ms < 2000, `a caller gave up after ${Math.round(waiting.ms)} ms`)
  holder.release()
  await holder.done
  t.equal(await one(handle.db), 1, 'the connection is handed on once released')
  const many = await Promise.all(Array.from({ length: 20 }, () => one(handle.db)))
  t.same(many, Array(20).fill(1), 'callers that waited in turn are all served')
})

t.test('on PGlite with a data folder, a statement past DB_STATEMENT_TIMEOUT is cut by reopening the folder', { skip: !!url && 'the PGlite pass runs it' }, async t => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ehrs-pglite-timeout-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const handle = await openDb({ dataDir, statementTimeoutMs: 500 })
  t.teardown(() => handle.close())
  const faults: DbFault[] = []
  handle.faults.on('fault', fault => faults.push(fault))
  await sql`create table kept (n int)`.execute(handle.db)
  await sql`insert into kept values (1)`.execute(handle.db)

  const cut = await timed(handle.db.transaction().execute(async trx => {
    await sql`insert into kept values (2)`.execute(trx)
    await sql`select pg_sleep(5)`.execute(trx)
  }))
  t.equal(databaseFaultCause(cut.error), 'statement_timeout', 'PGlite ignores statement_timeout; the driver gives up on it')
  t.ok(cut.ms < 2000, `answered after ${Math.round(cut.ms)} ms, not after the statement's 5 s`)
  t.equal(faults.length, 1, 'the reopening is reported as a fault')
  // PGlite takes longer to open than this test's limit: until it has, callers are answered at the limit.
  const rows = await eventually(async () => (await sql<{ n: number }>`select n from kept order by n`.execute(handle.db)).rows)
  t.same(rows, [{ n: 1 }], 'reopened from the folder: the committed row is there, the cut transaction left nothing')
  t.equal(faults.length, 1, 'one fault, however many callers met the reopening')
})

t.test('bytea values go in and come out byte-exact, small and large', async t => {
  const handle = await testDb(t)
  const every = Uint8Array.from({ length: 256 }, (_, i) => i)
  const large = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => (i * 31) & 0xff)
  // Views into larger buffers, as request bodies are: only their own bytes are the value.
  const shared = new Uint8Array(new SharedArrayBuffer(100_000)).map((_, i) => i & 0xff)
  const view = shared.subarray(1_000, 71_000)
  const slice = every.subarray(10, 20)
  const { rows } = await sql<{ small: Uint8Array; big: Uint8Array; empty: Uint8Array; n: number; view: Uint8Array; slice: Uint8Array }>`
    select ${every}::bytea as small, ${large}::bytea as big, ${new Uint8Array()}::bytea as empty, length(${large}::bytea) as n,
      ${view}::bytea as view, ${slice}::bytea as slice`.execute(handle.db)
  const row = rows[0]!
  t.same(Buffer.from(row.small), Buffer.from(every), 'every byte value')
  t.equal(Number(row.n), large.byteLength, 'the database sees every byte of a large value')
  t.ok(Buffer.from(row.big).equals(Buffer.from(large)), 'a large value comes back whole')
  t.equal(row.empty.byteLength, 0, 'an empty value')
  t.ok(Buffer.from(row.view).equals(Buffer.from(view)), 'a view into shared memory: its own bytes only')
  t.ok(Buffer.from(row.slice).equals(Buffer.from(slice)), 'a view into a small buffer: its own bytes only')
  t.ok(large.every((v, i) => v === ((i * 31) & 0xff)), 'the value sent is left as it was')
})
