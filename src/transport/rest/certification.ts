import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.js'
import { certificationReport, testOnly } from '../../certification/index.js'
import { jsonObjectBody } from './json-body.js'

/** GET /api/v1/certification and POST /api/v1/sandbox/…: the test client's certification sandbox (SPEC.md §4, §7). */
export function certificationRoutes(services: Services): FastifyPluginAsync {
  return async app => {
    app.get('/certification', async request => {
      testOnly(request.caller!)
      return certificationReport(services.db, request.caller!.clientId)
    })

    app.post('/sandbox/reset', async (request, reply) => {
      await services.sandbox.reset(request.caller!)
      return reply.code(204).send()
    })

    app.post('/sandbox/advance', async request => {
      testOnly(request.caller!)
      return services.sandbox.advance(request.caller!, jsonObjectBody(request, ['by'], '{"by": "5h"}'))
    })
  }
}
