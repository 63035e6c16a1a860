import { accessSync, constants, mkdirSync } from 'node:fs'
import type { Kysely } from 'kysely'
import type { Database } from '../db/index.js'
import type { Clock } from '../lib/index.js'
import { checkpointFiles, writeCheckpoint, type CheckpointReason, type CheckpointSigner, type WrittenCheckpoint } from './checkpoints.js'

export interface CheckpointerOptions {
  /** AUDIT_ANCHOR_DIR. */
  readonly dir: string
  readonly signer: CheckpointSigner
  /** How often the server writes one while entries are added (SPEC.md §3: at least every 10 minutes). */
  readonly intervalMs?: number
  /** How soon it tries again after a failed write (the database was away). */
  readonly retryMs?: number
  readonly onWritten?: (checkpoint: WrittenCheckpoint) => void
  readonly onError?: (error: unknown) => void
}

export interface Checkpointer {
  readonly dir: string
  /** Starts the periodic checkpoints; throws, naming AUDIT_ANCHOR_DIR, when the folder cannot be made or written. */
  start(): void
  /** Stops them and writes a last checkpoint if entries were added since the previous one (graceful shutdown). */
  stop(): Promise<void>
  /** Writes a checkpoint now (`ehrs audit checkpoint`), whether or not entries were added. */
  write(reason: CheckpointReason, actor: string): Promise<WrittenCheckpoint>
}

/** Writes one checkpoint at a time, each after the last, so that their entry lists follow one another. */
export function createCheckpointer(db: Kysely<Database>, clock: Clock, options: CheckpointerOptions): Checkpointer {
  const intervalMs = options.intervalMs ?? 10 * 60_000
  const retryMs = options.retryMs ?? 30_000
  let queue: Promise<unknown> = Promise.resolve()
  let lastSeq: number | undefined
  let timer: NodeJS.Timeout | undefined
  let isStarted = false

  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task)
    queue = result.catch(() => {})
    return result
  }
  const write = (reason: CheckpointReason, actor: string): Promise<WrittenCheckpoint> => serial(async () => {
    const written = await writeCheckpoint(db, { dir: options.dir, signer: options.signer, at: clock.now(), reason, actor })
    lastSeq = written.seq
    options.onWritten?.(written)
    return written
  })
  // "Changed" leaves out checkpoint entries, so that instances sharing one database do not answer each other's forever.
  const writeIfChanged = (reason: CheckpointReason): Promise<WrittenCheckpoint | undefined> => serial(async () => {
    lastSeq ??= Number(/^checkpoint-(\d+)-/.exec(checkpointFiles(options.dir).at(-1) ?? '')?.[1] ?? 0)
    const added = await db.selectFrom('audit_log').select('seq').where('seq', '>', lastSeq).where('action', '<>', 'audit.checkpoint').limit(1).executeTakeFirst()
    if (!added) return undefined
    const written = await writeCheckpoint(db, { dir: options.dir, signer: options.signer, at: clock.now(), reason, actor: 'system' })
    lastSeq = written.seq
    options.onWritten?.(written)
    return written
  })
  const schedule = (ms: number): void => {
    if (!isStarted) return
    timer = setTimeout(() => {
      writeIfChanged('interval').then(() => schedule(intervalMs), error => {
        options.onError?.(error)
        schedule(retryMs)
      })
    }, ms)
    timer.unref()
  }

  return {
    dir: options.dir,
    start() {
      try {
        mkdirSync(options.dir, { recursive: true, mode: 0o750 })
        accessSync(options.dir, constants.W_OK)
      } catch (error) {
        throw new Error(`AUDIT_ANCHOR_DIR: cannot write signed audit checkpoints to ${options.dir} (${(error as Error).message})`, { cause: error })
      }
      isStarted = true
      schedule(intervalMs)
    },
    async stop() {
      if (!isStarted) return
      isStarted = false
      clearTimeout(timer)
      try {
        await writeIfChanged('shutdown')
      } catch (error) {
        options.onError?.(error)
      }
    },
    write,
  }
}
