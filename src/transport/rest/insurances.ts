import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import type { Caller } from '../../identity/index.js'
import { GatewayError } from '../../problems.js'
import { listInsurances } from '../../register/index.js'
import { optionalText } from './query.js'

const callerOf = (request: FastifyRequest): Caller => request.caller!

/** GET /api/v1/insurances: the register, as far as the caller may file for its employers. */
export function insuranceRoutes(services: Services): FastifyPluginAsync {
  return async app => {
    app.get('/insurances', async request => {
      const q = request.query as Record<string, unknown>
      const limit = optionalText(q, 'limit')
      if (limit !== undefined && !/^\d+$/.test(limit)) throw new GatewayError('INVALID_REQUEST', 'limit must be a whole number from 1 to 500')
      const filter = {
        employer: optionalText(q, 'employer'), person: optionalText(q, 'person'), period: optionalText(q, 'period'),
        status: optionalText(q, 'status'), cursor: optionalText(q, 'cursor'), ...(limit !== undefined ? { limit: Number(limit) } : {}),
      }
      return listInsurances(services.db, callerOf(request), filter, services.clock.now())
    })
  }
}
