import type { BackOffice } from '../lifecycle/index.js'
import { findForm } from '../forms/index.js'
import { parseXmlBytes } from '../xml/index.js'
import { processSiDocument } from './si.js'

export { listInsurances } from './insurances.js'
export type { InsuranceView, InsuranceFilter } from './insurances.js'

/**
 * The built-in back office: applies each document to the gateway's own insurance register and reports
 * `processed`, or `refused` with the findings of the register rules. Documents reach it already valid, so
 * it reads them with the same parser and form modules as intake.
 */
export function createBuiltInBackOffice(): BackOffice {
  return {
    async process(trx, { document, content }, now) {
      const { root } = parseXmlBytes(content)
      const form = findForm(root.ns, root.name)
      if (!form) throw new Error(`document ${document.id} is of no known form`)
      if (form.country === 'SI') return processSiDocument(trx, document, form, root, now)
      // Slovak documents have no register rules yet: they are processed as filed.
      return { processing: 'processed', findings: [] }
    },
  }
}
