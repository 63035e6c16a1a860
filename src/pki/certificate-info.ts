import { X509Certificate } from 'node:crypto'
import forge from 'node-forge'
import { fingerprintOfDer } from './fingerprint.js'

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

const { Type } = forge.asn1

/**
 * Facts about the first certificate in a PEM text, for registering and listing client certificates.
 * Reads the ASN.1 directly rather than through forge.pki, which refuses certificates with non-RSA keys.
 */
export function certificateInfo(certPem: string): CertificateInfo {
  const x509 = new X509Certificate(certPem)
  const tbs = forge.asn1.fromDer(x509.raw.toString('binary')).value[0] as forge.asn1.Asn1
  const fields = tbs.value as forge.asn1.Asn1[]
  // version is an explicit [0] tag and absent for v1 certificates, which shifts the other fields.
  const first = fields[0]!.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0
  const issuer = nameAttributes(fields[first + 2]!)
  const validity = fields[first + 3]!.value as forge.asn1.Asn1[]
  const subject = nameAttributes(fields[first + 4]!)
  const organization = lastValue(subject, 'O')
  return {
    fingerprint: fingerprintOfDer(x509.raw),
    subject: displayName(subject),
    ...(organization === undefined ? {} : { organization }),
    issuer: displayName(issuer),
    serial: x509.serialNumber.toLowerCase(),
    notBefore: asn1Time(validity[0]!),
    notAfter: asn1Time(validity[1]!),
  }
}

function nameAttributes(name: forge.asn1.Asn1): NameAttribute[] {
  const attributes: NameAttribute[] = []
  for (const rdn of name.value as forge.asn1.Asn1[]) {
    for (const pair of rdn.value as forge.asn1.Asn1[]) {
      const [oid, value] = pair.value as forge.asn1.Asn1[]
      const type = forge.asn1.derToOid(oid!.value as string)
      const name = forge.pki.oids[type] ?? type
      attributes.push({ shortName: shortNames[name] ?? name, value: decodeString(value!) })
    }
  }
  return attributes
}

const shortNames: Record<string, string> = {
  commonName: 'CN',
  organizationName: 'O',
  organizationalUnitName: 'OU',
  countryName: 'C',
  localityName: 'L',
  stateOrProvinceName: 'ST',
  emailAddress: 'E',
  serialNumber: 'serialNumber',
}

function decodeString(value: forge.asn1.Asn1): string {
  const bytes = value.value as string
  switch (value.type) {
    case Type.UTF8:
      return forge.util.decodeUtf8(bytes)
    case Type.BMPSTRING:
      return Buffer.from(bytes, 'binary').swap16().toString('utf16le')
    default:
      // PrintableString, IA5String and the rare TeletexString: single-byte text.
      return Buffer.from(bytes, 'binary').toString('latin1')
  }
}

function lastValue(attributes: NameAttribute[], shortName: string): string | undefined {
  return attributes.filter(attr => attr.shortName === shortName).at(-1)?.value
}

function displayName(attributes: NameAttribute[]): string {
  return lastValue(attributes, 'CN') ?? attributes.map(attr => `${attr.shortName}=${attr.value}`).join(', ')
}

function asn1Time(time: forge.asn1.Asn1): Date {
  const text = time.value as string
  return time.type === Type.UTCTIME ? forge.asn1.utcTimeToDate(text) : forge.asn1.generalizedTimeToDate(text)
}
