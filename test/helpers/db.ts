import { createHash, randomBytes } from 'node:crypto'
import { promises as fs, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path, { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, Migrator, sql, type Kysely } from 'kysely'
import pg from 'pg'
import { openDb, migrateToLatest, type Database, type DbHandle, type DbOptions } from '../../src/db/index.js'
import { projectRoot } from '../../src/lib/index.js'

interface Teardown { teardown(fn: () => unknown): void }

/**
 * A freshly migrated database for one test: in-memory PGlite, or, when DATABASE_URL is set, a schema of its
 * own on that PostgreSQL, dropped afterwards. The same test files run on both. `migratedTo` stops at that
 * migration (to test a later one on data written before it); `migrateToLatest(db, handle.schema)` goes on.
 */
export async function testDb(t: Teardown, options: Pick<DbOptions, 'statementTimeoutMs' | 'poolSize'> & { migratedTo?: string } = {}): Promise<DbHandle> {
  const { migratedTo, ...dbOptions } = options
  const url = process.env.DATABASE_URL
  if (!url) {
    const handle = await openDb({ ...dbOptions, ...(migratedTo ? {} : { initialData: await migratedTar() }) })
    await migrate(handle.db, undefined, migratedTo)
    t.teardown(() => handle.close())
    return handle
  }
  const schema = await ownSchema(url)
  const handle = await openDb({ databaseUrl: url, schema, poolSize: 4, ...dbOptions })
  await migrate(handle.db, schema, migratedTo)
  t.teardown(async () => {
    await handle.close()
    await adminQuery(url, `drop schema ${schema} cascade`)
  })
  return { ...handle, close: async () => {} }
}

/**
 * A database that outlives the connections to it, for restart tests: each `open()` is a new connection (a
 * new process would make one) to the same data — a PGlite folder, or a schema of its own on PostgreSQL.
 * Each handle must be closed by the test before the next `open()` on PGlite, which allows one user.
 * `childEnv` points a child process (the `ehrs` CLI) at the same data: DATA_DIR, or DATABASE_URL with the schema.
 */
export async function reopenableDb(t: Teardown): Promise<{ open(): Promise<DbHandle>; shared: boolean; childEnv: NodeJS.ProcessEnv }> {
  const url = process.env.DATABASE_URL
  if (!url) {
    const dataDir = mkdtempSync(join(tmpdir(), 'ehrs-restart-'))
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir }
    delete childEnv.DATABASE_URL
    await seedDataDir(dataDir)
    return {
      shared: false,
      childEnv,
      async open() {
        const handle = await openDb({ dataDir })
        await migrateToLatest(handle.db)
        return handle
      },
    }
  }
  const schema = await ownSchema(url)
  t.teardown(() => adminQuery(url, `drop schema ${schema} cascade`))
  return {
    shared: true,
    childEnv: { ...process.env, DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` },
    async open() {
      const handle = await openDb({ databaseUrl: url, schema, poolSize: 4 })
      await migrateToLatest(handle.db, schema)
      return handle
    },
  }
}

let template: Promise<{ folder: string; tar: Uint8Array }> | undefined

/**
 * An embedded database with every migration applied, as PGlite's data folder and as the tar file of it that PGlite
 * opens in memory: a copy takes a fraction of the seconds that PGlite's initdb and the migrations take. Built once
 * per set of migrations and PGlite version, and kept in the temporary folder for every test process after it.
 */
function migratedTemplate(): Promise<{ folder: string; tar: Uint8Array }> {
  template ??= loadOrBuildTemplate()
  return template
}

/** For an in-memory PGlite (`initialData`). */
export async function migratedTar(): Promise<Uint8Array> {
  return (await migratedTemplate()).tar
}

/** Makes `dataDir` (the gateway's or the CLI's DATA_DIR) hold a migrated embedded database, as a first start would. */
export async function seedDataDir(dataDir: string): Promise<void> {
  cpSync((await migratedTemplate()).folder, join(dataDir, 'pglite'), { recursive: true })
}

async function loadOrBuildTemplate(): Promise<{ folder: string; tar: Uint8Array }> {
  const migrationFolder = join(projectRoot, 'dist', 'migrations')
  const key = createHash('sha256')
  key.update(readFileSync(fileURLToPath(import.meta.url)))
  key.update(readFileSync(join(projectRoot, 'node_modules', '@electric-sql', 'pglite', 'package.json')))
  for (const name of readdirSync(migrationFolder).filter(n => n.endsWith('.js')).sort()) {
    key.update(name).update(readFileSync(join(migrationFolder, name)))
  }
  const base = join(tmpdir(), `ehrs-pglite-migrated-${key.digest('hex').slice(0, 16)}`)
  const folder = `${base}.d`
  const file = `${base}.tar`
  if (existsSync(file) && existsSync(folder)) return { folder, tar: readFileSync(file) }
  const build = mkdtempSync(join(tmpdir(), 'ehrs-template-'))
  try {
    const handle = await openDb({ dataDir: build })
    await migrateToLatest(handle.db)
    // The gateway never uses initdb's template databases, and they are a third of the files each test database
    // unpacks: without them an opening takes about 0.5 s of CPU instead of 0.75.
    for (const template of ['template0', 'template1']) {
      await sql`update pg_database set datistemplate = false where datname = ${template}`.execute(handle.db)
      await sql.raw(`drop database ${template}`).execute(handle.db)
    }
    await sql`checkpoint`.execute(handle.db)
    await handle.close()
    const { PGlite } = await import('@electric-sql/pglite')
    const pglite = await PGlite.create(join(build, 'pglite'))
    const tar = new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer())
    await pglite.close()
    // Each is renamed into place whole, so that a test process never sees half of one; the tar file comes last,
    // as the sign that both are there. Another process may have built them meanwhile: either copy will do.
    try {
      renameSync(join(build, 'pglite'), folder)
    } catch {
      // Already in place.
    }
    const partial = `${file}.${process.pid}`
    writeFileSync(partial, tar)
    renameSync(partial, file)
    return { folder, tar }
  } finally {
    rmSync(build, { recursive: true, force: true })
  }
}

async function migrate(db: Kysely<Database>, schema: string | undefined, upTo: string | undefined): Promise<void> {
  if (!upTo) {
    await migrateToLatest(db, schema)
    return
  }
  const migrationFolder = join(projectRoot, 'dist', 'migrations')
  const migrator = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }), ...(schema ? { migrationTableSchema: schema } : {}) })
  const { error } = await migrator.migrateTo(upTo)
  if (error) throw error
}

/** A new, empty schema of this test's own on the PostgreSQL at `url`. */
async function ownSchema(url: string): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`
  await adminQuery(url, `create schema ${schema}`)
  return schema
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** Holds one connection of `db` (PGlite's only one) in a transaction until `release()`. */
export function holdConnection(db: Kysely<Database>): { held: Promise<void>; release(): void; done: Promise<unknown> } {
  let release!: () => void
  let held!: () => void
  const heldP = new Promise<void>(resolve => { held = resolve })
  const done = db.transaction().execute(async trx => {
    await sql`select 1`.execute(trx)
    held()
    await new Promise<void>(resolve => { release = resolve })
  })
  return { held: heldP, release: () => release(), done }
}

/**
 * A database of its own on the PostgreSQL server of `url`, dropped afterwards, for a program that takes a plain
 * DATABASE_URL (the CLI) where a schema of its own would not do. Returns its URL.
 */
export async function ownDatabase(t: Teardown, url: string): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`
  await adminQuery(url, `create database ${name}`)
  t.teardown(() => adminQuery(url, `drop database ${name} with (force)`))
  const own = new URL(url)
  own.pathname = `/${name}`
  return own.toString()
}
