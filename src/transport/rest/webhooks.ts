import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import type { Caller } from '../../identity/index.js'
import { createSubscription, deleteSubscription, listSubscriptions, type NewSubscription } from '../../webhooks/index.js'
import { jsonObjectBody } from './json-body.js'

const callerOf = (request: FastifyRequest): Caller => request.caller!

/** The body of POST /webhooks: a JSON object with `url` and, optionally, `types`; nothing else. */
function subscriptionBody(request: FastifyRequest): NewSubscription {
  return jsonObjectBody(request, ['url', 'types'], '{"url": "https://…", "types": [...]}') as unknown as NewSubscription
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
