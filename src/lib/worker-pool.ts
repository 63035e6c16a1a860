import type { Worker } from 'node:worker_threads'
import { startWorker } from './threads.js'

/**
 * A few worker threads that run the handler modules named at start (each exports `handle(task)`), so that work on
 * untrusted input of any size never runs on the thread that serves requests. A task may be pinned to the worker
 * that holds its state; otherwise it goes to the least loaded one. Large tasks never take the last worker without
 * large work, so small ones are never queued behind them.
 */
export interface WorkerPool {
  /** Runs `task` (with an `op` naming its handler) on `worker`, or on the least loaded one; `bytes` is its weight. */
  run<T>(task: PoolTask, options: { bytes: number; worker?: number }): Promise<{ value: T; worker: number }>
  /** Sends a task whose answer nobody waits for. */
  post(worker: number, task: PoolTask): void
  /** No task is waiting for its answer. */
  readonly idle: boolean
  /** Ends a worker (it must hold nothing still wanted) and starts a fresh one in its place, to give back the memory it grew. */
  restart(worker: number): void
  readonly stats: { readonly workersStarted: number }
  close(): Promise<void>
}

/** Above this many bytes a document is large: it may not take the last worker free for small ones. */
export const largeTaskBytes = 1024 * 1024

export interface PoolTask { readonly op: string; readonly [field: string]: unknown }

export interface WorkerPoolOptions {
  /** Handler modules by op name, as URLs the worker can import. */
  readonly handlers: Readonly<Record<string, string>>
  /** Modules each worker imports before its handlers, for what they register (form modules from outside src/). */
  readonly preload?: readonly string[]
  readonly workers: number
  /** A task above this weight is large. */
  readonly largeBytes: number
  /** Turns an expected refusal thrown by a handler (an error with a string `code`) back into an error on this side. */
  readonly revive: (refusal: Refusal) => Error
}

/** What crosses the thread boundary of an error that a handler threw on purpose. */
export interface Refusal { readonly code: string; readonly message: string; readonly [field: string]: unknown }

type Reply = { id: number; value: unknown } | { id: number; refusal: Refusal } | { id: number; failure: string }
interface Waiter { resolve(value: unknown): void; reject(error: Error): void; bytes: number }
/** A worker's place in the pool; its thread starts with its first task. */
interface Slot { worker: Worker | undefined; waiting: Map<number, Waiter>; queuedBytes: number; large: number }

const hostUrl = new URL('./worker-host.js', import.meta.url)

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  let nextId = 0
  let closed = false
  const stats = { workersStarted: 0 }

  const emptySlot = (): Slot => ({ worker: undefined, waiting: new Map(), queuedBytes: 0, large: 0 })
  // The threads start with the first task, all of them, so that a burst finds them ready: a process that never
  // reads a document (most CLI commands, an idle gateway) starts none.
  const slots = Array.from({ length: Math.max(1, options.workers) }, emptySlot)
  const workerOf = (slot: Slot): Worker => {
    if (slot.worker) return slot.worker
    stats.workersStarted++
    const worker = slot.worker = startWorker(hostUrl, { workerData: { handlers: options.handlers, preload: options.preload ?? [] } })
    // Workers hold the process open only while they have work, so a CLI run ends when it is done.
    worker.unref()
    worker.on('message', (reply: Reply) => settle(slot, reply))
    worker.on('error', error => replace(slot, error))
    worker.on('exit', () => { if (!closed) replace(slot, new Error('worker stopped')) })
    return worker
  }

  function settle(slot: Slot, reply: Reply): void {
    const waiter = slot.waiting.get(reply.id)
    if (!waiter) return
    slot.waiting.delete(reply.id)
    slot.queuedBytes -= waiter.bytes
    if (waiter.bytes > options.largeBytes) slot.large--
    if (slot.waiting.size === 0) slot.worker?.unref()
    if ('value' in reply) waiter.resolve(reply.value)
    else if ('refusal' in reply) waiter.reject(options.revive(reply.refusal))
    else waiter.reject(new Error(`worker failed: ${reply.failure}`))
  }

  /** A worker that died (out of memory, a bug) fails only the work it held; a fresh one takes its place. */
  function replace(slot: Slot, error: Error): void {
    for (const waiter of slot.waiting.values()) waiter.reject(error)
    slot.waiting.clear()
    if (closed) return
    const index = slots.indexOf(slot)
    if (index === -1) return
    slot.worker?.removeAllListeners()
    void slot.worker?.terminate()
    workerOf(slots[index] = emptySlot())
  }

  function pick(bytes: number): number {
    const reserveOne = bytes > options.largeBytes && slots.length > 1 && slots.filter(s => s.large === 0).length <= 1
    let best = -1
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!
      if (reserveOne && slot.large === 0) continue
      if (best === -1 || slot.queuedBytes < slots[best]!.queuedBytes) best = i
    }
    return best
  }

  return {
    stats,
    run<T>(task: PoolTask, { bytes, worker }: { bytes: number; worker?: number }) {
      if (closed) return Promise.reject(new Error('worker pool closed'))
      slots.forEach(workerOf)
      const index = worker ?? pick(bytes)
      const slot = slots[index]!
      const id = ++nextId
      return new Promise<{ value: T; worker: number }>((resolve, reject) => {
        slot.waiting.set(id, { resolve: value => resolve({ value: value as T, worker: index }), reject, bytes })
        slot.queuedBytes += bytes
        if (bytes > options.largeBytes) slot.large++
        slot.worker!.ref()
        slot.worker!.postMessage({ ...task, id })
      })
    },

    post(worker, task) {
      if (!closed) slots[worker]?.worker?.postMessage({ ...task, id: ++nextId, noReply: true })
    },

    get idle() {
      return slots.every(s => s.waiting.size === 0)
    },

    restart(worker) {
      const slot = slots[worker]
      if (slot?.worker) replace(slot, new Error('worker restarted'))
    },

    async close() {
      closed = true
      for (const slot of slots) replace(slot, new Error('worker pool closed'))
      await Promise.all(slots.map(s => s.worker?.terminate()))
    },
  }
}
