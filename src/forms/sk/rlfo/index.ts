import { skForm } from '../common/form.js'
import { child, type XmlElement } from '../../../xml/index.js'
import { maskedPerson, type DocumentEntry } from '../../form-module.js'
import { skCommonFindings } from '../common/findings.js'
import { skFieldOf } from '../common/fields.js'
import { checkEmployer } from '../common/rules.js'
import { rlfoFindings } from './findings.js'
import { rlfoRegisterFindings } from './register-findings.js'
import { entries, rlfoRules } from './rules.js'
import { skRegister } from '../common/register.js'
import { processRlfo } from './register.js'
import { confirmedPairings } from '../common/pairing.js'
import { officialRegistrationList, rlRegisterFindings } from './official.js'
import { formNames } from '../../form-module.js'

/**
 * The SK-COMMON findings an RLFO can give: the employer's IČO (001), every rodné číslo and date of birth
 * (002–007), and the code lists (010 an employee type or a reason not valid on the entry's date). Both lists
 * are complete, so an unlisted code is an error of RLFO's own (006, 005), never "not verified" (009).
 */
const COMMON = ['001', '002', '003', '004', '005', '006', '007', '010'] as const

/** RLFO's own findings; 006 is an employee type that is not in the complete sk/typ-zamestnanca list. */
const OWN = ['001', '002', '003', '004', '005', '006', '007'] as const

/** EZU field names of RLFO's own elements (DOCUMENTS §3.4); persons and the employer are shared. */
const fields: Readonly<Record<string, string>> = Object.freeze({
  Osoba: 'registračný list',
  'Osoba/Typ': 'RL',
  'Osoba/TypZamestnanca': 'PP (typ pracovného pomeru)',
  'Osoba/DocasneRodneCislo': 'Rodné číslo / dočasné RČ',
  'Osoba/Cudzinec': 'Cudzinec',
  'Osoba/DatumOd': 'Od',
  'Osoba/DatumDo': 'Do',
  'Osoba/DatumZmeny': 'Zmena (dátum uplatnenia)',
  'Osoba/DovodZmeny': 'dôvod zmeny',
  'Osoba/DovodPrerusenia': 'dôvod prerušenia',
})

const fieldOf = skFieldOf('RLFO', fields)

/** A batch's entries as its view lists them (SPEC.md §4, sk-official.md §6); a single list has none. */
function listedEntries(root: XmlElement): DocumentEntry[] {
  const persons = entries(root)
  if (persons.length < 2) return []
  return persons.map(person => {
    const start = child(person, 'DatumOd')?.text
    const end = child(person, 'DatumDo')?.text
    return {
      kind: child(person, 'Typ')?.text ?? '',
      person: maskedPerson((child(person, 'RodneCislo') ?? child(person, 'DocasneRodneCislo'))?.text),
      ...(start !== undefined ? { start } : {}),
      ...(end !== undefined ? { end } : {}),
    }
  })
}

/** RLFO, the natural-person registration list, single or batch (DOCUMENTS.md §3.4). */
export const rlfo = skForm({
  type: 'RLFO',
  // DOCUMENTS §4: a single list is numbered R, a batch C (EZU numbers every XML upload C).
  numberPrefix: (root: XmlElement) => (entries(root).length === 1 ? 'R' : 'C'),
  fieldOf,
  findings: [...COMMON.map(key => skCommonFindings[key]), ...OWN.map(key => rlfoFindings[key])],
  registerFindings: [...Object.values(rlfoRegisterFindings), ...Object.values(rlRegisterFindings)],
  rules: rlfoRules,
  admission: [checkEmployer],
  lifecycle: 'forward',
  register: skRegister(fieldOf, processRlfo),
  // DOCUMENTS §3.7: its PA and OD entries confirm the preliminary registrations filed before it.
  pairing: { facts: confirmedPairings },
  entries: listedEntries,
  official: officialRegistrationList(formNames('SK', 'RLFO').namespace),
})
