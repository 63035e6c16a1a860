import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import type { Caller } from '../../identity/index.js'
import { GatewayError } from '../../problems.js'
import { createSubscription, deleteSubscription, listSubscriptions, type NewSubscription } from '../../webhooks/index.js'
import { bodyBytes } from '../submit.js'

const callerOf = (request: FastifyRequest): Caller => request.caller!

/** The body of POST /webhooks: a JSON object with `url` and, optionally, `types`; nothing else. */
function subscriptionBody(request: FastifyRequest): NewSubscription {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') throw new GatewayError('INVALID_REQUEST', 'Send the subscription as application/json: {"url": "https://…", "types": [...]}')
  let body: unknown
  try {
    body = JSON.parse(Buffer.from(bodyBytes(request)).toString('utf8'))
  } catch {
    throw new GatewayError('INVALID_REQUEST', 'The body is not JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('INVALID_REQUEST', 'The body must be a JSON object: {"url": "https://…", "types": [...]}')
  const unknown = Object.keys(body).filter(k => k !== 'url' && k !== 'types')
  if (unknown.length > 0) throw new GatewayError('INVALID_REQUEST', `Unknown field ${unknown[0]!.slice(0, 40)}: a subscription has url and types`)
  return body as NewSubscription
}

/** POST/GET/DELETE /api/v1/webhooks: the caller's webhook subscriptions (SPEC.md §4b). */
export function webhookRoutes(services: Services): FastifyPluginAsync {
  return async app => {
    app.post('/webhooks', async (request, reply) => {
      const created = await createSubscription(services.db, callerOf(request), subscriptionBody(request), services.clock.now())
      // A new subscription starts after the latest event: the worker's next pass finds it.
      services.webhooks.nudge()
      return reply.code(201).send(created)
    })

    app.get('/webhooks', async request => listSubscriptions(services.db, callerOf(request)))

    app.delete('/webhooks/:id', async (request, reply) => {
      const { id } = request.params as { id: string }
      await deleteSubscription(services.db, callerOf(request), id, services.clock.now())
      return reply.code(204).send()
    })
  }
}
