import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import { projectRoot } from '../../lib/index.js'

const openapiPath = join(projectRoot, 'openapi.yaml')

/**
 * GET /openapi.yaml (the file byte for byte) and the Swagger UI at /docs, rendered from the same file. Both need
 * no client certificate, so that a vendor can read the API before its program has one. The UI's scripts and
 * styles are served from the installed package, never from a CDN, so it works on an isolated network.
 */
export function docsRoutes(): FastifyPluginAsync {
  const text = readFileSync(openapiPath, 'utf8')
  return async app => {
    app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml; charset=utf-8').send(text))

    // Static mode: the hand-written openapi.yaml is the description; nothing is generated from the routes.
    await app.register(fastifySwagger, { mode: 'static', specification: { path: openapiPath, baseDir: projectRoot } })
    await app.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      // No online validator badge: the UI makes no request beyond this gateway.
      validatorUrl: false,
      theme: { title: 'ehrs-gateway API' },
      uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 },
    })
  }
}
