import { X509Certificate } from 'node:crypto'
import { watch, type FSWatcher } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { certificateInfo } from './certificate-info.js'
import { fingerprintOfDer } from './fingerprint.js'
import { derOf, x509 } from './x509.js'

/** A CA's certificate revocation list as loaded from CRL_DIR. */
export interface LoadedCrl {
  readonly file: string
  /** The issuing CA (its common name) and its certificate's fingerprint. */
  readonly issuer: string
  readonly issuerFingerprint: string
  readonly thisUpdate: Date
  readonly nextUpdate: Date | undefined
  /** Serial numbers of the revoked certificates, lowercase hex. */
  readonly revoked: ReadonlySet<string>
}

export type RevocationState = 'good' | 'revoked' | 'unknown'

/** What the CRLs say of one certificate; `crl` is the one consulted, when its issuer has one. */
export interface Revocation {
  readonly state: RevocationState
  readonly crl?: { readonly issuer: string; readonly thisUpdate: Date; readonly nextUpdate: Date | undefined; readonly isStale: boolean }
}

export interface CrlStoreOptions {
  readonly dir: string
  /** The CAs whose CRLs count (TRUST_CA and the qualified CAs), PEM. */
  readonly anchors: readonly string[]
  /** A file that could not be used; what was loaded before from it stays in force. */
  readonly onRefused?: (file: string, reason: string) => void
  /** A CRL found past its nextUpdate, once per CRL. */
  readonly onStale?: (crl: LoadedCrl) => void
  /** How often the folder is read again besides watching it (a watch can miss changes on network file systems). */
  readonly pollMs?: number
}

export interface CrlStore {
  /** Settled once the folder has been read for the first time. */
  readonly ready: Promise<void>
  /** The revocation state of a certificate (DER) at `now`, by the current CRL of the trusted CA that issued it. */
  status(certDer: Uint8Array, now: Date): Revocation
  /** Reads the folder again now. */
  reload(): Promise<void>
  /** The CRLs in force, one per CA (the latest by thisUpdate). */
  crls(): readonly LoadedCrl[]
  /** Files of the folder that are refused now (not a CRL, truncated, of an unknown issuer, a bad signature). */
  refusedFiles(): readonly string[]
  close(): void
}

/** A CRL file that cannot be used, with the reason. */
export class CrlError extends Error {
  override readonly name = 'CrlError'
}

const DELTA_CRL_INDICATOR = '2.5.29.27'
const MAX_CACHED = 10_000

/**
 * CRLs (PEM or DER) of the trusted CAs in `dir`, each signature-checked against its issuer, read at once and again
 * whenever the folder changes; never fetched from the network (SPEC.md §2). A file that fails keeps what it held
 * before, so that a CRL caught half-copied does not lift its revocations; a CRL older than one already in force for
 * its CA is ignored, so that an old CRL put back cannot lift a later revocation either.
 */
export function createCrlStore(options: CrlStoreOptions): CrlStore {
  const anchors = options.anchors.map(pem => ({ pem, node: new X509Certificate(pem), peculiar: new x509.X509Certificate(pem) }))
    .filter(a => a.node.ca)
  let byFile = new Map<string, LoadedCrl>()
  let byIssuer = new Map<string, LoadedCrl>()
  let refused = new Map<string, string>()
  const staleSeen = new Set<string>()
  // Certificate fingerprint → the fingerprint of the trusted CA that issued it (null: none of them) and its serial.
  const issuerOf = new Map<string, { fingerprint: string | null; serial: string }>()

  let running: Promise<void> | undefined
  let again = false
  const reload = async (): Promise<void> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      do {
        again = false
        await readFolder()
      } while (again)
    })().finally(() => { running = undefined })
    return running
  }

  async function readFolder(): Promise<void> {
    let names: string[]
    try {
      names = (await readdir(options.dir, { withFileTypes: true })).filter(e => e.isFile() && !e.name.startsWith('.')).map(e => e.name).sort()
    } catch {
      names = []
    }
    const nextByFile = new Map<string, LoadedCrl>()
    const nextRefused = new Map<string, string>()
    for (const name of names) {
      const file = join(options.dir, name)
      try {
        nextByFile.set(file, await readCrl(file))
      } catch (error) {
        const reason = error instanceof CrlError ? error.message : `cannot be read (${(error as Error).message})`
        nextRefused.set(file, reason)
        if (refused.get(file) !== reason) options.onRefused?.(file, reason)
        const before = byFile.get(file)
        if (before) nextByFile.set(file, before)
      }
    }
    const nextByIssuer = new Map<string, LoadedCrl>()
    for (const crl of nextByFile.values()) {
      const held = nextByIssuer.get(crl.issuerFingerprint)
      if (!held || held.thisUpdate < crl.thisUpdate) nextByIssuer.set(crl.issuerFingerprint, crl)
    }
    // A CA's CRL does not go back in time while the gateway runs: an older one put back cannot lift a revocation.
    // (A CA whose every file is removed has no CRL any more: that is the operator's decision.)
    for (const [issuer, previous] of byIssuer) {
      const next = nextByIssuer.get(issuer)
      if (next && next.thisUpdate < previous.thisUpdate) nextByIssuer.set(issuer, previous)
    }
    byFile = nextByFile
    byIssuer = nextByIssuer
    refused = nextRefused
    const now = new Date()
    for (const crl of byIssuer.values()) noteStale(crl, now)
  }

  function noteStale(crl: LoadedCrl, now: Date): boolean {
    const isStale = crl.nextUpdate !== undefined && now > crl.nextUpdate
    const key = `${crl.issuerFingerprint} ${crl.thisUpdate.toISOString()}`
    if (isStale && !staleSeen.has(key)) {
      staleSeen.add(key)
      options.onStale?.(crl)
    }
    return isStale
  }

  async function readCrl(file: string): Promise<LoadedCrl> {
    const bytes = await readFile(file)
    let crl: x509.X509Crl
    try {
      crl = new x509.X509Crl(new Uint8Array(derOf(bytes, 'X509 CRL')))
    } catch {
      throw new CrlError('is not a CRL (PEM "-----BEGIN X509 CRL-----" or DER), or it is truncated')
    }
    if (crl.extensions.some(e => e.type === DELTA_CRL_INDICATOR)) throw new CrlError('is a delta CRL; put the CA\'s full CRL in CRL_DIR')
    const candidates = anchors.filter(a => a.peculiar.subjectName.toString() === crl.issuerName.toString())
    if (candidates.length === 0) throw new CrlError(`is issued by "${crl.issuer}", which is not a trusted CA (TRUST_CA or a qualified CA of TRUSTED_LIST)`)
    for (const anchor of candidates) {
      if (await crl.verify({ publicKey: anchor.peculiar })) {
        return {
          file, issuer: certificateInfo(anchor.pem).subject, issuerFingerprint: fingerprintOfDer(anchor.node.raw),
          thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate,
          revoked: new Set(crl.entries.map(e => e.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''))),
        }
      }
    }
    throw new CrlError(`has a signature that does not verify with the key of "${crl.issuer}"`)
  }

  function issuingAnchor(certDer: Uint8Array): { fingerprint: string | null; serial: string } {
    const fingerprint = fingerprintOfDer(certDer)
    let known = issuerOf.get(fingerprint)
    if (known === undefined) {
      // Parsed once per certificate, not per request: a client sends the same one on every call.
      const cert = new X509Certificate(certDer)
      const anchor = anchors.find(a => cert.checkIssued(a.node) && cert.verify(a.node.publicKey))
      known = { fingerprint: anchor ? fingerprintOfDer(anchor.node.raw) : null, serial: cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, '') }
      if (issuerOf.size >= MAX_CACHED) issuerOf.clear()
      issuerOf.set(fingerprint, known)
    }
    return known
  }

  let watcher: FSWatcher | undefined
  try {
    watcher = watch(options.dir, { persistent: false }, () => void reload())
    watcher.on('error', () => { watcher?.close(); watcher = undefined })
  } catch {
    // No folder (yet): the periodic read finds it once it exists.
  }
  const timer = setInterval(() => void reload(), options.pollMs ?? 60_000)
  timer.unref()

  return {
    ready: reload(),
    reload,
    status(certDer, now) {
      const { fingerprint, serial } = issuingAnchor(certDer)
      const crl = fingerprint ? byIssuer.get(fingerprint) : undefined
      if (!crl) return { state: 'unknown' }
      const isStale = noteStale(crl, now)
      const facts = { issuer: crl.issuer, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, isStale }
      return { state: crl.revoked.has(serial) ? 'revoked' : 'good', crl: facts }
    },
    crls: () => [...byIssuer.values()],
    refusedFiles: () => [...refused.keys()],
    close() {
      watcher?.close()
      clearInterval(timer)
    },
  }
}
