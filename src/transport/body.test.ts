import t from 'tap'
import { createHash } from 'node:crypto'
import { PassThrough } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import { bodySha256, readBody } from './body.js'

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** Feeds `chunks` to readBody as a request with `headers` would; resolves with the body or the error. */
function read(chunks: readonly Buffer[], headers: Record<string, string>, limit = 1024 * 1024, fail?: Error): Promise<{ body?: Buffer; error?: Error; request: FastifyRequest }> {
  const request = { headers } as unknown as FastifyRequest
  const payload = new PassThrough()
  return new Promise(resolve => {
    readBody(request, payload, limit, (error, body) => {
      if (body) (request as { body: unknown }).body = body
      resolve({ ...(error ? { error } : {}), ...(body ? { body } : {}), request })
    })
    for (const chunk of chunks) payload.write(chunk)
    if (fail) payload.destroy(fail)
    else payload.end()
  })
}

const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) & 0xff))

t.test('a body is read whole, with the SHA-256 of what arrived', async t => {
  const small = bytes(1000)
  const one = await read([small.subarray(0, 10), small.subarray(10)], { 'content-length': '1000' })
  t.same(one.body, small)
  t.equal(bodySha256(one.request), sha256(small))
  t.notOk(one.body!.buffer instanceof SharedArrayBuffer, 'a small body stays an ordinary buffer')

  const large = bytes(300_000)
  const declared = await read([large.subarray(0, 100_000), large.subarray(100_000, 250_000), large.subarray(250_000)], { 'content-length': String(large.byteLength) })
  t.ok(declared.body!.equals(large))
  t.ok(declared.body!.buffer instanceof SharedArrayBuffer, 'a large declared body is in shared memory')
  t.equal(bodySha256(declared.request), sha256(large))

  const chunked = await read([large.subarray(0, 200_000), large.subarray(200_000)], { 'transfer-encoding': 'chunked' })
  t.ok(chunked.body!.equals(large), 'a chunked body of unknown length')
  t.equal(bodySha256(chunked.request), sha256(large))

  const empty = await read([], { 'content-length': '0' })
  t.equal(empty.body!.byteLength, 0)
  t.equal(bodySha256(empty.request), sha256(new Uint8Array()))
})

t.test('too large, or not as long as declared: refused with a code', async t => {
  const declaredTooLarge = await read([], { 'content-length': String(2 * 1024 * 1024) })
  t.match(declaredTooLarge.error, { code: 'BODY_TOO_LARGE' }, 'refused from its Content-Length, before reading')
  const arrivesTooLarge = await read([bytes(600_000), bytes(600_000)], { 'transfer-encoding': 'chunked' })
  t.match(arrivesTooLarge.error, { code: 'BODY_TOO_LARGE' }, 'a chunked body that grows past the limit')
  const longer = await read([bytes(70_000), bytes(10)], { 'content-length': '70000' })
  t.match(longer.error, { code: 'INVALID_REQUEST' }, 'more bytes than declared')
  const shorter = await read([bytes(69_999)], { 'content-length': '70000' })
  t.match(shorter.error, { code: 'INVALID_REQUEST' }, 'fewer bytes than declared')
  const aborted = await read([bytes(10)], { 'content-length': '100' }, 1024, new Error('aborted'))
  t.match(aborted.error, { message: 'aborted' }, 'a connection lost mid-body')
})
