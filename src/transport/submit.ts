import type { FastifyRequest } from 'fastify'
import { GatewayError } from '../problems.js'
import type { Services } from '../services.js'
import type { Submission, SubmitResult } from '../intake/index.js'

/** intake.submit, counted in `ehrs_submissions_total` by type and outcome: one place for REST and SOAP. */
export async function submitCounted(services: Services, submission: Submission): Promise<SubmitResult> {
  try {
    const result = await services.intake.submit(submission)
    services.metrics.submission(result.view.type, result.status === 201 ? 'stored' : 'duplicate')
    return result
  } catch (error) {
    if (error instanceof GatewayError) services.metrics.submission('unknown', error.code)
    throw error
  }
}

/** The request body as the bytes that arrived (every content type is read as a buffer). */
export function bodyBytes(request: FastifyRequest): Uint8Array {
  const body = request.body
  return Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array()
}

/** A submission refused as too large before it was read: the message log still shows the attempt. */
export async function recordOversized(services: Services, request: FastifyRequest, transport: 'rest' | 'soap'): Promise<void> {
  if (!request.caller) return
  await services.intake.recordUnread(request.caller, transport, request.headers['content-type'] ?? null, declaredSize(request), new GatewayError('BODY_TOO_LARGE'))
}

/** The body size a request declares in Content-Length, as the message log's size column holds it; 0 when absent. */
export function declaredSize(request: FastifyRequest): number {
  const length = Number(request.headers['content-length'] ?? 0)
  return Number.isSafeInteger(length) && length > 0 ? Math.min(length, 2 ** 31 - 1) : 0
}
