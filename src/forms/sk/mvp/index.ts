import type { FormModule } from '../../form-module.js'
import { indexByCode } from '../../si/common/module.js'
import { skFieldOf } from '../common/fields.js'
import { skCheckStep, skFacts } from '../common/module.js'
import { raisableRegisterCheckFindings } from '../common/register-check.js'
import { periodOf } from '../report/admission.js'
import { hasNegativeAmount } from '../report/amounts.js'
import { mvpFields } from '../report/fields.js'
import { reportCommonFindings, reportFindings } from '../report/findings.js'
import { reportAdmission, reportRules } from '../report/rules.js'
import { reportRegister } from '../report/register-check.js'

const findings = reportFindings('SK-MVP')

const fieldOf = skFieldOf('MVP', mvpFields)

/** MVP, the monthly report of contributions, mesačný výkaz poistného a príspevkov (DOCUMENTS.md §3.2). */
export const mvp: FormModule = Object.freeze({
  type: 'MVP',
  country: 'SK',
  language: 'sk',
  namespace: 'urn:ehrs:sk:mvp:1',
  root: 'MVP',
  xsd: 'mvp.xsd',
  lifecycle: 'register-check',
  register: reportRegister('MVP', fieldOf),
  insuranceKind: 'RLFO',
  numberPrefix: () => 'V',
  findings: Object.freeze({ ...indexByCode(reportCommonFindings), ...indexByCode(findings) }),
  // The register check (KNR) right after saving decides acceptance (sk-ezu §5).
  registerFindings: indexByCode(raisableRegisterCheckFindings('MVP')),
  rules: reportRules(findings),
  admission: reportAdmission(findings),
  facts: skFacts,
  fieldOf,
  checkStep: skCheckStep,
  // R/O admissibility and the negative-row exception look at the reports of the same period.
  series: periodOf,
  needsEarlierContent: hasNegativeAmount,
})
