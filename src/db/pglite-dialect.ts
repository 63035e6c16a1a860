import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import {
  CompiledQuery, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult,
} from 'kysely'
import { DatabaseUnavailableError } from './faults.js'
import { startWorker } from '../lib/index.js'

export interface PGliteOptions {
  /** The data folder; absent means in memory (tests). */
  readonly dataDir?: string
  /**
   * A data folder as PGlite's `dumpDataDir` writes it (a tar file), opened instead of an empty one: a new database
   * then starts without PGlite's few seconds of initdb (the tests open one migrated template many times).
   */
  readonly initialData?: Uint8Array
  /** DB_STATEMENT_TIMEOUT: the longest a caller waits for the connection, and the longest one statement may run. */
  readonly statementTimeoutMs?: number
  /** Called when the embedded database is given up and reopened (a statement ran too long, the thread died). */
  readonly onRestart?: (error: Error) => void
  /** A NOTIFY heard on a channel this connection LISTENs on, once its transaction committed. */
  readonly onNotification?: (channel: string) => void
}

/**
 * Kysely over PGlite running in a worker thread (pglite-worker.ts). PGlite is one Postgres backend, so
 * there is one connection and callers queue for it; a transaction holds it from BEGIN to COMMIT.
 * (Kysely ships a PGlite dialect only for Node 22 and later, and it runs PGlite on the calling thread.)
 *
 * PGlite cannot cancel a statement: it has no signals, so it accepts `statement_timeout` and ignores it, and a
 * statement runs to its end on the worker's thread. With a data folder, a statement that outlives the timeout is
 * cancelled the only way there is: the thread is terminated and PGlite reopened on the folder, which recovers from
 * its write-ahead log as after a crash (the open transaction is lost, as a killed backend's is). This is also how
 * the gateway survives a full disk: PGlite reports the first failed write as SQLSTATE 53100, but a failed write to
 * its write-ahead log leaves the instance spinning in its next statement; reopening fails while the disk is full
 * and succeeds once there is space again. In memory a reopen would lose every row: there a late statement runs on,
 * the statements behind it wait, and callers are answered at the timeout all the same.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly options: PGliteOptions) {}
  createAdapter() { return new PostgresAdapter() }
  createDriver(): Driver { return new PGliteDriver(this.options) }
  createIntrospector(db: Kysely<any>) { return new PostgresIntrospector(db) }
  createQueryCompiler() { return new PostgresQueryCompiler() }
}

/** A database error as PGlite raised it, with its SQLSTATE `code` (23505: unique violation). */
export class PGliteError extends Error {
  constructor(message: string, readonly code?: string, readonly detail?: string, readonly constraint?: string) {
    super(message)
  }
}

type Reply = {
  id: number; rows?: unknown[]; affectedRows?: number; notification?: string
  error?: { message: string; code?: string; detail?: string; constraint?: string; fatal?: boolean }
}

interface Instance {
  readonly worker: Worker
  readonly ready: Promise<void>
  readonly pending: Map<number, { resolve(r: Reply): void; reject(e: Error): void }>
}

/** One turn with the connection; a lease from before a restart has lost its transaction with the old instance. */
interface Lease { readonly connection: DatabaseConnection; readonly generation: number }

// PGlite takes a few seconds to open (longer when it recovers); a reopen that takes longer than this has failed.
const openTimeoutMs = 60_000
const reopenBackoffMs = { first: 500, max: 10_000 }

class PGliteDriver implements Driver {
  private instance: Instance | undefined
  private generation = 0
  private nextId = 0
  private holder: Lease | undefined
  private readonly waiters: { grant(lease: Lease): void }[] = []
  private reopenAt = 0
  private reopenDelayMs = reopenBackoffMs.first
  private destroyed = false

  constructor(private readonly options: PGliteOptions) {}

  async init(): Promise<void> {
    const isNew = this.options.dataDir !== undefined && !existsSync(join(this.options.dataDir, 'PG_VERSION'))
    await this.open().ready
    if (!isNew) return
    // Creating a data folder (initdb) grows PGlite's memory to several hundred MB, and WebAssembly memory never
    // shrinks: a new thread on the folder it made starts small, as every later start of the gateway does.
    await this.closeInstance()
    await this.open().ready
  }

  private open(): Instance {
    const worker = startWorker(new URL('./pglite-worker.js', import.meta.url))
    // The thread starts while the module is compiled (the first time); without it, PGlite loads its own.
    const start = { dataDir: this.options.dataDir, initialData: this.options.initialData }
    void pgliteModule().then(wasmModule => worker.postMessage({ ...start, wasmModule }), () => worker.postMessage(start))
    const pending: Instance['pending'] = new Map()
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DatabaseUnavailableError('the embedded database did not open in time', 'restarting')), openTimeoutMs)
      worker.once('message', () => { clearTimeout(timer); resolve() })
      worker.once('error', error => { clearTimeout(timer); reject(error) })
      worker.once('exit', () => { clearTimeout(timer); reject(new DatabaseUnavailableError('the embedded database ended while opening', 'restarting')) })
    })
    const instance: Instance = { worker, ready, pending }
    ready.catch(error => this.abandon(instance, error))
    worker.on('message', (reply: Reply) => {
      if (reply.notification !== undefined) {
        this.options.onNotification?.(reply.notification)
        return
      }
      const waiter = pending.get(reply.id)
      if (!waiter) return
      pending.delete(reply.id)
      waiter.resolve(reply)
    })
    // The thread died (PGlite aborted): every statement in it failed, and the next one opens PGlite again.
    worker.on('error', error => this.abandon(instance, error))
    worker.on('exit', () => this.abandon(instance, new DatabaseUnavailableError('the embedded database thread ended', 'connection_lost')))
    this.instance = instance
    return instance
  }

  /** Gives an instance up: its statements fail, its thread is ended, and the next statement opens a new one (data folder only). */
  private abandon(instance: Instance, error: Error): void {
    if (this.instance !== instance) return
    this.instance = undefined
    this.generation++
    const lost = error instanceof DatabaseUnavailableError ? error : new DatabaseUnavailableError('the embedded database failed', 'connection_lost', { cause: error })
    for (const waiter of instance.pending.values()) waiter.reject(lost)
    instance.pending.clear()
    void instance.worker.terminate()
    if (!this.destroyed) this.options.onRestart?.(lost)
  }

  /** The open instance, (re)opening PGlite when there is none; waits at most `waitMs`. */
  private async current(waitMs: number | undefined): Promise<Instance> {
    let instance = this.instance
    if (!instance) {
      if (!this.options.dataDir) throw new DatabaseUnavailableError('the in-memory embedded database is gone', 'connection_lost')
      if (Date.now() < this.reopenAt) throw new DatabaseUnavailableError('the embedded database is reopening', 'restarting')
      instance = this.open()
      // While the disk is full the reopen fails: try again later, less often each time.
      instance.ready.then(() => { this.reopenDelayMs = reopenBackoffMs.first }, () => {
        this.reopenAt = Date.now() + this.reopenDelayMs
        this.reopenDelayMs = Math.min(reopenBackoffMs.max, this.reopenDelayMs * 2)
      })
    }
    await withTimeout(instance.ready, waitMs, () => new DatabaseUnavailableError('the embedded database is reopening', 'restarting')).catch(error => {
      throw error instanceof DatabaseUnavailableError ? error : new DatabaseUnavailableError('the embedded database could not be reopened', 'restarting', { cause: error })
    })
    return instance
  }

  private async execute<R>(compiled: CompiledQuery, lease: Lease): Promise<QueryResult<R>> {
    if (lease.generation !== this.generation) {
      // The transaction ended with the instance it ran in: there is nothing left to roll back.
      if (/^rollback$/i.test(compiled.sql)) return { rows: [] }
      throw new DatabaseUnavailableError('the embedded database was reopened during this transaction', 'connection_lost')
    }
    const timeoutMs = this.options.statementTimeoutMs
    const instance = await this.current(timeoutMs)
    const id = ++this.nextId
    const reply = await new Promise<Reply>((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        instance.pending.delete(id)
        const error = new DatabaseUnavailableError(`a statement of the embedded database ran longer than ${timeoutMs} ms`, 'statement_timeout')
        reject(error)
        if (this.options.dataDir) this.abandon(instance, error)
      }, timeoutMs)
      instance.pending.set(id, {
        resolve: r => { clearTimeout(timer); resolve(r) },
        reject: e => { clearTimeout(timer); reject(e) },
      })
      instance.worker.postMessage({ id, sql: compiled.sql, params: compiled.parameters })
    })
    if (reply.error?.fatal) throw new DatabaseUnavailableError(`the embedded database failed: ${reply.error.message}`, 'connection_lost')
    if (reply.error) throw new PGliteError(reply.error.message, reply.error.code, reply.error.detail, reply.error.constraint)
    return {
      rows: (reply.rows ?? []) as R[],
      ...(reply.affectedRows !== undefined ? { numAffectedRows: BigInt(reply.affectedRows) } : {}),
    }
  }

  private lease(): Lease {
    const lease: Lease = {
      generation: this.generation,
      connection: {
        executeQuery: <R>(compiled: CompiledQuery) => this.execute<R>(compiled, lease),
        // eslint-disable-next-line require-yield
        streamQuery: async function* () { throw new Error('streaming is not used with PGlite') },
      },
    }
    return lease
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.holder) {
      this.holder = this.lease()
      return this.holder.connection
    }
    const timeoutMs = this.options.statementTimeoutMs
    return new Promise<DatabaseConnection>((resolve, reject) => {
      const waiter = {
        grant: (lease: Lease) => { clearTimeout(timer); resolve(lease.connection) },
      }
      // A caller never waits for the one connection longer than a statement may run (SPEC.md §8).
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1)
        reject(new DatabaseUnavailableError(`waited ${timeoutMs} ms for the embedded database`, 'connect_timeout'))
      }, timeoutMs)
      this.waiters.push(waiter)
    })
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'))
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) throw error
      // A rollback that fails leaves PGlite in a state nobody knows (after a failed write to a full disk it answers
      // "cannot drop active portal"): with a data folder the instance is given up and reopened, as a crashed one is.
      const lost = new DatabaseUnavailableError(`the embedded database could not roll back: ${(error as Error).message}`, 'connection_lost', { cause: error })
      if (this.instance && this.options.dataDir) this.abandon(this.instance, lost)
      throw lost
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (this.holder?.connection !== connection) return
    const next = this.waiters.shift()
    this.holder = next ? this.lease() : undefined
    if (next) next.grant(this.holder!)
  }

  async destroy(): Promise<void> {
    this.destroyed = true
    await this.closeInstance()
  }

  private async closeInstance(): Promise<void> {
    const instance = this.instance
    if (!instance) return
    this.instance = undefined
    const { worker } = instance
    // A wedged instance never answers `close`: it is ended all the same.
    await withTimeout(new Promise<void>(resolve => {
      worker.once('message', () => resolve())
      worker.once('exit', () => resolve())
      worker.postMessage({ close: true })
    }), 5_000, () => new Error('close timed out')).catch(() => undefined)
    await worker.terminate()
  }
}

let compiledPglite: Promise<WebAssembly.Module> | undefined

/**
 * PGlite's WebAssembly module, compiled once per process and shared by every PGlite thread it opens (a reopen after
 * a fault, each test's database): compiling its 9 MB anew cost each opening about half a second of CPU.
 */
function pgliteModule(): Promise<WebAssembly.Module> {
  compiledPglite ??= readFile(new URL('pglite.wasm', import.meta.resolve('@electric-sql/pglite'))).then(wasm => WebAssembly.compile(wasm))
  compiledPglite.catch(() => { compiledPglite = undefined })
  return compiledPglite
}

function withTimeout<T>(promise: Promise<T>, ms: number | undefined, error: () => Error): Promise<T> {
  if (ms === undefined) return promise
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(error()), ms)
    promise.then(v => { clearTimeout(timer); resolve(v) }, e => { clearTimeout(timer); reject(e) })
  })
}
