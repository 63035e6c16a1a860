import { X509Certificate } from 'node:crypto'
import { QCStatements, id_pe_qcStatements } from '@peculiar/asn1-x509-qualified'
import { parseCertificate } from './certificate-info.js'
import type { QualifiedCa } from './trusted-list.js'
import { AsnConvert, x509 } from './x509.js'

/** esi4-qcStatement-1 (ETSI EN 319 412-5): the issuer claims the certificate is an EU qualified certificate. */
const QC_COMPLIANCE = '0.4.0.1862.1.1'

/** Why a certificate counts as qualified (SPEC.md §3), or that it does not. */
export type Qualification =
  | { readonly qualified: true; readonly by: 'trusted_list'; readonly ca: QualifiedCa }
  | { readonly qualified: true; readonly by: 'qc_statement' }
  | { readonly qualified: false }

/** A certificate whose qcStatements extension cannot be read: it is neither trusted nor taken as qualified. */
export class QcStatementsError extends Error {
  override readonly name = 'QcStatementsError'
}

/**
 * Whether the first certificate of `pem` is qualified: issued (signature checked) by a granted qualified CA of a
 * verified trusted list, or carrying the QcCompliance statement. Throws QcStatementsError for a malformed
 * qcStatements extension, and an Error when `pem` holds no certificate.
 */
export function qualification(pem: string, qualifiedCas: readonly QualifiedCa[]): Qualification {
  const cert = parseCertificate(pem)
  const ca = issuingQualifiedCa(new Uint8Array(cert.rawData), qualifiedCas)
  if (ca) return { qualified: true, by: 'trusted_list', ca }
  return hasQcCompliance(cert) ? { qualified: true, by: 'qc_statement' } : { qualified: false }
}

/** The qualified CA that issued the certificate (DER): its name matches and its key verifies the certificate's signature. */
export function issuingQualifiedCa(certDer: Uint8Array, qualifiedCas: readonly QualifiedCa[]): QualifiedCa | undefined {
  const leaf = new X509Certificate(certDer)
  return qualifiedCas.find(ca => {
    const issuer = new X509Certificate(ca.pem)
    return leaf.checkIssued(issuer) && leaf.verify(issuer.publicKey)
  })
}

function hasQcCompliance(cert: x509.X509Certificate): boolean {
  const extension = cert.getExtension(id_pe_qcStatements)
  if (!extension) return false
  let statements: QCStatements
  try {
    statements = AsnConvert.parse(extension.value, QCStatements)
    // The parser is lenient (trailing bytes, inner lengths that disagree): encoded again, the extension must be
    // what it was, or two readers could see different statements. An absent statementInfo is read as empty.
    for (const statement of statements) if (statement.statementInfo?.byteLength === 0) delete (statement as { statementInfo?: ArrayBuffer }).statementInfo
    if (!Buffer.from(AsnConvert.serialize(statements)).equals(Buffer.from(extension.value))) throw new Error('not DER')
  } catch (error) {
    throw new QcStatementsError(`the certificate's qcStatements extension is malformed (${(error as Error).message})`)
  }
  return statements.some(s => s.statementId === QC_COMPLIANCE)
}
