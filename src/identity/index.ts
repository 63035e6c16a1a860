/** Who the caller of a request is: the client its certificate is registered to. */

/** The identified caller of one request, its environment and its registered software version. */
export type { Caller, ClientRole, Environment, RevocationCheck, Software } from './caller.js'
/** Certificate fingerprint → client; throws CLIENT_CERT_UNKNOWN, CLIENT_CERT_REVOKED, CLIENT_CERT_EXPIRED or CLIENT_CERT_REVOCATION_UNKNOWN. */
export { resolveCaller, sandboxOf, registerOf } from './caller.js'
/** Batched lookup of registered certificates by fingerprint, read on every request. */
export { createCertificateLookup, type CertificateLookup, type CertificateRow } from './certificate-lookup.js'
/** The caller's registered certificate and its mandates in force, for `GET /api/v1/me`. */
export { readCallerRecord, type CallerRecord } from './profile.js'
