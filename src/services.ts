import type { Config } from './config.js'
import { createDatabaseMonitor, createStatisticsKeeper, databaseFaultCause, DatabaseUnavailableError, type DatabaseMonitor, type DbHandle, type StatisticsKeeper } from './db/index.js'
import type { Clock } from './lib/index.js'
import { loadCodeLists, readInternal } from './forms/index.js'
import { createDocumentPool, type DocumentPool } from './intake/index.js'
import type { XmlElement } from './xml/index.js'
import { createIntake, createOutlineHandoff, type Intake, type UnrecordedSubmission } from './intake/index.js'
import { createMetrics, type Metrics } from './metrics/index.js'
import { createCertificateLookup } from './identity/index.js'
import { createLifecycle, type Lifecycle, type ProcessingRequest, type TimedTransition } from './lifecycle/index.js'
import { createEventFeed, createEventSignal, eventsTopic, latestSeq, type EventFeed } from './events/index.js'
import { createBuiltInBackOffice } from './processing/index.js'
import { createReceiptSigner, type ReceiptSigner, type SigningMaterial } from './receipts/index.js'
import { createCheckpointer, type Checkpointer, type WrittenCheckpoint } from './audit/index.js'
import type { OperatorContext } from './operator/index.js'
import { createWebhookWorker, type AttemptOutcome, type WebhookWorker } from './webhooks/index.js'
import { createSandbox, type Sandbox } from './certification/index.js'
import { createExpiryWarnings } from './events/index.js'
import { createCrlStore, type CrlStore, type LoadedCrl, type Trust } from './pki/index.js'
import type { BackgroundWork } from './lib/index.js'

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
  /** The clients' event feed with long-polling (SPEC.md §4b). */
  readonly events: EventFeed
  /** Signs receipts with SIGNING_KEY (SPEC.md §6). */
  readonly receipts: ReceiptSigner
  readonly metrics: Metrics
  /** Database faults met by requests, timers and probes: counted, logged once per outage and cause (SPEC.md §8). */
  readonly database: DatabaseMonitor
  /** Registered certificates by fingerprint, read per request (batched). */
  readonly certificates: ReturnType<typeof createCertificateLookup>
  /** Signed audit checkpoints in AUDIT_ANCHOR_DIR (SPEC.md §8); the server starts them, `close` writes the last. */
  readonly checkpoints: Checkpointer
  /** What operator actions through the admin socket need besides the database. */
  readonly operator: OperatorContext
  /** Webhook deliveries (SPEC.md §4b), off the request path; the server starts it, `close` stops it. */
  readonly webhooks: WebhookWorker
  /** Test clients' certification sandboxes: reset, advance, and what the report observes besides documents (SPEC.md §7). */
  readonly sandbox: Sandbox
  /** The CAs client certificates may chain to, the qualified ones among them, and their CRLs (SPEC.md §3). */
  readonly trust: Trust & { readonly crls: CrlStore }
  /** The daily `client.certificate_expiring` events; the server starts it, `close` stops it. */
  readonly expiryWarnings: BackgroundWork
  /** The embedded database's table statistics, which it has no autovacuum to keep (absent on PostgreSQL); the server starts it. */
  readonly statistics?: StatisticsKeeper
  close(): Promise<void>
}

export interface ServiceOptions {
  /** SIGNING_CERT and SIGNING_KEY, as PEM text. */
  readonly signing: SigningMaterial
  /** Threads for parsing, the schema check and the rules (default: from the cores). */
  readonly validatorWorkers?: number
  /**
   * Those threads, made by `createWorkers` and shared with other services of this process (the tests start hundreds
   * of gateways): `close()` leaves them running for their owner to close.
   */
  readonly workers?: Workers
  /** Where failed timed transitions are reported (the server's logger), with the timer's document and kind. */
  readonly onError?: (error: unknown, timer?: { readonly documentId: string; readonly kind: string }) => void
  /** Each timed transition, once committed (the server's logger). */
  readonly onTransition?: (transition: TimedTransition) => void
  /** Where a message-log row that could not be written is reported (the server's logger); it is counted in any case. */
  readonly onMessageLogError?: (error: unknown) => void
  /**
   * Where database faults are reported (the server's logger): the first fault of each cause in an outage, then its
   * end. They are counted in `ehrs_database_faults_total` in any case.
   */
  readonly onDbFault?: (error: unknown, cause: string) => void
  readonly onDbRecovered?: (downMs: number, causes: readonly string[]) => void
  /** A submission whose message-log row could not be written (the database was away): the log keeps its facts. */
  readonly onUnrecorded?: (submission: UnrecordedSubmission, error: unknown) => void
  /** A signed audit checkpoint written, or one that could not be (it is tried again soon). */
  readonly onCheckpoint?: (checkpoint: WrittenCheckpoint) => void
  /**
   * Form modules from outside src/ (URLs), already imported by the caller (a form module registers itself when
   * imported): the document pool's workers import them too.
   */
  readonly formModules?: readonly string[]
  readonly onCheckpointError?: (error: unknown) => void
  /** Each webhook delivery attempt, once recorded (the server's logger): ids, status and outcome only. */
  readonly onWebhookAttempt?: (outcome: AttemptOutcome) => void
  /** A webhook subscription marked failing, or recovered. */
  readonly onWebhookFailing?: (subscriptionId: string, clientId: string, isFailing: boolean) => void
  readonly onWebhookError?: (error: unknown) => void
  /** TRUST_CA joined by the qualified CAs of TRUSTED_LIST (default: nothing trusted, no CRL counts). */
  readonly trust?: Trust
  /** A file of CRL_DIR refused, with the reason; what it held before stays in force. */
  readonly onCrlRefused?: (file: string, reason: string) => void
  /** A CRL past its nextUpdate (it still applies), once per CRL. */
  readonly onCrlStale?: (crl: LoadedCrl) => void
  readonly onExpiryWarningError?: (error: unknown) => void
  readonly onStatisticsError?: (error: unknown) => void
}

/** How often waiting feed readers look for new events while no notification is heard (LISTEN down, PGlite reopening). */
const eventPollMs = 500
/** Long-polls one client may hold at once (README "Following documents without polling"); more are answered at once. */
export const maxWaitsPerClient = 4

export interface Workers {
  readonly documents: DocumentPool
  close(): Promise<void>
}

/** The document threads: parsing, the schema check and the rules. */
export function createWorkers(options: Pick<ServiceOptions, 'validatorWorkers' | 'formModules'> = {}): Workers {
  const documents = createDocumentPool({
    ...(options.validatorWorkers ? { workers: options.validatorWorkers } : {}), ...(options.formModules ? { formModules: options.formModules } : {}),
  })
  return { documents, close: () => documents.close() }
}

export function createServices(config: Config, dbHandle: DbHandle, clock: Clock, options: ServiceOptions): Services {
  const receipts = createReceiptSigner(options.signing)
  const codeLists = loadCodeLists()
  const workers = options.workers ?? createWorkers(options)
  const { documents } = workers
  const db = dbHandle.db
  // Reports (up to 32 MiB) are read on the document pool's workers, never on this thread; the other forms are small.
  // A report's first register check finds the outline intake took (intake/outlines.ts).
  const outlines = createOutlineHandoff()
  const readStored = async (request: ProcessingRequest, keep?: readonly string[]): Promise<XmlElement> => {
    if (!keep) return readInternal(await request.content(), codeLists)
    return await outlines.take(request.id) ?? documents.outline(await request.content(), keep)
  }
  let intake: Intake | undefined
  // A scrape waits for the database as long as a health probe does at most.
  const metrics = createMetrics(db, clock, { certificateWarnMs: config.CERT_EXPIRY_WARN, scrapeTimeoutMs: Math.min(2_000, config.DB_STATEMENT_TIMEOUT) })
  const database = createDatabaseMonitor({
    count: cause => metrics.databaseFault(cause),
    onChange: isAvailable => metrics.databaseAvailable(isAvailable),
    ...(options.onDbFault ? { onFault: options.onDbFault } : {}),
    ...(options.onDbRecovered ? { onRecovered: options.onDbRecovered } : {}),
  })
  const lifecycle = createLifecycle(db, clock, createBuiltInBackOffice(db, clock, codeLists, readStored), {
    processingDelayMs: config.PROCESSING_DELAY,
    forwardDelayMs: { production: config.FORWARD_DELAY, test: config.TEST_FORWARD_DELAY },
    recheckDelayMs: { production: config.RECHECK_DELAY, test: config.TEST_RECHECK_DELAY },
    preliminaryDeadlineMs: config.PRELIMINARY_DEADLINE,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onTransition ? { onTransition: options.onTransition } : {}),
    onTimerOutcome: (kind, outcome) => metrics.timedTransition(kind, outcome),
    // While the database is away the timers wait, and say so once (through the monitor), not once per poll.
    onDbFault: error => { database.fault(error) },
    onDbAnswered: () => database.ok(),
    // PGlite has one connection: submissions go first, timed transitions catch up within half a minute.
    ...(dbHandle.kind === 'pglite' ? { yieldTo: { busy: () => (intake?.inFlight() ?? 0) > 0, maxLagMs: 30_000 } } : {}),
  })
  intake = createIntake(db, documents, clock, lifecycle, {
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT,
    outlines,
    onUnrecorded: (submission, error) => {
      metrics.messageLogFailure()
      options.onUnrecorded?.(submission, error)
    },
    onMessageLogError: error => {
      metrics.messageLogFailure()
      options.onMessageLogError?.(error)
    },
  })
  // A client's 'error' event is a lost connection whatever its message says.
  const onFault = ({ error }: { error: Error }): void => {
    database.fault(databaseFaultCause(error) ? error : new DatabaseUnavailableError(error.message, 'connection_lost', { cause: error }))
  }
  dbHandle.faults.on('fault', onFault)
  const checkpoints = createCheckpointer(db, clock, {
    dir: config.AUDIT_ANCHOR_DIR, signer: receipts,
    ...(options.onCheckpoint ? { onWritten: options.onCheckpoint } : {}),
    ...(options.onCheckpointError ? { onError: options.onCheckpointError } : {}),
  })
  const events = createEventFeed(db, clock, createEventSignal({
    listen: hooks => dbHandle.listen(eventsTopic, hooks),
    latestSeq: () => latestSeq(db),
    pollMs: eventPollMs,
  }), { maxWaitsPerClient })
  const webhooks = createWebhookWorker(db, clock, {
    timeoutMs: config.WEBHOOK_TIMEOUT, maxAgeMs: config.WEBHOOK_MAX_AGE,
    onAttempt: outcome => {
      metrics.webhookDelivery(outcome.outcome)
      options.onWebhookAttempt?.(outcome)
    },
    ...(options.onWebhookFailing ? { onFailing: options.onWebhookFailing } : {}),
    ...(options.onWebhookError ? { onError: options.onWebhookError } : {}),
    onDbFault: error => { database.fault(error) },
    // PGlite has one connection: submissions go first, deliveries catch up within a few seconds.
    ...(dbHandle.kind === 'pglite' ? { yieldTo: { busy: () => (intake?.inFlight() ?? 0) > 0, maxLagMs: 5_000 } } : {}),
  })
  const trust = options.trust ?? { anchors: [], qualifiedCas: [], lists: [] }
  const crls = createCrlStore({
    dir: config.CRL_DIR, anchors: trust.anchors,
    ...(options.onCrlRefused ? { onRefused: options.onCrlRefused } : {}),
    ...(options.onCrlStale ? { onStale: options.onCrlStale } : {}),
  })
  metrics.readCrls(now => ({ stale: crls.crls().filter(c => c.nextUpdate !== undefined && now > c.nextUpdate).length, refused: crls.refusedFiles().length }))
  const expiryWarnings = createExpiryWarnings(db, clock, {
    warnMs: config.CERT_EXPIRY_WARN,
    onError: error => {
      if (databaseFaultCause(error)) database.fault(error)
      else options.onExpiryWarningError?.(error)
    },
  })
  // Submissions go first: a look at the statistics waits for a quiet moment, ten minutes at most.
  const statistics = dbHandle.kind === 'pglite' ? createStatisticsKeeper(db, {
    busy: () => (intake?.inFlight() ?? 0) > 0,
    onError: error => {
      if (databaseFaultCause(error)) database.fault(error)
      else options.onStatisticsError?.(error)
    },
  }) : undefined
  return {
    config, dbHandle, db, clock, documents, lifecycle, receipts, intake, metrics, database, checkpoints, events, webhooks, expiryWarnings,
    ...(statistics ? { statistics } : {}),
    sandbox: createSandbox(db, clock, lifecycle.timers),
    trust: { ...trust, crls },
    certificates: createCertificateLookup(db),
    operator: { anchorDir: checkpoints.dir, checkpoint: checkpoints.write, trustedPem: () => receipts.certificatePem },
    async close() {
      await events.endWaits()
      dbHandle.faults.off('fault', onFault)
      await webhooks.stop()
      await expiryWarnings.stop()
      await statistics?.stop()
      crls.close()
      await lifecycle.timers.stop()
      // After the last timed transition, so that the final checkpoint covers every entry of this run.
      await checkpoints.stop()
      if (!options.workers) await workers.close()
    },
  }
}
