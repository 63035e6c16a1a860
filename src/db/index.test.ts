import t from 'tap'
import { sql } from 'kysely'
import pg from 'pg'
import { testDb } from '../../test/helpers/db.js'
import type { Db, DbFault } from './index.js'

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
