import type { Logger, LoggerOptions } from 'pino'
import type { UnrecordedSubmission } from './intake/index.js'

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
