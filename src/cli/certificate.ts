import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { X509Certificate } from 'node:crypto'
import type { Config } from '../config.js'
import {
  certificateInfo, checkClientCertificate, issuingQualifiedCa, loadTrust, qualification, QcStatementsError, readPemCertificates,
  type ClientCertificateProblem, type Qualification, type Trust,
} from '../pki/index.js'
import type { QualificationFinding } from '../operator/index.js'
import { UsageError } from './args.js'

/** The text of a `--cert FILE`; refused unless it holds a certificate Node can read. */
export function readCertificateFile(option: string, path: string, cwd: string): string {
  let pem: string
  try {
    pem = readFileSync(resolve(cwd, path), 'utf8')
  } catch {
    throw new UsageError(`${option} ${path}: cannot read the file`)
  }
  try {
    certificateInfo(pem)
  } catch {
    throw new UsageError(`${option} ${path}: not a PEM certificate (-----BEGIN CERTIFICATE-----)`)
  }
  return pem
}

/** What the CLI checks certificates against, as the server does; `missing` says why there is no CA at all. */
export interface CliTrust extends Trust {
  readonly missing?: string
}

/**
 * The CAs the server would trust: TRUST_CA (the development CA in certs-dev/ when TRUST_CA is unset) joined by the
 * qualified CAs of TRUSTED_LIST, each list verified against TRUSTED_LIST_SIGNER exactly as at the server's start.
 * Relative paths count from `cwd`. A list that cannot be verified is a UsageError naming it.
 */
export function cliTrust(config: Config, cwd: string): CliTrust {
  const base = trustAnchors(config, cwd)
  const missing = base.missing ? { missing: base.missing } : {}
  if (!config.TRUSTED_LIST) return { anchors: base.certificates, qualifiedCas: [], lists: [], ...missing }
  try {
    const signers = config.TRUSTED_LIST_SIGNER ? resolve(cwd, config.TRUSTED_LIST_SIGNER) : undefined
    return { ...loadTrust(base.certificates, config.TRUSTED_LIST.map(file => resolve(cwd, file)), signers), ...missing }
  } catch (error) {
    throw new UsageError(`TRUSTED_LIST: ${(error as Error).message}`)
  }
}

/**
 * SPEC.md §3: a certificate that cannot authenticate (expired, not yet valid, not chaining to TRUST_CA or issued
 * by a qualified CA of a verified trusted list, key usage without clientAuth) is refused, unless `force`, when the
 * names of the failed checks are returned for the audit log and a warning is printed.
 */
export function checkCertificate(
  option: string, path: string, pem: string, trust: CliTrust, now: Date, force: boolean, warn: (text: string) => void,
): string[] {
  const problems: ClientCertificateProblem[] = checkClientCertificate(pem, trust.anchors, now)
    // The listener takes a qualified issuing CA of a trusted list on the list's word, without its root.
    .filter(p => !(p.defect === 'untrusted' && issuingQualifiedCa(new X509Certificate(pem).raw, trust.qualifiedCas)))
    .map(p => (p.defect === 'untrusted' && trust.anchors.length === 0 ? { ...p, message: trust.missing! } : p))
  if (problems.length === 0) return []
  const list = problems.map(p => `  - ${p.message}`).join('\n')
  if (!force) {
    throw new UsageError(`${option} ${path}: this certificate cannot authenticate a client:\n${list}\n` +
      'Use --force to register it all the same (the override is written to the audit log).')
  }
  warn(`ehrs: --force: registering ${path} although it cannot authenticate a client now (audited):\n${list}\n`)
  return [...new Set(problems.map(p => p.defect))]
}

/**
 * Whether the certificate is qualified (SPEC.md §3), and if not, why not in words: its issuer is no granted qualified
 * CA of a verified trusted list, and it carries no QcCompliance statement (or a qcStatements extension that cannot
 * be read, which claims nothing).
 */
export function findQualification(pem: string, trust: CliTrust): Omit<QualificationFinding, 'force'> {
  let found: Qualification = { qualified: false }
  let unreadable: string | undefined
  try {
    found = qualification(pem, trust.qualifiedCas)
  } catch (error) {
    if (!(error instanceof QcStatementsError)) throw error
    unreadable = error.message.replace(/^the certificate's /, 'its ')
  }
  if (found.qualified) return { by: found.by }
  const lists = trust.lists.length === 0
    ? 'no TRUSTED_LIST is configured'
    : `${trust.lists.length} verified trusted list(s) in TRUSTED_LIST, ${trust.qualifiedCas.length} qualified CA(s)`
  return {
    by: null,
    reason: `its issuer "${certificateInfo(pem).issuer}" is not a granted qualified CA of a verified trusted list (${lists}), ` +
      `and ${unreadable ? `${unreadable}, so it makes no QcCompliance claim` : 'it carries no QcCompliance qcStatement'}`,
  }
}

/** For `clients add --env production`: an unqualified certificate is refused here, before the database is opened, unless `force`. */
export function requireQualified(option: string, path: string, finding: Omit<QualificationFinding, 'force'>, force: boolean, warn: (text: string) => void): void {
  if (finding.by !== null) return
  if (!force) {
    throw new UsageError(`${option} ${path}: not a qualified certificate, which a production client needs: ${finding.reason}.\n` +
      'Use --force to register it all the same (the override is written to the audit log).')
  }
  warn(`ehrs: --force: registering ${path} for a production client although it is not qualified (audited): ${finding.reason}\n`)
}

function trustAnchors(config: Config, cwd: string): { certificates: string[]; missing?: string } {
  if (config.TRUST_CA) {
    try {
      return { certificates: readPemCertificates(resolve(cwd, config.TRUST_CA)) }
    } catch (error) {
      throw new UsageError(`TRUST_CA: ${(error as Error).message}`)
    }
  }
  const devCa = join(resolve(cwd, 'certs-dev'), 'ca.pem')
  if (existsSync(devCa)) return { certificates: readPemCertificates(devCa) }
  return { certificates: [], missing: 'TRUST_CA is not set and there is no development CA (certs-dev/ca.pem) to check the certificate against' }
}
