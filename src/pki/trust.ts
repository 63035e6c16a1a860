import { X509Certificate } from 'node:crypto'
import { fingerprintOfDer } from './fingerprint.js'
import { readPemCertificates } from './pem-files.js'
import { loadTrustedLists, TrustedListError, type QualifiedCa, type TrustedList } from './trusted-list.js'

/** The CAs client certificates may chain to: TRUST_CA and the qualified CAs of the verified trusted lists. */
export interface Trust {
  /** TRUST_CA's certificates, then each qualified CA not among them (PEM): the TLS listener's `ca`. */
  readonly anchors: readonly string[]
  readonly qualifiedCas: readonly QualifiedCa[]
  readonly lists: readonly TrustedList[]
}

/**
 * TRUST_CA's certificates joined by the qualified CAs of `trustedLists` (TRUSTED_LIST), each list verified against
 * the certificates in `signers` (TRUSTED_LIST_SIGNER, a PEM file or folder). Throws TrustedListError naming the list
 * and the reason when one cannot be used: the gateway does not start on a list it cannot vouch for.
 */
export function loadTrust(trustCa: readonly string[], trustedLists: readonly string[] = [], signers?: string): Trust {
  if (trustedLists.length === 0) return { anchors: trustCa, qualifiedCas: [], lists: [] }
  if (!signers) throw new TrustedListError('TRUSTED_LIST_SIGNER must name the certificates that sign the trusted lists')
  let signerPems: string[]
  try {
    signerPems = readPemCertificates(signers)
  } catch (error) {
    throw new TrustedListError(`TRUSTED_LIST_SIGNER: ${(error as Error).message}`)
  }
  const lists = loadTrustedLists(trustedLists, signerPems)
  const seen = new Set(trustCa.map(pem => fingerprintOfDer(new X509Certificate(pem).raw)))
  const qualifiedCas = lists.flatMap(list => list.qualifiedCas)
  const added = qualifiedCas.filter(ca => !seen.has(ca.fingerprint) && seen.add(ca.fingerprint))
  return { anchors: [...trustCa, ...added.map(ca => ca.pem)], qualifiedCas, lists }
}
