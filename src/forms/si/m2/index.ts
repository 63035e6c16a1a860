import type { FormModule } from '../../form-module.js'
import { siFieldOf } from '../common/fields.js'
import { indexByCode, siFacts } from '../common/module.js'
import { siCommonFindings } from '../common/findings.js'
import { m2Findings } from './findings.js'
import { m2Rules } from './rules.js'
import { m2RegisterFindings } from './register-findings.js'
import { siRegister } from '../common/register.js'
import { applyM2 } from './register.js'

/**
 * The SI-COMMON findings M2's rules can give with the shipped code lists: identifiers (001–004), and the basis
 * list and working times of r.14–17 (008–010). 007 needs a complete list: add it (and its fixture) once the
 * basis list or the M-2 reason list is complete.
 */
const COMMON = ['001', '002', '003', '004', '008', '009', '010'] as const

const fieldOf = siFieldOf('M2')

/** M2, deregistration from compulsory social insurance (DOCUMENTS.md §2.5). */
export const m2: FormModule = Object.freeze({
  type: 'M2',
  country: 'SI',
  language: 'sl',
  namespace: 'urn:ehrs:si:m2:1',
  root: 'M2',
  xsd: 'm2.xsd',
  lifecycle: 'process',
  register: siRegister('M1', fieldOf, applyM2),
  insuranceKind: 'M1',
  numberPrefix: () => 'O',
  // Keyed by full code, like M1.
  findings: Object.freeze({ ...indexByCode(COMMON.map(k => siCommonFindings[k])), ...indexByCode(m2Findings) }),
  registerFindings: indexByCode(m2RegisterFindings),
  rules: m2Rules,
  facts: siFacts,
  fieldOf,
})
