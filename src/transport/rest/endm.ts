import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../../problems.js'
import { day91 } from '../../forms/index.js'
import { optionalText } from './query.js'

/**
 * GET /api/v1/endm/day-91?from=DATE: the 91st day of an absence and the first working day after it, from the same
 * calculator as the ENDM rules and `ehrs endm day-91`. Needs a client certificate like every /api/v1 route.
 */
export function endmRoutes(): FastifyPluginAsync {
  return async app => {
    app.get('/endm/day-91', async request => {
      const from = optionalText(request.query as Record<string, unknown>, 'from')
      if (from === undefined) throw new GatewayError('INVALID_REQUEST', 'from is required: the first day of the absence, YYYY-MM-DD')
      const result = day91(from)
      if (!result) throw new GatewayError('INVALID_REQUEST', 'from must be an existing date YYYY-MM-DD of the years 1900 to 9998')
      return result
    })
  }
}
