import type { FormModule } from '../../form-module.js'
import { siFieldOf } from '../common/fields.js'
import { indexByCode, siFacts } from '../common/module.js'
import { siCommonFindings } from '../common/findings.js'
import { m3Findings } from './findings.js'
import { m3Rules } from './rules.js'
import { m3RegisterFindings } from './register-findings.js'
import { siRegister } from '../common/register.js'
import { applyM3 } from './register.js'

const fieldOf = siFieldOf('M3')

/** M3, change, correction or storno of an insurance (DOCUMENTS.md §2.6). */
export const m3: FormModule = Object.freeze({
  type: 'M3',
  country: 'SI',
  language: 'sl',
  namespace: 'urn:ehrs:si:m3:1',
  root: 'M3',
  xsd: 'm3.xsd',
  lifecycle: 'process',
  register: siRegister('M1', fieldOf, applyM3),
  insuranceKind: 'M1',
  numberPrefix: () => 'S',
  // Keyed by full code, like M1. M3 carries every shared block, so every SI-COMMON finding can occur.
  findings: Object.freeze({ ...indexByCode(siCommonFindings), ...indexByCode(m3Findings) }),
  registerFindings: indexByCode(m3RegisterFindings),
  rules: m3Rules,
  facts: siFacts,
  fieldOf,
})
