import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { Software } from '../identity/index.js'
import { forms, type FormModule } from '../forms/index.js'
import { isFinal, type DocumentView } from '../documents/index.js'
import type { Finding } from '../validation/index.js'
import { scenarios, type ScenarioTitle } from './scenarios.js'
import { currentSandbox } from './sandbox-of.js'

/** One scenario in a report (SPEC.md §7): evidence is the ids of documents, messages (refused submissions) or requests. */
export interface ScenarioResult {
  readonly id: string
  readonly title: ScenarioTitle
  readonly status: 'passed' | 'pending'
  readonly evidence: readonly string[]
  readonly passedAt: string | null
  /** The vocabulary of the document the scenario passed by, so a vendor sees which of its formats was certified; absent when none. */
  readonly format?: DocumentView['format']
}

export interface CertificationReport {
  readonly software: Software | null
  readonly complete: boolean
  /** Since when the sandbox the report reads was started (its last reset); null for a client's first sandbox. */
  readonly since: string | null
  readonly scenarios: readonly ScenarioResult[]
}

interface State { readonly at: Date; readonly acceptance: string; readonly processing: string; readonly reason: string | null }
interface Filed {
  readonly id: string
  readonly form: FormModule
  readonly kind: string | null
  readonly series: string | null
  readonly employer: string
  readonly format: DocumentView['format']
  readonly receivedAt: Date
  readonly transport: string | null
  readonly history: readonly State[]
}
interface Refused { readonly id: string; readonly at: Date; readonly code: string; readonly findings: readonly Finding[]; readonly form?: FormModule }
interface Seen { readonly kind: string; readonly at: Date; readonly documentId: string | null; readonly requestId: string | null }

/** What the gateway saw of one test client in its current sandbox. */
interface Observed {
  readonly filed: readonly Filed[]
  readonly refused: readonly Refused[]
  /** Repeats answered 200 with duplicateOf: the document and when. */
  readonly repeats: readonly { documentId: string; at: Date }[]
  readonly seen: readonly Seen[]
  /** Webhook deliveries the client's endpoint answered 2xx: when, and whether the event was of a final state. */
  readonly acknowledged: readonly { at: Date; documentId: string | null; final: boolean }[]
}

/** `by`: the document whose observation passed the scenario, when one did. */
interface Pass { readonly evidence: readonly string[]; readonly at: Date; readonly by?: string }

/** The earliest of the passes found. */
function earliest(passes: readonly (Pass | undefined)[]): Pass | undefined {
  return passes.filter((p): p is Pass => p !== undefined).sort((a, b) => a.at.getTime() - b.at.getTime())[0]
}

const firstState = (d: Filed, test: (s: State) => boolean, after = new Date(0)): State | undefined =>
  d.history.find(s => s.at >= after && test(s))

const isSchemaFinding = (f: Finding): boolean => /-XSD-\d+$/.test(f.code)

/** A refused submission followed by a valid document of the same type (any type when the refused one had none to tell). */
function recovered(o: Observed, refusal: (r: Refused) => boolean): Pass | undefined {
  return earliest(o.refused.filter(refusal).map(r => {
    const next = o.filed.find(d => d.receivedAt > r.at && (r.form === undefined || d.form === r.form))
    return next && { evidence: [r.id, next.id], at: next.receivedAt, by: next.id }
  }))
}

/** A webhook delivery the client acknowledged, as a pass: by its document when the event was about one. */
const acknowledgedPass = (a: Observed['acknowledged'][number]): Pass =>
  a.documentId ? { evidence: [a.documentId], at: a.at, by: a.documentId } : { evidence: [], at: a.at }

/** Each scenario's test over what was observed. */
const tests: Readonly<Record<string, (o: Observed) => Pass | undefined>> = {
  'recover-malformed': o => recovered(o, r => r.code === 'XML_MALFORMED'),
  'recover-schema': o => recovered(o, r => r.code === 'DOCUMENT_INVALID' && r.findings.some(isSchemaFinding)),
  'recover-rule': o => recovered(o, r => r.code === 'DOCUMENT_INVALID' && r.findings.some(f => f.severity === 'error' && !isSchemaFinding(f))),

  'recover-register-refusal': o => earliest(o.filed.filter(d => d.form.country === 'SI').map(d => {
    const refusal = firstState(d, s => s.processing === 'refused')
    if (!refusal) return undefined
    return earliest(o.filed.filter(n => n.form === d.form && n.receivedAt > refusal.at).map(n => {
      const processed = firstState(n, s => s.processing === 'processed')
      return processed && { evidence: [d.id, n.id], at: processed.at, by: n.id }
    }))
  })),

  'recover-registration-errors': o => earliest(o.filed.filter(d => d.form.lifecycle === 'register-check').map(report => {
    const notAccepted = firstState(report, s => s.acceptance === 'not_accepted_registration_errors')
    if (!notAccepted) return undefined
    const requested = firstState(report, s => s.acceptance === 'awaiting_repeated_register_check', notAccepted.at)
    const accepted = requested && firstState(report, s => s.acceptance === 'accepted', requested.at)
    if (!requested || !accepted) return undefined
    // The missing registration: a registration of the same employer and country, filed after the refusal and
    // processed before the repeated check ran.
    const registration = o.filed.find(r => r.form.country === report.form.country && r.form.register?.apply !== undefined
      && r.form.lifecycle !== 'register-check' && r.employer === report.employer && r.receivedAt > notAccepted.at
      && firstState(r, s => s.processing === 'processed' && s.at <= accepted.at) !== undefined)
    return registration && { evidence: [report.id, registration.id], at: accepted.at, by: report.id }
  })),

  'storno-in-time': o => earliest(o.filed.map(d => {
    const cancelled = firstState(d, s => s.acceptance === 'cancelled')
    return cancelled && { evidence: [d.id], at: cancelled.at, by: d.id }
  })),
  'storno-too-late': o => seenOnce(o, 'storno-refused'),

  'corrective-report': o => earliest(o.filed.filter(d => d.form.lifecycle === 'register-check' && d.kind === 'O').map(corrective => {
    const regular = o.filed.find(r => r.form === corrective.form && r.kind === 'R' && r.employer === corrective.employer
      && r.series === corrective.series && firstState(r, s => s.processing === 'forwarded' && s.at <= corrective.receivedAt) !== undefined)
    return regular && { evidence: [regular.id, corrective.id], at: corrective.receivedAt, by: corrective.id }
  })),

  'duplicate-retry': o => earliest(o.repeats.map(r => ({ evidence: [r.documentId], at: r.at, by: r.documentId }))),
  'poll-to-final': o => earliest([
    seenOnce(o, 'final-state-read'),
    earliest(o.acknowledged.filter(a => a.final).map(acknowledgedPass)),
  ]),
  receipt: o => seenOnce(o, 'receipt'),
  soap: o => filedOver(o, 'soap'),
  rest: o => filedOver(o, 'rest'),
  events: o => earliest([seenOnce(o, 'events-read'), earliest(o.acknowledged.map(acknowledgedPass))]),
}

function seenOnce(o: Observed, kind: string): Pass | undefined {
  const first = o.seen.find(s => s.kind === kind)
  return first && {
    evidence: [first.documentId, first.requestId].filter((x): x is string => x !== null), at: first.at,
    ...(first.documentId !== null ? { by: first.documentId } : {}),
  }
}

function filedOver(o: Observed, transport: string): Pass | undefined {
  const first = o.filed.find(d => d.transport === transport)
  return first && { evidence: [first.id], at: first.receivedAt, by: first.id }
}

function testOf(id: string): (o: Observed) => Pass | undefined {
  if (Object.hasOwn(tests, id)) return tests[id]!
  const form = forms.find(f => `file-${f.type}` === id)
  if (!form) throw new Error(`scenario ${id} has no test`)
  return o => earliest(o.filed.filter(d => d.form === form).map(d => {
    const processed = firstState(d, s => s.processing === 'processed')
    return processed && { evidence: [d.id], at: processed.at, by: d.id }
  }))
}

/** The root element's local name of a document's first bytes, even when the rest is not well-formed. */
function sniffForm(head: string | null): FormModule | undefined {
  if (!head) return undefined
  const text = head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '')
  const name = /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(text)?.[1]
  return name === undefined ? undefined : forms.find(f => f.root === name)
}

/** What the gateway saw of a test client in its current sandbox, read from the documents, message log and observations. */
async function observe(db: Db, clientId: string): Promise<{ observed: Observed; since: Date | null }> {
  const { sandbox, since } = await currentSandbox(db, clientId)
  const after = since ?? new Date(0)
  const documents = await db.selectFrom('documents')
    .leftJoin('message_log', 'message_log.id', 'documents.message_id')
    .select(['documents.id', 'documents.type', 'documents.kind', 'documents.series', 'documents.employer', 'documents.format', 'documents.received_at', 'message_log.transport'])
    .where('documents.client_id', '=', clientId).where('documents.sandbox', '=', sandbox)
    .orderBy('documents.received_at').orderBy('documents.id').execute()
  const ids = documents.map(d => d.id)
  const states = ids.length === 0 ? [] : await db.selectFrom('document_states').select(['document_id', 'at', 'acceptance', 'processing', 'reason'])
    .where('document_id', 'in', ids).orderBy('id').execute()
  const historyOf = new Map<string, State[]>()
  for (const s of states) historyOf.set(s.document_id, [...(historyOf.get(s.document_id) ?? []), s])
  const filed = documents.flatMap(d => {
    const form = forms.find(f => f.type === d.type)
    return form ? [{
      id: d.id, form, kind: d.kind, series: d.series, employer: d.employer, format: d.format, receivedAt: d.received_at,
      transport: d.transport, history: historyOf.get(d.id) ?? [],
    }] : []
  })
  const messages = await db.selectFrom('message_log')
    .select(['id', 'received_at', 'status', 'problem_code', 'findings', 'document_id', sql<Uint8Array | null>`substring(body from 1 for 2048)`.as('head')])
    .where('client_id', '=', clientId).where('received_at', '>=', after)
    .where(eb => eb.or([
      eb('problem_code', 'in', ['XML_MALFORMED', 'DOCUMENT_INVALID']),
      eb.and([eb('status', '=', 200), eb('document_id', 'is not', null)]),
    ]))
    .orderBy('received_at').orderBy('id').execute()
  const own = new Set(ids)
  const refused = messages.filter(m => m.problem_code !== null).map(m => {
    const form = sniffForm(m.head && new TextDecoder('utf-8', { fatal: false }).decode(m.head))
    return { id: m.id, at: m.received_at, code: m.problem_code!, findings: m.findings as Finding[], ...(form ? { form } : {}) }
  })
  const repeats = messages.filter(m => m.status === 200 && own.has(m.document_id!)).map(m => ({ documentId: m.document_id!, at: m.received_at }))
  const seen = (await db.selectFrom('sandbox_observations').select(['kind', 'at', 'document_id', 'request_id'])
    .where('client_id', '=', clientId).where('sandbox', '=', sandbox).orderBy('id').execute())
    .map(s => ({ kind: s.kind, at: s.at, documentId: s.document_id, requestId: s.request_id }))
  const deliveries = await db.selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .leftJoin('events as e', 'e.id', 'd.event_id')
    .select(['d.delivered_at', 'd.document_id', 'e.acceptance', 'e.processing'])
    .where('s.client_id', '=', clientId).where('d.delivered_at', 'is not', null).where('d.delivered_at', '>=', after)
    .orderBy('d.delivered_at').execute()
  const acknowledged = deliveries.filter(d => d.document_id === null || own.has(d.document_id)).map(d => ({
    at: d.delivered_at!, documentId: d.document_id,
    final: d.acceptance !== null && d.processing !== null && isFinal({ acceptance: d.acceptance, processing: d.processing } as Parameters<typeof isFinal>[0]),
  }))
  return { observed: { filed, refused, repeats, seen, acknowledged }, since }
}

/** The test client's certification report (SPEC.md §7), from what the gateway observed in its current sandbox. */
export async function certificationReport(db: Db, clientId: string): Promise<CertificationReport> {
  const client = await db.selectFrom('clients').select(['software_vendor', 'software_product', 'software_version']).where('id', '=', clientId).executeTakeFirstOrThrow()
  const { observed, since } = await observe(db, clientId)
  const results = scenarios().map((scenario): ScenarioResult => {
    const pass = testOf(scenario.id)(observed)
    const format = pass?.by === undefined ? undefined : observed.filed.find(d => d.id === pass.by)?.format
    return {
      id: scenario.id, title: scenario.title, status: pass ? 'passed' : 'pending',
      evidence: pass?.evidence ?? [], passedAt: pass ? pass.at.toISOString() : null,
      ...(format ? { format } : {}),
    }
  })
  return {
    software: client.software_vendor && client.software_product && client.software_version
      ? { vendor: client.software_vendor, product: client.software_product, version: client.software_version }
      : null,
    complete: results.every(r => r.status === 'passed'),
    since: since ? since.toISOString() : null,
    scenarios: results,
  }
}

/** The ids of the scenarios still pending. */
export const pendingScenarios = (report: CertificationReport): string[] => report.scenarios.filter(s => s.status === 'pending').map(s => s.id)
