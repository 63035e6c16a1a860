import { availableParallelism } from 'node:os'
import { createWorkerPool, largeTaskBytes, type Refusal } from '../lib/index.js'
import { GatewayError, type ProblemCode } from '../problems.js'
import { formOf, type DocumentEntry, type DocumentFacts, type EarlierDocument, type FormModule, type OfficialEmployer, type PairingFacts } from '../forms/index.js'
import type { XmlElement } from '../xml/index.js'
import type { Finding } from '../validation/index.js'

/** A submission parsed in the pool: what intake needs to know of it on the request thread, and where its tree is. */
export interface PooledDocument {
  readonly form: FormModule
  readonly facts: DocumentFacts
  readonly numberPrefix: string
  /** `FormModule.series` of the document, when its form has "documents" rules. */
  readonly series: string | undefined
  readonly needsEarlierContent: boolean
  /** `FormModule.pairing` facts: what a preliminary registration awaits, or which ones a document confirms. */
  readonly pairing: PairingFacts | undefined
  /** `sp`: a document in Sociálna poisťovňa's own format (sk-official.md), read into the form's own vocabulary. */
  readonly format: 'ehrs' | 'sp'
  /** Of an official document: what it says of its employer (sk-official.md §1.3), and whether it is a batch. */
  readonly official?: { readonly employer: OfficialEmployer; readonly batch: boolean }
  /** Of a document of several (a registration list of 2–300, an official ELDP): its entries, as the view lists them. */
  readonly entries: readonly DocumentEntry[]
  readonly bytes: Uint8Array
  readonly ref: number
  readonly worker: number
}

/** An earlier document of the series as stored: the worker parses `body` when the rules need its content. */
export type EarlierSource = Omit<EarlierDocument, 'root'> & { readonly body?: Uint8Array }

export interface CheckOptions {
  readonly filingDate: string
  readonly earlier?: readonly EarlierSource[]
  /** The employer's DIČ of an official document that does not name it (its IČZ binding). */
  readonly employer?: string
  /** Of an official batch: the earlier documents of each entry's series, in entry order. */
  readonly entryEarlier?: readonly (readonly EarlierSource[])[]
}

/**
 * The Validator's work off the request thread. Parsing, the schema check and the rules of a submission run on
 * worker threads, each document's on the one that parsed it; the request thread only passes bytes and findings, so
 * a document of any shape or size never holds up other requests, `/healthz` or the timers.
 */
export interface DocumentPool {
  /** Parses safely and finds the form; throws GatewayError XML_MALFORMED, XML_DOCTYPE_FORBIDDEN or UNKNOWN_DOCUMENT_TYPE. */
  identify(bytes: Uint8Array): Promise<PooledDocument>
  /** XSD, then the rules, as `Validator.validate`. */
  validate(document: PooledDocument, options: CheckOptions): Promise<Finding[]>
  /** The admission rules alone, as `Validator.admit`. */
  admit(document: PooledDocument, options: CheckOptions): Promise<Finding[]>
  /**
   * Parses a stored document on a worker and answers only the elements named in `keep` (see document-worker.ts), so
   * that reading a large report never holds up the request thread.
   */
  outline(bytes: Uint8Array, keep: readonly string[]): Promise<XmlElement>
  /**
   * The same outline of an identified document, from the tree its worker holds (not parsed again), as JSON text: a
   * string crosses threads as one copy, where a tree of 40,000 elements would be rebuilt on the request thread.
   */
  outlineOf(document: PooledDocument, keep: readonly string[]): Promise<string>
  /** Lets the worker drop the parsed tree; call once for every identified document. */
  release(document: PooledDocument): void
  readonly stats: { readonly workersStarted: number }
  close(): Promise<void>
}

export type DocumentTask =
  | { op: 'identify'; ref: number; bytes: Uint8Array }
  | { op: 'validate'; ref: number; filingDate: string; employer?: string; earlier?: readonly EarlierSource[]; entryEarlier?: readonly (readonly EarlierSource[])[] }
  | { op: 'admit'; ref: number; filingDate: string; earlier?: readonly EarlierSource[]; entryEarlier?: readonly (readonly EarlierSource[])[] }
  | { op: 'release'; ref: number }
  | { op: 'outline'; bytes: Uint8Array; keep: readonly string[] }
  | { op: 'outline'; ref: number; keep: readonly string[]; json: true }

export interface DocumentPoolOptions {
  /** Default: one fewer than the cores, at least two, so that one thread always stays free for small documents. */
  readonly workers?: number
  /** A document above this many bytes is large: large ones never occupy every worker. */
  readonly largeBytes?: number
  /** Form modules from outside src/ (URLs) that the workers load too, so that they judge those forms' documents. */
  readonly formModules?: readonly string[]
  /** How long the pool must be idle before a worker that checked a large document is replaced (default 2 s). */
  readonly quietMs?: number
}

const handler = new URL('./document-worker.js', import.meta.url).href

/** Rebuilds a refusal thrown in a worker as the GatewayError it was. */
function reviveProblem({ code, message, findings }: Refusal): Error {
  return new GatewayError(code as ProblemCode, message, (findings ?? []) as Finding[])
}

export function createDocumentPool(options: DocumentPoolOptions = {}): DocumentPool {
  const largeBytes = options.largeBytes ?? largeTaskBytes
  const pool = createWorkerPool({
    handlers: { identify: handler, validate: handler, admit: handler, release: handler, outline: handler },
    workers: options.workers ?? Math.max(2, availableParallelism() - 1),
    largeBytes,
    revive: reviveProblem,
    ...(options.formModules ? { preload: options.formModules } : {}),
  })
  let nextRef = 0
  const task = <T>(document: PooledDocument, body: DocumentTask, bytes: number): Promise<T> =>
    pool.run<T>(body, { bytes, worker: document.worker }).then(r => r.value)
  const checkOptions = ({ filingDate, earlier, entryEarlier }: CheckOptions) => ({ filingDate, ...(earlier ? { earlier } : {}), ...(entryEarlier ? { entryEarlier } : {}) })

  /**
   * A worker whose schema check read a large document keeps libxml2's WebAssembly memory grown to that document's
   * tree: memory a WebAssembly instance never gives back. Once the pool has been idle a while, and the worker holds
   * no document, it is replaced. Not during a burst, where the new worker's start would take the cores from the
   * documents.
   */
  const quietMs = options.quietMs ?? 2_000
  const held = new Map<number, number>()
  const grown = new Set<number>()
  let quiet: NodeJS.Timeout | undefined
  const retireGrownWhenQuiet = (): void => {
    clearTimeout(quiet)
    if (grown.size === 0) return
    quiet = setTimeout(() => {
      // Busy with work that neither validates nor releases (an outline, an admission): look again later.
      if (!pool.idle) return retireGrownWhenQuiet()
      for (const worker of grown) {
        if ((held.get(worker) ?? 0) > 0) continue
        grown.delete(worker)
        pool.restart(worker)
      }
    }, quietMs)
    quiet.unref()
  }
  const hold = (worker: number, change: number): void => {
    held.set(worker, (held.get(worker) ?? 0) + change)
  }

  return {
    async identify(bytes) {
      const ref = ++nextRef
      const { value: known, worker } = await pool.run<Omit<PooledDocument, 'form' | 'bytes' | 'ref' | 'worker'> & { type: string }>(
        { op: 'identify', ref, bytes }, { bytes: bytes.byteLength })
      hold(worker, 1)
      const { type, ...rest } = known
      return { ...rest, form: formOf(type), bytes, ref, worker }
    },

    async validate(document, options) {
      const size = document.bytes.byteLength
      try {
        return await task(document, { op: 'validate', ref: document.ref, ...checkOptions(options), ...(options.employer ? { employer: options.employer } : {}) }, size)
      } finally {
        if (size > largeBytes) grown.add(document.worker)
        retireGrownWhenQuiet()
      }
    },

    admit(document, options) {
      return task(document, { op: 'admit', ref: document.ref, ...checkOptions(options) }, 0)
    },

    async outline(bytes, keep) {
      return (await pool.run<XmlElement>({ op: 'outline', bytes, keep }, { bytes: bytes.byteLength })).value
    },

    outlineOf(document, keep) {
      return task(document, { op: 'outline', ref: document.ref, keep, json: true }, 0)
    },

    release(document) {
      pool.post(document.worker, { op: 'release', ref: document.ref })
      hold(document.worker, -1)
      retireGrownWhenQuiet()
    },

    stats: pool.stats,

    close: () => {
      clearTimeout(quiet)
      return pool.close()
    },
  }
}
