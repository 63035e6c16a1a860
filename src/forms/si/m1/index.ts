import type { FormModule } from '../../form-module.js'
import { siFieldOf } from '../common/fields.js'
import { indexByCode, siFacts } from '../common/module.js'
import { siCommonFindings } from '../common/findings.js'
import { m1Findings } from './findings.js'
import { m1Rules } from './rules.js'
import { m1RegisterFindings } from './register-findings.js'
import { siRegister } from '../common/register.js'
import { applyM1 } from './register.js'

const fieldOf = siFieldOf('M1')

/** M1, registration into compulsory social insurance (DOCUMENTS.md §2.4). */
export const m1: FormModule = Object.freeze({
  type: 'M1',
  country: 'SI',
  language: 'sl',
  namespace: 'urn:ehrs:si:m1:1',
  root: 'M1',
  xsd: 'm1.xsd',
  lifecycle: 'process',
  register: siRegister('M1', fieldOf, applyM1),
  insuranceKind: 'M1',
  numberPrefix: () => 'P',
  // Keyed by full code; the shared SI-COMMON findings are listed too, since M1's rules give them.
  findings: Object.freeze({ ...indexByCode(siCommonFindings), ...indexByCode(m1Findings) }),
  registerFindings: indexByCode(m1RegisterFindings),
  rules: m1Rules,
  facts: siFacts,
  fieldOf,
})
