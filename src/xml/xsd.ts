import type { Worker } from 'node:worker_threads'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { availableParallelism } from 'node:os'
import { largeTaskBytes, startWorker } from '../lib/index.js'

/** One schema violation reported by libxml2 for one document. */
export interface XsdIssue {
  readonly line: number
  /** libxml2's message, e.g. `Element '{urn:…}Emso': [facet 'pattern'] …`; `parser error : …` when the document is not well-formed. */
  readonly message: string
}

export interface XsdValidatorOptions {
  /**
   * Folder with every schema file; all are loaded so that includes resolve. A schema given by absolute path
   * elsewhere is loaded on first use with the .xsd files beside it; it may include those, and schemaDir's
   * files by their relative path (`../../xsd/common.xsd`), as it would on disk.
   */
  readonly schemaDir: string
  /**
   * Default: one fewer than the cores, leaving a core to TLS, HTTP and the database, and at least two, so that
   * one is always free for small documents.
   */
  readonly workers?: number
  /** A document above this many bytes is large: large ones never occupy every worker. */
  readonly largeBytes?: number
  /** A batch closes at this many documents or bytes, whichever comes first. */
  readonly maxBatchDocs?: number
  readonly maxBatchBytes?: number
  readonly batchTimeoutMs?: number
  /** Issues kept per document (default 1,000); libxml2 may report one per bad element, 100,000 for one document. */
  readonly maxIssues?: number
  /** How long the validator must be idle before a worker that validated a large document is replaced (default 2 s). */
  readonly quietMs?: number
}

export interface XsdStats { batches: number; documents: number; workersStarted: number }

export interface XsdValidator {
  /**
   * Validates one document against `schema` (a file name in schemaDir, or an absolute path); resolves with its
   * first `maxIssues` issues, [] when valid.
   */
  validate(schema: string, bytes: Uint8Array): Promise<XsdIssue[]>
  readonly stats: Readonly<XsdStats>
  close(): Promise<void>
}

interface SchemaFile { readonly path: string; readonly contents: string }
interface Pending { schema: string; bytes: Uint8Array; resolve(issues: XsdIssue[]): void; reject(error: Error): void }
type Reply = { issues: XsdIssue[][] } | { error: string } | { ready: true }
/** `ready` once the worker has loaded libxml2: until then it takes no work, which a running worker does sooner. */
interface Slot { worker: Worker; ready: boolean; busy: Pending[] | undefined; timer?: NodeJS.Timeout; grown?: boolean; retire?: NodeJS.Timeout }

/** The .xsd files of a folder, by absolute path. */
function xsdFilesIn(folder: string): SchemaFile[] {
  return readdirSync(folder).filter(name => name.endsWith('.xsd'))
    .map(name => ({ path: join(folder, name), contents: readFileSync(join(folder, name), 'utf8') }))
}

/**
 * XSD validation through a small pool of workers, each keeping the schemas it compiled. Documents that arrive
 * while every worker is busy wait in one queue and go together to the next free worker in one message.
 */
export function createXsdValidator(options: XsdValidatorOptions): XsdValidator {
  const maxBatchDocs = options.maxBatchDocs ?? 256
  const maxBatchBytes = options.maxBatchBytes ?? 8 * 1024 * 1024
  const batchTimeoutMs = options.batchTimeoutMs ?? 60_000
  const quietMs = options.quietMs ?? 2_000
  const largeBytes = options.largeBytes ?? largeTaskBytes
  const isLarge = (p: Pending): boolean => p.bytes.byteLength > largeBytes
  // The workers' schema files keep their real paths, so a relative include resolves as it would on disk.
  const schemaDir = resolve(options.schemaDir)
  const schemaFiles = xsdFilesIn(schemaDir)
  const otherFolders = new Map<string, SchemaFile[]>()
  const filesFor = (schema: string): SchemaFile[] => {
    const folder = dirname(schema)
    if (folder === schemaDir) return []
    let files = otherFolders.get(folder)
    if (!files) otherFolders.set(folder, files = xsdFilesIn(folder))
    return files
  }
  const maxIssues = options.maxIssues ?? 1_000
  const workerUrl = new URL('./xsd-worker.js', import.meta.url)
  const queue: Pending[] = []
  const stats: XsdStats = { batches: 0, documents: 0, workersStarted: 0 }
  let closed = false
  let batchId = 0

  const spawn = (): Slot => {
    stats.workersStarted++
    const slot: Slot = { worker: startWorker(workerUrl, { workerData: { schemaFiles, maxIssues } }), ready: false, busy: undefined }
    // Workers hold the process open only while they have work, so a CLI run ends when it is done.
    slot.worker.unref()
    slot.worker.on('message', (reply: Reply) => finish(slot, reply))
    slot.worker.on('error', error => fail(slot, error))
    slot.worker.on('exit', () => { if (!closed) fail(slot, new Error('XSD worker stopped')) })
    return slot
  }
  // The workers start with the first document, all of them, so that a burst finds them ready: a process that never
  // validates (most CLI commands, an idle gateway) starts none.
  const slots: (Slot | undefined)[] = Array.from({ length: Math.max(1, options.workers ?? Math.max(2, availableParallelism() - 1)) })

  function dispatch(): void {
    if (queue.length > 0) slots.forEach((slot, index) => { slots[index] = slot ?? spawn() })
    for (let index = 0; index < slots.length; index++) {
      if (queue.length === 0) return
      if (!slots[index]?.ready || slots[index]?.busy) continue
      // Large documents never take the last worker without large work, so a small one is never queued behind them.
      const largeAllowed = slots.length === 1 || slots.some((s, i) => i !== index && !s?.busy?.some(isLarge))
      const first = queue.find(p => largeAllowed || !isLarge(p))
      if (!first) continue
      const slot = slots[index]!
      const schema = first.schema
      // A large document goes alone, so that no small one waits for it in the same batch.
      const batch: Pending[] = []
      let bytes = 0
      for (let i = 0; i < queue.length && batch.length < maxBatchDocs; ) {
        const item = queue[i]!
        const fits = item === first || (!isLarge(first) && !isLarge(item) && item.schema === schema && bytes + item.bytes.byteLength <= maxBatchBytes)
        if (!fits) { i++; continue }
        bytes += item.bytes.byteLength
        batch.push(item)
        queue.splice(i, 1)
      }
      slot.busy = batch
      slot.worker.ref()
      slot.timer = setTimeout(() => { void slot.worker.terminate() }, batchTimeoutMs)
      stats.batches++
      stats.documents += batch.length
      slot.worker.postMessage({ id: ++batchId, schema, files: filesFor(schema), docs: batch.map(p => p.bytes) })
    }
  }

  function finish(slot: Slot, reply: Reply): void {
    if ('ready' in reply) {
      slot.ready = true
      dispatch()
      return
    }
    const batch = slot.busy ?? []
    clearTimeout(slot.timer)
    slot.busy = undefined
    slot.worker.unref()
    if ('error' in reply) {
      for (const p of batch) p.reject(new Error(`XSD validation failed: ${reply.error}`))
    } else {
      batch.forEach((p, i) => p.resolve(reply.issues[i] ?? []))
    }
    if (batch.some(isLarge)) slot.grown = true
    dispatch()
    for (const s of slots) if (s?.grown && !s.busy) retireWhenQuiet(s)
  }

  /**
   * A worker that validated a large document is replaced once the validator has been idle a while: its WebAssembly
   * memory, grown for the document's tree, is never given back otherwise. Not during a burst, where the new worker's
   * start would take the cores from the documents.
   */
  function retireWhenQuiet(slot: Slot): void {
    clearTimeout(slot.retire)
    slot.retire = setTimeout(() => {
      if (queue.length === 0 && slots.every(s => !s?.busy)) replace(slot)
    }, quietMs)
    slot.retire.unref()
  }

  /** Stops a worker and starts another in its place (`respawn`), or when work next comes. */
  function replace(slot: Slot, respawn = true): void {
    clearTimeout(slot.retire)
    const index = slots.indexOf(slot)
    if (index === -1 || closed) return
    slot.worker.removeAllListeners()
    void slot.worker.terminate()
    slots[index] = respawn ? spawn() : undefined
  }

  function fail(slot: Slot, error: Error): void {
    clearTimeout(slot.timer)
    const batch = slot.busy ?? []
    slot.busy = undefined
    for (const p of batch) p.reject(error)
    // A worker that died before it was ready would die again: the documents waiting fail now rather than never.
    if (!slot.ready) for (const p of queue.splice(0)) p.reject(error)
    replace(slot, slot.ready)
    dispatch()
  }

  return {
    stats,
    validate(schema, bytes) {
      if (closed) return Promise.reject(new Error('validator closed'))
      const path = resolve(schemaDir, schema)
      return new Promise((resolve, reject) => {
        filesFor(path) // read now, so that a missing folder fails this call and not a later batch
        queue.push({ schema: path, bytes, resolve, reject })
        dispatch()
      })
    },
    async close() {
      closed = true
      for (const p of queue.splice(0)) p.reject(new Error('validator closed'))
      await Promise.all(slots.map(s => s?.worker.terminate()))
    },
  }
}
