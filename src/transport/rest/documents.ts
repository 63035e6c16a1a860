import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import type { Caller } from '../../identity/index.js'
import { GatewayError } from '../../problems.js'
import { optionalText } from './query.js'
import { documentFilter } from '../document-filter.js'
import { bodyBytes, submitCounted } from '../submit.js'
import { bodySha256 } from '../body.js'
import { renderReceipt } from '../../receipts/index.js'
import { documentEtag, getDocumentContent, getDocumentView, listDocuments, matchesIfNoneMatch, retryAfterSeconds } from '../../documents/index.js'
import { noteDocument } from '../observe.js'

const callerOf = (request: FastifyRequest): Caller => request.caller!

/** POST/GET /api/v1/documents…: a thin adapter over intake and the documents read side. */
export function documentRoutes(services: Services): FastifyPluginAsync {
  return async app => {
    app.post('/documents', async (request, reply) => {
      const bytes = bodyBytes(request)
      const key = request.headers['idempotency-key']
      if (Array.isArray(key)) throw new GatewayError('INVALID_REQUEST', 'Idempotency-Key may be given once')
      const result = await submitCounted(services, {
        caller: callerOf(request), transport: 'rest', bytes, sha256: bodySha256(request),
        contentType: request.headers['content-type'] ?? null, ...(key !== undefined ? { idempotencyKey: key } : {}),
      })
      noteDocument(request, result.view.id)
      return reply.code(result.status).header('location', `/api/v1/documents/${result.view.id}`).send(result.view)
    })

    app.get('/documents', async request => {
      const q = request.query as Record<string, unknown>
      const filter = documentFilter(name => optionalText(q, name))
      return listDocuments(services.db, callerOf(request), filter, services.clock.now())
    })

    // SPEC.md §4: an ETag for conditional polling, and Retry-After (seconds) while the document is not final.
    app.get('/documents/:id', async (request, reply) => {
      const { id } = request.params as { id: string }
      noteDocument(request, id)
      const now = services.clock.now()
      const view = await getDocumentView(services.db, callerOf(request), id, now)
      const etag = documentEtag(view)
      reply.header('etag', etag)
      const retryAfter = retryAfterSeconds(view, now)
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter))
      const ifNoneMatch = request.headers['if-none-match']
      await services.sandbox.statusRead(callerOf(request), view, request.id)
      if (matchesIfNoneMatch(Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch, etag)) return reply.code(304).send()
      return view
    })

    app.post('/documents/:id/storno', async request => {
      const { id } = request.params as { id: string }
      noteDocument(request, id)
      const caller = callerOf(request)
      const view = await services.sandbox.watchStorno(caller, id, request.id, () => services.lifecycle.storno(caller, id))
      services.metrics.storno(view.type)
      return view
    })

    app.post('/documents/:id/register-check', async (request, reply) => {
      const { id } = request.params as { id: string }
      noteDocument(request, id)
      return reply.code(202).send(await services.lifecycle.requestRegisterCheck(callerOf(request), id))
    })

    app.get('/documents/:id/receipt', async (request, reply) => {
      const { id } = request.params as { id: string }
      noteDocument(request, id)
      const now = services.clock.now()
      const view = await getDocumentView(services.db, callerOf(request), id, now)
      await services.sandbox.receiptRead(callerOf(request), view, request.id)
      return reply.type('application/xml; charset=utf-8').send(services.receipts.sign(renderReceipt(view, now)))
    })

    app.get('/documents/:id/content', async (request, reply) => {
      const { id } = request.params as { id: string }
      noteDocument(request, id)
      const bytes = await getDocumentContent(services.db, callerOf(request), id, services.clock.now())
      return reply.type('application/xml').send(Buffer.from(bytes))
    })
  }
}
