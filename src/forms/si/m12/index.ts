import type { FormModule } from '../../form-module.js'
import { siCommonFindings } from '../common/findings.js'
import { indexByCode, siFacts } from '../common/module.js'
import { m12Findings } from './findings.js'
import { m12FieldOf, m12Rules } from './rules.js'
import { m12RegisterFindings } from './register-findings.js'
import { siRegister } from '../common/register.js'
import { applyM12 } from './register.js'

/**
 * The SI-COMMON findings M12's rules can give: obligor and insured identifiers, and the basis and reason
 * lists. While both lists are partial an unknown code is only "not verified" (009); 007 joins once a
 * complete list is loaded. M12 has no country, unit, working-time or r.18–29 elements.
 */
const commonCodes = ['001', '002', '003', '004', '008', '009'] as const

const fieldOf = m12FieldOf

/** M12, registration into injury-at-work and occupational-disease insurance (DOCUMENTS.md §2.7). */
export const m12: FormModule = Object.freeze({
  type: 'M12',
  country: 'SI',
  language: 'sl',
  namespace: 'urn:ehrs:si:m12:1',
  root: 'M12',
  xsd: 'm12.xsd',
  lifecycle: 'process',
  register: siRegister('M12', fieldOf, applyM12),
  insuranceKind: 'M12',
  numberPrefix: () => 'D',
  // Keyed by full code, as on M1; only codes an M12 can give, since each needs a fixture that gives it.
  findings: Object.freeze({ ...indexByCode(commonCodes.map(key => siCommonFindings[key])), ...indexByCode(m12Findings) }),
  registerFindings: indexByCode(m12RegisterFindings),
  rules: m12Rules,
  facts: siFacts,
  fieldOf,
})
