import { existsSync } from 'node:fs'
import type { Db } from '../db/index.js'
import { migrateToLatest } from '../db/index.js'
import type { Clock } from '../lib/index.js'
import { OperatorError } from './errors.js'
import { addCertificate, addClient, listClients, revokeCertificate, showClient, type QualificationFinding } from './clients.js'
import { addMandate, listMandates, revokeMandate } from './mandates.js'
import { certifySoftware, listCertifiedSoftware, parseSoftware } from './software.js'
import type { ClientRole, Environment } from '../identity/index.js'
import { verifyAudit, type Checkpointer } from '../audit/index.js'
import { verifyStoredBodies } from '../messagelog/index.js'
import { normalizeFingerprint } from '../pki/index.js'
import { disableSubscription, listAllSubscriptions, shownUrl } from '../webhooks/index.js'

/**
 * The operator's actions, by name, with JSON arguments and results: the CLI runs them directly on the
 * database, or through the running server's admin socket when the embedded database is in use
 * (PGlite allows one process). Either way the same code runs and every change is audited.
 */
type Args = Record<string, unknown>
type Operation = (db: Db, clock: Clock, args: Args, context: OperatorContext) => Promise<unknown>

/** What the audit operations need besides the database: where checkpoints are kept and what signs them. */
export interface OperatorContext {
  /** AUDIT_ANCHOR_DIR. */
  readonly anchorDir: string
  /** Writes a signed checkpoint now (in the server, one at a time with its own). */
  checkpoint: Checkpointer['write']
  /** SIGNING_CERT as PEM, which checkpoints are checked against; undefined when there is none. */
  trustedPem(): string | undefined
}

const text = (args: Args, name: string): string => {
  const v = args[name]
  if (typeof v !== 'string' || v.trim() === '') throw new OperatorError(`The argument ${name} is required`)
  return v.trim()
}
const optional = (args: Args, name: string): string | undefined => (typeof args[name] === 'string' && args[name] !== '' ? (args[name] as string).trim() : undefined)
const overriddenChecks = (args: Args): string[] =>
  Array.isArray(args.overriddenChecks) ? args.overriddenChecks.filter((c): c is string => typeof c === 'string') : []

/**
 * The caller's finding on the certificate's qualification; none (an older or hand-written request) counts as not
 * qualified and not forced, so that a production client never gets an unqualified certificate by omission.
 */
const qualification = (args: Args): QualificationFinding => {
  const q = (typeof args.qualification === 'object' && args.qualification !== null ? args.qualification : {}) as Record<string, unknown>
  return {
    by: q.by === 'trusted_list' || q.by === 'qc_statement' ? q.by : null,
    ...(typeof q.reason === 'string' ? { reason: q.reason } : {}),
    force: q.force === true,
  }
}

const DAY_MS = 86_400_000
/** Whole days from `now` until a certificate's end; negative once it has ended. */
const daysLeft = (notAfter: Date | string, now: Date): number => Math.floor((new Date(notAfter).getTime() - now.getTime()) / DAY_MS)

function fingerprintArg(args: Args): string {
  try {
    return normalizeFingerprint(text(args, 'fingerprint'))
  } catch (error) {
    if (error instanceof OperatorError) throw error
    throw new OperatorError('The fingerprint must be the certificate\'s SHA-256 fingerprint (64 hex digits, colons allowed)')
  }
}

export const operations: Record<string, Operation> = {
  'clients.add': async (db, clock, a) => {
    const env = text(a, 'env')
    if (env !== 'test' && env !== 'production') throw new OperatorError('The environment must be test or production')
    const software = optional(a, 'software')
    const role = optional(a, 'role') as ClientRole | undefined // addClient refuses another value
    return addClient(db, {
      name: text(a, 'name'), taxNumber: text(a, 'taxNumber'), environment: env as Environment,
      certPem: text(a, 'certPem'), ...(software ? { software: parseSoftware(software) } : {}), ...(role ? { role } : {}),
      overriddenChecks: overriddenChecks(a), qualification: qualification(a),
    }, clock.now())
  },
  'clients.cert-add': (db, clock, a) =>
    addCertificate(db, text(a, 'id'), text(a, 'certPem'), clock.now(), { overriddenChecks: overriddenChecks(a), qualification: qualification(a) }),
  'clients.cert-revoke': (db, clock, a) => revokeCertificate(db, fingerprintArg(a), clock.now()),
  'clients.list': async (db, clock) => {
    const now = clock.now()
    return (await listClients(db)).map(c => ({ ...c, certificates: c.certificates.map(x => ({ ...x, daysLeft: daysLeft(x.notAfter, now) })) }))
  },
  'clients.show': async (db, clock, a) => {
    const now = clock.now()
    const client = await showClient(db, text(a, 'id'))
    return { ...client, certificates: client.certificates.map(x => ({ ...x, daysLeft: daysLeft(x.notAfter, now) })) }
  },
  'mandates.add': (db, clock, a) => {
    const types = optional(a, 'types')
    const from = optional(a, 'from')
    const to = optional(a, 'to')
    return addMandate(db, {
      employer: text(a, 'employer'), clientId: text(a, 'client'),
      ...(types ? { types: types.split(',').map(t => t.trim().toUpperCase()).filter(Boolean) } : {}),
      ...(from ? { from } : {}), ...(to ? { to } : {}),
    }, clock.now())
  },
  'mandates.revoke': async (db, clock, a) => { await revokeMandate(db, text(a, 'id'), clock.now()); return { revoked: a.id } },
  'mandates.list': db => listMandates(db),
  'software.certify': (db, clock, a) => certifySoftware(db, text(a, 'id'), clock.now()),
  'software.list': db => listCertifiedSoftware(db),
  // The operator sees each receiver as scheme, host and path: a query string may hold the receiver's own token.
  'webhooks.list': async db => (await listAllSubscriptions(db)).map(s => ({ ...s, url: shownUrl(s.url) })),
  'webhooks.disable': async (db, clock, a) => {
    const id = text(a, 'id')
    const result = await disableSubscription(db, id, clock.now())
    if (result === 'unknown') throw new OperatorError(`No webhook subscription ${id}`)
    if (result === 'already') throw new OperatorError('The webhook subscription is already disabled')
    return { disabled: id }
  },
  'migrate': async db => ({ applied: await migrateToLatest(db as never) }),
  'audit.verify': (db, _clock, a, context) => verifyAll(db, optional(a, 'anchors') ?? context.anchorDir, context),
  'audit.checkpoint': (_db, _clock, _a, context) => context.checkpoint('operator', 'operator'),
}

/**
 * `ehrs audit verify`: the chain against the checkpoints in `anchorDir`, then every stored body against its
 * SHA-256. `ok` is false when anything does not hold; `faults` names the first bad entry, message and document.
 */
async function verifyAll(db: Db, anchorDir: string, context: OperatorContext) {
  if (anchorDir !== context.anchorDir && !existsSync(anchorDir)) throw new OperatorError(`There is no folder ${anchorDir}`)
  const chain = await verifyAudit(db, { anchorDir, trustedPem: context.trustedPem() })
  const bodies = await verifyStoredBodies(db)
  return {
    ok: chain.ok && bodies.ok, anchorDir, entries: chain.entries, anchored: chain.anchored, checkpoints: chain.checkpoints,
    messages: bodies.messages, unchecked: bodies.unchecked, documents: bodies.documents,
    faults: [...chain.faults, ...bodies.faults], notes: chain.notes,
  }
}

export async function runOperation(db: Db, clock: Clock, name: string, args: Args, context: OperatorContext): Promise<unknown> {
  const op = operations[name]
  if (!op) throw new OperatorError(`Unknown operation ${name}`)
  return op(db, clock, args, context)
}
