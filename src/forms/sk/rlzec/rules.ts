/** RLZEC's own plain rules (DOCUMENTS.md §3.5); the IBAN is checked by sk/common. */
import { child } from '../../../xml/index.js'
import type { Rule } from '../../form-module.js'
import { checkIbans } from '../common/rules.js'
import { rlzecFindings as F } from './findings.js'

/** What a change can change; the XSD makes each optional so that a change without any is named here. */
const CHANGEABLE = ['Nazov', 'Sidlo', 'BankoveSpojenie'] as const

/** A change with only its date would change nothing. */
export const checkChangeHasData: Rule = (root, report) => {
  const change = child(root, 'Zmena')
  if (change && !CHANGEABLE.some(name => child(change, name))) report(F['001'], change)
}

export const rlzecRules: readonly Rule[] = Object.freeze([checkIbans, checkChangeHasData])
