import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError, RetryLaterError, problems, type ProblemCode } from '../problems.js'
import { databaseFaultCause } from '../db/index.js'
import type { Finding } from '../validation/index.js'
import { problemInstance, REQUEST_ID_HEADER } from './observe.js'

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  code: ProblemCode
  /** The path as requested, with the request id as its fragment (`/api/v1/documents#request=…`). */
  instance?: string
  findings?: readonly Finding[]
}

export function problemBody(code: ProblemCode, detail?: string, findings: readonly Finding[] = []): ProblemBody {
  const p = problems[code]
  return {
    type: `urn:ehrs:problem:${code}`,
    title: p.title,
    status: p.status,
    detail: detail ?? p.title,
    code,
    ...(findings.length > 0 ? { findings } : {}),
  }
}

/** Seconds a caller is asked to wait (`Retry-After`) before it tries again, by problem code. */
const retryAfterSeconds: Partial<Record<ProblemCode, number>> = {
  // A backend restart or a fail-over is over in seconds; a caller that waits this long mostly finds the database back.
  DATABASE_UNAVAILABLE: 5,
}

export function retryAfter(code: ProblemCode): number | undefined {
  return retryAfterSeconds[code]
}

/**
 * Maps Fastify's own request errors, and database faults (databaseFaultCause) anywhere under a route, onto our
 * codes; anything unknown is ours, a bare 500.
 */
export function toGatewayError(error: FastifyError | GatewayError | Error): GatewayError | undefined {
  if (error instanceof GatewayError) return error
  if (databaseFaultCause(error)) {
    return new GatewayError('DATABASE_UNAVAILABLE', 'The database is not available; retry after the time in Retry-After', [], { cause: error })
  }
  const e = error as FastifyError
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new GatewayError('BODY_TOO_LARGE')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new GatewayError('UNSUPPORTED_MEDIA_TYPE')
  }
  if (e.validation) return new GatewayError('INVALID_REQUEST', e.message)
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new GatewayError('INVALID_REQUEST', e.message)
  return undefined
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: GatewayError): FastifyReply {
  if (error instanceof RetryLaterError) reply.header('retry-after', String(error.retryAfterSeconds))
  // Also here: a URL refused before routing (frameworkErrors) passes no onRequest hook.
  reply.header(REQUEST_ID_HEADER, request.id)
  request.problem = { code: error.code, status: error.status }
  const body = { ...problemBody(error.code, error.message, error.findings), instance: problemInstance(request) }
  const seconds = retryAfter(error.code)
  if (seconds !== undefined) reply.header('retry-after', String(seconds))
  return reply.code(error.status).type('application/problem+json; charset=utf-8').send(body)
}
