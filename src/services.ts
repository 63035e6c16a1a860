import type { Config } from './config.js'
import type { DbHandle } from './db/index.js'
import type { Clock } from './lib/clock.js'
import { loadCodeLists } from './forms/code-lists-file.js'
import { createDocumentPool, type DocumentPool } from './validation/document-pool.js'
import { createXsdValidator } from './xml/index.js'
import { schemaDir, xsdOptions } from './validation/validator.js'
import { createIntake, type Intake } from './intake/index.js'
import { createMetrics, type Metrics } from './lib/metrics.js'
import { createCertificateLookup } from './access/index.js'
import { createLifecycle, type Lifecycle } from './lifecycle/index.js'
import { createBuiltInBackOffice } from './register/index.js'
import { createReceiptSigner, type ReceiptSigner, type SigningMaterial } from './receipts/index.js'

/** The composition root: every core service built once, for the server and the CLI alike. */
export interface Services {
  readonly config: Config
  readonly dbHandle: DbHandle
  readonly db: DbHandle['db']
  readonly clock: Clock
  /** Parsing, schema check and rules of submissions, on worker threads. */
  readonly documents: DocumentPool
  readonly intake: Intake
  /** Timed transitions, processing and storno. */
  readonly lifecycle: Lifecycle
  /** Signs receipts with SIGNING_KEY (SPEC.md §6). */
  readonly receipts: ReceiptSigner
  readonly metrics: Metrics
  /** Registered certificates by fingerprint, read per request (batched). */
  readonly certificates: ReturnType<typeof createCertificateLookup>
  close(): Promise<void>
}

export interface ServiceOptions {
  /** SIGNING_CERT and SIGNING_KEY, as PEM text. */
  readonly signing: SigningMaterial
  /** Threads for the XSD check and for parsing and rules (default: from the cores). */
  readonly validatorWorkers?: number
  /** Where failed timed transitions are reported (the server's logger). */
  readonly onError?: (error: unknown) => void
  /** Where a message-log row that could not be written is reported (the server's logger); it is counted in any case. */
  readonly onMessageLogError?: (error: unknown) => void
  /** Where database faults outside any request are reported (the server's logger); they are counted in any case. */
  readonly onDbFault?: (error: Error) => void
}

export function createServices(config: Config, dbHandle: DbHandle, clock: Clock, options: ServiceOptions): Services {
  const receipts = createReceiptSigner(options.signing)
  const codeLists = loadCodeLists()
  const workers = options.validatorWorkers ? { workers: options.validatorWorkers } : {}
  const xsd = createXsdValidator({ schemaDir, ...xsdOptions, ...workers })
  const documents = createDocumentPool(xsd, workers)
  const db = dbHandle.db
  let intake: Intake | undefined
  const lifecycle = createLifecycle(db, clock, createBuiltInBackOffice(codeLists), {
    processingDelayMs: config.PROCESSING_DELAY,
    forwardDelayMs: { production: config.FORWARD_DELAY, test: config.TEST_FORWARD_DELAY },
    recheckDelayMs: { production: config.RECHECK_DELAY, test: config.TEST_RECHECK_DELAY },
    ...(options.onError ? { onError: options.onError } : {}),
    // PGlite has one connection: submissions go first, timed transitions catch up within half a minute.
    ...(dbHandle.kind === 'pglite' ? { yieldTo: { busy: () => (intake?.inFlight() ?? 0) > 0, maxLagMs: 30_000 } } : {}),
  })
  const metrics = createMetrics()
  intake = createIntake(db, documents, clock, lifecycle, error => {
    metrics.count('ehrs_message_log_failures_total')
    options.onMessageLogError?.(error)
  })
  const onFault = ({ error }: { error: Error }): void => {
    metrics.count('ehrs_database_faults_total', { cause: faultCause(error) })
    options.onDbFault?.(error)
  }
  dbHandle.faults.on('fault', onFault)
  return {
    config, dbHandle, db, clock, documents, lifecycle, receipts, intake, metrics,
    certificates: createCertificateLookup(db),
    async close() {
      dbHandle.faults.off('fault', onFault)
      await lifecycle.timers.stop()
      await documents.close()
      await xsd.close()
    },
  }
}

/** A short, stable label for a database fault: the SQLSTATE when the server sent one (57P01: terminated by an administrator). */
function faultCause(error: Error): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : 'connection_lost'
}
