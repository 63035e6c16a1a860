import { defineFindings } from '../../../validation/index.js'

/** M12 rules that read the insurance register (DOCUMENTS.md §2.7): checked when the back office processes the M12. */
export const m12RegisterFindings = defineFindings('SI-M12', 'sl', {
  '020': {
    field: 'vrsta prijave', severity: 'error',
    en: 'This person is already registered for injury-at-work insurance with this obligor, basis and start date, and the insurance is open. Do not file the registration again.',
    sl: 'Oseba je pri tem zavezancu s to podlago in datumom pričetka že prijavljena v zavarovanje za primer poškodbe pri delu in poklicne bolezni, zavarovanje je odprto. Prijave ne vlagajte ponovno.',
  },
  '021': {
    field: 'vrsta prijave', severity: 'error',
    en: 'The register holds no open injury-at-work insurance of this person with this obligor, basis and start date. A deregistration refers to an earlier registration with the same data.',
    sl: 'V registru ni odprtega zavarovanja za primer poškodbe pri delu in poklicne bolezni te osebe pri tem zavezancu s to podlago in datumom pričetka. Odjava se nanaša na prejšnjo prijavo z enakimi podatki.',
  },
})
