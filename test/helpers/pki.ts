import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createCa as createCaWithKey, generateRsaKey, issueCertificate as issueCertificateWithKey,
  type IssueOptions, type Pem, type RsaKeyPem, type ValidityOptions,
} from '../../src/pki/index.js'

const today = (): string => new Date().toISOString().slice(0, 10)

let keysHandedOut = 0

/**
 * An RSA key pair no other certificate of this test process has. Generating one takes 0.1 to 0.4 s, and the tests
 * issue hundreds of certificates: the n-th key of a process is minted once a day, in the temporary folder, and is the
 * n-th key of every test process after it. Certificates of different processes may share a key; a test never sees both.
 */
export function testKey(): RsaKeyPem {
  const folder = join(tmpdir(), `ehrs-test-keys-${today()}`)
  const file = join(folder, `${keysHandedOut++}.json`)
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RsaKeyPem
  } catch {
    // Not minted yet today.
  }
  const key = generateRsaKey()
  mkdirSync(folder, { recursive: true })
  const partial = `${file}.${process.pid}`
  writeFileSync(partial, JSON.stringify(key), { mode: 0o600 })
  renameSync(partial, file)
  return key
}

/** `createCa` with a key of `testKey` unless one is given. */
export function createCa(commonName: string, opts: ValidityOptions & { key?: RsaKeyPem } = {}): Pem {
  return createCaWithKey(commonName, { ...opts, key: opts.key ?? testKey() })
}

/** `issueCertificate` with a key of `testKey` unless one is given. */
export function issueCertificate(ca: Pem, opts: IssueOptions): Pem {
  return issueCertificateWithKey(ca, { ...opts, key: opts.key ?? testKey() })
}

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
  const file = join(tmpdir(), `ehrs-test-pki-${today()}-${minter}.json`)
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

// Fresh keys, not testKey's: a test's own certificates must never share a key with these.
function mint(): TestPki {
  const ca = createCaWithKey('ehrs test CA')
  const outsideCa = createCaWithKey('Outside Qualified CA')
  const untrustedCa = createCaWithKey('Untrusted CA')
  const day = 86_400_000
  const client = (issuer: Pem, commonName: string, extra: { notBefore?: Date; notAfter?: Date } = {}) =>
    issueCertificateWithKey(issuer, { commonName, kind: 'client', organization: 'Test d.o.o.', ...extra })
  return {
    ca,
    server: issueCertificateWithKey(ca, { commonName: 'localhost', kind: 'server', altNames: ['localhost', '127.0.0.1'] }),
    signing: issueCertificateWithKey(ca, { commonName: 'ehrs test receipt signing', kind: 'signing' }),
    client: client(ca, 'payroll program'),
    otherClient: client(ca, 'another payroll program'),
    outsideCa,
    outsideClient: client(outsideCa, 'vendor program'),
    untrustedClient: client(untrustedCa, 'untrusted program'),
    expiredClient: client(ca, 'expired program', { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) }),
    strangerClient: client(ca, 'stranger program'),
  }
}
