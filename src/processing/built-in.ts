import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { BackOffice, ProcessingRequest, ProcessingResult } from '../lifecycle/index.js'
import { formOf, findForm, readInternal, toOfficialLocation, toOfficialLocations, type CodeLists, type FormModule, type FormRegister, type RegisterDocument } from '../forms/index.js'
import { descend, type XmlElement } from '../xml/index.js'
import { RegisterSession } from '../register/index.js'
import type { Clock } from '../lib/index.js'
import type { Finding, FindingLocation } from '../validation/index.js'
import { injectedFailure } from './fault-injection.js'

/**
 * Reads a stored document for the back office, in the form's own vocabulary (an official document mapped): whole,
 * or (a report, whose register check reads only the header and each row's person) only the elements named in
 * `keep`. The server reads large ones on a worker thread; by default (tests, the CLI) they are read here.
 */
export type DocumentReader = (request: ProcessingRequest, keep?: readonly string[]) => Promise<XmlElement>

/** Register findings of a mapped official document point where their values were read in it (sk-official.md §1.4). */
const located = (findings: readonly Finding[], root: XmlElement): Finding[] => (root.source ? toOfficialLocations(findings, root) : [...findings])

interface Parsed {
  readonly request: ProcessingRequest
  readonly document: RegisterDocument
  readonly form: FormModule
  readonly register: FormRegister
  readonly root: XmlElement
  /** The documents of ours it is: one, or each entry of an official batch (sk-official.md §6), in order. */
  readonly entries: readonly XmlElement[]
}

/** Reads the documents whose form has register behaviour; one at a time, so a batch of large reports never holds two trees. */
async function parse(requests: readonly ProcessingRequest[], read: DocumentReader): Promise<Parsed[]> {
  const parsed: Parsed[] = []
  for (const request of requests) {
    const register = formOf(request.type).register
    if (!register) continue
    const root = await read(request, register.outline)
    const form = findForm(root.ns, root.name)
    if (form?.type !== request.type) throw new Error(`document ${request.id} is not an ${request.type}`)
    const document = { id: request.id, number: request.number, type: request.type, environment: request.register, employer: request.employer }
    parsed.push({ request, document, form, register, root, entries: root.batch ?? [root] })
  }
  return parsed
}

/**
 * The part of each country's register the documents read, loaded at once: one person's insurances of a kind, or
 * every insurance of a kind of the employer. `forUpdate` when the batch will change them.
 */
async function loadRegisters(trx: Db, parsed: readonly Parsed[], forUpdate: boolean): Promise<Map<string, RegisterSession>> {
  const sessions = new Map<string, RegisterSession>()
  for (const country of new Set(parsed.map(p => p.form.country))) {
    const ofCountry = parsed.filter(p => p.form.country === country)
    const scopes = ofCountry.flatMap(p => p.entries.map(entry => ({ document: p.document, scope: p.register.scope(p.document, entry) })))
    // One document reading a whole employer's register loads every employer of the batch whole.
    const employers = scopes.some(s => s.scope.person === undefined) ? scopes.map(s => s.document) : []
    const persons = scopes.filter(s => s.scope.person !== undefined)
      .map(({ document, scope }) => ({ environment: document.environment, employer: document.employer, person: scope.person!, kind: scope.kind }))
    const session = employers.length > 0
      ? await RegisterSession.loadEmployers(trx, country, employers, forUpdate)
      : await RegisterSession.load(trx, country, persons)
    await session.loadClaims(scopes.filter(s => s.scope.claims !== undefined)
      .map(({ document, scope }) => ({ environment: document.environment, employer: document.employer, ...scope.claims! })))
    sessions.set(country, session)
  }
  return sessions
}

/** Where a register check's summary points: its element (the attachment) in the report as filed. */
function summaryAt(register: FormRegister, root: XmlElement): { summaryAt?: FindingLocation } {
  const path = register.checkSummary?.at
  if (!path) return {}
  const element = descend(root, ...path.split('/').slice(2))
  const at = { path, ...(element ? { line: element.line } : {}) }
  return { summaryAt: root.source ? toOfficialLocation(at, root) : at }
}

/** A storno's mark: the document was withdrawn before it was processed, and never will be. */
const withdrawn: ProcessingResult['processing'] = 'withdrawn'

/**
 * The built-in back office: applies each document to the gateway's own insurance register through its form's
 * register code, in a transaction of its own, and answers `processed`, or `refused` (`faulty` for ELDP) with the
 * findings of the register rules; checks reports against the register. Each answer is kept
 * (`back_office_answers`) in the transaction that changed the register, so a document asked about again is
 * answered the same and applied once. Documents reach it already valid, so it reads them with the same parser
 * and form modules as intake.
 */
export function createBuiltInBackOffice(
  db: Db, clock: Clock, codeLists: CodeLists, readDocument: DocumentReader = async request => readInternal(await request.content(), codeLists),
): BackOffice {
  return {
    async process(requests) {
      const injected = new Map(requests.flatMap(r => {
        const findings = injectedFailure(r, formOf(r.type))
        return findings ? [[r.id, findings] as const] : []
      }))
      // Read before the transaction, which would otherwise hold the connection while the documents are parsed, and
      // asked for at once (one statement, not one each). Forms without `apply` (reports) are processed as filed, unread.
      const toRead = requests.filter(r => !injected.has(r.id) && formOf(r.type).register?.apply)
      const bytes = await Promise.all(toRead.map(r => r.content()))
      const toApply = await parse(toRead.map((r, i) => ({ ...r, content: async () => bytes[i]! })), readDocument)
      const answers = new Map<string, ProcessingResult>()
      await db.transaction().execute(async trx => {
        // One batch at a time across gateway instances: a second caller with the same documents waits, then finds
        // their answers given, and never applies a document twice.
        await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':back-office'))`.execute(trx)
        const given = await trx.selectFrom('back_office_answers').selectAll()
          .where('document_id', 'in', requests.map(r => r.id)).forUpdate().execute()
        for (const a of given) answers.set(a.document_id, { processing: a.processing as ProcessingResult['processing'], findings: a.findings as Finding[] })
        const fresh = requests.filter(r => !answers.has(r.id))
        if (fresh.length === 0) return
        const now = clock.now()
        for (const request of fresh) {
          const findings = injected.get(request.id)
          if (findings) answers.set(request.id, { processing: formOf(request.type).register?.failedAs ?? 'refused', findings })
        }
        const parsed = toApply.filter(p => !answers.has(p.request.id))
        const registers = await loadRegisters(trx, parsed, true)
        for (const { request, document, form, register, entries } of parsed) {
          const session = registers.get(form.country)!
          const mark = session.mark()
          // A batch is processed entry by entry, and refused whole when one entry is.
          const findings = entries.flatMap(entry => located(register.apply!(session, document, entry, now), entry))
          const failed = findings.some(f => f.severity === 'error')
          // A refused document changes nothing: whatever it did before its error is taken back.
          if (failed) session.rollbackTo(mark)
          answers.set(request.id, { processing: failed ? register.failedAs ?? 'refused' : 'processed', findings })
        }
        for (const session of registers.values()) await session.flush()
        await trx.insertInto('back_office_answers').values(fresh.map(r => {
          const answer = answers.get(r.id) ?? { processing: 'processed', findings: [] }
          answers.set(r.id, answer)
          return { document_id: r.id, at: now, processing: answer.processing, findings: JSON.stringify(answer.findings) }
        })).execute()
      })
      return requests.map(r => answers.get(r.id)!)
    },

    async checkRegister(requests) {
      const parsed = await parse(requests.filter(r => formOf(r.type).register?.check), readDocument)
      const now = clock.now()
      // A check only reads the register: its relationships are not locked against the processing of an RLFO.
      const registers = await loadRegisters(db, parsed, false)
      const results = new Map(parsed.filter(p => p.register.check).map(({ request, document, form, register, root }) => {
        const { errors, warnings } = register.check!(registers.get(form.country)!, document, root, codeLists, now)
        return [request.id, { errors: located(errors, root), warnings: located(warnings, root), ...summaryAt(register, root) }]
      }))
      return requests.map(r => results.get(r.id) ?? { errors: [], warnings: [] })
    },

    async withdraw(documentId) {
      const marked = await db.insertInto('back_office_answers')
        .values({ document_id: documentId, at: clock.now(), processing: withdrawn, findings: '[]' })
        .onConflict(oc => oc.column('document_id').doNothing()).returning('processing').executeTakeFirst()
      if (marked) return true
      const answer = await db.selectFrom('back_office_answers').select('processing').where('document_id', '=', documentId).executeTakeFirstOrThrow()
      return answer.processing === withdrawn
    },
  }
}
