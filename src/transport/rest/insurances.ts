import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import type { Caller } from '../../identity/index.js'
import { GatewayError } from '../../problems.js'
import { listInsurances, type InsuranceFilter } from '../../register/index.js'
import { jsonObjectBody } from './json-body.js'
import { checkedText, optionalText } from './query.js'

const callerOf = (request: FastifyRequest): Caller => request.caller!

const textFields = ['employer', 'person', 'period', 'status', 'cursor'] as const
const searchExample = '{"person": "1204990505126", "employer": "45678138", "period": "2025-03"}'

/**
 * The body of POST /insurances/search: a JSON object of the GET's filters, each a non-empty string but `limit` (a
 * whole number); nothing else. A person is searched this way, so that no personal number stands in a URL.
 */
function searchBody(request: FastifyRequest): InsuranceFilter {
  const body = jsonObjectBody(request, [...textFields, 'limit'], searchExample)
  const filter: Record<string, string | number> = {}
  for (const name of textFields) {
    const value = body[name]
    if (value === undefined) continue
    if (typeof value !== 'string' || value === '') throw new GatewayError('INVALID_REQUEST', `${name} must be a non-empty string: send ${searchExample}`)
    filter[name] = checkedText(name, value)
  }
  if (body.limit !== undefined) {
    if (typeof body.limit !== 'number' || !Number.isInteger(body.limit)) throw new GatewayError('INVALID_REQUEST', 'limit must be a whole number from 1 to 500')
    filter.limit = body.limit
  }
  return filter
}

/**
 * GET /api/v1/insurances and POST /api/v1/insurances/search: the register, as far as the caller may file for its
 * employers, or (an inspection client) of every employer of its environment, each search audited.
 */
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

    app.post('/insurances/search', async request =>
      listInsurances(services.db, callerOf(request), searchBody(request), services.clock.now()))
  }
}
