import { defineFindings } from '../../../validation/index.js'

/** M1 rules that read the insurance register (DOCUMENTS.md §2.4): checked when the back office processes the M1. */
export const m1RegisterFindings = defineFindings('SI-M1', 'sl', {
  '020': {
    field: 'rubrika 14', severity: 'error',
    en: 'An insurance with the same obligor, insured person, start date and basis is already registered and open. Do not file the M1 again: report changes with an M3 and the end of the insurance with an M2.',
    sl: 'Zavarovanje z istim zavezancem, zavarovancem, datumom pričetka in podlago je že prijavljeno in odprto. Prijave M1 ne vlagajte ponovno: spremembe sporočite z obrazcem M3, prenehanje zavarovanja z obrazcem M2.',
  },
})
