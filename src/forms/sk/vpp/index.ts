import type { FormModule } from '../../form-module.js'
import { indexByCode } from '../../si/common/module.js'
import { skFieldOf } from '../common/fields.js'
import { skCheckStep, skFacts } from '../common/module.js'
import { raisableRegisterCheckFindings } from '../common/register-check.js'
import { periodOf } from '../report/admission.js'
import { hasNegativeAmount } from '../report/amounts.js'
import { vppFields } from '../report/fields.js'
import { reportCommonFindings, reportFindings, vppFindings } from '../report/findings.js'
import { checkRowHasBase, reportAdmission, reportRules } from '../report/rules.js'
import { reportRegister } from '../report/register-check.js'

const findings = reportFindings('SK-VPP')

const fieldOf = skFieldOf('VPP', vppFields)

/**
 * VPP, the report of contributions on irregular income, výkaz poistného a príspevkov (DOCUMENTS.md §3.3):
 * MVP's rules, and every row has a base above 0.
 */
export const vpp: FormModule = Object.freeze({
  type: 'VPP',
  country: 'SK',
  language: 'sk',
  namespace: 'urn:ehrs:sk:vpp:1',
  root: 'VPP',
  xsd: 'vpp.xsd',
  lifecycle: 'register-check',
  register: reportRegister('VPP', fieldOf),
  insuranceKind: 'RLFO',
  numberPrefix: () => 'Y',
  findings: Object.freeze({ ...indexByCode(reportCommonFindings), ...indexByCode(findings), ...indexByCode(vppFindings) }),
  // The register check (KNR) right after saving decides acceptance (sk-ezu §5).
  registerFindings: indexByCode(raisableRegisterCheckFindings('VPP')),
  rules: Object.freeze([...reportRules(findings), checkRowHasBase(vppFindings['014'])]),
  admission: reportAdmission(findings),
  facts: skFacts,
  fieldOf,
  checkStep: skCheckStep,
  // R/O admissibility and the negative-row exception look at the reports of the same period.
  series: periodOf,
  needsEarlierContent: hasNegativeAmount,
})
