import { siForm } from '../common/form.js'
import { siCommonFindings } from '../common/findings.js'
import { endmFindings } from './findings.js'
import { endmFieldOf, endmRules } from './rules.js'
import { endmRegisterFindings } from './register-findings.js'
import { endmRegister } from './register.js'

/**
 * The SI-COMMON findings ENDM's rules can give: obligor and worker identifiers, and the basis and reason lists.
 * While both lists are partial (the reasons of absence ship empty) an unknown code is only "not verified" (009).
 */
const commonCodes = ['001', '002', '003', '004', '008', '009'] as const

/** si-endm §5 [SEED 002]: ZZZS pays the refund within 30 days of receiving a complete claim. */
const PAYMENT_DAYS = 30

/**
 * ENDM, the employer's claim for the refund of wage compensation (DOCUMENTS.md §2.8): processed in filing order
 * against the claims before it, then paid within 30 days. A mandate for ENDM shows the employer's M1 insurances,
 * those of the workers it claims for.
 */
export const endm = siForm({
  type: 'ENDM',
  numberPrefix: 'N',
  fieldOf: endmFieldOf,
  findings: [...commonCodes.map(key => siCommonFindings[key]), ...Object.values(endmFindings)],
  registerFindings: endmRegisterFindings,
  rules: endmRules,
  insuranceKind: 'M1',
  register: endmRegister(endmFieldOf),
  paymentDays: PAYMENT_DAYS,
  // How ZZZS corrects a processed eNDM claim is not in our sources (si-endm §6: the interface's methods are unknown).
  afterProcessing: 'Only a claim that is still unprocessed can be cancelled. A processed refund claim is with ZZZS for payment: '
    + 'ask ZZZS to correct it; a new claim for the same days or eBOL numbers would be refused.',
})

/** The 91st-day calculator (si-endm §3.3), shared by the rules, `ehrs endm day-91` and `GET /api/v1/endm/day-91`. */
export { day91, type Day91 } from './day-91.js'
