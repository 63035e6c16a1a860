import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.js'
import { GatewayError } from '../../problems.js'
import { parseWait } from '../../events/index.js'
import { optionalText } from './query.js'

/** GET /api/v1/events: the caller's event feed, long-polled with `wait` (SPEC.md §4b). */
export function eventRoutes(services: Services): FastifyPluginAsync {
  return async app => {
    app.get('/events', async (request, reply) => {
      const q = request.query as Record<string, unknown>
      const limit = optionalText(q, 'limit')
      if (limit !== undefined && !/^\d{1,9}$/.test(limit)) throw new GatewayError('INVALID_REQUEST', 'limit must be a whole number from 1 to 500')
      const after = optionalText(q, 'after')
      const ms = parseWait(optionalText(q, 'wait'))
      // A caller that hangs up ends its wait, and gives its place back.
      const gone = new AbortController()
      reply.raw.once('close', () => gone.abort())
      const page = await services.events.read(request.caller!, {
        ...(after !== undefined ? { after } : {}), ...(limit !== undefined ? { limit: Number(limit) } : {}),
      }, { ms, signal: gone.signal })
      await services.sandbox.eventsRead(request.caller!, page, request.id)
      return page
    })
  }
}
