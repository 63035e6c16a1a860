import { siForm } from '../common/form.js'
import { siCommonFindings } from '../common/findings.js'
import { m12Findings } from './findings.js'
import { m12FieldOf, m12Rules } from './rules.js'
import { m12RegisterFindings } from './register-findings.js'
import { applyM12 } from './register.js'

/**
 * The SI-COMMON findings M12's rules can give: obligor and insured identifiers, and the basis and reason
 * lists. While both lists are partial an unknown code is only "not verified" (009); 007 joins once a
 * complete list is loaded. M12 has no country, unit, working-time or r.18–29 elements.
 */
const commonCodes = ['001', '002', '003', '004', '008', '009'] as const

/** M12, registration into injury-at-work and occupational-disease insurance (DOCUMENTS.md §2.7). */
export const m12 = siForm({
  type: 'M12',
  numberPrefix: 'D',
  fieldOf: m12FieldOf,
  // Only codes an M12 can give, since each needs a fixture that gives it.
  findings: [...commonCodes.map(key => siCommonFindings[key]), ...Object.values(m12Findings)],
  registerFindings: m12RegisterFindings,
  rules: m12Rules,
  insuranceKind: 'M12',
  apply: applyM12,
})
