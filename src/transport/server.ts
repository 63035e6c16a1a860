import Fastify, { LogController, type FastifyBaseLogger } from 'fastify'
import { GatewayError } from '../problems.js'
import type { Services } from '../services.js'
import { callerHook } from './caller.js'
import { admissionHooks, continueAfterAdmission } from './admission.js'
import { recordOversized } from './submit.js'
import { sendProblem, toGatewayError } from './problem.js'
import { clientErrorHandler, observeRequests, recordAnswer, requestIdOf } from './observe.js'
import { healthRoutes } from './rest/health.js'
import { docsRoutes } from './rest/docs.js'
import { documentRoutes } from './rest/documents.js'
import { insuranceRoutes } from './rest/insurances.js'
import { eventRoutes } from './rest/events.js'
import { webhookRoutes } from './rest/webhooks.js'
import { certificationRoutes } from './rest/certification.js'
import { endmRoutes } from './rest/endm.js'
import { soapEndpoint, wsdlRoute } from './soap/index.js'
import { readBody } from './body.js'
import { meRoutes } from './rest/me.js'
import { tlsProfile } from '../pki/index.js'

export interface TlsMaterial {
  readonly cert: string
  readonly key: string
  /** CAs whose client certificates pass the handshake (TRUST_CA). */
  readonly ca: readonly string[]
}

/** The HTTPS listener with its scopes; no listen(), so tests can build it. */
export async function buildServer(services: Services, tls: TlsMaterial, logger: FastifyBaseLogger) {
  const app = Fastify({
    loggerInstance: logger,
    // Our own onResponse line replaces Fastify's, which would log the raw URL with its query string.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestIdOf,
    clientErrorHandler: clientErrorHandler(logger),
    https: {
      cert: tls.cert, key: tls.key, ca: [...tls.ca],
      requestCert: true,
      rejectUnauthorized: false,
      // SPEC.md §3: TLS 1.3, and 1.2 only with ECDHE and AEAD; REST and SOAP share this one listener.
      ...tlsProfile,
    },
    bodyLimit: services.config.MAX_BODY,
    forceCloseConnections: 'idle',
    // While closing, the onRequest hook below answers 503 as a problem (or a Fault on /soap), not Fastify's own body.
    return503OnClosing: false,
    keepAliveTimeout: 65_000,
    requestTimeout: 120_000,
    // A path that is not valid percent-encoding is refused before routing: still a problem with a stable code.
    frameworkErrors: (error, request, reply) => {
      // Such a request passes no hook: its log line and counts are written when its answer is sent.
      reply.raw.once('finish', () => recordAnswer(services, request, reply))
      sendProblem(request, reply, new GatewayError('INVALID_REQUEST', error.message))
    },
  })

  // First, so that every answer carries X-Request-Id, also one refused by a hook.
  observeRequests(app, services)

  let closing = false
  app.addHook('preClose', async () => {
    closing = true
    // Long-polls would hold the close for up to 30 s: each is answered now with what it has (an empty page).
    await services.events.endWaits()
  })
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return
    reply.header('connection', 'close')
    throw new GatewayError('SERVICE_UNAVAILABLE', 'The gateway is shutting down; retry on a new connection')
  })

  app.decorateRequest('caller', null)
  app.decorateRequest('revocation', null)
  continueAfterAdmission(app)
  // Every body arrives as bytes: the document is kept byte-exact, and intake itself answers a wrong media type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (request, payload, done) => readBody(request, payload, services.config.MAX_BODY, done))

  app.setErrorHandler(async (error, request, reply) => {
    const known = toGatewayError(error as Error)
    if (known) {
      if (known.code === 'BODY_TOO_LARGE' && request.routeOptions.url === '/api/v1/documents') await recordOversized(services, request, 'rest')
      // The fault is logged once per outage by the monitor; each request answered 503 has its own 'request' line.
      if (known.code === 'DATABASE_UNAVAILABLE') services.database.fault(known.cause)
      else if (known.status >= 500) request.log.error({ err: error }, 'request failed')
      else request.log.warn({ code: known.code, route: request.routeOptions.url }, 'request refused')
      return sendProblem(request, reply, known)
    }
    request.log.error({ err: error }, 'unexpected error')
    return sendProblem(request, reply, new GatewayError('INTERNAL_ERROR', 'An internal error occurred; it has been logged'))
  })
  app.setNotFoundHandler(async (request, reply) => sendProblem(request, reply, new GatewayError('ROUTE_NOT_FOUND')))

  // No client certificate needed: probes, scrapers, and the API descriptions (OpenAPI, Swagger UI, WSDL).
  await app.register(healthRoutes(services))
  await app.register(docsRoutes())
  await app.register(wsdlRoute(services))
  // Everything else knows its caller.
  await app.register(async scope => {
    scope.addHook('onRequest', callerHook(services))
    admissionHooks(scope, services)
    await scope.register(documentRoutes(services), { prefix: '/api/v1' })
    await scope.register(insuranceRoutes(services), { prefix: '/api/v1' })
    await scope.register(eventRoutes(services), { prefix: '/api/v1' })
    await scope.register(webhookRoutes(services), { prefix: '/api/v1' })
    await scope.register(certificationRoutes(services), { prefix: '/api/v1' })
    await scope.register(endmRoutes(), { prefix: '/api/v1' })
    await scope.register(meRoutes(services), { prefix: '/api/v1' })
    await scope.register(soapEndpoint(services))
  })
  return app
}

