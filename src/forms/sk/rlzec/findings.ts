import { defineFindings } from '../../../validation/index.js'

/**
 * Findings of RLZEC's own plain rules (DOCUMENTS.md §3.5); the employer and the IBAN are checked by SK-COMMON.
 * Numbers 001–019 are plain rules; 020 and up are kept for the register rules.
 */
export const rlzecFindings = defineFindings('SK-RLZEC', 'sk', {
  '001': {
    field: 'Typ RL: Zmena', severity: 'error',
    en: 'A change carries no new data. Give at least one of Názov, Sídlo or Bankové spojenie, with the values that apply from the date of the change.',
    sk: 'Zmena neobsahuje žiadny nový údaj. Uveďte aspoň jeden z údajov Názov, Sídlo alebo Bankové spojenie s hodnotami platnými od dátumu zmeny.',
  },
})
