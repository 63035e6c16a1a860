import { reportForm } from '../report/form.js'
import { vppFields } from '../report/fields.js'
import { vppFindings } from '../report/findings.js'
import { checkRowHasBase } from '../report/rules.js'

/**
 * VPP, the report of contributions on irregular income, výkaz poistného a príspevkov (DOCUMENTS.md §3.3):
 * MVP's rules, and every row has a base above 0.
 */
export const vpp = reportForm('VPP', {
  numberPrefix: 'Y',
  fields: vppFields,
  extraFindings: Object.values(vppFindings),
  extraRules: [checkRowHasBase(vppFindings['014'])],
})
