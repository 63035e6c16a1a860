import { pipeline, Transform, type Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { RetryLaterError } from '../problems.js'
import type { Services } from '../services.js'
import { declaredSize } from './submit.js'

/*
 * Admission control (SPEC.md §8): what one client may start (RATE_LIMIT, MAX_INFLIGHT_PER_CLIENT) and how many
 * request bytes the whole gateway works on at once (MAX_INFLIGHT_BYTES), decided from the headers before a body
 * is read. The rate and the concurrency apply to submissions, so that polling never uses up a client's filing;
 * the bytes apply to every request behind the client certificate. Limits are per gateway instance.
 */

export interface AdmissionLimits {
  /** Sustained submissions per client: `count` per `perMs`; the burst is two seconds' worth (at least one). */
  readonly rate: { readonly count: number; readonly perMs: number }
  readonly maxInFlightPerClient: number
  readonly maxInFlightBytes: number
}

export type RefusalReason = 'rate' | 'client_concurrency' | 'gateway_bytes'

/** One admitted request's share of the limits; `release()` gives it back, once. */
export interface Ticket {
  readonly isSubmission: boolean
  /** Counts the request as a submission from now on (SOAP: once the envelope names SubmitDocument). Throws RATE_LIMITED. */
  asSubmission(): void
  /** Gives back the token and the slot of a request admitted as a submission that turned out to be another call. */
  asRead(): void
  /** Adds body bytes that arrive without a Content-Length. Throws OVERLOADED. */
  addBytes(count: number): void
  release(): void
}

export interface Admission {
  /**
   * Admits a request of `clientId` whose body declares `declaredBytes`: first the client's rate, then its
   * concurrency (both only for a submission; `429 RATE_LIMITED`), then the gateway's bytes (`503 OVERLOADED`).
   * Throws RetryLaterError; a refused request takes nothing.
   */
  admit(clientId: string, declaredBytes: number, isSubmission: boolean): Ticket
  inFlightRequests(): number
  inFlightBytes(): number
}

interface ClientState { tokens: number; at: number; inFlight: number }

/** `nowMs` is the clock the bucket refills by; it may stand still or step back (a test's clock) without harm. */
export function createAdmission(limits: AdmissionLimits, nowMs: () => number, onRefused: (reason: RefusalReason) => void = () => {}): Admission {
  const { count, perMs } = limits.rate
  const capacity = Math.max(1, (count * 2000) / perMs)
  const clients = new Map<string, ClientState>()
  let requests = 0
  let bytes = 0

  function stateOf(clientId: string): ClientState {
    let state = clients.get(clientId)
    if (!state) clients.set(clientId, state = { tokens: capacity, at: nowMs(), inFlight: 0 })
    return state
  }

  function refuse(reason: RefusalReason, error: RetryLaterError): never {
    onRefused(reason)
    throw error
  }

  /** Throws unless the client has a token and a free slot. */
  function checkSubmission(state: ClientState): void {
    const now = nowMs()
    if (now > state.at) {
      state.tokens = Math.min(capacity, state.tokens + ((now - state.at) * count) / perMs)
      state.at = now
    }
    if (state.tokens < 1) {
      const waitMs = ((1 - state.tokens) * perMs) / count
      refuse('rate', new RetryLaterError('RATE_LIMITED', `More than ${count} submissions per ${unitOf(perMs)}; retry after the time given in Retry-After`, Math.max(1, Math.ceil(waitMs / 1000))))
    }
    if (state.inFlight >= limits.maxInFlightPerClient) {
      refuse('client_concurrency', new RetryLaterError('RATE_LIMITED', `${limits.maxInFlightPerClient} submissions of this client are being handled; retry once one is answered`, 1))
    }
  }

  function checkBytes(added: number): void {
    if (added > 0 && bytes + added > limits.maxInFlightBytes) {
      refuse('gateway_bytes', new RetryLaterError('OVERLOADED', 'The gateway is working on as much as it may at once; retry shortly', 1))
    }
  }

  return {
    inFlightRequests: () => requests,
    inFlightBytes: () => bytes,

    admit(clientId, declaredBytes, isSubmission) {
      const state = stateOf(clientId)
      if (isSubmission) checkSubmission(state)
      checkBytes(declaredBytes)
      let submission = isSubmission
      let held = declaredBytes
      let released = false
      if (submission) {
        state.tokens -= 1
        state.inFlight++
      }
      requests++
      bytes += held
      return {
        get isSubmission() { return submission },
        asSubmission() {
          if (released || submission) return
          checkSubmission(state)
          state.tokens -= 1
          state.inFlight++
          submission = true
        },
        asRead() {
          if (released || !submission) return
          state.tokens = Math.min(capacity, state.tokens + 1)
          state.inFlight--
          submission = false
        },
        addBytes(added) {
          if (released) return
          checkBytes(added)
          held += added
          bytes += added
        },
        release() {
          if (released) return
          released = true
          if (submission) state.inFlight--
          requests--
          bytes -= held
        },
      }
    },
  }
}

function unitOf(perMs: number): string {
  return perMs === 1000 ? 'second' : perMs === 60_000 ? 'minute' : 'hour'
}

declare module 'fastify' {
  interface FastifyRequest { admission: Ticket | null }
}

const SOAP_NS = 'urn:ehrs:soap:1'
// SOAP calls other than SubmitDocument, as their WSDL soapAction names them: a call that announces one of these
// is not held to the submission limits until its envelope shows otherwise (see soap/index.ts).
const soapCalls = new Set(['GetDocumentStatus', 'ListDocuments', 'GetReceipt', 'StornoDocument', 'RequestRegisterCheck'].map(o => `${SOAP_NS}#${o}`))

/** Which transport a submission comes by; undefined for a request that is not one. */
function submissionTransport(request: FastifyRequest): 'rest' | 'soap' | undefined {
  if (request.method !== 'POST') return undefined
  const route = request.routeOptions.url
  if (route === '/api/v1/documents') return 'rest'
  if (route !== '/soap') return undefined
  const action = request.headers.soapaction
  return typeof action === 'string' && soapCalls.has(action.trim().replace(/^"(.*)"$/, '$1')) ? undefined : 'soap'
}

/**
 * The hooks of the caller scope (after the caller hook): admission from the headers, bytes counted as they
 * arrive when there is no Content-Length, and release once the answer is given (onSend, onResponse) or the
 * client has gone away ('close') before a handler started.
 */
export function admissionHooks(scope: FastifyInstance, services: Services): void {
  const { config, metrics } = services
  const admission = createAdmission(
    { rate: config.RATE_LIMIT, maxInFlightPerClient: config.MAX_INFLIGHT_PER_CLIENT, maxInFlightBytes: config.MAX_INFLIGHT_BYTES },
    () => services.clock.now().getTime(),
    reason => metrics.admissionRefused(reason),
  )
  metrics.readInFlight(() => ({ requests: admission.inFlightRequests(), bytes: admission.inFlightBytes() }))
  // Per request: whether the connection is gone, and whether the handler started and has answered. The work of a
  // request is over once its answer is on its way, or once its client left before the handler took it up; a
  // handler already at work keeps its share until it answers, so leaving early frees nothing that is still used.
  const progress = new WeakMap<FastifyRequest, { closed: boolean; started: boolean; answered: boolean }>()
  const settle = (request: FastifyRequest): void => {
    const p = progress.get(request)
    if (p && (p.answered || (p.closed && !p.started))) request.admission?.release()
  }

  scope.decorateRequest('admission', null)

  scope.addHook('onRequest', async (request, reply) => {
    const caller = request.caller!
    const transport = submissionTransport(request)
    const length = declaredSize(request)
    // Only POST bodies are read here (Fastify leaves a GET's alone), and one over MAX_BODY is refused (413)
    // without being read: neither holds memory.
    const declared = request.method === 'POST' && length <= config.MAX_BODY ? length : 0
    try {
      request.admission = admission.admit(caller.clientId, declared, transport !== undefined)
    } catch (error) {
      if (transport && error instanceof RetryLaterError) {
        await services.intake.recordUnread(caller, transport, request.headers['content-type'] ?? null, length, error)
      }
      throw error
    }
    progress.set(request, { closed: false, started: false, answered: false })
    // 'close' also comes when the client goes away before its answer, when onSend and onResponse may never run.
    reply.raw.once('close', () => { progress.get(request)!.closed = true; settle(request) })
  })

  scope.addHook('preParsing', async (request, _reply, payload) => {
    const ticket = request.admission
    if (!ticket || request.method !== 'POST' || request.headers['content-length'] !== undefined) return payload
    let received = 0
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        try {
          ticket.addBytes(chunk.byteLength)
          received += chunk.byteLength
          done(null, chunk)
        } catch (error) {
          const transport = submissionTransport(request)
          if (!transport || !(error instanceof RetryLaterError)) return done(error as Error)
          void services.intake.recordUnread(request.caller!, transport, request.headers['content-type'] ?? null, received + chunk.byteLength, error)
            .then(() => done(error))
        }
      },
    })
    return pipeline(payload as Readable, counted, () => {}) as typeof payload
  })

  scope.addHook('preHandler', async request => {
    const p = progress.get(request)
    if (p) p.started = true
  })
  scope.addHook('onSend', async request => {
    const p = progress.get(request)
    if (p) p.answered = true
    settle(request)
  })
  scope.addHook('onResponse', async request => {
    const p = progress.get(request)
    if (p) p.closed = p.answered = true
    settle(request)
  })
}

/**
 * `Expect: 100-continue` is answered only once a request has passed its onRequest hooks (caller, admission):
 * a program that asks first never sends a body that would be refused. Node answers it at once unless told.
 */
export function continueAfterAdmission(app: FastifyInstance): void {
  app.server.on('checkContinue', (req, res) => app.server.emit('request', req, res))
  app.addHook('preParsing', async (request, reply, payload) => {
    if (/^100-continue$/i.test(request.headers.expect ?? '') && !reply.raw.headersSent) reply.raw.writeContinue()
    return payload
  })
}
