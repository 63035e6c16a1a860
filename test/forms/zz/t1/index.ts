import { join } from 'node:path'
import { projectRoot } from '../../../../src/lib/index.js'
import { indexByCode, registerForm, siFacts, type FormModule } from '../../../../src/forms/index.js'
import { t1Findings } from './findings.js'
import { t1RegisterFindings } from './register-findings.js'
import { t1FieldOf, t1Rules } from './rules.js'
import { t1Register } from './register.js'

/**
 * T1, a fictitious Slovenian registration that opens an insurance of its own kind: a form plugged in from
 * outside src/ (README "Adding a form"). Importing this module registers it.
 */
export const t1: FormModule = Object.freeze({
  type: 'T1',
  country: 'SI',
  language: 'sl',
  namespace: 'urn:ehrs:test:t1:1',
  root: 'T1',
  // Read from the source tree: dist/ holds no schemas.
  xsd: join(projectRoot, 'test/forms/zz/t1/t1.xsd'),
  lifecycle: 'process',
  register: t1Register,
  insuranceKind: 'T1',
  numberPrefix: () => 'T',
  findings: indexByCode(t1Findings),
  registerFindings: indexByCode(t1RegisterFindings),
  rules: t1Rules,
  facts: siFacts,
  fieldOf: t1FieldOf,
})

registerForm(t1)

export default t1
