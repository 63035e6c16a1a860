import type { LoggerOptions } from 'pino'

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
