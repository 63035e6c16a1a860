import { createPrivateKey, X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCa, issueCertificate, type Pem } from './certificates.js'

/** Paths of the development PKI's files. */
export interface DevPki {
  dir: string
  caCert: string
  serverCert: string
  serverKey: string
  signingCert: string
  signingKey: string
  clientCert: string
  clientKey: string
}

const CA_KEY_FILE = 'ca-key.pem'

/**
 * Makes sure `dir` holds a complete development PKI: a CA, a server certificate for localhost,
 * 127.0.0.1 and ::1, a receipt-signing certificate and the demo client's certificate. Creates all of it
 * when any file is missing, unreadable, expired or not issued by the CA there, or when `force` is set;
 * `created` tells whether it did. Key files are written readable by the owner only.
 */
export function ensureDevPki(dir: string, opts: { force?: boolean } = {}): DevPki & { created: boolean } {
  const pki = devPkiPaths(dir)
  if (!opts.force && isComplete(pki)) return { ...pki, created: false }

  mkdirSync(dir, { recursive: true })
  const ca = createCa('ehrs-gateway development CA')
  const server = issueCertificate(ca, {
    commonName: 'localhost',
    kind: 'server',
    altNames: ['localhost', '127.0.0.1', '::1'],
  })
  const signing = issueCertificate(ca, { commonName: 'ehrs-gateway receipt signing (development)', kind: 'signing' })
  const client = issueCertificate(ca, {
    commonName: 'demo client',
    organization: 'Demo payroll d.o.o.',
    kind: 'client',
  })

  // The CA goes last: a run interrupted before it leaves certificates that do not chain to the CA on
  // disk, which isComplete() notices on the next start.
  writePair(pki.serverCert, pki.serverKey, server)
  writePair(pki.signingCert, pki.signingKey, signing)
  writePair(pki.clientCert, pki.clientKey, client)
  writePair(pki.caCert, join(dir, CA_KEY_FILE), ca)
  return { ...pki, created: true }
}

/**
 * The files of a development PKI that exist in `dir`, whole or not: any of them means a PKI is there, whose
 * certificates clients may have registered and whose CA programs may trust.
 */
export function devPkiFilesPresent(dir: string): string[] {
  const p = devPkiPaths(dir)
  return [p.caCert, join(dir, CA_KEY_FILE), p.serverCert, p.serverKey, p.signingCert, p.signingKey, p.clientCert, p.clientKey]
    .filter(file => existsSync(file))
}

function devPkiPaths(dir: string): DevPki {
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server-key.pem'),
    signingCert: join(dir, 'signing.pem'),
    signingKey: join(dir, 'signing-key.pem'),
    clientCert: join(dir, 'client-demo.pem'),
    clientKey: join(dir, 'client-demo-key.pem'),
  }
}

function isComplete(pki: DevPki): boolean {
  const pairs: [string, string][] = [
    [pki.caCert, join(pki.dir, CA_KEY_FILE)],
    [pki.serverCert, pki.serverKey],
    [pki.signingCert, pki.signingKey],
    [pki.clientCert, pki.clientKey],
  ]
  if (!pairs.flat().every(file => existsSync(file))) return false
  try {
    const now = Date.now()
    const ca = new X509Certificate(readFileSync(pki.caCert))
    return pairs.every(([certFile, keyFile]) => {
      const cert = new X509Certificate(readFileSync(certFile))
      return (
        cert.checkPrivateKey(createPrivateKey(readFileSync(keyFile))) &&
        cert.verify(ca.publicKey) &&
        Date.parse(cert.validTo) > now
      )
    })
  } catch {
    // A truncated or garbled file: treat the set as half-written and make a new one.
    return false
  }
}

// Written to a temporary name and renamed, so a crash never leaves a truncated PEM behind.
function writePair(certFile: string, keyFile: string, pem: Pem): void {
  writeAtomically(keyFile, pem.key, 0o600)
  writeAtomically(certFile, pem.cert, 0o644)
}

function writeAtomically(file: string, text: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, text, { mode })
  chmodSync(temporary, mode) // writeFileSync's mode is filtered by the umask and ignored for an existing file
  renameSync(temporary, file)
}
