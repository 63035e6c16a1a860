import { Worker } from 'node:worker_threads'
import { availableParallelism } from 'node:os'
import { GatewayError, type ProblemCode } from '../problems.js'
import { forms } from '../forms/index.js'
import type { DocumentFacts, EarlierDocument, FormModule } from '../forms/form-module.js'
import type { XsdIssue, XsdValidator } from '../xml/index.js'
import type { Finding } from './finding.js'

/** A submission parsed in the pool: what intake needs to know of it on the request thread, and where its tree is. */
export interface PooledDocument {
  readonly form: FormModule
  readonly facts: DocumentFacts
  readonly numberPrefix: string
  /** `FormModule.series` of the document, when its form has "documents" rules. */
  readonly series: string | undefined
  readonly needsEarlierContent: boolean
  readonly bytes: Uint8Array
  readonly ref: number
  readonly worker: number
}

/** An earlier document of the series as stored: the worker parses `body` when the rules need its content. */
export type EarlierSource = Omit<EarlierDocument, 'root'> & { readonly body?: Uint8Array }

export interface CheckOptions {
  readonly filingDate: string
  readonly earlier?: readonly EarlierSource[]
}

/**
 * The Validator's work off the request thread. Parsing, the schema check (in the XSD pool) and the rules of a
 * submission run on worker threads; the request thread only passes bytes and findings, so a document of any
 * shape or size never holds up other requests, `/healthz` or the timers.
 */
export interface DocumentPool {
  /** Parses safely and finds the form; throws GatewayError XML_MALFORMED, XML_DOCTYPE_FORBIDDEN or UNKNOWN_DOCUMENT_TYPE. */
  identify(bytes: Uint8Array): Promise<PooledDocument>
  /** XSD, then the rules, as `Validator.validate`. */
  validate(document: PooledDocument, options: CheckOptions): Promise<Finding[]>
  /** The admission rules alone, as `Validator.admit`. */
  admit(document: PooledDocument, options: CheckOptions): Promise<Finding[]>
  /** Lets the worker drop the parsed tree; call once for every identified document. */
  release(document: PooledDocument): void
  close(): Promise<void>
}

export type DocumentTask =
  | { id: number; ref: number; op: 'identify'; bytes: Uint8Array }
  | { id: number; ref: number; op: 'judge'; issues: readonly XsdIssue[]; filingDate: string; earlier?: readonly EarlierSource[] }
  | { id: number; ref: number; op: 'admit'; filingDate: string; earlier?: readonly EarlierSource[] }
  | { id: number; ref: number; op: 'release' }

export type DocumentReply =
  | { id: number; ok: unknown }
  | { id: number; problem: { code: ProblemCode; message: string } }
  | { id: number; failure: string }

export interface DocumentPoolOptions {
  /** Default: one fewer than the cores, at least two, so that one thread always stays free for small documents. */
  readonly workers?: number
  /** A document above this many bytes is large: large ones never occupy every worker. */
  readonly largeBytes?: number
  readonly codeListsDir?: string
}

interface Waiter { resolve(value: unknown): void; reject(error: Error): void; bytes: number }
interface Slot { worker: Worker; waiting: Map<number, Waiter>; queuedBytes: number; large: number }

const formsByType = new Map(forms.map(f => [f.type as string, f]))

export function createDocumentPool(xsd: XsdValidator, options: DocumentPoolOptions = {}): DocumentPool {
  const largeBytes = options.largeBytes ?? 1024 * 1024
  const workerUrl = new URL('./document-worker.js', import.meta.url)
  let nextId = 0
  let nextRef = 0
  let closed = false

  const spawn = (): Slot => {
    const worker = new Worker(workerUrl, { workerData: { codeListsDir: options.codeListsDir } })
    const slot: Slot = { worker, waiting: new Map(), queuedBytes: 0, large: 0 }
    // Like the XSD workers: they hold the process open only while they have work.
    worker.unref()
    worker.on('message', (reply: DocumentReply) => settle(slot, reply))
    worker.on('error', error => replace(slot, error))
    worker.on('exit', () => { if (!closed) replace(slot, new Error('document worker stopped')) })
    return slot
  }
  const slots = Array.from({ length: Math.max(1, options.workers ?? Math.max(2, availableParallelism() - 1)) }, spawn)

  function settle(slot: Slot, reply: DocumentReply): void {
    const waiter = slot.waiting.get(reply.id)
    if (!waiter) return
    slot.waiting.delete(reply.id)
    slot.queuedBytes -= waiter.bytes
    if (waiter.bytes > largeBytes) slot.large--
    if (slot.waiting.size === 0) slot.worker.unref()
    if ('ok' in reply) waiter.resolve(reply.ok)
    else if ('problem' in reply) waiter.reject(new GatewayError(reply.problem.code, reply.problem.message))
    else waiter.reject(new Error(`document worker failed: ${reply.failure}`))
  }

  /** A worker that died (out of memory, a bug) fails only the work it held; a fresh one takes its place. */
  function replace(slot: Slot, error: Error): void {
    for (const waiter of slot.waiting.values()) waiter.reject(error)
    slot.waiting.clear()
    if (closed) return
    const index = slots.indexOf(slot)
    if (index === -1) return
    slot.worker.removeAllListeners()
    void slot.worker.terminate()
    slots[index] = spawn()
  }

  function send<T>(index: number, task: DocumentTask, bytes: number): Promise<T> {
    if (closed) return Promise.reject(new Error('document pool closed'))
    const slot = slots[index]!
    return new Promise<T>((resolve, reject) => {
      slot.waiting.set(task.id, { resolve: resolve as (value: unknown) => void, reject, bytes })
      slot.queuedBytes += bytes
      if (bytes > largeBytes) slot.large++
      slot.worker.ref()
      slot.worker.postMessage(task)
    })
  }

  /** The least loaded worker; a large document never takes the last one without large work, where there are two or more. */
  function pick(bytes: number): number {
    const reserveOne = bytes > largeBytes && slots.length > 1 && slots.filter(s => s.large === 0).length <= 1
    let best = -1
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!
      if (reserveOne && slot.large === 0) continue
      if (best === -1 || slot.queuedBytes < slots[best]!.queuedBytes) best = i
    }
    return best
  }

  const checkOptions = ({ filingDate, earlier }: CheckOptions) => ({ filingDate, ...(earlier ? { earlier } : {}) })

  return {
    async identify(bytes) {
      const worker = pick(bytes.byteLength)
      const ref = ++nextRef
      const known = await send<{ type: string; facts: DocumentFacts; numberPrefix: string; series?: string; needsEarlierContent: boolean }>(
        worker, { id: ++nextId, ref, op: 'identify', bytes }, bytes.byteLength)
      return { form: formsByType.get(known.type)!, facts: known.facts, numberPrefix: known.numberPrefix, series: known.series, needsEarlierContent: known.needsEarlierContent, bytes, ref, worker }
    },

    async validate(document, options) {
      const issues = await xsd.validate(document.form.xsd, document.bytes)
      return send(document.worker, { id: ++nextId, ref: document.ref, op: 'judge', issues, ...checkOptions(options) }, document.bytes.byteLength)
    },

    admit(document, options) {
      return send(document.worker, { id: ++nextId, ref: document.ref, op: 'admit', ...checkOptions(options) }, 0)
    },

    release(document) {
      if (!closed) slots[document.worker]?.worker.postMessage({ id: ++nextId, ref: document.ref, op: 'release' } satisfies DocumentTask)
    },

    async close() {
      closed = true
      for (const slot of slots) replace(slot, new Error('document pool closed'))
      await Promise.all(slots.map(s => s.worker.terminate()))
    },
  }
}
