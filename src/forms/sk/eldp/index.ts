import { skForm } from '../common/form.js'
import { skCommonFindings } from '../common/findings.js'
import { skFieldOf } from '../common/fields.js'
import { checkEmployer } from '../common/rules.js'
import { eldpFindings } from './findings.js'
import { eldpRegisterFindings } from './register-findings.js'
import { checkKind, eldpRules, eldpSeries } from './rules.js'
import { skRegister } from '../common/register.js'
import { processEldp } from './register.js'
import { officialEldp } from './official.js'

/**
 * The SK-COMMON findings an ELDP can give: the employer's IČO (001), the person's rodné číslo and date of
 * birth (002–007). The sign list is complete, so an unlisted sign is ELDP's own 010, never "not verified" (009);
 * it has no dates, so SK-COMMON-010 cannot arise.
 */
const COMMON = ['001', '002', '003', '004', '005', '006', '007'] as const

/** ELDP's own findings; 010 is an insurance sign that is not in the complete sk/znak-poistenia list. */
const OWN = ['001', '002', '003', '004', '005', '006', '007', '008', '009', '010'] as const

/** EZU field names of ELDP's own elements (DOCUMENTS §3.6); the person and the employer are shared. */
const fields: Readonly<Record<string, string>> = Object.freeze({
  DruhEldp: 'Evidenčný list opravný',
  Poistenec: 'údaje poistenca',
  PoistnyVztah: 'poistný vzťah',
  'PoistnyVztah/DatumVzniku': 'Dátum vzniku',
  'PoistnyVztah/DatumZaniku': 'Dátum zániku',
  ObdobiePoistenia: 'obdobie poistenia',
  'ObdobiePoistenia/Rok': 'rok',
  'ObdobiePoistenia/ZnakPoistenia': 'znak poistenia',
  'ObdobiePoistenia/DatumOd': 'od',
  'ObdobiePoistenia/DatumDo': 'do',
  'ObdobiePoistenia/Vz': 'VZ na dôchodkové poistenie',
  'ObdobiePoistenia/VzVylucene': 'VZ počas vylúčených dôb',
  'ObdobiePoistenia/DniVylucene': 'dni vylúčených dôb',
})

const fieldOf = skFieldOf('ELDP', fields)

/** ELDP, the pension-insurance record sheet of one person and relationship (DOCUMENTS.md §3.6). */
export const eldp = skForm({
  type: 'ELDP',
  // DOCUMENTS §4: a proposal, EZU's own prefix is [UNKNOWN].
  numberPrefix: () => 'E',
  fieldOf,
  findings: [...COMMON.map(key => skCommonFindings[key]), ...OWN.map(key => eldpFindings[key])],
  registerFindings: eldpRegisterFindings,
  rules: eldpRules,
  // Step 1 the employer, step 3 the kind against the earlier ELDPs of the series (sk-ezu §6.3).
  admission: [checkEmployer, checkKind],
  lifecycle: 'forward',
  register: skRegister(fieldOf, processEldp, 'faulty'),
  series: eldpSeries,
  official: officialEldp,
})
