import { promises as fs } from 'node:fs'
import path from 'node:path'
import { FileMigrationProvider, Migrator, sql, type Kysely } from 'kysely'
import { projectRoot } from '../lib/index.js'

/** Compiled migrations live in dist/migrations; their sources in migrations/ are numbered and forward-only. */
const migrationFolder = path.join(projectRoot, 'dist', 'migrations')

/**
 * `schema`: where the migration bookkeeping lives when the database is not in the default schema (tests). Without
 * it, the connection's current schema, named: Kysely looks for its tables in every schema when none is named, and
 * would take another schema's (another application's on a shared database) for the gateway's own.
 */
async function migrator(db: Kysely<any>, schema?: string): Promise<Migrator> {
  const migrationTableSchema = schema ?? (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0]!.name
  return new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }), migrationTableSchema })
}

/** Applies every pending migration in name order; returns the names applied. Kysely's lock makes concurrent starts safe. */
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<string[]> {
  return retriedOnCatalogRace(async () => {
    const { error, results } = await (await migrator(db, schema)).migrateToLatest()
    if (error) throw error instanceof Error ? error : new Error(String(error))
    return (results ?? []).filter(r => r.status === 'Success').map(r => r.migrationName)
  })
}

/** Names of migrations not yet applied (readiness fails while any remain). */
export async function pendingMigrations(db: Kysely<any>, schema?: string): Promise<string[]> {
  return retriedOnCatalogRace(async () => (await (await migrator(db, schema)).getMigrations()).filter(m => !m.executedAt).map(m => m.name))
}

/**
 * Kysely's migrator finds its own tables by listing every table of the database, with each column's sequence: a
 * schema, table or column that another user of the same database drops meanwhile (another tenant's schema; the
 * tests' own, side by side) fails that listing with 3F000, 42P01 or 42703. Nothing has been applied then (a failed
 * migration rolls back), so it is tried again.
 */
const catalogRaces = new Set(['3F000', '42P01', '42703'])

export async function retriedOnCatalogRace<T>(attempt: () => Promise<T>, pauseMs = 50): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      if (tries >= 5 || !catalogRaces.has(String((error as { code?: unknown }).code))) throw error
      await new Promise(resolve => setTimeout(resolve, pauseMs * tries))
    }
  }
}
