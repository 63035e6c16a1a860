import type { Db } from '../db/index.js'
import { appendAudit } from '../audit/index.js'
import type { Software } from '../identity/index.js'
import { isSoftwareCertified } from '../authorization/index.js'
import { OperatorError } from './errors.js'
import { certificationReport, pendingScenarios, type CertificationReport } from '../certification/index.js'
import { requireClient } from './checks.js'

export function parseSoftware(text: string): Software {
  const m = /^([^/]+)\/([^/]+)\/([^/]+)$/.exec(text.trim())
  if (!m) throw new OperatorError('Software must be named VENDOR/PRODUCT/VERSION, e.g. "Acme/Payroll/4.2.1"')
  return { vendor: m[1]!.trim(), product: m[2]!.trim(), version: m[3]!.trim() }
}

/** What `software certify` did: certified, or not, with the scenarios still pending. */
export interface Certification {
  readonly certified: boolean
  readonly software: Software
  readonly pending: readonly string[]
  readonly report: CertificationReport
}

/**
 * Records that the test client's software version passed certification (SPEC.md §7): only once its report is
 * complete, and with the report as it stood, in the audit log and beside the certification. Every client on that
 * version may then file in production. An incomplete report certifies nothing and names what is pending.
 */
export async function certifySoftware(db: Db, clientId: string, now: Date): Promise<Certification> {
  return db.transaction().execute(async trx => {
    const client = await requireClient(trx, clientId)
    if (client.environment !== 'test') throw new OperatorError('Software is certified on a test client that passed the certification scenarios; this client is a production client')
    if (!client.software_vendor || !client.software_product || !client.software_version) {
      throw new OperatorError('The client has no software version registered', 'CLIENT_WITHOUT_SOFTWARE')
    }
    const software = { vendor: client.software_vendor, product: client.software_product, version: client.software_version }
    if (await isSoftwareCertified(trx, software)) throw new OperatorError('This software version is already certified')
    const report = await certificationReport(trx, clientId)
    const pending = pendingScenarios(report)
    if (pending.length > 0) return { certified: false, software, pending, report }
    await trx.insertInto('software_certifications').values({ ...software, certified_at: now, client_id: clientId, report: JSON.stringify(report) }).execute()
    await appendAudit(trx, now, { actor: 'operator', action: 'software.certified', subject: clientId, details: { ...software, report } })
    return { certified: true, software, pending, report }
  })
}

/** Software versions that passed certification, with the test client and the report they passed on. */
export async function listCertifiedSoftware(db: Db) {
  const rows = await db.selectFrom('software_certifications').selectAll().orderBy('certified_at').execute()
  return rows.map(r => ({
    vendor: r.vendor, product: r.product, version: r.version, clientId: r.client_id, certifiedAt: r.certified_at,
    // Certifications from before reports were kept (migration 0010) have none.
    report: r.report,
  }))
}
