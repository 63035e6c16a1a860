import { Worker } from 'node:worker_threads'
import {
  CompiledQuery, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult,
} from 'kysely'

/**
 * Kysely over PGlite running in a worker thread (pglite-worker.ts). PGlite is one Postgres backend, so
 * there is one connection and callers queue for it; a transaction holds it from BEGIN to COMMIT.
 * (Kysely ships a PGlite dialect only for Node 22 and later, and it runs PGlite on the calling thread.)
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly options: { dataDir?: string }) {}
  createAdapter() { return new PostgresAdapter() }
  createDriver(): Driver { return new PGliteDriver(this.options.dataDir) }
  createIntrospector(db: Kysely<any>) { return new PostgresIntrospector(db) }
  createQueryCompiler() { return new PostgresQueryCompiler() }
}

/** A database error as PGlite raised it, with its SQLSTATE `code` (23505: unique violation). */
export class PGliteError extends Error {
  constructor(message: string, readonly code?: string, readonly detail?: string, readonly constraint?: string) {
    super(message)
  }
}

type Reply = { id: number; rows?: unknown[]; affectedRows?: number; error?: { message: string; code?: string; detail?: string; constraint?: string } }

class PGliteDriver implements Driver {
  private worker: Worker | undefined
  private readonly pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>()
  private nextId = 0
  private queue: Promise<void> = Promise.resolve()
  private release: (() => void) | undefined
  private readonly connection: DatabaseConnection

  constructor(private readonly dataDir: string | undefined) {
    this.connection = {
      executeQuery: <R>(compiled: CompiledQuery) => this.execute<R>(compiled),
      // eslint-disable-next-line require-yield
      streamQuery: async function* () { throw new Error('streaming is not used with PGlite') },
    }
  }

  async init(): Promise<void> {
    const worker = new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData: { dataDir: this.dataDir } })
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve())
      worker.once('error', reject)
    })
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id)
      if (!waiter) return
      this.pending.delete(reply.id)
      waiter.resolve(reply)
    })
    worker.on('error', error => {
      for (const waiter of this.pending.values()) waiter.reject(error)
      this.pending.clear()
    })
    this.worker = worker
  }

  private async execute<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const id = ++this.nextId
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker!.postMessage({ id, sql: compiled.sql, params: compiled.parameters })
    })
    if (reply.error) throw new PGliteError(reply.error.message, reply.error.code, reply.error.detail, reply.error.constraint)
    return {
      rows: (reply.rows ?? []) as R[],
      ...(reply.affectedRows !== undefined ? { numAffectedRows: BigInt(reply.affectedRows) } : {}),
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue
    let release!: () => void
    this.queue = new Promise(resolve => { release = resolve })
    await previous
    this.release = release
    return this.connection
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(): Promise<void> {
    const release = this.release
    this.release = undefined
    release?.()
  }

  async destroy(): Promise<void> {
    const worker = this.worker
    if (!worker) return
    this.worker = undefined
    await new Promise<void>(resolve => {
      worker.once('message', () => resolve())
      worker.once('exit', () => resolve())
      worker.postMessage({ close: true })
    })
    await worker.terminate()
  }
}
