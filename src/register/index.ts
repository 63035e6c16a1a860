import type { BackOffice } from '../lifecycle/index.js'
import { findForm } from '../forms/index.js'
import { parseXmlBytes } from '../xml/index.js'
import { processSiDocument, siRegisterKey } from './si.js'
import { RegisterSession } from './session.js'

export { listInsurances } from './insurances.js'
export type { InsuranceView, InsuranceFilter } from './insurances.js'

/**
 * The built-in back office: applies each document to the gateway's own insurance register and reports
 * `processed`, or `refused` with the findings of the register rules. Documents reach it already valid, so
 * it reads them with the same parser and form modules as intake.
 */
export function createBuiltInBackOffice(): BackOffice {
  return {
    async process(trx, requests, now) {
      const parsed = requests.map(({ document, content }) => {
        const { root } = parseXmlBytes(content)
        const form = findForm(root.ns, root.name)
        if (!form) throw new Error(`document ${document.id} is of no known form`)
        return { document, form, root }
      })
      const si = parsed.filter(p => p.form.country === 'SI')
      const register = await RegisterSession.load(trx, 'SI', si.map(p => siRegisterKey(p.document, p.root)))
      const results = parsed.map(({ document, form, root }) => (form.country === 'SI'
        ? processSiDocument(register, document, form, root, now)
        // Slovak documents have no register rules yet: they are processed as filed.
        : { processing: 'processed' as const, findings: [] }))
      await register.flush()
      return results
    },
  }
}
