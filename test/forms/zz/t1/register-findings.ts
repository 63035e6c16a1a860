import { defineFindings } from '../../../../src/validation/index.js'
import { t1Fields } from './findings.js'

/** T1's register rules, checked when the back office processes the document. */
export const t1RegisterFindings = defineFindings('SI-T1', 'sl', {
  '020': {
    field: t1Fields.DatumPricetka, severity: 'error',
    en: 'This person already has an open T1 insurance with this obligor. Do not file the registration again.',
    sl: 'Oseba ima pri tem zavezancu že odprto zavarovanje T1. Prijave ne vlagajte ponovno.',
  },
})
