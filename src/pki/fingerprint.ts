import { createHash, X509Certificate } from 'node:crypto'

const PLAIN_HEX = /^[0-9a-f]{64}$/i
const PAIRED_HEX = /^[0-9a-f]{2}([: ][0-9a-f]{2}){31}$/i

/** SHA-256 of a certificate's DER encoding, as 64 lowercase hex digits. */
export function fingerprintOfDer(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex')
}

/** Fingerprint of the first certificate in a PEM text; throws when the text holds no valid certificate. */
export function fingerprint(certPem: string): string {
  return fingerprintOfDer(new X509Certificate(certPem).raw)
}

/**
 * Canonical form (64 lowercase hex digits) of a fingerprint typed by an operator: plain hex or
 * `AB:CD:…` pairs as printed by openssl (space-separated pairs as shown by some certificate viewers).
 * Throws on anything else, so a truncated paste never matches by accident.
 */
export function normalizeFingerprint(text: string): string {
  const trimmed = text.trim()
  if (PLAIN_HEX.test(trimmed) || PAIRED_HEX.test(trimmed)) {
    return trimmed.replace(/[: ]/g, '').toLowerCase()
  }
  const shown = trimmed.length > 120 ? `${trimmed.slice(0, 120)}…` : trimmed
  throw new Error(`not a SHA-256 fingerprint (expected 64 hex digits, optionally as colon-separated pairs): "${shown}"`)
}
