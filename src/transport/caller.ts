import type { TLSSocket } from 'node:tls'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError } from '../problems.js'
import { resolveCaller, type Caller } from '../identity/index.js'
import { fingerprintOfDer, issuingQualifiedCa, type Revocation } from '../pki/index.js'
import type { Services } from '../services.js'

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null
    /** What the CRLs say of the caller's certificate, for `GET /api/v1/me`. */
    revocation: Revocation | null
  }
}

// The TLS layer requests a certificate but lets the handshake finish, so that the application can answer
// every failure with a problem code a program can act on (SPEC.md §3) instead of a dropped connection.
const validityErrors = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])
// OpenSSL builds a path to a self-signed root; a qualified CA of a trusted list is often an issuing CA whose root
// the list does not carry. The list vouches for that CA itself, so its certificates are checked against it here.
const missingIssuerErrors = new Set(['UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'])

/** onRequest hook for /api/v1 and /soap: peer certificate → fingerprint → registered, active, unrevoked client. */
export function callerHook(services: Services) {
  const { crls, qualifiedCas } = services.trust
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const socket = request.raw.socket as TLSSocket
    const peer = peerCertificate(socket)
    if (!peer) throw new GatewayError('CLIENT_CERT_REQUIRED', 'Connect with the client certificate registered for your program')
    await crls.ready
    const now = services.clock.now()
    const revocation = crls.status(peer.der, now)
    const caller = await resolveCaller(services.certificates, peer.fingerprint, now, {
      isRevoked: revocation.state === 'revoked',
      isKnown: revocation.state !== 'unknown' && !revocation.crl?.isStale,
      isRequired: services.config.CRL_REQUIRED,
    })
    const tlsError = socket.authorized ? undefined : String(socket.authorizationError ?? 'UNKNOWN')
    // A registered certificate must still chain to TRUST_CA; its dates were checked by resolveCaller.
    if (tlsError && !validityErrors.has(tlsError) && !(missingIssuerErrors.has(tlsError) && peer.isQualifiedIssuer(der => issuingQualifiedCa(der, qualifiedCas) !== undefined))) {
      throw new GatewayError('CLIENT_CERT_UNKNOWN', 'The client certificate is not issued by a trusted certification authority')
    }
    if (tlsError && validityErrors.has(tlsError)) throw new GatewayError('CLIENT_CERT_EXPIRED')
    request.caller = caller
    request.revocation = revocation
    // SPEC.md §3: within CERT_EXPIRY_WARN of its end, every answer tells the program, errors included.
    const end = caller.certificateNotAfter
    if (end && end.getTime() - now.getTime() <= services.config.CERT_EXPIRY_WARN) reply.header('Client-Cert-Expires', end.toISOString())
  }
}

interface PeerCertificate {
  readonly der: Buffer
  readonly fingerprint: string
  /** Whether `check` holds of the certificate; computed once per connection. */
  isQualifiedIssuer(check: (der: Uint8Array) => boolean): boolean
}

// A connection's peer certificate never changes (renegotiation is off in TLS 1.3 and refused by Node's
// default limits), so its facts are computed once per connection, not per keep-alive request.
const peers = new WeakMap<TLSSocket, PeerCertificate | null>()

/** The SHA-256 fingerprint of the connection's client certificate; null when it presented none. */
export function peerFingerprint(socket: TLSSocket): string | null {
  return peerCertificate(socket)?.fingerprint ?? null
}

function peerCertificate(socket: TLSSocket): PeerCertificate | null {
  let known = peers.get(socket)
  if (known === undefined) {
    const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined
    known = peer?.raw ? peerFacts(peer.raw) : null
    peers.set(socket, known)
  }
  return known
}

function peerFacts(der: Buffer): PeerCertificate {
  let qualified: boolean | undefined
  return { der, fingerprint: fingerprintOfDer(der), isQualifiedIssuer: check => (qualified ??= check(der)) }
}
