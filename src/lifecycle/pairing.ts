/**
 * Pairing of preliminary registrations (DOCUMENTS.md §3.7, sk-ezu §10). A PREG is `received` until an RLFO entry
 * that matches it is accepted — in the transaction that stores that RLFO — and then `paired` (processing
 * `processed`); only a PREG already stored when the RLFO arrives is paired (sk-ezu §10: "no pairing otherwise").
 * One that no RLFO confirms by its deadline expires (processing `refused`, lifecycle.ts). Both happen once: each
 * locks the PREG's document row and requires it to be still `accepted` / `unprocessed`.
 */
import type { Db } from '../db/index.js'
import type { PairingFacts } from '../forms/index.js'
import { appendAudit } from '../audit/index.js'
import type { DocumentState } from '../documents/index.js'
import { appendStates, currentStates } from './state-writer.js'

/** What the gateway keeps of a document's pairing facts: the deadline instead of the date. */
export interface DocumentPairing {
  readonly awaits?: { readonly key: string; readonly deadlineAt: Date }
  readonly confirms?: readonly string[]
}

/** A stored document's part in pairing, as the writer hands it over. */
export interface PairingEntry {
  readonly documentId: string
  /** `production` or `sandbox:<id>`: pairing never crosses registers. */
  readonly register: string
  readonly employer: string
  readonly receivedAt: Date
  readonly pairing: DocumentPairing
}

/** Start of a calendar day in Central European time (the zone of both authorities). */
export function startOfLocalDay(date: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`)
  // CEST is UTC+2, CET UTC+1: the first of the two that still falls on `date` there.
  for (const hours of [2, 1]) {
    const at = new Date(midnightUtc - hours * 3_600_000)
    if (new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Bratislava' }).format(at) === date) return at
  }
  return new Date(midnightUtc)
}

/** A document's pairing facts with its deadline: PRELIMINARY_DEADLINE after the start of its date. */
export function documentPairing(facts: PairingFacts | undefined, deadlineMs: number): DocumentPairing | undefined {
  if (!facts?.awaits && !facts?.confirms?.length) return undefined
  return {
    ...(facts.awaits ? { awaits: { key: facts.awaits.key, deadlineAt: new Date(startOfLocalDay(facts.awaits.date).getTime() + deadlineMs) } } : {}),
    ...(facts.confirms?.length ? { confirms: facts.confirms } : {}),
  }
}

const isWaiting = (s: DocumentState | undefined): boolean => s?.acceptance === 'accepted' && s.processing === 'unprocessed'

/**
 * Inside the transaction that stores `entries` (after their first states): records the preliminary registrations
 * among them, then pairs each confirming document's keys with the oldest waiting PREG of the same register,
 * employer and key received before it. Returns how many were paired.
 */
export async function recordPairings(trx: Db, at: Date, entries: readonly PairingEntry[]): Promise<number> {
  const awaiting = entries.filter(e => e.pairing.awaits)
  if (awaiting.length > 0) {
    await trx.insertInto('preliminary_registrations').values(awaiting.map(e => ({
      document_id: e.documentId, register: e.register, employer: e.employer, pairing_key: e.pairing.awaits!.key,
      received_at: e.receivedAt, deadline_at: e.pairing.awaits!.deadlineAt,
    }))).execute()
  }
  const paired: { preg: string; by: string; at: Date }[] = []
  for (const entry of entries) {
    for (const key of entry.pairing.confirms ?? []) {
      const candidates = await trx.selectFrom('preliminary_registrations').select('document_id')
        .where('register', '=', entry.register).where('employer', '=', entry.employer).where('pairing_key', '=', key)
        .where('paired_with', 'is', null).where('expired_at', 'is', null).where('received_at', '<', entry.receivedAt)
        .orderBy('received_at').orderBy('document_id').execute()
      const ids = candidates.map(c => c.document_id).filter(id => !paired.some(p => p.preg === id))
      if (ids.length === 0) continue
      // Locked in id order, as the timers lock theirs: an expiry and a pairing of one PREG never cross.
      await trx.selectFrom('documents').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute()
      const states = await currentStates(trx, ids)
      // A cancelled PREG (storno) is paired no more.
      const preg = ids.find(id => isWaiting(states.get(id)))
      if (preg) paired.push({ preg, by: entry.documentId, at: entry.receivedAt })
    }
  }
  if (paired.length === 0) return 0
  for (const p of paired) {
    await trx.updateTable('preliminary_registrations').set({ paired_with: p.by, paired_at: p.at }).where('document_id', '=', p.preg).execute()
  }
  await appendStates(trx, at, paired.map(p => ({ documentId: p.preg, acceptance: 'accepted', processing: 'processed', reason: 'paired', at: p.at })))
  await trx.updateTable('timers').set({ done_at: at, outcome: 'paired' })
    .where('document_id', 'in', paired.map(p => p.preg)).where('done_at', 'is', null).execute()
  await appendAudit(trx, at, { actor: 'system', action: 'documents.paired', details: { documents: paired.map(p => ({ id: p.preg, pairedWith: p.by })) } })
  return paired.length
}

/** Marks expired preliminary registrations (the expiry timer's transaction). */
export async function markExpired(trx: Db, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return
  await trx.updateTable('preliminary_registrations').set({ expired_at: at }).where('document_id', 'in', ids).where('paired_with', 'is', null).execute()
}
