import { fingerprintOfDer } from './fingerprint.js'
import { x509 } from './x509.js'

export interface CertificateInfo {
  fingerprint: string
  /** Subject common name (the whole subject, `O=…, OU=…`, when it has none). */
  subject: string
  organization?: string
  /** Issuer common name (the whole issuer name when it has none). */
  issuer: string
  /** Serial number, lowercase hex. */
  serial: string
  notBefore: Date
  notAfter: Date
}

interface NameAttribute {
  shortName: string
  value: string
}

/** Facts about the first certificate in a PEM text, for registering and listing client certificates. */
export function certificateInfo(certPem: string): CertificateInfo {
  const cert = parseCertificate(certPem)
  const subject = nameAttributes(cert.subjectName)
  const organization = lastValue(subject, 'O')
  return {
    fingerprint: fingerprintOfDer(new Uint8Array(cert.rawData)),
    subject: displayName(subject),
    ...(organization === undefined ? {} : { organization }),
    issuer: displayName(nameAttributes(cert.issuerName)),
    serial: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  }
}

/** The first certificate of a PEM text; throws when there is none or it does not parse. */
export function parseCertificate(certPem: string): x509.X509Certificate {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(certPem)
  if (!block) throw new Error('no PEM certificate (-----BEGIN CERTIFICATE-----) found')
  return new x509.X509Certificate(block[0])
}

// Names as operators know them from openssl; the library's own short names otherwise, or the dotted OID.
const shortNames: Record<string, string> = { '2.5.4.5': 'serialNumber' }

function nameAttributes(name: x509.Name): NameAttribute[] {
  return name.toJSON().flatMap(rdn => Object.entries(rdn).flatMap(([type, values]) =>
    values.map(value => ({ shortName: shortNames[type] ?? type, value }))))
}

function lastValue(attributes: NameAttribute[], shortName: string): string | undefined {
  return attributes.filter(attr => attr.shortName === shortName).at(-1)?.value
}

function displayName(attributes: NameAttribute[]): string {
  return lastValue(attributes, 'CN') ?? attributes.map(attr => `${attr.shortName}=${attr.value}`).join(', ')
}
