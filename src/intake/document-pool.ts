import { availableParallelism } from 'node:os'
import { createWorkerPool, largeTaskBytes, type Refusal } from '../lib/index.js'
import { GatewayError, type ProblemCode } from '../problems.js'
import { formOf, type DocumentEntry, type DocumentFacts, type EarlierDocument, type FormModule, type OfficialEmployer, type PairingFacts } from '../forms/index.js'
import type { XmlElement, XsdIssue, XsdValidator } from '../xml/index.js'
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
  /** Of an official document: its schema, what it says of its employer (sk-official.md §1.3), and whether it is a batch. */
  readonly official?: { readonly xsd: string; readonly employer: OfficialEmployer; readonly batch: boolean }
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
  /**
   * Parses a stored document on a worker and answers only the elements named in `keep` (see document-worker.ts), so
   * that reading a large report never holds up the request thread.
   */
  outline(bytes: Uint8Array, keep: readonly string[]): Promise<XmlElement>
  /** Lets the worker drop the parsed tree; call once for every identified document. */
  release(document: PooledDocument): void
  close(): Promise<void>
}

export type DocumentTask =
  | { op: 'identify'; ref: number; bytes: Uint8Array }
  | { op: 'map'; ref: number; employer?: string }
  | {
    op: 'judge'; ref: number; issues: readonly XsdIssue[]; officialIssues?: readonly XsdIssue[]; entryIssues?: readonly (readonly XsdIssue[])[]
    filingDate: string; earlier?: readonly EarlierSource[]; entryEarlier?: readonly (readonly EarlierSource[])[]
  }
  | { op: 'admit'; ref: number; filingDate: string; earlier?: readonly EarlierSource[]; entryEarlier?: readonly (readonly EarlierSource[])[] }
  | { op: 'release'; ref: number }
  | { op: 'outline'; bytes: Uint8Array; keep: readonly string[] }

export interface DocumentPoolOptions {
  /** Default: one fewer than the cores, at least two, so that one thread always stays free for small documents. */
  readonly workers?: number
  /** A document above this many bytes is large: large ones never occupy every worker. */
  readonly largeBytes?: number
  /** Form modules from outside src/ (URLs) that the workers load too, so that they judge those forms' documents. */
  readonly formModules?: readonly string[]
}

const handler = new URL('./document-worker.js', import.meta.url).href

/** Rebuilds a refusal thrown in a worker as the GatewayError it was. */
function reviveProblem({ code, message, findings }: Refusal): Error {
  return new GatewayError(code as ProblemCode, message, (findings ?? []) as Finding[])
}

export function createDocumentPool(xsd: XsdValidator, options: DocumentPoolOptions = {}): DocumentPool {
  const pool = createWorkerPool({
    handlers: { identify: handler, map: handler, judge: handler, admit: handler, release: handler, outline: handler },
    workers: options.workers ?? Math.max(2, availableParallelism() - 1),
    largeBytes: options.largeBytes ?? largeTaskBytes,
    revive: reviveProblem,
    ...(options.formModules ? { preload: options.formModules } : {}),
  })
  let nextRef = 0
  const task = <T>(document: PooledDocument, body: DocumentTask, bytes: number): Promise<T> =>
    pool.run<T>(body, { bytes, worker: document.worker }).then(r => r.value)
  const checkOptions = ({ filingDate, earlier, entryEarlier }: CheckOptions) => ({ filingDate, ...(earlier ? { earlier } : {}), ...(entryEarlier ? { entryEarlier } : {}) })

  return {
    async identify(bytes) {
      const ref = ++nextRef
      const { value: known, worker } = await pool.run<Omit<PooledDocument, 'form' | 'bytes' | 'ref' | 'worker'> & { type: string }>(
        { op: 'identify', ref, bytes }, { bytes: bytes.byteLength })
      const { type, ...rest } = known
      return { ...rest, form: formOf(type), bytes, ref, worker }
    },

    async validate(document, options) {
      const judge = (issues: readonly XsdIssue[], official?: { issues: readonly XsdIssue[]; entryIssues: readonly (readonly XsdIssue[])[] }): Promise<Finding[]> =>
        task(document, {
          op: 'judge', ref: document.ref, issues, ...(official ? { officialIssues: official.issues, entryIssues: official.entryIssues } : {}), ...checkOptions(options),
        }, document.bytes.byteLength)
      if (!document.official) return judge(await xsd.validate(document.form.xsd, document.bytes))
      // The official schema on the bytes as sent; once satisfied, ours on the values the mapping read from them. The
      // mapped document is written meanwhile on the document's worker, and not checked when the official schema fails.
      const [officialIssues, mapped] = await Promise.all([
        xsd.validate(document.official.xsd, document.bytes),
        task<Uint8Array[]>(document, { op: 'map', ref: document.ref, ...(options.employer ? { employer: options.employer } : {}) }, document.bytes.byteLength),
      ])
      if (officialIssues.length > 0) return judge([], { issues: officialIssues, entryIssues: [] })
      return judge([], { issues: [], entryIssues: await Promise.all(mapped.map(bytes => xsd.validate(document.form.xsd, bytes))) })
    },

    admit(document, options) {
      return task(document, { op: 'admit', ref: document.ref, ...checkOptions(options) }, 0)
    },

    async outline(bytes, keep) {
      return (await pool.run<XmlElement>({ op: 'outline', bytes, keep }, { bytes: bytes.byteLength })).value
    },

    release(document) {
      pool.post(document.worker, { op: 'release', ref: document.ref })
    },

    close: () => pool.close(),
  }
}
