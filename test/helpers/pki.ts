import { createHash } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCa, issueCertificate, type Pem } from '../../src/pki/index.js'

/**
 * Real certificates for real TLS, minted once a day for every test process (RSA key generation is the slow part:
 * about a second and a half for these thirteen keys) and kept in the temporary folder.
 */
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
  // A new set each day (the expired client expired yesterday) and whenever the code that mints them changes.
  const minter = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url)))
    .update(readFileSync(fileURLToPath(new URL('../../src/pki/certificates.js', import.meta.url)))).digest('hex').slice(0, 12)
  const file = join(tmpdir(), `ehrs-test-pki-${new Date().toISOString().slice(0, 10)}-${minter}.json`)
  try {
    cached = JSON.parse(readFileSync(file, 'utf8')) as TestPki
    return cached
  } catch {
    // Not minted yet today: mint below.
  }
  cached = mint()
  const partial = `${file}.${process.pid}`
  writeFileSync(partial, JSON.stringify(cached), { mode: 0o600 })
  renameSync(partial, file)
  return cached
}

function mint(): TestPki {
  const ca = createCa('ehrs test CA')
  const outsideCa = createCa('Outside Qualified CA')
  const untrustedCa = createCa('Untrusted CA')
  const day = 86_400_000
  const client = (issuer: Pem, commonName: string, extra: { notBefore?: Date; notAfter?: Date } = {}) =>
    issueCertificate(issuer, { commonName, kind: 'client', organization: 'Test d.o.o.', ...extra })
  return {
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
}
