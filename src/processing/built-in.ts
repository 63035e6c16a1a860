import type { Db } from '../db/index.js'
import type { BackOffice, ProcessingRequest, ProcessingResult } from '../lifecycle/index.js'
import { findForm, type CodeLists, type FormModule } from '../forms/index.js'
import { parseXmlBytes, type XmlElement } from '../xml/index.js'
import { checkReport, processSiDocument, processSkDocument, reportOutline, RegisterSession, siRegisterKey } from '../register/index.js'
import type { Clock } from '../lib/clock.js'
import type { Finding } from '../validation/index.js'

/**
 * Reads a stored document for the back office: whole, or for a report (whose processing and register check read
 * only the header and each row's person) only the elements named in `keep`. The server reads large ones on a worker
 * thread; by default (tests, the CLI) they are parsed here.
 */
export type DocumentReader = (content: Uint8Array, keep?: readonly string[]) => Promise<XmlElement>

const parseHere: DocumentReader = async content => parseXmlBytes(content).root

interface Parsed { readonly request: ProcessingRequest; readonly form: FormModule; readonly root: XmlElement }

const isReport = (type: string): boolean => type === 'MVP' || type === 'VPP'

async function parse(requests: readonly ProcessingRequest[], read: DocumentReader): Promise<Parsed[]> {
  const parsed: Parsed[] = []
  // One at a time: a batch of large reports never holds more than one tree.
  for (const request of requests) {
    const root = await read(request.content, isReport(request.type) ? reportOutline : undefined)
    const form = findForm(root.ns, root.name)
    if (!form) throw new Error(`document ${request.id} is of no known form`)
    parsed.push({ request, form, root })
  }
  return parsed
}

/** The SK register of every employer whose documents read it: a report is checked against all its relationships. */
const skRegister = (trx: Db, parsed: readonly Parsed[], forUpdate: boolean): Promise<RegisterSession> =>
  RegisterSession.loadEmployers(trx, 'SK', parsed.filter(p => p.form.country === 'SK').map(p => p.request), forUpdate)

/** A storno's mark: the document was withdrawn before it was processed, and never will be. */
const withdrawn: ProcessingResult['processing'] = 'withdrawn'

/**
 * The built-in back office: applies each document to the gateway's own insurance register, in a transaction of its
 * own, and answers `processed`, or `refused` (`faulty` for ELDP) with the findings of the register rules; checks
 * reports against the register. It keeps each answer (`back_office_answers`) in the same transaction as the
 * register changes, so a document asked about again is answered the same and applied once. Documents reach it
 * already valid, so it reads them with the same parser and form modules as intake.
 */
export function createBuiltInBackOffice(db: Db, clock: Clock, codeLists: CodeLists, read: DocumentReader = parseHere): BackOffice {
  return {
    async process(requests) {
      const answers = new Map<string, ProcessingResult>()
      await db.transaction().execute(async trx => {
        // Answers already given (and withdrawals) are locked, so that two callers never apply one document twice.
        const given = await trx.selectFrom('back_office_answers').selectAll()
          .where('document_id', 'in', requests.map(r => r.id)).forUpdate().execute()
        for (const a of given) answers.set(a.document_id, { processing: a.processing as ProcessingResult['processing'], findings: a.findings as Finding[] })
        const now = clock.now()
        // A report is processed as filed: registration lists change the register, reports do not, so a report
        // (up to 32 MiB) is not read again here.
        const parsed = await parse(requests.filter(r => !answers.has(r.id) && !isReport(r.type)), read)
        const si = await RegisterSession.load(trx, 'SI', parsed.filter(p => p.form.country === 'SI').map(p => siRegisterKey(p.request, p.root)))
        const sk = await skRegister(trx, parsed, true)
        const fresh = requests.filter(r => !answers.has(r.id))
        for (const { request, form, root } of parsed) {
          answers.set(request.id, form.country === 'SI' ? processSiDocument(si, request, form, root, now) : processSkDocument(sk, request, form, root, now))
        }
        await si.flush()
        await sk.flush()
        if (fresh.length === 0) return
        await trx.insertInto('back_office_answers').values(fresh.map(r => {
          const answer = answers.get(r.id) ?? { processing: 'processed', findings: [] }
          answers.set(r.id, answer)
          return { document_id: r.id, at: now, processing: answer.processing, findings: JSON.stringify(answer.findings) }
        })).execute()
      })
      return requests.map(r => answers.get(r.id)!)
    },

    async checkRegister(requests) {
      const parsed = await parse(requests, read)
      const now = clock.now()
      // A check only reads the register: its relationships are not locked against the processing of an RLFO.
      const sk = await skRegister(db, parsed, false)
      return parsed.map(({ request, form, root }) => checkReport(sk, request, form, root, codeLists, now))
    },

    async withdraw(documentId) {
      const now = clock.now()
      const marked = await db.insertInto('back_office_answers')
        .values({ document_id: documentId, at: now, processing: withdrawn, findings: '[]' })
        .onConflict(oc => oc.column('document_id').doNothing()).returning('processing').executeTakeFirst()
      if (marked) return true
      const answer = await db.selectFrom('back_office_answers').select('processing').where('document_id', '=', documentId).executeTakeFirstOrThrow()
      return answer.processing === withdrawn
    },
  }
}
