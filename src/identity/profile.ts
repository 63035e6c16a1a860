import type { Db } from '../db/index.js'
import type { Caller } from './caller.js'

/** The registered facts of the caller's certificate and its mandates in force, for `GET /api/v1/me`. */
export interface CallerRecord {
  readonly certificate: { readonly pem: string; readonly subject: string; readonly issuer: string; readonly serial: string; readonly notBefore: Date; readonly notAfter: Date }
  readonly mandates: readonly { readonly id: string; readonly employer: string; readonly types: readonly string[] | null; readonly from: string | null; readonly to: string | null }[]
}

/** The caller's certificate as registered, and its mandates active on `day` (YYYY-MM-DD, the gateway's local day). */
export async function readCallerRecord(db: Db, caller: Caller, day: string): Promise<CallerRecord> {
  const certificate = await db.selectFrom('client_certificates')
    .select(['pem', 'subject', 'issuer', 'serial', 'not_before', 'not_after'])
    .where('fingerprint', '=', caller.fingerprint).executeTakeFirstOrThrow()
  const mandates = await db.selectFrom('mandates').select(['id', 'employer', 'document_types', 'valid_from', 'valid_to'])
    .where('client_id', '=', caller.clientId).where('revoked_at', 'is', null)
    .where(eb => eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', day)]))
    .where(eb => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', day)]))
    .orderBy('employer').orderBy('created_at').execute()
  return {
    certificate: {
      pem: certificate.pem, subject: certificate.subject, issuer: certificate.issuer, serial: certificate.serial,
      notBefore: certificate.not_before, notAfter: certificate.not_after,
    },
    mandates: mandates.map(m => ({ id: m.id, employer: m.employer, types: m.document_types, from: m.valid_from, to: m.valid_to })),
  }
}
