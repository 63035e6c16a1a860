import type { FindingDef } from '../../../validation/index.js'
import type { FormModule, Rule } from '../../form-module.js'
import { skForm } from '../common/form.js'
import { skFieldOf } from '../common/fields.js'
import { raisableRegisterCheckFindings } from '../common/register-check.js'
import { periodOf } from './admission.js'
import { hasNegativeAmount } from './amounts.js'
import { reportCommonFindings, reportFindings } from './findings.js'
import { reportRegister } from './register-check.js'
import { reportAdmission, reportRules } from './rules.js'
import { officialReport } from './official.js'
import { formNames } from '../../form-module.js'

/**
 * A report (MVP, VPP: DOCUMENTS.md §3.2–3.3): the report rules with the form's own codes, checked against the
 * register (KNR) right after saving, which decides acceptance (sk-ezu §5), and judged with the reports of the
 * same period: R/O admissibility and the negative-row exception.
 */
export function reportForm(type: 'MVP' | 'VPP', spec: {
  readonly numberPrefix: string
  readonly fields: Readonly<Record<string, string>>
  /** The form's findings beyond the report rules', and the rules that give them. */
  readonly extraFindings?: readonly FindingDef[]
  readonly extraRules?: readonly Rule[]
}): FormModule {
  const findings = reportFindings(`SK-${type}`)
  const fieldOf = skFieldOf(type, spec.fields)
  return skForm({
    type,
    numberPrefix: () => spec.numberPrefix,
    fieldOf,
    findings: [...Object.values(reportCommonFindings), ...Object.values(findings), ...(spec.extraFindings ?? [])],
    registerFindings: raisableRegisterCheckFindings(type),
    rules: Object.freeze([...reportRules(findings), ...(spec.extraRules ?? [])]),
    admission: reportAdmission(findings),
    lifecycle: 'register-check',
    register: reportRegister(type, fieldOf),
    series: periodOf,
    needsEarlierContent: hasNegativeAmount,
    official: officialReport(type, formNames('SK', type).namespace),
  })
}
