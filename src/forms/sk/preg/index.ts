import { skForm } from '../common/form.js'
import { skCommonFindings } from '../common/findings.js'
import { skFieldOf } from '../common/fields.js'
import { checkEmployer } from '../common/rules.js'
import { awaitedPairing } from '../common/pairing.js'
import { pregFindings, pregLifecycleFindings } from './findings.js'
import { pregRules } from './rules.js'

/**
 * The SK-COMMON findings a PREG can give: the employer's IČO (001), the rodné číslo (002–006; a PREG has no date
 * of birth to compare, 007), and an employee type not valid on the registration's date (010: the typZec list
 * ends several codes on 31.12.2022). The list is complete, so an unlisted type is PREG's own 002, never 009.
 */
const COMMON = ['001', '002', '003', '004', '005', '006', '010'] as const

/** PREG's own findings; 002 is an employee type that is not in the complete sk/typ-zamestnanca list (as RLFO's 006). */
const OWN = ['001', '002'] as const

/** EZU field names of PREG's own elements (DOCUMENTS §3.7); the person and the employer are shared. */
const fields: Readonly<Record<string, string>> = Object.freeze({
  Typ: 'Typ',
  TypZamestnanca: 'PP (typ pracovného pomeru)',
  Datum: 'Od / Do',
})

/**
 * PREG, the preliminary registration (DOCUMENTS.md §3.7, a proposal): accepted at once, changes nothing in the
 * register, and is paired with the RLFO entry filed after it that confirms it, or expires.
 */
export const preg = skForm({
  type: 'PREG',
  numberPrefix: () => 'B',
  fieldOf: skFieldOf('PREG', fields),
  findings: [...COMMON.map(key => skCommonFindings[key]), ...OWN.map(key => pregFindings[key])],
  registerFindings: [],
  rules: pregRules,
  admission: [checkEmployer],
  lifecycle: 'pairing',
  pairing: { facts: awaitedPairing, expired: pregLifecycleFindings['020']! },
  afterProcessing: 'Only a preliminary registration that is still waiting to be paired can be cancelled; this one was '
    + 'paired with a registration list or has expired. Correct the registration with a new RLFO.',
})
