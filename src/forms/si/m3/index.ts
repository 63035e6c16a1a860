import { siForm } from '../common/form.js'
import { siFieldOf } from '../common/fields.js'
import { siCommonFindings } from '../common/findings.js'
import { m3Findings } from './findings.js'
import { m3Rules } from './rules.js'
import { m3RegisterFindings } from './register-findings.js'
import { applyM3 } from './register.js'

/** M3, change, correction or storno of an insurance (DOCUMENTS.md §2.6). */
export const m3 = siForm({
  type: 'M3',
  numberPrefix: 'S',
  fieldOf: siFieldOf('M3'),
  // M3 carries every shared block, so every SI-COMMON finding can occur.
  findings: [...Object.values(siCommonFindings), ...Object.values(m3Findings)],
  registerFindings: m3RegisterFindings,
  rules: m3Rules,
  insuranceKind: 'M1',
  apply: applyM3,
})
