import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../services.js'
import { uuidPattern } from '../lib/index.js'
import { peerFingerprint } from './caller.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The document this request filed or asked for, once known: for the request's log line. */
    documentId: string | null
    /** The problem this request was answered with, as a problem+json or (`fault`) a SOAP Fault. */
    problem: { readonly code: string; readonly status: number; readonly fault?: string } | null
  }
}

export const REQUEST_ID_HEADER = 'x-request-id'

// A caller's own id is kept when it is a plain token: UUIDs, ULIDs, trace ids, base64. Anything else (spaces,
// quotes, control characters, several values joined by commas, over 128 characters) could forge or break a log
// line or a header, and is replaced rather than cleaned, so that an id is always exactly what was logged.
const saneRequestId = /^[A-Za-z0-9._~:@+/=-]{1,128}$/

/** SPEC.md §4: the caller's `X-Request-Id` when it is sane, else a new one (a UUID). Fastify's genReqId. */
export function requestIdOf(raw: IncomingMessage): string {
  const sent = raw.headers[REQUEST_ID_HEADER]
  return typeof sent === 'string' && saneRequestId.test(sent) ? sent : randomUUID()
}

/**
 * RFC 9457 `instance` of a problem: the path as requested, without its query (which may carry a personal number,
 * `?person=`), and the request id as its fragment, so that a problem a client reports can be found in the log.
 */
export function problemInstance(request: FastifyRequest): string {
  return `${request.url.split(/[?#]/, 1)[0]}#request=${request.id}`
}

/** Records the document a request is about. Only an id of the gateway's own shape: a hostile path segment never reaches the log. */
export function noteDocument(request: FastifyRequest, id: string): void {
  if (uuidPattern.test(id)) request.documentId = id
}

const certificateProblems = new Set(['CLIENT_CERT_UNKNOWN', 'CLIENT_CERT_REVOKED', 'CLIENT_CERT_EXPIRED'])

/**
 * Every answer carries `X-Request-Id`; every request is logged once when answered (one line: method, route
 * pattern, status, duration, client, certificate fingerprint, document, problem code; the request id comes with
 * the request's logger) and counted in `ehrs_http_requests_total` and `ehrs_http_request_duration_seconds`.
 */
export function observeRequests(app: FastifyInstance, services: Services): void {
  app.decorateRequest('documentId', null)
  app.decorateRequest('problem', null)
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id)
  })
  app.addHook('onResponse', async (request, reply) => recordAnswer(services, request, reply))
}

/** The request's log line and its counts, once answered: from onResponse, or (a URL refused before routing) by hand. */
export function recordAnswer(services: Services, request: FastifyRequest, reply: FastifyReply): void {
  const route = request.routeOptions.url ?? 'unmatched'
  const { problem } = request
  // A SOAP Fault goes out as HTTP 500 (WS-I R1126), but a client's mistake is no server error: it counts with
  // the status REST would have answered, and ehrs_soap_faults_total has its fault class.
  const status = problem?.fault ? problem.status : reply.statusCode
  services.metrics.request(route, request.method, status, reply.elapsedTime / 1000)
  // The fingerprint of a refused certificate tells the operator which one to register or renew.
  const fingerprint = request.caller?.fingerprint
    ?? (problem && certificateProblems.has(problem.code) ? peerFingerprint(request.raw.socket as TLSSocket) ?? undefined : undefined)
  request.log.info({
    method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime),
    clientId: request.caller?.clientId, fingerprint, documentId: request.documentId ?? undefined,
    code: problem?.code, fault: problem?.fault,
  }, 'request')
}

/**
 * Node's answer to a request it could not parse as HTTP (Fastify's default, with an `X-Request-Id` and a log line
 * naming the parser's error code): nothing of the request is logged, it may not even be text.
 */
export function clientErrorHandler(logger: FastifyBaseLogger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return
    const [status, title, message] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'Client Timeout']
      : error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'Exceeded maximum allowed HTTP header size']
        : [400, 'Bad Request', 'Client Error']
    const requestId = randomUUID()
    logger.info({ requestId, status, error: error.code }, 'request not readable as HTTP')
    const body = JSON.stringify({ error: title, message, statusCode: status })
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${status} ${title}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`)
    }
    socket.destroy(error)
  }
}
