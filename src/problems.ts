import type { Finding } from './validation/index.js'

/**
 * The catalogue of problems: errors that stop a request. Each code is part of the contract (SPEC.md §3, §4);
 * transports turn a GatewayError into `application/problem+json` or a SOAP Fault with the same code.
 */
export const problems = {
  CLIENT_CERT_REQUIRED: { status: 401, title: 'A client certificate is required' },
  CLIENT_CERT_UNKNOWN: { status: 403, title: 'The client certificate is not registered' },
  CLIENT_CERT_REVOKED: { status: 403, title: 'The client certificate has been revoked' },
  CLIENT_CERT_EXPIRED: { status: 403, title: 'The client certificate is outside its validity period' },
  CLIENT_CERT_REVOCATION_UNKNOWN: { status: 403, title: 'The revocation status of the client certificate is unknown' },
  NOT_AUTHORIZED_FOR_EMPLOYER: { status: 403, title: 'The client may not file this document for this employer' },
  SOFTWARE_NOT_CERTIFIED: { status: 403, title: 'The client software version is not certified for production' },
  TEST_CLIENTS_ONLY: { status: 403, title: 'Only test clients have a certification sandbox' },
  XML_MALFORMED: { status: 400, title: 'The body is not well-formed UTF-8 XML' },
  XML_DOCTYPE_FORBIDDEN: { status: 400, title: 'A DOCTYPE is not allowed' },
  INVALID_REQUEST: { status: 400, title: 'The request is not valid' },
  DOCUMENT_NOT_FOUND: { status: 404, title: 'No such document' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such resource' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, title: 'The Idempotency-Key was already used for a different document' },
  STORNO_NOT_ALLOWED: { status: 409, title: 'The document can no longer be cancelled' },
  REGISTER_CHECK_NOT_ALLOWED: { status: 409, title: 'A repeated register check is not possible for this document now' },
  BODY_TOO_LARGE: { status: 413, title: 'The body exceeds the size limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Documents are sent as application/xml' },
  DOCUMENT_INVALID: { status: 422, title: 'The document failed validation' },
  UNKNOWN_DOCUMENT_TYPE: { status: 422, title: 'The document type is not known to the gateway' },
  RATE_LIMITED: { status: 429, title: 'The client is over its submission limit' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is not available' },
  OVERLOADED: { status: 503, title: 'The gateway is overloaded' },
  DATABASE_UNAVAILABLE: { status: 503, title: 'The database is not available; retry later' },
} as const satisfies Record<string, { status: number; title: string }>

export type ProblemCode = keyof typeof problems

/** Codes once used and withdrawn; they are never given a new meaning. */
export const RETIRED_CODES: readonly string[] = []

export class GatewayError extends Error {
  readonly status: number
  constructor(readonly code: ProblemCode, detail?: string, readonly findings: readonly Finding[] = [], options?: ErrorOptions) {
    super(detail ?? problems[code].title, options)
    this.status = problems[code].status
  }
}

/** A refusal that passes with time (RATE_LIMITED, OVERLOADED): transports send `Retry-After` with it. */
export class RetryLaterError extends GatewayError {
  constructor(code: ProblemCode, detail: string, readonly retryAfterSeconds: number) {
    super(code, detail)
  }
}
