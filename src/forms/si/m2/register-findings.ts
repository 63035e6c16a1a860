import { defineFindings } from '../../../validation/index.js'

/** M2 rules that read the insurance register (DOCUMENTS.md §2.5, si-forms §6): checked when the back office processes the M2. */
export const m2RegisterFindings = defineFindings('SI-M2', 'sl', {
  '020': {
    field: 'rubrike 14–17', severity: 'error',
    en: 'The insurance this M2 refers to is already closed. Wrong data in rubrika 31 or 32 of a closed insurance are corrected with an M3 with code 16, filed together with a new M1 and a new M2.',
    sl: 'Zavarovanje, na katero se nanaša odjava M2, je že zaključeno. Napačne podatke v rubriki 31 ali 32 zaključenega zavarovanja popravite z obrazcem M3 s šifro 16, ki ga vložite hkrati z novima obrazcema M1 in M2.',
  },
  '021': {
    field: 'rubrike 2–4 / rubrike 14–17', severity: 'error',
    en: 'This rubrika differs from the M1 of the open insurance of this person with this obligor. Rubrike 2 to 5 and 14 to 17 of an M2 are copied unchanged from that M1.',
    sl: 'Rubrika se razlikuje od prijave M1 odprtega zavarovanja te osebe pri tem zavezancu. Rubrike od 2 do 5 in od 14 do 17 se na odjavo M2 prepišejo nespremenjene iz te prijave M1.',
  },
  '022': {
    field: 'rubrika 5', severity: 'error',
    en: 'The register holds no insurance of this person with this obligor. An M2 ends an insurance registered with an M1: check rubrika 5 and the obligor\'s data.',
    sl: 'V registru ni zavarovanja te osebe pri tem zavezancu. Odjava M2 zaključi zavarovanje, prijavljeno z obrazcem M1: preverite rubriko 5 in podatke zavezanca.',
  },
  '023': {
    field: 'rubrike 14–17', severity: 'error',
    en: 'The insurance this M2 refers to has been annulled. There is nothing left to deregister; if the person is insured, file a new M1.',
    sl: 'Zavarovanje, na katero se nanaša odjava M2, je stornirano. Odjava ni več mogoča; če je oseba zavarovana, vložite novo prijavo M1.',
  },
})
