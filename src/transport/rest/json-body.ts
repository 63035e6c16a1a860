import type { FastifyRequest } from 'fastify'
import { GatewayError } from '../../problems.js'
import { bodyBytes } from '../submit.js'

/** A request's body as a JSON object with only the `allowed` fields; `example` shows the caller what to send. */
export function jsonObjectBody(request: FastifyRequest, allowed: readonly string[], example: string): Record<string, unknown> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') throw new GatewayError('INVALID_REQUEST', `Send application/json: ${example}`)
  let body: unknown
  try {
    body = JSON.parse(Buffer.from(bodyBytes(request)).toString('utf8'))
  } catch {
    throw new GatewayError('INVALID_REQUEST', 'The body is not JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('INVALID_REQUEST', `The body must be a JSON object: ${example}`)
  const unknown = Object.keys(body).filter(k => !allowed.includes(k))
  if (unknown.length > 0) throw new GatewayError('INVALID_REQUEST', `Unknown field ${unknown[0]!.slice(0, 40)}: send ${example}`)
  return body as Record<string, unknown>
}
