import type { FormModule } from '../forms/index.js'
import { defineFindings, makeFinding, type Finding } from '../validation/index.js'
import type { ProcessingRequest } from '../lifecycle/index.js'

const si = defineFindings('SI-SANDBOX', 'sl', {
  '001': {
    field: 'ZunanjiId', severity: 'error',
    en: 'Refused on request: in the certification sandbox a document whose external id ends in #REFUSE is refused, so that the program can show how it handles a refusal.',
    sl: 'Zavrnjeno na zahtevo: v peskovniku za certificiranje je dokument, katerega zunanji identifikator se konča s #REFUSE, zavrnjen, da program pokaže, kako obravnava zavrnitev.',
  },
})
const sk = defineFindings('SK-SANDBOX', 'sk', {
  '001': {
    field: 'ExternyId', severity: 'error',
    en: 'Refused on request: in the certification sandbox a document whose external id ends in #REFUSE (or #FAULTY for an ELDP) fails processing, so that the program can show how it handles that result.',
    sk: 'Zamietnuté na požiadanie: v certifikačnom pieskovisku dokument, ktorého externý identifikátor končí na #REFUSE (pri ELDP #FAULTY), nie je spracovaný, aby program ukázal, ako s takým výsledkom zaobchádza.',
  },
})

/**
 * Fault injection for vendors (SPEC.md §7): in a test client's sandbox, an external id ending in `#REFUSE` makes the
 * built-in back office refuse the document, and `#FAULTY` makes an ELDP (whose failure is `faulty`) fail. Never in
 * production, whatever the id.
 */
export function injectedFailure(request: ProcessingRequest, form: FormModule): Finding[] | undefined {
  if (!request.sandbox || request.externalId === null) return undefined
  const failsAs = form.register?.failedAs ?? 'refused'
  const asked = request.externalId.endsWith('#REFUSE') ? 'refused' : request.externalId.endsWith('#FAULTY') ? 'faulty' : undefined
  // #REFUSE stands for a failed processing of any form; #FAULTY only for forms whose failure is `faulty`.
  if (asked === undefined || (asked === 'faulty' && failsAs !== 'faulty')) return undefined
  const def = form.country === 'SI' ? si['001'] : sk['001']
  return [makeFinding(def, { path: `/${form.root}/${def.field}` })]
}
