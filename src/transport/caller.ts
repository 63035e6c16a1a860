import type { TLSSocket } from 'node:tls'
import type { FastifyRequest } from 'fastify'
import { GatewayError } from '../problems.js'
import { resolveCaller, type Caller } from '../identity/index.js'
import { fingerprintOfDer } from '../pki/index.js'
import type { Services } from '../services.js'

declare module 'fastify' {
  interface FastifyRequest { caller: Caller | null }
}

// The TLS layer requests a certificate but lets the handshake finish, so that the application can answer
// every failure with a problem code a program can act on (SPEC.md §3) instead of a dropped connection.
const validityErrors = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])

/** onRequest hook for /api/v1 and /soap: peer certificate → fingerprint → registered, active client. */
export function callerHook(services: Services) {
  return async (request: FastifyRequest): Promise<void> => {
    const socket = request.raw.socket as TLSSocket
    const fingerprint = peerFingerprint(socket)
    if (!fingerprint) throw new GatewayError('CLIENT_CERT_REQUIRED', 'Connect with the client certificate registered for your program')
    const now = services.clock.now()
    const caller = await resolveCaller(services.certificates, fingerprint, now)
    const tlsError = socket.authorized ? undefined : String(socket.authorizationError ?? 'UNKNOWN')
    // A registered certificate must still chain to TRUST_CA; its dates were checked by resolveCaller.
    if (tlsError && !validityErrors.has(tlsError)) {
      throw new GatewayError('CLIENT_CERT_UNKNOWN', 'The client certificate is not issued by a trusted certification authority')
    }
    if (tlsError) throw new GatewayError('CLIENT_CERT_EXPIRED')
    request.caller = caller
  }
}

// A connection's peer certificate never changes (renegotiation is off in TLS 1.3 and refused by Node's
// default limits), so its fingerprint is computed once per connection, not per keep-alive request.
const fingerprints = new WeakMap<TLSSocket, string | null>()

/** The SHA-256 fingerprint of the connection's client certificate; null when it presented none. */
export function peerFingerprint(socket: TLSSocket): string | null {
  let known = fingerprints.get(socket)
  if (known === undefined) {
    const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined
    known = peer?.raw ? fingerprintOfDer(peer.raw) : null
    fingerprints.set(socket, known)
  }
  return known
}
