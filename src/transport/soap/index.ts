import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import type { Caller } from '../../identity/index.js'
import { GatewayError, RetryLaterError } from '../../problems.js'
import { getDocumentView, listDocuments } from '../../documents/index.js'
import { renderReceipt } from '../../receipts/index.js'
import { projectRoot, createWorkerPool, largeTaskBytes, type Refusal, type WorkerPool } from '../../lib/index.js'
import { problemBody, retryAfter, toGatewayError } from '../problem.js'
import { documentFilter } from '../document-filter.js'
import { bodyBytes, recordOversized, submitCounted } from '../submit.js'
import { readParameters, SoapProtocolError, type SoapRequest } from './envelope.js'
import { certificationReportView, documentView, element, envelope, eventView, fault, meView, response, text } from './write.js'
import { certificationReport, testOnly } from '../../certification/index.js'
import { callerProfile } from '../rest/me.js'
import type { Revocation } from '../../pki/index.js'
import { noteDocument, problemInstance } from '../observe.js'

const SOAP_MEDIA_TYPE = /^text\/xml\s*(;.*)?$/i
const documentRef = { id: { kind: 'text', required: true } } as const

/** `about` records the document the call filed or asks for, for the request's log line; `requestId` is the call's X-Request-Id. */
type Operation = (
  request: SoapRequest & { contentType: string; bytes: Uint8Array; revocation: Revocation | null }, caller: Caller, services: Services,
  about: (documentId: string) => void, requestId: string,
) => Promise<string>

const submitParameters = { document: { kind: 'document', required: true }, idempotencyKey: { kind: 'text' } } as const

/** One entry per WSDL operation; each is the same core call its REST route makes. */
const operations: Readonly<Record<string, Operation>> = {
  async SubmitDocument(request, caller, services, about) {
    let p
    try {
      p = readParameters(request, submitParameters)
    } catch (error) {
      // A submission without a usable document is still a submission: the message log keeps the envelope.
      if (error instanceof GatewayError) await services.intake.recordRefusal(caller, 'soap', request.contentType, request.bytes, error)
      throw error
    }
    const result = await submitCounted(services, {
      caller, transport: 'soap', bytes: p.document!, contentType: null,
      ...(p.idempotencyKey !== undefined ? { idempotencyKey: p.idempotencyKey } : {}),
    })
    about(result.view.id)
    return documentView('document', result.view)
  },

  async GetDocumentStatus(request, caller, services, about, requestId) {
    const { id } = readParameters(request, documentRef)
    about(id!)
    const view = await getDocumentView(services.db, caller, id!, services.clock.now())
    await services.sandbox.statusRead(caller, view, requestId)
    return documentView('document', view)
  },

  async ListDocuments(request, caller, services) {
    const p = readParameters(request, {
      type: { kind: 'text' }, employer: { kind: 'text' }, period: { kind: 'text' }, acceptance: { kind: 'text' },
      processing: { kind: 'text' }, since: { kind: 'text' }, limit: { kind: 'text' }, cursor: { kind: 'text' }, externalId: { kind: 'text' },
      pairing: { kind: 'text' },
    })
    const page = await listDocuments(services.db, caller, documentFilter(name => p[name]), services.clock.now())
    return element('items', page.items.map(view => documentView('document', view)).join('')) + text('nextCursor', page.nextCursor ?? undefined)
  },

  // The feed without `wait`: a SOAP client polls it (SPEC.md §5).
  async GetEvents(request, caller, services, _about, requestId) {
    const p = readParameters(request, { after: { kind: 'text' }, limit: { kind: 'text' } })
    if (p.limit !== undefined && !/^\d{1,9}$/.test(p.limit)) throw new GatewayError('INVALID_REQUEST', 'limit must be a whole number from 1 to 500')
    const page = await services.events.read(caller, { ...(p.after !== undefined ? { after: p.after } : {}), ...(p.limit !== undefined ? { limit: Number(p.limit) } : {}) })
    await services.sandbox.eventsRead(caller, page, requestId)
    return element('items', page.items.map(event => eventView('event', event)).join('')) + text('nextAfter', page.nextAfter)
  },

  async GetCertificationReport(request, caller, services) {
    readParameters(request, {})
    testOnly(caller)
    return certificationReportView(await certificationReport(services.db, caller.clientId))
  },

  // GET /api/v1/me over SOAP (SPEC.md §3): the same facts, from the same code.
  async GetMe(request, caller, services) {
    readParameters(request, {})
    return meView(await callerProfile(services, caller, request.revocation))
  },

  async GetReceipt(request, caller, services, about, requestId) {
    const { id } = readParameters(request, documentRef)
    about(id!)
    const now = services.clock.now()
    const view = await getDocumentView(services.db, caller, id!, now)
    await services.sandbox.receiptRead(caller, view, requestId)
    const receipt = services.receipts.sign(renderReceipt(view, now))
    return text('receipt', Buffer.from(receipt, 'utf8').toString('base64'))
  },

  async StornoDocument(request, caller, services, about, requestId) {
    const { id } = readParameters(request, documentRef)
    about(id!)
    const view = await services.sandbox.watchStorno(caller, id!, requestId, () => services.lifecycle.storno(caller, id!))
    services.metrics.storno(view.type)
    return documentView('document', view)
  },

  async RequestRegisterCheck(request, caller, services, about) {
    const { id } = readParameters(request, documentRef)
    about(id!)
    return documentView('document', await services.lifecycle.requestRegisterCheck(caller, id!))
  },
}

/**
 * `GET /soap?wsdl`: the WSDL with this listener's address. Like /openapi.yaml it needs no client certificate, so
 * that tools can generate a client before one is registered.
 */
export function wsdlRoute(services: Services): FastifyPluginAsync {
  const wsdl = readFileSync(join(projectRoot, 'wsdl', 'ehrs.wsdl'), 'utf8')
  const fallbackHost = `${services.config.HOST}:${services.config.PORT}`
  return async app => {
    app.get('/soap', async (request, reply) => {
      // The address a client used to fetch the WSDL is the one it can reach the endpoint at.
      const host = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(request.headers.host ?? '') ? request.headers.host! : fallbackHost
      return reply.type('text/xml; charset=utf-8').send(wsdl.replace('https://127.0.0.1:8443/soap', `https://${host}/soap`))
    })
  }
}

/** `POST /soap`: SOAP 1.1, document/literal; behind the caller hook like /api/v1. Every failure is a Fault. */
export function soapEndpoint(services: Services): FastifyPluginAsync {
  return async app => {
    // Started with the first SOAP request, so that a gateway spoken to over REST alone has no idle threads for it.
    let envelopes: WorkerPool | undefined
    app.addHook('onClose', async () => { await envelopes?.close() })
    const readEnvelope = async (bytes: Uint8Array): Promise<SoapRequest> => {
      envelopes ??= createWorkerPool({
        handlers: { envelope: new URL('./envelope-worker.js', import.meta.url).href }, workers: 2, largeBytes: largeTaskBytes, revive: reviveFault,
      })
      return (await envelopes.run<SoapRequest>({ op: 'envelope', bytes }, { bytes: bytes.byteLength })).value
    }

    app.setErrorHandler(async (error, request, reply) => {
      const known = toGatewayError(error as Error)
      if (known?.code === 'BODY_TOO_LARGE') await recordOversized(services, request, 'soap')
      if (known?.code === 'DATABASE_UNAVAILABLE') services.database.fault(known.cause)
      else if (!known || known.status >= 500) request.log.error({ err: error }, known ? 'request failed' : 'unexpected error')
      else request.log.warn({ code: known.code, route: request.routeOptions.url }, 'request refused')
      return sendFault(services, request, reply, known ?? new GatewayError('INTERNAL_ERROR', 'An internal error occurred; it has been logged'))
    })

    app.post('/soap', async (request, reply) => {
      const bytes = bodyBytes(request)
      const caller = request.caller!
      const contentType = request.headers['content-type'] ?? ''
      if (!SOAP_MEDIA_TYPE.test(contentType)) {
        throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'SOAP 1.1 requests are sent as text/xml; charset=utf-8')
      }
      let soapRequest: SoapRequest
      try {
        soapRequest = await readEnvelope(bytes)
        // Only now is the operation known: a SubmitDocument its SOAPAction did not announce is held to the
        // client's submission limits from here (RATE_LIMITED), any other call gives its submission slot back.
        if (soapRequest.operation === 'SubmitDocument') request.admission?.asSubmission()
        else request.admission?.asRead()
      } catch (error) {
        // An envelope that cannot be read, or is refused, may have carried a document: the message log keeps the attempt.
        if (error instanceof GatewayError) await services.intake.recordRefusal(caller, 'soap', contentType, bytes, error)
        throw error
      }
      // Own properties only: an element named `constructor` is no operation.
      const operation = Object.hasOwn(operations, soapRequest.operation) ? operations[soapRequest.operation] : undefined
      if (!operation) throw new GatewayError('INVALID_REQUEST', `Unknown operation ${soapRequest.operation}; the WSDL at /soap?wsdl lists them`)
      const content = await operation({ ...soapRequest, contentType, bytes, revocation: request.revocation }, caller, services, id => noteDocument(request, id), request.id)
      return reply.type('text/xml; charset=utf-8').send(envelope(response(soapRequest.operation, content)))
    })
  }
}

/** An envelope refused on the worker thread, as the error it was there. */
function reviveFault(refusal: Refusal): Error {
  const { code, message, faultCode } = refusal as Refusal & { faultCode?: 'VersionMismatch' | 'MustUnderstand' }
  return faultCode ? new SoapProtocolError(faultCode, message) : new GatewayError(code as 'INVALID_REQUEST', message)
}

// SOAP 1.1 over HTTP answers every Fault with 500 (WS-I Basic Profile R1126); the problem's own status is in the
// detail, and it is what the request is counted with (see observe.ts), beside its fault class.
function sendFault(services: Services, request: FastifyRequest, reply: FastifyReply, error: GatewayError): FastifyReply {
  if (error instanceof RetryLaterError) reply.header('retry-after', String(error.retryAfterSeconds))
  const faultCode = error instanceof SoapProtocolError ? error.faultCode : error.status >= 500 ? 'Server' : 'Client'
  const seconds = retryAfter(error.code)
  if (seconds !== undefined) reply.header('retry-after', String(seconds))
  request.problem = { code: error.code, status: error.status, fault: faultCode }
  services.metrics.soapFault(faultCode, error.code)
  const problem = { ...problemBody(error.code, error.message, error.findings), instance: problemInstance(request) }
  return reply.code(500).type('text/xml; charset=utf-8').send(envelope(fault(faultCode, problem)))
}
