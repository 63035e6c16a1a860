import { skForm } from '../common/form.js'
import { skCommonFindings } from '../common/findings.js'
import { skFieldOf } from '../common/fields.js'
import { checkEmployer } from '../common/rules.js'
import { rlzecFindings } from './findings.js'
import { rlzecRegisterFindings } from './register-findings.js'
import { rlzecRules } from './rules.js'
import { skRegister } from '../common/register.js'
import { processRlzec } from './register.js'

/** The SK-COMMON findings an RLZEC can give: the employer's IČO (001) and a new IBAN (008); it names no person. */
const COMMON = ['001', '008'] as const

/** EZU field names of RLZEC's own elements (DOCUMENTS §3.5); the employer and the bank data are shared. */
const fields: Readonly<Record<string, string>> = Object.freeze({
  Zmena: 'Typ RL: Zmena',
  'Zmena/DatumZmeny': 'dátum zmeny',
  'Zmena/Nazov': 'Názov',
  'Zmena/Sidlo': 'Sídlo',
  // Each part of the seat has a name of its own, so a schema error on a missing one names it.
  'Zmena/Sidlo/Ulica': 'Sídlo – ulica',
  'Zmena/Sidlo/Cislo': 'Sídlo – číslo',
  'Zmena/Sidlo/Obec': 'Sídlo – obec',
  'Zmena/Sidlo/Psc': 'Sídlo – PSČ',
  Odhlaska: 'Typ RL: Odhláška',
  'Odhlaska/DatumZaniku': 'dátum zániku',
})

const fieldOf = skFieldOf('RLZEC', fields)

/** RLZEC, the employer registration list: a change or a deregistration (DOCUMENTS.md §3.5). */
export const rlzec = skForm({
  type: 'RLZEC',
  // DOCUMENTS §4: a proposal, EZU's own prefix is [UNKNOWN].
  numberPrefix: () => 'Z',
  fieldOf,
  findings: [...COMMON.map(key => skCommonFindings[key]), ...Object.values(rlzecFindings)],
  registerFindings: rlzecRegisterFindings,
  rules: rlzecRules,
  admission: [checkEmployer],
  lifecycle: 'forward',
  register: skRegister(fieldOf, processRlzec),
})
