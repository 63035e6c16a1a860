import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Config } from './config.js'
import type { Db } from './db/index.js'
import { ensureDevPki, fingerprint, loadTrust, readPemCertificates, type DevPki, type Trust } from './pki/index.js'
import { addClient, addMandate } from './operator/index.js'
import type { TlsMaterial } from './transport/index.js'

export const devPkiDir = resolve('certs-dev')

/**
 * The demo client registered on first start: a test client of the example employer Primer d.o.o., with mandates
 * from the Slovak example employer Vzor s.r.o. (DOCUMENTS.md §1.8) and from the sole trader of the M12 example
 * (Marko Novak s.p.), so that every example files.
 */
export const demoClient = { name: 'Demo payroll d.o.o.', taxNumber: '45678138', software: { vendor: 'ehrs', product: 'demo-client', version: '1.0' } }
export const demoMandators = ['2021234501', '38172658'] as const

export interface TlsSetup extends TlsMaterial {
  readonly devPki?: DevPki
  readonly signingCert: string
  readonly signingKey: string
  /** TRUST_CA joined by the qualified CAs of the verified TRUSTED_LIST (the same CAs as `ca`). */
  readonly trust: Trust
}

/**
 * TLS_* / TRUST_CA / SIGNING_* when set; otherwise the development PKI in certs-dev/, created on first start. The
 * qualified CAs of TRUSTED_LIST join TRUST_CA; a list that cannot be verified stops the start (TrustedListError).
 */
export function resolveTls(config: Config): TlsSetup {
  const needsDev = !config.TLS_CERT || !config.TLS_KEY || !config.TRUST_CA || !config.SIGNING_CERT || !config.SIGNING_KEY
  const dev = needsDev ? ensureDevPki(devPkiDir) : undefined
  const read = (file: string | undefined, fallback: string | undefined, name: string): string => {
    const path = file ?? fallback
    if (!path) throw new Error(`${name} is not set`)
    try {
      return readFileSync(path, 'utf8')
    } catch {
      throw new Error(`${name}: cannot read ${path}`)
    }
  }
  const trust = loadTrust(readPemCertificates(config.TRUST_CA ?? dev!.caCert), config.TRUSTED_LIST, config.TRUSTED_LIST_SIGNER)
  return {
    cert: read(config.TLS_CERT, dev?.serverCert, 'TLS_CERT'),
    key: read(config.TLS_KEY, dev?.serverKey, 'TLS_KEY'),
    ca: trust.anchors,
    trust,
    signingCert: read(config.SIGNING_CERT, dev?.signingCert, 'SIGNING_CERT'),
    signingKey: read(config.SIGNING_KEY, dev?.signingKey, 'SIGNING_KEY'),
    ...(dev ? { devPki: dev } : {}),
  }
}

/**
 * SIGNING_CERT and SIGNING_KEY as PEM text for the CLI (audit checkpoints): the configured files, or the development
 * PKI's when they are unset and it exists. Unlike the server, the CLI never creates a PKI; each is undefined when absent.
 */
export function signingMaterial(config: Config): { readonly certPem?: string; readonly keyPem?: string } {
  const pick = (file: string | undefined, dev: string, name: string): string | undefined => {
    const path = file ?? (config.SIGNING_CERT || config.SIGNING_KEY ? undefined : join(devPkiDir, dev))
    if (!path || (!file && !existsSync(path))) return undefined
    try {
      return readFileSync(path, 'utf8')
    } catch {
      throw new Error(`${name}: cannot read ${path}`)
    }
  }
  const certPem = pick(config.SIGNING_CERT, 'signing.pem', 'SIGNING_CERT')
  const keyPem = pick(config.SIGNING_KEY, 'signing-key.pem', 'SIGNING_KEY')
  return { ...(certPem ? { certPem } : {}), ...(keyPem ? { keyPem } : {}) }
}

/** Registers the demo client certificate once, so that the printed curl example works at once. */
export async function registerDemoClient(db: Db, dev: DevPki, now: Date): Promise<boolean> {
  const pem = readFileSync(dev.clientCert, 'utf8')
  const known = await db.selectFrom('client_certificates').select('fingerprint').where('fingerprint', '=', fingerprint(pem)).executeTakeFirst()
  if (known) return false
  const { id } = await addClient(db, { ...demoClient, environment: 'test', certPem: pem }, now)
  for (const employer of demoMandators) await addMandate(db, { employer, clientId: id }, now)
  return true
}
