import { createCa, issueCertificate, type Pem } from '../../src/pki/index.js'

/** Real certificates for real TLS, minted once per test process (RSA key generation is the slow part). */
export interface TestPki {
  readonly ca: Pem
  readonly server: Pem
  /** Signs receipts (SIGNING_CERT / SIGNING_KEY). */
  readonly signing: Pem
  /** A client of the gateway's own CA. */
  readonly client: Pem
  /** A second company's program. */
  readonly otherClient: Pem
  /** From a CA the gateway is told to trust through TRUST_CA. */
  readonly outsideCa: Pem
  readonly outsideClient: Pem
  /** From a CA nobody trusts. */
  readonly untrustedClient: Pem
  /** Chains to the gateway's CA but expired yesterday. */
  readonly expiredClient: Pem
  /** Valid, never registered. */
  readonly strangerClient: Pem
}

let cached: TestPki | undefined

export function testPki(): TestPki {
  if (cached) return cached
  const ca = createCa('ehrs test CA')
  const outsideCa = createCa('Outside Qualified CA')
  const untrustedCa = createCa('Untrusted CA')
  const day = 86_400_000
  const client = (issuer: Pem, commonName: string, extra: { notBefore?: Date; notAfter?: Date } = {}) =>
    issueCertificate(issuer, { commonName, kind: 'client', organization: 'Test d.o.o.', ...extra })
  cached = {
    ca,
    server: issueCertificate(ca, { commonName: 'localhost', kind: 'server', altNames: ['localhost', '127.0.0.1'] }),
    signing: issueCertificate(ca, { commonName: 'ehrs test receipt signing', kind: 'signing' }),
    client: client(ca, 'payroll program'),
    otherClient: client(ca, 'another payroll program'),
    outsideCa,
    outsideClient: client(outsideCa, 'vendor program'),
    untrustedClient: client(untrustedCa, 'untrusted program'),
    expiredClient: client(ca, 'expired program', { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) }),
    strangerClient: client(ca, 'stranger program'),
  }
  return cached
}
