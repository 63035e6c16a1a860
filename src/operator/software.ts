import type { Db } from '../db/index.js'
import { appendAudit } from '../audit/index.js'
import type { Software } from '../identity/index.js'
import { isSoftwareCertified } from '../authorization/index.js'
import { OperatorError } from './errors.js'
import { requireClient } from './checks.js'

export function parseSoftware(text: string): Software {
  const m = /^([^/]+)\/([^/]+)\/([^/]+)$/.exec(text.trim())
  if (!m) throw new OperatorError('Software must be named VENDOR/PRODUCT/VERSION, e.g. "Acme/Payroll/4.2.1"')
  return { vendor: m[1]!.trim(), product: m[2]!.trim(), version: m[3]!.trim() }
}

/** Records that the client's software version passed certification; every client on that version may then file in production. */
export async function certifySoftware(db: Db, clientId: string, now: Date): Promise<Software> {
  return db.transaction().execute(async trx => {
    const client = await requireClient(trx, clientId)
    if (!client.software_vendor || !client.software_product || !client.software_version) {
      throw new OperatorError('The client has no software version registered', 'CLIENT_WITHOUT_SOFTWARE')
    }
    const software = { vendor: client.software_vendor, product: client.software_product, version: client.software_version }
    if (await isSoftwareCertified(trx, software)) throw new OperatorError('This software version is already certified')
    await trx.insertInto('software_certifications').values({ ...software, certified_at: now, client_id: clientId }).execute()
    await appendAudit(trx, now, { actor: 'operator', action: 'software.certified', subject: clientId, details: { ...software } })
    return software
  })
}

/** Software versions that passed certification, with the test client they passed on. */
export async function listCertifiedSoftware(db: Db) {
  const rows = await db.selectFrom('software_certifications').selectAll().orderBy('certified_at').execute()
  return rows.map(r => ({ vendor: r.vendor, product: r.product, version: r.version, clientId: r.client_id, certifiedAt: r.certified_at }))
}
