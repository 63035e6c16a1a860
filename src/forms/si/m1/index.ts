import { siForm } from '../common/form.js'
import { siFieldOf } from '../common/fields.js'
import { siCommonFindings } from '../common/findings.js'
import { m1Findings } from './findings.js'
import { m1Rules } from './rules.js'
import { m1RegisterFindings } from './register-findings.js'
import { applyM1 } from './register.js'

/** M1, registration into compulsory social insurance (DOCUMENTS.md §2.4). */
export const m1 = siForm({
  type: 'M1',
  numberPrefix: 'P',
  fieldOf: siFieldOf('M1'),
  // The shared SI-COMMON findings are listed too, since M1's rules give them.
  findings: [...Object.values(siCommonFindings), ...Object.values(m1Findings)],
  registerFindings: m1RegisterFindings,
  rules: m1Rules,
  insuranceKind: 'M1',
  apply: applyM1,
})
