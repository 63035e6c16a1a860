import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { GatewayError } from '../problems.js'

/** Bodies from this size on are kept in shared memory (see readBody). */
const sharedFromBytes = 64 * 1024

const hashes = new WeakMap<object, string>()

/** The SHA-256 (hex) of the request's body, computed by readBody as it arrived. */
export function bodySha256(request: FastifyRequest): string | undefined {
  return typeof request.body === 'object' && request.body !== null ? hashes.get(request.body) : undefined
}

type Done = (error: Error | null, body?: Buffer) => void

/**
 * Reads a request body of at most `limit` bytes as it arrives, chunk by chunk: each chunk is hashed and copied into
 * place at once, so that a large body never holds the request thread for one long hash and copy at its end. A body
 * of 64 KiB or more declared in `Content-Length` goes straight into shared memory, where the document pool and the
 * embedded database's thread read it without a copy of their own.
 */
export function readBody(request: FastifyRequest, payload: NodeJS.ReadableStream, limit: number, done: Done): void {
  const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length'])
  if (declared !== undefined && declared > limit) return done(new GatewayError('BODY_TOO_LARGE'))
  const hash = createHash('sha256')
  const preallocated = declared !== undefined && declared >= sharedFromBytes ? Buffer.from(new SharedArrayBuffer(declared)) : undefined
  const chunks: Buffer[] = []
  let received = 0

  const finish = (error: Error | null, body?: Buffer): void => {
    payload.removeListener('data', onData)
    payload.removeListener('end', onEnd)
    payload.removeListener('error', onError)
    done(error, body)
  }
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (received + bytes.byteLength > limit) return finish(new GatewayError('BODY_TOO_LARGE'))
    if (preallocated && received + bytes.byteLength > preallocated.byteLength) return finish(lengthMismatch())
    hash.update(bytes)
    if (preallocated) bytes.copy(preallocated, received)
    else chunks.push(bytes)
    received += bytes.byteLength
  }
  const onEnd = (): void => {
    if (declared !== undefined && received !== declared) return finish(lengthMismatch())
    const body = preallocated ?? Buffer.concat(chunks, received)
    hashes.set(body, hash.digest('hex'))
    finish(null, body)
  }
  const onError = (error: Error): void => finish(error)

  payload.on('data', onData)
  payload.on('end', onEnd)
  payload.on('error', onError)
  payload.resume()
}

function lengthMismatch(): GatewayError {
  return new GatewayError('INVALID_REQUEST', 'The body is not as long as its Content-Length says')
}
