import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'
import forge from 'node-forge'
import { generateRsaKey, type RsaKeyPem } from './keys.js'

/** A certificate and its private key, both PEM. */
export interface Pem {
  cert: string
  key: string
}

/** `ca`: an issuing (intermediate) CA under `ca`, as a national CA's issuing CA is under its root. */
export type CertificateKind = 'server' | 'client' | 'signing' | 'ca'

export interface ValidityOptions {
  notBefore?: Date
  notAfter?: Date
}

export interface IssueOptions extends ValidityOptions {
  commonName: string
  kind: CertificateKind
  organization?: string
  /** DNS names or IP addresses (v4 or v6) for subjectAltName; a server defaults to its common name. */
  altNames?: string[]
  /** Further extensions as DER (a qcStatements of a qualified certificate, say), for certificates of other profiles. */
  extensions?: readonly { oid: string; der: Uint8Array; critical?: boolean }[]
  /** The key pair to certify; a new one when absent. */
  key?: RsaKeyPem
}

const HOUR_MS = 60 * 60 * 1000
// Backdated an hour so a certificate made now is not "not yet valid" on a peer whose clock is slightly behind.
const BACKDATE_MS = HOUR_MS
const LEAF_YEARS = 2
const CA_YEARS = 10

// subjectAltName GeneralName tags (RFC 5280 4.2.1.6).
const SAN_DNS = 2
const SAN_IP = 7

/**
 * A self-signed RSA CA (basicConstraints cA, keyCertSign + cRLSign, SHA-256), valid from an hour ago
 * for 10 years unless `opts` says otherwise.
 */
export function createCa(commonName: string, opts: ValidityOptions & { key?: RsaKeyPem } = {}): Pem {
  const { privateKeyPem, publicKeyPem } = opts.key ?? generateRsaKey()
  const cert = newCertificate(publicKeyPem, validity(opts, CA_YEARS))
  const name = nameAttributes(commonName)
  cert.setSubject(name)
  cert.setIssuer(name)
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create())
  return { cert: toPem(cert), key: privateKeyPem }
}

/**
 * A leaf certificate with a new RSA key, signed by `ca` (which must be an RSA CA made by `createCa` or alike).
 * `server` gets serverAuth and subjectAltName, `client` clientAuth, `signing` digitalSignature +
 * nonRepudiation for XML receipt signatures. Valid from an hour ago for 2 years unless `opts` says otherwise.
 */
export function issueCertificate(ca: Pem, opts: IssueOptions): Pem {
  const caX509 = new X509Certificate(ca.cert)
  if (!caX509.ca) throw new Error(`cannot issue: "${caX509.subject}" is not a CA certificate`)
  if (!caX509.checkPrivateKey(createPrivateKey(ca.key))) {
    throw new Error('cannot issue: the CA key does not belong to the CA certificate')
  }
  const caCert = forge.pki.certificateFromPem(ca.cert)

  const { privateKeyPem, publicKeyPem } = opts.key ?? generateRsaKey()
  const cert = newCertificate(publicKeyPem, validity(opts, LEAF_YEARS))
  cert.setSubject(nameAttributes(opts.commonName, opts.organization))
  cert.setIssuer(copyName(caCert.subject.attributes))

  const altNames = opts.altNames ?? (opts.kind === 'server' ? [opts.commonName] : [])
  cert.setExtensions([
    { name: 'basicConstraints', cA: opts.kind === 'ca', critical: true },
    ...usageExtensions(opts.kind),
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames: altNames.map(toGeneralName) }] : []),
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: subjectKeyIdentifier(caCert) },
    ...(opts.extensions ?? []).map(e => ({ id: e.oid, critical: e.critical ?? false, value: Buffer.from(e.der).toString('binary') })),
  ])
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create())
  return { cert: toPem(cert), key: privateKeyPem }
}

// forge ends PEM lines with CRLF; LF matches the keys Node writes and the usual files on disk.
function toPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n')
}

function usageExtensions(kind: CertificateKind): object[] {
  switch (kind) {
    case 'server':
      return [
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
      ]
    case 'client':
      return [
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', clientAuth: true },
      ]
    case 'ca':
      return [{ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]
    case 'signing':
      // No extKeyUsage: XML signature verifiers (xmlsec1) check the chain with the "any" purpose.
      return [{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true }]
  }
}

function newCertificate(publicKeyPem: string, period: { notBefore: Date; notAfter: Date }): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem)
  cert.serialNumber = randomSerial()
  cert.validity.notBefore = period.notBefore
  cert.validity.notAfter = period.notAfter
  return cert
}

/**
 * 16 random bytes as hex. forge writes the hex as the INTEGER's content octets unchanged, so the top bit is
 * cleared (a set one would make the serial negative) and a low bit set (a leading zero octet is not valid DER).
 */
function randomSerial(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0]! & 0x7f) | 0x01
  return bytes.toString('hex')
}

function validity(opts: ValidityOptions, years: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now()
  const notBefore = opts.notBefore ?? new Date(now - BACKDATE_MS)
  let notAfter = opts.notAfter
  if (!notAfter) {
    notAfter = new Date(now)
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years)
  }
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new Error(`notAfter (${notAfter.toISOString()}) must be later than notBefore (${notBefore.toISOString()})`)
  }
  return { notBefore, notAfter }
}

// UTF8String, as RFC 5280 asks of new certificates; forge's default PrintableString cannot hold "Plače d.o.o.".
function nameAttributes(commonName: string, organization?: string): forge.pki.CertificateField[] {
  const attributes: forge.pki.CertificateField[] = []
  if (organization) attributes.push({ shortName: 'O', value: organization, valueTagClass: utf8Tag() })
  attributes.push({ shortName: 'CN', value: commonName, valueTagClass: utf8Tag() })
  return attributes
}

/**
 * The CA's subject as the new certificate's issuer. forge parses UTF8String values as raw bytes but encodes
 * them again when writing, so they are decoded first; otherwise a non-ASCII CA name would no longer match.
 */
function copyName(attributes: forge.pki.CertificateField[]): forge.pki.CertificateField[] {
  return attributes.map(attr =>
    attr.valueTagClass === utf8Tag() && typeof attr.value === 'string'
      ? { ...attr, value: forge.util.decodeUtf8(attr.value) }
      : attr,
  )
}

function utf8Tag(): forge.asn1.Class {
  // @types/node-forge types valueTagClass as a Class although it holds a universal Type tag.
  return forge.asn1.Type.UTF8 as unknown as forge.asn1.Class
}

function subjectKeyIdentifier(cert: forge.pki.Certificate): string {
  const ext = cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined
  return ext?.subjectKeyIdentifier
    ? forge.util.hexToBytes(ext.subjectKeyIdentifier)
    : cert.generateSubjectKeyIdentifier().getBytes()
}

function toGeneralName(name: string): { type: number; value?: string; ip?: string } {
  return isIP(name) ? { type: SAN_IP, ip: name } : { type: SAN_DNS, value: name }
}
