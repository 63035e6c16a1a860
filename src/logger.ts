import type { Logger, LoggerOptions } from 'pino'
import type { UnrecordedSubmission } from './intake/index.js'
import type { TimedTransition } from './lifecycle/index.js'

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
    },
  }
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
