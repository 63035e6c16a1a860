import type { Logger, LoggerOptions } from 'pino'
import type { UnrecordedSubmission } from './intake/index.js'
import type { TimedTransition } from './lifecycle/index.js'
import type { AttemptOutcome } from './webhooks/index.js'

/**
 * Logs carry ids and codes, never content: no XML, no query strings (`?person=` is personal data), no
 * headers. Redaction is only a safety net behind that rule.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'ehrs-gateway' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: {
      paths: ['req.headers', 'req.body', 'body', 'xml', 'content', 'person', 'emso', 'rodneCislo', '*.emso', '*.rodneCislo', '*.person', 'query', 'req.query'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method?: string; routeOptions?: { url?: string } }) => ({ method: req.method, route: req.routeOptions?.url }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
      err: safeError,
    },
  }
}

// PostgreSQL's own words about an error, without the values it may quote: `detail` repeats a failing row
// ("Failing row contains (…)", "Key (…)=(…)"), `where`, `hint` and `internalQuery` can hold parameters.
const keptErrorFields = ['code', 'severity', 'routine', 'schema', 'table', 'column', 'constraint'] as const

/** An error for the log: its type, message, stack, code and PostgreSQL's names, and its causes the same way. */
export function safeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error }
  const e = error as Error & Record<string, unknown>
  const kept: Record<string, unknown> = { type: e.name, message: e.message, stack: e.stack }
  for (const field of keptErrorFields) if (typeof e[field] === 'string' || typeof e[field] === 'number') kept[field] = e[field]
  if (depth < 4 && e.cause !== undefined) kept.cause = safeError(e.cause, depth + 1)
  if (depth < 4 && error instanceof AggregateError) kept.errors = error.errors.slice(0, 8).map(inner => safeError(inner, depth + 1))
  return kept
}

const stateText = (state: { acceptance: string; processing: string }): string => `${state.acceptance}/${state.processing}`

/**
 * The log lines of timed transitions (SPEC.md §8): each one made, with its document, form type, timer kind and the
 * states before and after; each one that failed and was postponed, with its document and kind.
 */
export function lifecycleLogging(logger: Pick<Logger, 'info' | 'error'>) {
  return {
    onTransition: (t: TimedTransition) =>
      logger.info({ documentId: t.documentId, type: t.type, timer: t.kind, from: stateText(t.from), to: stateText(t.to) }, 'timed transition'),
    onError: (error: unknown, timer?: { readonly documentId: string; readonly kind: string }) =>
      logger.error({ err: error, ...(timer ? { documentId: timer.documentId, timer: timer.kind } : {}) }, 'timed transition failed'),
  }
}

/**
 * The log lines of webhook deliveries (SPEC.md §4b): subscription, client, event and document ids, the attempt, its
 * status or failure code and outcome; never the receiver's URL (its query may hold a token) or the body.
 */
export function webhookLogging(logger: Pick<Logger, 'info' | 'warn' | 'error'>) {
  return {
    onWebhookAttempt: (a: AttemptOutcome) => {
      const line = { subscriptionId: a.subscriptionId, clientId: a.clientId, eventId: a.eventId, documentId: a.documentId, attempt: a.attempt, status: a.status, ms: a.ms, ...(a.error ? { failure: a.error } : {}) }
      if (a.outcome === 'delivered') logger.info(line, 'webhook delivered')
      else if (a.outcome === 'failed') logger.info(line, 'webhook attempt failed: retried later')
      else logger.warn(line, 'webhook delivery given up: the event is older than WEBHOOK_MAX_AGE')
    },
    onWebhookFailing: (subscriptionId: string, clientId: string, isFailing: boolean) =>
      (isFailing ? logger.warn({ subscriptionId, clientId }, 'webhook subscription failing') : logger.info({ subscriptionId, clientId }, 'webhook subscription recovered')),
    onWebhookError: (error: unknown) => logger.error({ err: error }, 'webhook worker failed'),
  }
}

/**
 * The log lines of database faults (SPEC.md §8): the first fault of each cause in an outage, its end, and each
 * submission the message log could not keep (its ids and hash, so that an operator can match a client's retry).
 */
export function databaseLogging(logger: Pick<Logger, 'warn' | 'info' | 'error'>) {
  return {
    onDbFault: (error: unknown, cause: string) => logger.warn({ err: error, cause }, 'database unavailable: answering 503 DATABASE_UNAVAILABLE until it is back'),
    onDbRecovered: (downMs: number, causes: readonly string[]) => logger.info({ downMs, causes }, 'database available again'),
    onUnrecorded: (submission: UnrecordedSubmission, error: unknown) =>
      logger.error({ ...submission, err: error }, 'submission not kept in the message log: the database is unavailable'),
  }
}
