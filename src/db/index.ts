import { EventEmitter } from 'node:events'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { Kysely, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import { PGliteDialect } from './pglite-dialect.js'
import { listenEmbedded, listenPostgres, type ListenHooks, type Listener } from './notify.js'
import type { Database } from './schema.js'

export type { Database, ViewEntry } from './schema.js'
export * from './schema.js'
export { migrateToLatest, pendingMigrations } from './migrate.js'
export { createStatisticsKeeper, type StatisticsKeeper } from './statistics.js'
export { databaseFaultCause, DatabaseUnavailableError } from './faults.js'
/** NOTIFY in a transaction, heard by `DbHandle.listen` of every gateway on the same database and schema. */
export { notify } from './notify.js'
export type { Listener, ListenHooks } from './notify.js'
/** Health of the database as its queries and probes see it: one outage, each cause reported once. */
export { createDatabaseMonitor } from './monitor.js'
export type { DatabaseMonitor, DatabaseMonitorHooks } from './monitor.js'
/** Keeps a second process (server or direct CLI run) off the same PGlite data folder. */
export { lockDataDir } from './lock.js'

/** A Kysely instance or a transaction: queries take it first, so the caller owns the transaction. */
export type Db = Kysely<Database> | Transaction<Database>

export interface DbHandle {
  readonly db: Kysely<Database>
  readonly kind: 'postgres' | 'pglite'
  /** The PostgreSQL schema in use when not the default one. */
  readonly schema?: string
  /**
   * Emits `fault` ({@link DbFault}) whenever the database fails under the gateway: a connection that the server
   * terminated or lost, an embedded database given up and reopened. The gateway goes on; the next query opens a
   * new connection.
   */
  readonly faults: EventEmitter<{ fault: [DbFault] }>
  /**
   * Hears the `notify` calls of `topic` once their transactions commit, from this process and (PostgreSQL) every
   * other one on the same schema, on one connection of its own that is opened again after a fault.
   */
  listen(topic: string, hooks: ListenHooks): Listener
  close(): Promise<void>
}

/** A database fault seen outside any query: a connection lost while idle in the pool or between queries, PGlite reopened. */
export interface DbFault {
  readonly error: Error
}

export interface DbOptions {
  /** PostgreSQL URL; when absent, embedded PGlite. */
  readonly databaseUrl?: string
  /** PGlite data folder; absent means in memory (tests). */
  readonly dataDir?: string
  /** PGlite: the data folder (a `dumpDataDir` tar file) a new database starts from, instead of an empty one. */
  readonly initialData?: Uint8Array
  /** PostgreSQL schema to use (tests isolate themselves in a schema of their own). */
  readonly schema?: string
  readonly poolSize?: number
  /**
   * DB_STATEMENT_TIMEOUT: the longest one statement may run, and the longest a query waits for a connection
   * (a full pool, a server that does not answer the connection). Absent: no limit (the CLI, tests).
   */
  readonly statementTimeoutMs?: number
  /** Shown in pg_stat_activity, so that an operator can tell the gateway's connections apart. */
  readonly applicationName?: string
}

// Both engines return the same JavaScript values (pglite-worker.ts sets the same parsers): SQL dates as
// YYYY-MM-DD text (never a local-midnight Date), bigint as number (our counters stay far below 2^53).
const DATE_OID = 1082
const INT8_OID = 20
pg.types.setTypeParser(DATE_OID, value => value)
pg.types.setTypeParser(INT8_OID, value => Number(value))

export async function openDb(options: DbOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    const faults = new EventEmitter<{ fault: [DbFault] }>()
    const timeoutMs = options.statementTimeoutMs
    const connection = {
      connectionString: options.databaseUrl,
      application_name: options.applicationName ?? (options.schema ? `ehrs-gateway/${options.schema}` : 'ehrs-gateway'),
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
      // A dead peer (a fail-over, a cut network) is noticed by TCP keepalive instead of after the kernel's hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    }
    const pool = new pg.Pool({
      ...connection,
      max: options.poolSize ?? 10,
      ...(timeoutMs !== undefined ? {
        // The server cancels a statement past the limit (57014); its time waiting for a lock counts.
        statement_timeout: timeoutMs,
        // A full pool, or a server that accepts no connection, answers within the limit instead of queueing forever.
        connectionTimeoutMillis: timeoutMs,
        // A gateway stuck inside a transaction (or frozen) releases its locks, so other instances go on.
        idle_in_transaction_session_timeout: Math.max(2 * timeoutMs, 60_000),
      } : {}),
    })
    // A terminated backend (pg_terminate_backend, an OOM kill, a fail-over) is an ordinary event, never fatal: without
    // these listeners pg emits an unhandled 'error' and Node ends the process. The pool drops an idle client itself
    // (and re-emits its error, reported here once, from the client); a checked-out one fails its next query and is
    // dropped when released.
    pool.on('error', () => {})
    // A client emits 'error' twice for one loss: the server's FATAL message, then the end of the socket.
    pool.on('connect', client => {
      let isReported = false
      client.on('error', error => {
        if (isReported) return
        isReported = true
        faults.emit('fault', { error })
      })
    })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    const listeners = new Set<Listener>()
    return {
      db, kind: 'postgres', ...(options.schema ? { schema: options.schema } : {}), faults,
      listen(topic, hooks) {
        const listener = listenPostgres({ ...connection, application_name: `${connection.application_name}/listen` }, topic, hooks, faults)
        listeners.add(listener)
        return { close: async () => { listeners.delete(listener); await listener.close() } }
      },
      async close() {
        await Promise.all([...listeners].map(l => l.close()))
        await db.destroy()
      },
    }
  }
  requireEmbeddedDatabase()
  let dataDir: string | undefined
  if (options.dataDir) {
    dataDir = resolve(options.dataDir, 'pglite')
    mkdirSync(dataDir, { recursive: true })
  }
  const faults = new EventEmitter<{ fault: [DbFault] }>()
  const notifications = new EventEmitter<{ notification: [string] }>()
  const db = new Kysely<Database>({
    dialect: new PGliteDialect({
      ...(dataDir ? { dataDir } : {}),
      ...(options.initialData ? { initialData: options.initialData } : {}),
      ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
      onRestart: error => faults.emit('fault', { error }),
      onNotification: channel => notifications.emit('notification', channel),
    }),
  })
  const listeners = new Set<Listener>()
  return {
    db, kind: 'pglite', faults,
    listen(topic, hooks) {
      const listener = listenEmbedded(db, topic, hooks, notifications, faults)
      listeners.add(listener)
      return { close: async () => { listeners.delete(listener); await listener.close() } }
    },
    async close() {
      await Promise.all([...listeners].map(l => l.close()))
      await db.destroy()
    },
  }
}

/**
 * PGlite is loaded only in its worker thread (pglite-worker.ts), so a build without it, as the production image,
 * runs on PostgreSQL; asked for the embedded database all the same, it says what to do instead of failing in the thread.
 */
function requireEmbeddedDatabase(): void {
  try {
    import.meta.resolve('@electric-sql/pglite')
  } catch {
    throw new Error('the embedded database (@electric-sql/pglite) is not installed in this build, as in the production image: set DATABASE_URL to a PostgreSQL database')
  }
}
