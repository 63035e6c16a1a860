import type { Worker } from 'node:worker_threads'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { availableParallelism } from 'node:os'
import { largeTaskBytes, startWorker } from '../lib/index.js'

/** One schema violation reported by xmllint for one document. */
export interface XsdIssue {
  readonly line: number
  /** xmllint's message without the file prefix, e.g. `Schemas validity error : Element '{urn:…}Emso': [facet 'pattern'] …`. */
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
  /** WebAssembly memory ceiling per worker, in bytes (a 20,000-row MVP needs a few hundred MiB). */
  readonly maxMemoryBytes?: number
  readonly batchTimeoutMs?: number
  /** How long a short batch may wait for more documents while the validator is busy (0: never). */
  readonly lingerMs?: number
  /** Issues kept per document (default 1,000); xmllint may report one per bad element, 100,000 for one document. */
  readonly maxIssues?: number
}

export interface XsdStats { batches: number; documents: number }

export interface XsdValidator {
  /**
   * Validates one document against `schema` (a file name in schemaDir, or an absolute path); resolves with its
   * first `maxIssues` issues, [] when valid.
   */
  validate(schema: string, bytes: Uint8Array): Promise<XsdIssue[]>
  readonly stats: Readonly<XsdStats>
  close(): Promise<void>
}

interface SchemaFile { readonly fileName: string; readonly contents: string }
interface Pending { schema: string; bytes: Uint8Array; resolve(issues: XsdIssue[]): void; reject(error: Error): void }
interface Slot { worker: Worker; busy: Pending[] | undefined; timer?: NodeJS.Timeout }

/** The .xsd files of a folder, named by their absolute path without the leading slash (xmllint-wasm adds it). */
function xsdFilesIn(folder: string): SchemaFile[] {
  return readdirSync(folder).filter(name => name.endsWith('.xsd'))
    .map(name => ({ fileName: join(folder, name).slice(1), contents: readFileSync(join(folder, name), 'utf8') }))
}

const issueLine = /^(d\d+\.xml):(\d+): (.*)$/

/**
 * XSD validation through a small pool of warm xmllint workers. Documents that arrive while every worker
 * is busy wait in one queue and go together into the next free worker's call, so under load the fixed
 * cost of a call is shared by many documents, and an idle gateway still answers in a few milliseconds.
 */
export function createXsdValidator(options: XsdValidatorOptions): XsdValidator {
  const maxBatchDocs = options.maxBatchDocs ?? 256
  const maxBatchBytes = options.maxBatchBytes ?? 8 * 1024 * 1024
  const batchTimeoutMs = options.batchTimeoutMs ?? 60_000
  const lingerMs = options.lingerMs ?? 2
  const lingerBelow = Math.min(32, maxBatchDocs)
  const largeBytes = options.largeBytes ?? largeTaskBytes
  const isLarge = (p: Pending): boolean => p.bytes.byteLength > largeBytes
  // xmllint's in-memory file system mirrors the real paths, so a relative include resolves as it would on disk.
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
  const maxMemoryPages = Math.ceil((options.maxMemoryBytes ?? 1024 * 1024 * 1024) / 65536)
  const maxIssues = options.maxIssues ?? 1_000
  const workerUrl = new URL('./xsd-worker.js', import.meta.url)
  const queue: Pending[] = []
  const stats: XsdStats = { batches: 0, documents: 0 }
  let closed = false
  let batchId = 0

  const spawn = (): Slot => {
    const slot: Slot = { worker: startWorker(workerUrl, { workerData: { schemaFiles, maxMemoryPages, maxIssues } }), busy: undefined }
    // Workers hold the process open only while they have work, so a CLI run ends when it is done.
    slot.worker.unref()
    slot.worker.on('message', (reply: { exitCode: number; stderr: string }) => finish(slot, reply))
    slot.worker.on('error', error => fail(slot, error))
    slot.worker.on('exit', () => { if (!closed) fail(slot, new Error('xmllint worker stopped')) })
    return slot
  }
  const slots = Array.from({ length: Math.max(1, options.workers ?? Math.max(2, availableParallelism() - 1)) }, spawn)

  let lingering: NodeJS.Timeout | undefined
  let lastBatchAt = 0

  function pump(): void {
    // Under load, a short batch waits a moment for company: a call's fixed cost (instantiation, schema
    // compilation) dwarfs a small document's, so fuller calls leave more of the machine to everything else.
    // An idle validator (no batch in the last second) starts at once.
    if (lingerMs > 0 && queue.length < lingerBelow && performance.now() - lastBatchAt < 1000) {
      lingering ??= setTimeout(() => { lingering = undefined; dispatch() }, lingerMs)
      return
    }
    clearTimeout(lingering)
    lingering = undefined
    dispatch()
  }

  function dispatch(): void {
    for (const slot of slots) {
      if (queue.length === 0) return
      if (slot.busy) continue
      // Large documents never take the last worker without large work, so a small one is never queued behind them.
      const largeAllowed = slots.length === 1 || slots.filter(s => s !== slot && !s.busy?.some(isLarge)).length >= 1
      const first = queue.find(p => largeAllowed || !isLarge(p))
      if (!first) continue
      lastBatchAt = performance.now()
      const schema = first.schema
      const batch: Pending[] = []
      let bytes = 0
      for (let i = 0; i < queue.length && batch.length < maxBatchDocs; ) {
        const item = queue[i]!
        if (item.schema !== schema || (!largeAllowed && isLarge(item)) || (batch.length > 0 && bytes + item.bytes.byteLength > maxBatchBytes)) { i++; continue }
        bytes += item.bytes.byteLength
        batch.push(item)
        queue.splice(i, 1)
      }
      slot.busy = batch
      slot.worker.ref()
      slot.timer = setTimeout(() => { void slot.worker.terminate() }, batchTimeoutMs)
      stats.batches++
      stats.documents += batch.length
      slot.worker.postMessage({ id: ++batchId, schema, files: filesFor(schema), docs: batch.map((p, i) => ({ name: `d${i}.xml`, bytes: p.bytes })) })
    }
  }

  function finish(slot: Slot, reply: { exitCode: number; stderr: string }): void {
    const batch = slot.busy ?? []
    clearTimeout(slot.timer)
    slot.busy = undefined
    slot.worker.unref()
    // xmllint: 0 valid, 3 and 4 validation errors; anything else means the schema or the tool failed.
    if (reply.exitCode !== 0 && reply.exitCode !== 3 && reply.exitCode !== 4) {
      for (const p of batch) p.reject(new Error(`xmllint failed (${reply.exitCode}): ${reply.stderr.slice(0, 500)}`))
    } else {
      const perDoc = new Map<string, XsdIssue[]>()
      for (const text of reply.stderr.split('\n')) {
        const m = issueLine.exec(text)
        if (!m) continue
        const list = perDoc.get(m[1]!) ?? []
        list.push({ line: Number(m[2]), message: m[3]! })
        perDoc.set(m[1]!, list)
      }
      batch.forEach((p, i) => p.resolve(perDoc.get(`d${i}.xml`) ?? []))
    }
    pump()
  }

  function fail(slot: Slot, error: Error): void {
    clearTimeout(slot.timer)
    const batch = slot.busy ?? []
    slot.busy = undefined
    for (const p of batch) p.reject(error)
    if (closed) return
    const index = slots.indexOf(slot)
    if (index !== -1) {
      slot.worker.removeAllListeners()
      void slot.worker.terminate()
      slots[index] = spawn()
    }
    pump()
  }

  return {
    stats,
    validate(schema, bytes) {
      if (closed) return Promise.reject(new Error('validator closed'))
      const path = resolve(schemaDir, schema)
      return new Promise((resolve, reject) => {
        filesFor(path) // read now, so that a missing folder fails this call and not a later batch
        queue.push({ schema: path, bytes, resolve, reject })
        pump()
      })
    },
    async close() {
      closed = true
      clearTimeout(lingering)
      for (const p of queue.splice(0)) p.reject(new Error('validator closed'))
      await Promise.all(slots.map(s => s.worker.terminate()))
    },
  }
}
