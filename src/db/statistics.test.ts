import t from 'tap'
import { sql } from 'kysely'
import { testDb } from '../../test/helpers/db.js'
import { createStatisticsKeeper } from './statistics.js'
import type { Db } from './index.js'

/** What the planner knows of a table: the rows ANALYZE counted (-1 or 0: never), and whether it has column statistics. */
async function known(db: Db, table: string): Promise<{ rows: number; columns: number }> {
  const { rows: [row] } = await sql<{ rows: number; columns: number }>`
    select c.reltuples::int as rows, (select count(*)::int from pg_stats s where s.schemaname = current_schema() and s.tablename = c.relname) as columns
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relname = ${table}`.execute(db)
  return { rows: Number(row!.rows), columns: Number(row!.columns) }
}

const fill = (db: Db, from: number, to: number) =>
  sql`insert into filings_seen (id, note) select g, 'row ' || g from generate_series(${from}::int, ${to}::int) g`.execute(db)

t.test('a table that has grown by a fifth since its statistics were taken is analyzed again, and only then', async t => {
  const { db } = await testDb(t)
  await sql`create table filings_seen (id int primary key, note text not null)`.execute(db)
  const keeper = createStatisticsKeeper(db)
  t.ok((await keeper.run()).includes('filings_seen'), 'a table never analyzed is, even empty')
  t.same(await keeper.run(), [], 'then empty tables need nothing')
  await fill(db, 1, 10_000)
  t.equal((await known(db, 'filings_seen')).columns, 0, 'no statistics before')
  t.ok((await keeper.run()).includes('filings_seen'))
  t.same(await known(db, 'filings_seen'), { rows: 10_000, columns: 2 }, 'rows counted and columns described')
  t.notOk((await keeper.run()).includes('filings_seen'), 'not again while it has not grown')
  await fill(db, 10_001, 11_000)
  t.notOk((await keeper.run()).includes('filings_seen'), 'a tenth more is not yet a fifth')
  await fill(db, 11_001, 13_000)
  t.ok((await keeper.run()).includes('filings_seen'), 'a third more is')
  t.equal((await known(db, 'filings_seen')).rows, 13_000)
})

t.test('started, it looks after its first delay and waits for submissions in flight to end', async t => {
  const { db } = await testDb(t)
  await sql`create table filings_seen (id int primary key, note text not null)`.execute(db)
  await fill(db, 1, 5_000)
  let busy = true
  let looks = 0
  const analyzed = new Promise<readonly string[]>(resolve => {
    const keeper = createStatisticsKeeper(db, {
      firstAfterMs: 0, maxLagMs: 60_000,
      busy: () => {
        looks++
        // Busy at the first look: the keeper tries again a second later, when nothing is in flight.
        const was = busy
        busy = false
        return was
      },
      onRun: tables => resolve(tables),
      onError: error => t.fail(String(error)),
    })
    keeper.start()
    t.teardown(() => keeper.stop())
  })
  t.ok((await analyzed).includes('filings_seen'))
  t.equal(looks, 2, 'it waited once for the busy moment to pass')
  t.equal((await known(db, 'filings_seen')).rows, 5_000)
})
