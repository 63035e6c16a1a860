import type { Db } from '../db/index.js'
import { appendAudit } from '../audit/index.js'
import { newId } from '../lib/index.js'
import { certificateInfo } from '../pki/index.js'
import type { ClientRole, Environment, Software } from '../identity/index.js'
import { isSoftwareCertified } from '../authorization/index.js'
import { OperatorError } from './errors.js'
import { isTaxNumber, requireClient } from './checks.js'
import { listMandates } from './mandates.js'

// Operator actions (CLI, admin socket) on clients and their certificates; each change is audited in its own transaction.

export interface NewClient {
  readonly name: string
  readonly taxNumber: string
  readonly environment: Environment
  readonly certPem: string
  readonly software?: Software
  /** `filer` unless given; an `inspector` files nothing and searches the register of its environment (SPEC.md §3). */
  readonly role?: ClientRole
  /** Certificate checks the operator overrode with `--force` (ClientCertificateDefect names); audited. */
  readonly overriddenChecks?: readonly string[]
  /** Whether the certificate is qualified, as the CLI found it; a production client needs that (see QualificationFinding). */
  readonly qualification?: QualificationFinding
}

/**
 * What the operator's tool found out about a certificate's qualification (SPEC.md §3: issued by a granted qualified
 * CA of a verified trusted list, or carrying the QcCompliance qcStatement), checked here against the client's
 * environment, where it is known. Code that registers clients itself (tests, the demo client) passes none and is
 * not checked; the named operations of the CLI and the admin socket always pass one.
 */
export interface QualificationFinding {
  /** How the certificate is qualified; null: it is not. */
  readonly by: 'trusted_list' | 'qc_statement' | null
  /** Why it is not, in words, for the refusal. */
  readonly reason?: string
  /** Register an unqualified certificate on a production client all the same (`--force`); audited as `not_qualified`. */
  readonly force?: boolean
}

export async function addClient(db: Db, input: NewClient, now: Date): Promise<{ id: string; fingerprint: string }> {
  if (!input.name.trim()) throw new OperatorError('The client name must not be empty')
  if (!isTaxNumber(input.taxNumber)) throw new OperatorError('The tax number must be 8 to 10 digits (SI davčna številka or SK DIČ)')
  const role = input.role ?? 'filer'
  if (role !== 'filer' && role !== 'inspector') throw new OperatorError('The role must be filer or inspector')
  const cert = readCertificate(input.certPem)
  const checks = withQualification(input.overriddenChecks, input.environment, input.qualification)
  const id = newId(now.getTime())
  await db.transaction().execute(async trx => {
    await assertCertificateFree(trx, cert.fingerprint)
    await trx.insertInto('clients').values({
      id, name: input.name.trim(), tax_number: input.taxNumber, environment: input.environment,
      software_vendor: input.software?.vendor ?? null, software_product: input.software?.product ?? null,
      software_version: input.software?.version ?? null, created_at: now, role,
    }).execute()
    await insertCertificate(trx, id, cert, now)
    await appendAudit(trx, now, {
      actor: 'operator', action: 'client.added', subject: id,
      details: {
        environment: input.environment, role, fingerprint: cert.fingerprint, software: input.software ?? null,
        ...qualifiedBy(input.environment, input.qualification), ...overrides(checks),
      },
    })
  })
  return { id, fingerprint: cert.fingerprint }
}

/**
 * Adds a certificate to a client. With `qualification`, a production client's certificate must be qualified (or the
 * refusal overridden): refused with OperatorError CERTIFICATE_NOT_QUALIFIED before anything is written. The answer
 * names the checks overridden, if any.
 */
export async function addCertificate(
  db: Db, clientId: string, certPem: string, now: Date,
  options: { overriddenChecks?: readonly string[]; qualification?: QualificationFinding } = {},
): Promise<{ fingerprint: string; certificateChecksOverridden?: string[] }> {
  const cert = readCertificate(certPem)
  return db.transaction().execute(async trx => {
    const client = await requireClient(trx, clientId)
    const checks = withQualification(options.overriddenChecks, client.environment, options.qualification)
    await assertCertificateFree(trx, cert.fingerprint)
    await insertCertificate(trx, clientId, cert, now)
    await appendAudit(trx, now, {
      actor: 'operator', action: 'client.certificate_added', subject: clientId,
      details: { fingerprint: cert.fingerprint, ...qualifiedBy(client.environment, options.qualification), ...overrides(checks) },
    })
    return { fingerprint: cert.fingerprint, ...overrides(checks) }
  })
}

export async function revokeCertificate(db: Db, fingerprint: string, now: Date): Promise<{ clientId: string }> {
  return db.transaction().execute(async trx => {
    const row = await trx.selectFrom('client_certificates').select(['client_id', 'revoked_at']).where('fingerprint', '=', fingerprint).forUpdate().executeTakeFirst()
    if (!row) throw new OperatorError(`No certificate with fingerprint ${fingerprint}`)
    if (row.revoked_at) throw new OperatorError('The certificate is already revoked')
    await trx.updateTable('client_certificates').set({ revoked_at: now }).where('fingerprint', '=', fingerprint).execute()
    await appendAudit(trx, now, { actor: 'operator', action: 'client.certificate_revoked', subject: row.client_id, details: { fingerprint } })
    return { clientId: row.client_id }
  })
}

export async function listClients(db: Db) {
  const clients = await db.selectFrom('clients').selectAll().orderBy('created_at').execute()
  const certs = await db.selectFrom('client_certificates').select(['client_id', 'fingerprint', 'not_after', 'revoked_at']).execute()
  return clients.map(c => ({
    ...clientView(c),
    certificates: certs.filter(x => x.client_id === c.id).map(x => ({ fingerprint: x.fingerprint, notAfter: x.not_after, revoked: x.revoked_at !== null })),
  }))
}

export async function showClient(db: Db, clientId: string) {
  const client = await requireClient(db, clientId)
  const certificates = await db.selectFrom('client_certificates')
    .select(['fingerprint', 'subject', 'issuer', 'serial', 'not_before', 'not_after', 'added_at', 'revoked_at'])
    .where('client_id', '=', clientId).orderBy('added_at').execute()
  const mandates = await listMandates(db, { clientId })
  const certified = client.software_vendor
    ? await isSoftwareCertified(db, { vendor: client.software_vendor, product: client.software_product!, version: client.software_version! })
    : false
  return {
    ...clientView(client),
    softwareCertified: certified,
    certificates: certificates.map(c => ({
      fingerprint: c.fingerprint, subject: c.subject, issuer: c.issuer, serial: c.serial,
      notBefore: c.not_before, notAfter: c.not_after, addedAt: c.added_at, revokedAt: c.revoked_at,
    })),
    mandates,
  }
}

/**
 * The overridden checks, with `not_qualified` added when an unqualified certificate goes onto a production client
 * with `force`; without `force` that is refused (SPEC.md §3). Test clients may use any certificate.
 */
function withQualification(checks: readonly string[] | undefined, environment: Environment, finding: QualificationFinding | undefined): string[] {
  const all = [...(checks ?? [])]
  if (!finding || environment !== 'production' || finding.by !== null) return all
  if (!finding.force) {
    throw new OperatorError('The certificate is not qualified, which a production client needs: ' +
      (finding.reason ?? 'it is neither issued by a granted qualified CA of a verified trusted list nor carries the QcCompliance qcStatement'),
    'CERTIFICATE_NOT_QUALIFIED')
  }
  return all.includes('not_qualified') ? all : [...all, 'not_qualified']
}

// Why a production client's certificate is qualified (or false, when forced), kept in its audit entry.
function qualifiedBy(environment: Environment, finding: QualificationFinding | undefined): { qualified?: 'trusted_list' | 'qc_statement' | false } {
  return finding && environment === 'production' ? { qualified: finding.by ?? false } : {}
}

// A registration that went past a failed certificate check says so in its audit entry, naming the checks.
function overrides(checks: readonly string[] | undefined): { certificateChecksOverridden?: string[] } {
  return checks && checks.length > 0 ? { certificateChecksOverridden: [...checks] } : {}
}

function clientView(c: { id: string; name: string; tax_number: string; environment: Environment; role: ClientRole; software_vendor: string | null; software_product: string | null; software_version: string | null; created_at: Date }) {
  return {
    id: c.id, name: c.name, taxNumber: c.tax_number, environment: c.environment, role: c.role,
    software: c.software_vendor ? `${c.software_vendor}/${c.software_product}/${c.software_version}` : null,
    createdAt: c.created_at,
  }
}

async function assertCertificateFree(db: Db, fingerprint: string): Promise<void> {
  const taken = await db.selectFrom('client_certificates').select('client_id').where('fingerprint', '=', fingerprint).executeTakeFirst()
  if (taken) throw new OperatorError(`This certificate is already registered to client ${taken.client_id}`)
}

type CertificateFacts = ReturnType<typeof certificateInfo> & { pem: string }

function readCertificate(pem: string): CertificateFacts {
  try {
    return { ...certificateInfo(pem), pem }
  } catch {
    throw new OperatorError('The file is not a PEM certificate')
  }
}

async function insertCertificate(db: Db, clientId: string, cert: CertificateFacts, now: Date): Promise<void> {
  await db.insertInto('client_certificates').values({
    fingerprint: cert.fingerprint, client_id: clientId, subject: cert.subject, issuer: cert.issuer, serial: cert.serial,
    not_before: cert.notBefore, not_after: cert.notAfter, pem: cert.pem, added_at: now, revoked_at: null,
  }).execute()
}
