import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDb, migrateToLatest, type DbHandle } from '../../src/db/index.js'

interface Teardown { teardown(fn: () => unknown): void }

/**
 * A freshly migrated database for one test: in-memory PGlite, or, when DATABASE_URL is set, a schema of its
 * own on that PostgreSQL, dropped afterwards. The same test files run on both.
 */
export async function testDb(t: Teardown): Promise<DbHandle> {
  const url = process.env.DATABASE_URL
  if (!url) {
    const handle = await openDb({})
    await migrateToLatest(handle.db)
    t.teardown(() => handle.close())
    return handle
  }
  const schema = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  await admin.end()
  const handle = await openDb({ databaseUrl: url, schema, poolSize: 4 })
  await migrateToLatest(handle.db, schema)
  t.teardown(async () => {
    await handle.close()
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    await c.query(`drop schema ${schema} cascade`)
    await c.end()
  })
  return { ...handle, close: async () => {} }
}
