import { sql } from 'kysely'
import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.js'
import { pendingMigrations } from '../../db/index.js'

export function healthRoutes(services: Services): FastifyPluginAsync {
  return async app => {
    app.get('/healthz', async () => ({ status: 'ok' }))

    app.get('/readyz', async (_request, reply) => {
      try {
        await sql`select 1`.execute(services.db)
        const pending = await pendingMigrations(services.db, services.dbHandle.schema)
        if (pending.length > 0) return reply.code(503).send({ status: 'not ready', database: 'ok', pendingMigrations: pending })
        return { status: 'ready', database: 'ok', pendingMigrations: [] }
      } catch {
        return reply.code(503).send({ status: 'not ready', database: 'unreachable' })
      }
    })

    app.get('/metrics', async (_request, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(services.metrics.render()))
  }
}
