import { GatewayError } from '../problems.js'
import type { CertificateLookup } from './certificate-lookup.js'

/**
 * Clients ("odjemalec"): one program installation of one company, identified by its certificates;
 * mandates ("pooblastilo" / "splnomocnenie") let it file for other employers.
 */
export type Environment = 'test' | 'production'

/**
 * What a client is for (SPEC.md §3): a `filer` files for its own employer and those that gave it a mandate; an
 * `inspector` (a labour office or labour inspectorate) files nothing and searches the register of its environment.
 */
export type ClientRole = 'filer' | 'inspector'

/** The identified caller of one request. */
export interface Caller {
  readonly clientId: string
  readonly name: string
  readonly taxNumber: string
  readonly environment: Environment
  readonly role: ClientRole
  readonly fingerprint: string
  readonly software: Software | null
  /** A test client's current sandbox (SPEC.md §7); absent until its first reset, when its sandbox has the client's id. */
  readonly sandbox?: string
  /** When the certificate in use ends; absent for a caller taken without one (a webhook's client). */
  readonly certificateNotAfter?: Date
}

/** The sandbox a test client files into now; null in production. */
export function sandboxOf(caller: Pick<Caller, 'environment' | 'clientId' | 'sandbox'>): string | null {
  return caller.environment === 'production' ? null : caller.sandbox ?? caller.clientId
}

/**
 * The register (and series of R/O reports) a document belongs to: `production`, or the test client's sandbox, so
 * that no test client sees or changes another's, and a reset leaves the old one behind (migration 0010).
 */
export function registerOf(document: { readonly environment: string; readonly sandbox: string | null }): string {
  return document.sandbox === null ? document.environment : `sandbox:${document.sandbox}`
}

/** What the CRLs of the certificate's issuer say (pki's CRL store), and whether a CRL is required (CRL_REQUIRED). */
export interface RevocationCheck {
  readonly isRevoked: boolean
  /** A current CRL of the issuer was consulted: one that is not past its nextUpdate. */
  readonly isKnown: boolean
  readonly isRequired: boolean
}

export interface Software { readonly vendor: string; readonly product: string; readonly version: string }

/**
 * Maps a presented certificate to its client. Throws CLIENT_CERT_UNKNOWN, CLIENT_CERT_REVOKED (by the operator, or
 * listed in a CRL of its issuer whatever the registry says), CLIENT_CERT_EXPIRED or CLIENT_CERT_REVOCATION_UNKNOWN
 * (checked in that order, so a revoked certificate never reveals its validity). Read on every request, so a new
 * client or a revoked certificate counts from the next request on.
 */
export async function resolveCaller(lookup: CertificateLookup, fingerprint: string, now: Date, revocation?: RevocationCheck): Promise<Caller> {
  const row = await lookup(fingerprint)
  if (!row) throw new GatewayError('CLIENT_CERT_UNKNOWN', 'The client certificate is not registered to any client')
  if (row.revoked_at && row.revoked_at <= now) throw new GatewayError('CLIENT_CERT_REVOKED')
  if (revocation?.isRevoked) throw new GatewayError('CLIENT_CERT_REVOKED', 'The client certificate is listed in its issuer\'s certificate revocation list')
  if (now < row.not_before || now > row.not_after) throw new GatewayError('CLIENT_CERT_EXPIRED')
  if (revocation?.isRequired && !revocation.isKnown) {
    throw new GatewayError('CLIENT_CERT_REVOCATION_UNKNOWN', 'The gateway has no current certificate revocation list of the certificate\'s issuer')
  }
  return {
    clientId: row.id,
    name: row.name,
    taxNumber: row.tax_number,
    environment: row.environment,
    role: row.role,
    fingerprint,
    software: row.software_vendor && row.software_product && row.software_version
      ? { vendor: row.software_vendor, product: row.software_product, version: row.software_version }
      : null,
    ...(row.sandbox ? { sandbox: row.sandbox } : {}),
    certificateNotAfter: row.not_after,
  }
}
