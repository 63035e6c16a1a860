import { X509Certificate } from 'node:crypto'
import { certificateInfo, parseCertificate } from './certificate-info.js'
import { x509 } from './x509.js'

/** Why a certificate could never authenticate a client over our TLS listener (SPEC.md §3). */
export type ClientCertificateDefect = 'expired' | 'not_yet_valid' | 'untrusted' | 'no_client_auth'

export interface ClientCertificateProblem {
  readonly defect: ClientCertificateDefect
  readonly message: string
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2'
// Chains longer than this are not what a payroll program presents; it also bounds a loop of cross-signed CAs.
const MAX_CHAIN = 8

/**
 * What stops the first certificate of `pem` from authenticating a client: outside its validity at `now`, no
 * path to one of `trusted` (through the further certificates of `pem`, as a chain file holds them), or
 * key usage extensions that exclude TLS client authentication. The same checks OpenSSL makes in the
 * handshake (its "SSL client" purpose), so a certificate that passes here is one the listener accepts.
 * Returns an empty list for a usable certificate; throws when `pem` holds no certificate.
 */
export function checkClientCertificate(pem: string, trusted: readonly string[], now: Date): ClientCertificateProblem[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) throw new Error('no PEM certificate (-----BEGIN CERTIFICATE-----) found')
  const leaf = new X509Certificate(blocks[0]!)
  const info = certificateInfo(blocks[0]!)
  const problems: ClientCertificateProblem[] = []
  if (now > info.notAfter) problems.push({ defect: 'expired', message: `the certificate expired on ${info.notAfter.toISOString()}` })
  if (now < info.notBefore) problems.push({ defect: 'not_yet_valid', message: `the certificate is not valid before ${info.notBefore.toISOString()}` })
  const anchors = trusted.map(p => new X509Certificate(p))
  const intermediates = blocks.slice(1).map(p => new X509Certificate(p))
  if (!chainsTo(leaf, anchors, intermediates)) {
    problems.push({ defect: 'untrusted', message: `the certificate (issuer "${info.issuer}") does not chain to a CA in TRUST_CA` })
  }
  const usage = keyUsages(parseCertificate(blocks[0]!))
  if (usage.extended && !usage.extended.includes(CLIENT_AUTH)) {
    problems.push({ defect: 'no_client_auth', message: 'the certificate\'s extended key usage does not include clientAuth (TLS client authentication)' })
  } else if (usage.signs === false) {
    problems.push({ defect: 'no_client_auth', message: 'the certificate\'s key usage allows neither digitalSignature nor keyAgreement, which TLS client authentication needs' })
  }
  return problems
}

/**
 * A path from `leaf` to a self-signed certificate among `anchors`. Like the TLS listener (OpenSSL without
 * partial chains), an intermediate CA in TRUST_CA is not enough on its own: its root must be there too.
 */
function chainsTo(leaf: X509Certificate, anchors: readonly X509Certificate[], intermediates: readonly X509Certificate[]): boolean {
  const issuedBy = (cert: X509Certificate, by: X509Certificate) => cert.checkIssued(by) && cert.verify(by.publicKey)
  let current = leaf
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    if (issuedBy(current, current)) return anchors.some(anchor => anchor.raw.equals(current.raw))
    const issuer = anchors.find(anchor => issuedBy(current, anchor)) ?? intermediates.find(cert => cert.ca && issuedBy(current, cert))
    if (!issuer) return false
    current = issuer
  }
  return false
}

/**
 * The leaf's key usage facts: `extended` lists the extendedKeyUsage OIDs (absent: no such extension, any use);
 * `signs` is whether keyUsage has digitalSignature or keyAgreement (absent: no keyUsage extension).
 */
function keyUsages(cert: x509.X509Certificate): { extended?: string[]; signs?: boolean } {
  const extended = cert.getExtension(x509.ExtendedKeyUsageExtension)
  const usage = cert.getExtension(x509.KeyUsagesExtension)
  return {
    ...(extended ? { extended: extended.usages.map(String) } : {}),
    ...(usage ? { signs: (usage.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement)) !== 0 } : {}),
  }
}
