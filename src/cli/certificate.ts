import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Config } from '../config.js'
import { certificateInfo, checkClientCertificate, readPemCertificates, type ClientCertificateProblem } from '../pki/index.js'
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

/**
 * SPEC.md §3: a certificate that cannot authenticate (expired, not yet valid, not chaining to TRUST_CA — the
 * development CA in certs-dev/ when TRUST_CA is unset —, key usage without clientAuth) is refused, unless
 * `force`, when the names of the failed checks are returned for the audit log and a warning is printed.
 */
export function checkCertificate(
  option: string, path: string, pem: string, config: Config, cwd: string, now: Date, force: boolean, warn: (text: string) => void,
): string[] {
  const anchors = trustAnchors(config, cwd)
  const problems: ClientCertificateProblem[] = checkClientCertificate(pem, anchors.certificates, now)
    .map(p => (p.defect === 'untrusted' && anchors.certificates.length === 0 ? { ...p, message: anchors.missing! } : p))
  if (problems.length === 0) return []
  const list = problems.map(p => `  - ${p.message}`).join('\n')
  if (!force) {
    throw new UsageError(`${option} ${path}: this certificate cannot authenticate a client:\n${list}\n` +
      'Use --force to register it all the same (the override is written to the audit log).')
  }
  warn(`ehrs: --force: registering ${path} although it cannot authenticate a client now (audited):\n${list}\n`)
  return [...new Set(problems.map(p => p.defect))]
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
