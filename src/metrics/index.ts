import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Db } from '../db/index.js'
import type { Clock } from '../lib/index.js'
import { readScrapeState, timerKinds, type ScrapeState } from './scrape.js'

/**
 * The gateway's Prometheus metrics (SPEC.md §8), on prom-client. Counters and the latency histogram are updated
 * on the request path in memory only; the database is read only when /metrics is scraped (see scrape.ts).
 * Label values are route patterns, codes, types, ids of clients and fingerprints of certificates: never content.
 */
export interface Metrics {
  /** One answered HTTP request: counted by route pattern, method and status, timed by route pattern and method. */
  request(route: string, method: string, status: number, seconds: number): void
  submission(type: string, outcome: string): void
  storno(type: string): void
  /** A SOAP Fault sent: its fault class (`Client`, `Server`, `VersionMismatch`, `MustUnderstand`) and problem code. */
  soapFault(fault: string, code: string): void
  admissionRefused(reason: string): void
  /** A timed transition run (`done`), found no longer allowed (`skipped`), or failed and postponed (`failed`). */
  timedTransition(kind: string, outcome: 'done' | 'skipped' | 'failed'): void
  messageLogFailure(): void
  databaseFault(cause: string): void
  databaseAvailable(isAvailable: boolean): void
  /** A webhook delivery attempt: `delivered`, `failed` (tried again later) or `given_up` (older than WEBHOOK_MAX_AGE). */
  webhookDelivery(outcome: 'delivered' | 'failed' | 'given_up'): void
  /** Where the CRLs past their nextUpdate and the refused files of CRL_DIR are counted when scraped. */
  readCrls(read: (now: Date) => { readonly stale: number; readonly refused: number }): void
  /** Where the admission control's in-flight requests and bytes are read when scraped. */
  readInFlight(read: () => { readonly requests: number; readonly bytes: number }): void
  /** The exposition text: this gateway's metrics and the process's (CPU, memory, event loop, GC, handles). */
  render(): Promise<string>
  readonly contentType: string
}

export interface MetricsOptions {
  /** CERT_EXPIRY_WARN: a certificate this close to its end counts in `ehrs_client_certificates_expiring`. */
  readonly certificateWarnMs: number
  /** The longest the scrape waits for the database before it answers the values it read last time. */
  readonly scrapeTimeoutMs?: number
}

// Seconds; from a health probe's few milliseconds up to a 32 MiB report's validation.
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

// Process metrics belong to the process, not to one gateway built in it (tests build many): collected once.
let processRegistry: Registry | undefined
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
    // Gauges whose `_total` suffix promtool refuses (it promises a counter); each is the sum of its `{type}` sibling.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) processRegistry.removeSingleMetric(name)
  }
  return processRegistry
}

export function createMetrics(db: Db, clock: Clock, options: MetricsOptions): Metrics {
  const registry = new Registry()
  const registers = [registry]
  const requests = new Counter({
    name: 'ehrs_http_requests_total', registers, labelNames: ['method', 'route', 'status'],
    help: 'HTTP requests by route pattern, method and status; a SOAP Fault (sent with HTTP 500) counts with the status of its problem',
  })
  const durations = new Histogram({
    name: 'ehrs_http_request_duration_seconds', registers, labelNames: ['method', 'route'], buckets: durationBuckets,
    help: 'HTTP request duration by route pattern and method',
  })
  const submissions = new Counter({
    name: 'ehrs_submissions_total', registers, labelNames: ['outcome', 'type'],
    help: 'Document submissions by type and outcome (stored, duplicate, or the problem code)',
  })
  const stornos = new Counter({ name: 'ehrs_storno_total', registers, labelNames: ['type'], help: 'Documents cancelled with a storno, by type' })
  const soapFaults = new Counter({
    name: 'ehrs_soap_faults_total', registers, labelNames: ['code', 'fault'],
    help: 'SOAP Faults sent, by fault class (Client: the caller\'s request; Server: the gateway or its database) and problem code',
  })
  const refusals = new Counter({
    name: 'ehrs_admission_refused_total', registers, labelNames: ['reason'],
    help: 'Requests refused by admission control, by reason (rate, client_concurrency, gateway_bytes)',
  })
  const transitions = new Counter({
    name: 'ehrs_timed_transitions_total', registers, labelNames: ['kind', 'outcome'],
    help: 'Timed transitions by timer kind and outcome (done; skipped: the document\'s state no longer allowed it; failed: postponed)',
  })
  const messageLogFailures = new Counter({ name: 'ehrs_message_log_failures_total', registers, help: 'Message-log rows that could not be written' })
  const databaseFaults = new Counter({
    name: 'ehrs_database_faults_total', registers, labelNames: ['cause'],
    help: 'Database faults met (connection lost or refused, statement timeout, disk full, ...), by SQLSTATE or cause',
  })
  const databaseAvailable = new Gauge({
    name: 'ehrs_database_available', registers,
    help: 'Whether the database answers: 1, or 0 from its first fault until a probe passes after 2 s without one',
  })
  databaseAvailable.set(1)
  const webhookDeliveries = new Counter({
    name: 'ehrs_webhook_deliveries_total', registers, labelNames: ['outcome'],
    help: 'Webhook delivery attempts by outcome (delivered; failed: tried again later; given_up: the event was older than WEBHOOK_MAX_AGE)',
  })
  for (const outcome of ['delivered', 'failed', 'given_up']) webhookDeliveries.inc({ outcome }, 0)

  let inFlight: () => { readonly requests: number; readonly bytes: number } = () => ({ requests: 0, bytes: 0 })
  new Gauge({
    name: 'ehrs_inflight_requests', registers, help: 'Requests admitted and not yet answered',
    collect() { this.set(inFlight().requests) },
  })
  new Gauge({
    name: 'ehrs_inflight_bytes', registers, help: 'Request body bytes admitted and not yet answered, gateway-wide (MAX_INFLIGHT_BYTES)',
    collect() { this.set(inFlight().bytes) },
  })

  let crls: (now: Date) => { readonly stale: number; readonly refused: number } = () => ({ stale: 0, refused: 0 })
  new Gauge({
    name: 'ehrs_crls_stale', registers,
    help: 'CRLs in force that are past their nextUpdate: they still apply, but the CA\'s next CRL is missing from CRL_DIR',
    collect() { this.set(crls(clock.now()).stale) },
  })
  new Gauge({
    name: 'ehrs_crl_files_refused', registers,
    help: 'Files of CRL_DIR refused (not a CRL, truncated, of an issuer that is not trusted, a signature that does not verify)',
    collect() { this.set(crls(clock.now()).refused) },
  })

  // Read from the database once per scrape, shared by the gauges below; on a failure or a time-out they keep
  // the values of the last scrape that succeeded, so that /metrics answers while the database is away.
  let reading: Promise<ScrapeState | undefined> | undefined
  const scrape = (): Promise<ScrapeState | undefined> => (reading ??= readScrapeState(db, clock.now(), {
    certificateWarnMs: options.certificateWarnMs, timeoutMs: options.scrapeTimeoutMs ?? 2_000,
  }).catch(() => undefined).finally(() => { reading = undefined }))

  new Gauge({
    name: 'ehrs_timers_due', registers, labelNames: ['kind'],
    help: 'Timed transitions whose due time has come and that have not run yet, by timer kind',
    async collect() {
      const state = await scrape()
      if (state) for (const kind of timerKinds) this.set({ kind }, state.timers[kind]?.due ?? 0)
    },
  })
  new Gauge({
    name: 'ehrs_timers_overdue', registers, labelNames: ['kind'],
    help: 'Timed transitions due for more than a minute that have not run yet, by timer kind (a healthy gateway runs one within seconds)',
    async collect() {
      const state = await scrape()
      if (state) for (const kind of timerKinds) this.set({ kind }, state.timers[kind]?.overdue ?? 0)
    },
  })
  new Gauge({
    name: 'ehrs_oldest_unprocessed_document_age_seconds', registers, labelNames: ['environment'],
    help: 'Age of the oldest document still waiting for a timed transition (register check, forwarding, processing), by environment; 0 when none waits',
    async collect() {
      const state = await scrape()
      if (state) for (const environment of ['production', 'test'] as const) this.set({ environment }, state.oldestUnprocessedSeconds[environment] ?? 0)
    },
  })
  new Gauge({
    name: 'ehrs_client_certificate_expiry_seconds', registers, labelNames: ['client', 'environment', 'fingerprint'],
    help: 'Seconds until each registered, unrevoked client certificate expires (negative once expired, listed for CERT_EXPIRY_WARN after its end)',
    async collect() {
      const state = await scrape()
      if (!state) return
      this.reset()
      for (const c of state.certificates) this.set({ client: c.clientId, environment: c.environment, fingerprint: c.fingerprint }, c.expirySeconds)
    },
  })
  new Gauge({
    name: 'ehrs_client_certificates_expiring', registers, labelNames: ['environment'],
    help: 'Client certificates that expire within CERT_EXPIRY_WARN and whose client has no certificate valid beyond it, by environment',
    async collect() {
      const state = await scrape()
      if (state) for (const environment of ['production', 'test'] as const) this.set({ environment }, state.expiringCertificates[environment] ?? 0)
    },
  })

  new Gauge({
    name: 'ehrs_webhook_subscriptions_failing', registers,
    help: 'Webhook subscriptions marked failing (a delivery given up after WEBHOOK_MAX_AGE, none delivered since), not disabled',
    async collect() {
      const state = await scrape()
      if (state) this.set(state.webhooks.failing)
    },
  })
  new Gauge({
    name: 'ehrs_webhook_deliveries_pending', registers,
    help: 'Webhook deliveries owed to active subscriptions: not yet delivered, not given up',
    async collect() {
      const state = await scrape()
      if (state) this.set(state.webhooks.pending)
    },
  })

  return {
    request(route, method, status, seconds) {
      requests.inc({ method, route, status: String(status) })
      durations.observe({ method, route }, seconds)
    },
    submission: (type, outcome) => submissions.inc({ outcome, type }),
    storno: type => stornos.inc({ type }),
    soapFault: (fault, code) => soapFaults.inc({ code, fault }),
    admissionRefused: reason => refusals.inc({ reason }),
    timedTransition: (kind, outcome) => transitions.inc({ kind, outcome }),
    messageLogFailure: () => messageLogFailures.inc(),
    databaseFault: cause => databaseFaults.inc({ cause }),
    databaseAvailable: isAvailable => databaseAvailable.set(isAvailable ? 1 : 0),
    webhookDelivery: outcome => webhookDeliveries.inc({ outcome }),
    readInFlight(read) { inFlight = read },
    readCrls(read) { crls = read },
    async render() {
      const [own, process] = await Promise.all([registry.metrics(), processMetrics().metrics()])
      return `${own}\n${process}`
    },
    contentType: registry.contentType,
  }
}
