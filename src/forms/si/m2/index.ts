import { siForm } from '../common/form.js'
import { siFieldOf } from '../common/fields.js'
import { siCommonFindings } from '../common/findings.js'
import { m2Findings } from './findings.js'
import { m2Rules } from './rules.js'
import { m2RegisterFindings } from './register-findings.js'
import { applyM2 } from './register.js'

/**
 * The SI-COMMON findings M2's rules can give with the shipped code lists: identifiers (001–004), and the basis
 * list and working times of r.14–17 (008–010). 007 needs a complete list: add it (and its fixture) once the
 * basis list or the M-2 reason list is complete.
 */
const COMMON = ['001', '002', '003', '004', '008', '009', '010'] as const

/** M2, deregistration from compulsory social insurance (DOCUMENTS.md §2.5). */
export const m2 = siForm({
  type: 'M2',
  numberPrefix: 'O',
  fieldOf: siFieldOf('M2'),
  findings: [...COMMON.map(k => siCommonFindings[k]), ...Object.values(m2Findings)],
  registerFindings: m2RegisterFindings,
  rules: m2Rules,
  insuranceKind: 'M1',
  apply: applyM2,
})
