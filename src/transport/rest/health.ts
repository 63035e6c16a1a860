import { sql } from 'kysely'
import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.js'
import { DatabaseUnavailableError, pendingMigrations } from '../../db/index.js'
import { within } from '../../lib/index.js'

// A probe answers within this, whatever the database does: a process manager's own probe timeout is often 1 to 5 s.
const probeTimeoutMs = 2_000

export function healthRoutes(services: Services): FastifyPluginAsync {
  const timeoutMs = Math.min(probeTimeoutMs, services.config.DB_STATEMENT_TIMEOUT)
  return async app => {
    // Liveness: the process serves requests. It stays 200 while the database is away, so that nothing restarts a
    // gateway that would only find the same database on its way back up.
    app.get('/healthz', async () => ({ status: 'ok' }))

    app.get('/readyz', async (_request, reply) => {
      let pending: string[]
      try {
        // A query still waiting for a connection or a lock counts as a database that does not answer.
        pending = await within((async () => {
          await sql`select 1`.execute(services.db)
          return pendingMigrations(services.db, services.dbHandle.schema)
        })(), timeoutMs, () => new DatabaseUnavailableError(`the database did not answer within ${timeoutMs} ms`, 'statement_timeout'))
      } catch (error) {
        services.database.fault(error)
        return reply.code(503).send({ status: 'not ready', database: 'unreachable' })
      }
      services.database.ok()
      if (pending.length > 0) return reply.code(503).send({ status: 'not ready', database: 'ok', pendingMigrations: pending })
      return { status: 'ready', database: 'ok', pendingMigrations: [] }
    })

    // Reads the database for a few gauges (see metrics/scrape.ts), within a bound: a database that is away never fails a scrape.
    app.get('/metrics', async (_request, reply) =>
      reply.type(services.metrics.contentType).send(await services.metrics.render()))
  }
}
