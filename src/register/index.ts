import type { BackOffice, ProcessingRequest } from '../lifecycle/index.js'
import type { DocumentRow } from '../db/index.js'
import { findForm, type CodeLists, type FormModule } from '../forms/index.js'
import { parseXmlBytes, type XmlElement } from '../xml/index.js'
import { processSiDocument, siRegisterKey } from './si.js'
import { checkReport, processSkDocument, reportOutline } from './sk.js'
import { RegisterSession } from './session.js'

export { listInsurances } from './insurances.js'
export type { InsuranceView, InsuranceFilter } from './insurances.js'

interface Parsed { readonly document: DocumentRow; readonly form: FormModule; readonly root: XmlElement }

/**
 * Reads a stored document for the back office: whole, or for a report (whose processing and register check read
 * only the header and each row's person) only the elements named in `keep`. The server reads large ones on a worker
 * thread; by default (tests, the CLI) they are parsed here.
 */
export type DocumentReader = (content: Uint8Array, keep?: readonly string[]) => Promise<XmlElement>

const parseHere: DocumentReader = async content => parseXmlBytes(content).root

async function parse(requests: readonly ProcessingRequest[], read: DocumentReader): Promise<Parsed[]> {
  const parsed: Parsed[] = []
  // One at a time: a batch of large reports never holds more than one tree.
  for (const { document, content } of requests) {
    const root = await read(content, isReport(document.type) ? reportOutline : undefined)
    const form = findForm(root.ns, root.name)
    if (!form) throw new Error(`document ${document.id} is of no known form`)
    parsed.push({ document, form, root })
  }
  return parsed
}

/**
 * The SK register of every employer in the batch whose documents read it: a report is checked against all of
 * an employer's relationships; a forwarded report is processed as filed and needs none of it.
 */
const skRegister = (trx: Parameters<BackOffice['process']>[0], parsed: readonly Parsed[], needs: (type: string) => boolean, forUpdate: boolean): Promise<RegisterSession> =>
  RegisterSession.loadEmployers(trx, 'SK', parsed.filter(p => p.form.country === 'SK' && needs(p.document.type)).map(p => p.document), forUpdate)

const isReport = (type: string): boolean => type === 'MVP' || type === 'VPP'

/**
 * The built-in back office: applies each document to the gateway's own insurance register and reports
 * `processed`, or `refused` (`faulty` for ELDP) with the findings of the register rules, and checks reports
 * against the register. Documents reach it already valid, so it reads them with the same parser and form
 * modules as intake.
 */
export function createBuiltInBackOffice(codeLists: CodeLists, read: DocumentReader = parseHere): BackOffice {
  return {
    async process(trx, requests, now) {
      // A forwarded report is processed as filed: registration lists change the register, reports do not, so a
      // report (up to 32 MiB) is not read again here.
      const parsed = await parse(requests.filter(r => !isReport(r.document.type)), read)
      const si = await RegisterSession.load(trx, 'SI', parsed.filter(p => p.form.country === 'SI').map(p => siRegisterKey(p.document, p.root)))
      const sk = await skRegister(trx, parsed, () => true, true)
      const results = new Map(parsed.map(({ document, form, root }) => [document.id, form.country === 'SI'
        ? processSiDocument(si, document, form, root, now)
        : processSkDocument(sk, document, form, root, now)]))
      await si.flush()
      await sk.flush()
      return requests.map(r => results.get(r.document.id) ?? { processing: 'processed', findings: [] })
    },

    // Reports are read before the check's transaction; one read after all (another instance's, or newly due) is read here.
    async prepareRegisterCheck(requests) {
      return new Map((await parse(requests, read)).map(p => [p.document.id, p]))
    },

    async checkRegister(trx, requests, now, prepared) {
      const ready = prepared as ReadonlyMap<string, Parsed> | undefined
      const parsed: Parsed[] = []
      for (const request of requests) parsed.push(ready?.get(request.document.id) ?? (await parse([request], read))[0]!)
      // A check only reads the register: its relationships are not locked against the processing of an RLFO.
      const sk = await skRegister(trx, parsed, isReport, false)
      return parsed.map(({ document, form, root }) => checkReport(sk, document, form, root, codeLists, now))
    },
  }
}
