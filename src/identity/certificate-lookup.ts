import { databaseFaultCause, type Db } from '../db/index.js'
import { createBatcher } from '../lib/index.js'
import type { ClientRole, Environment } from './caller.js'

/** A registered certificate with its client, as the caller hook reads it. */
export interface CertificateRow {
  fingerprint: string; id: string; name: string; tax_number: string; environment: Environment; role: ClientRole
  software_vendor: string | null; software_product: string | null; software_version: string | null
  revoked_at: Date | null; not_before: Date; not_after: Date
  /** The client's sandbox since its last reset; null before the first (SPEC.md §7). */
  sandbox: string | null
}

export type CertificateLookup = (fingerprint: string) => Promise<CertificateRow | undefined>

/** Looks up registered certificates; one query serves every request that arrives meanwhile. */
export function createCertificateLookup(db: Db): CertificateLookup {
  const batcher = createBatcher<string, CertificateRow | undefined>(async fingerprints => {
    const rows = await db.selectFrom('client_certificates as cc')
      .innerJoin('clients as c', 'c.id', 'cc.client_id')
      .select(['cc.fingerprint', 'c.id', 'c.name', 'c.tax_number', 'c.environment', 'c.role', 'c.software_vendor', 'c.software_product',
        'c.software_version', 'cc.revoked_at', 'cc.not_before', 'cc.not_after',
        eb => eb.selectFrom('sandbox_resets as r').select('r.id').whereRef('r.client_id', '=', 'c.id')
          .orderBy('r.at', 'desc').orderBy('r.id', 'desc').limit(1).as('sandbox')])
      .where('cc.fingerprint', 'in', [...new Set(fingerprints)])
      .execute()
    return fingerprints.map(f => rows.find(r => r.fingerprint === f))
  }, undefined, { isFault: error => databaseFaultCause(error) !== undefined })
  return fingerprint => batcher.load(fingerprint)
}
