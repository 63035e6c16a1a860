import { defineFindings } from '../../../validation/index.js'

/**
 * Form fields of M12's own elements. The official M12 field list is unknown (si-forms §7), so these are
 * the names a filer knows rather than rubrika numbers; the shared blocks keep their M-1 rubrike
 * (DOCUMENTS.md §2.7, field column "as r.1–4", "as r.5, r.7, r.8").
 */
export const m12Fields = Object.freeze({
  VrstaPrijave: 'vrsta prijave',
  Zavarovanje: 'podatki o zavarovanju',
  'Zavarovanje/PodlagaZaZavarovanje': 'podlaga za zavarovanje',
  'Zavarovanje/VzrokZavarovanja': 'vzrok zavarovanja',
  'Zavarovanje/DatumPricetkaZavarovanja': 'datum pričetka zavarovanja',
  'Zavarovanje/DatumPrenehanjaZavarovanja': 'datum prenehanja zavarovanja',
})

/**
 * Findings of M12's own plain rules (DOCUMENTS.md §2.7, si-forms §7); shared checks are SI-COMMON.
 * Codes 001–019 are plain rules; 020 and up are kept for the register rules.
 */
export const m12Findings = defineFindings('SI-M12', 'sl', {
  '001': {
    field: m12Fields['Zavarovanje/DatumPricetkaZavarovanja'], severity: 'error',
    en: 'The insurance starts before 1 February 2014, when the M12 form came into use. Enter a start date on or after that day; a side-occupation sole trader whose activity began earlier enters 1 February 2014.',
    sl: 'Zavarovanje se začne pred 1. 2. 2014, ko se je začel uporabljati obrazec M12. Vpišite datum pričetka na ta dan ali kasneje; popoldanski samostojni podjetnik, ki je dejavnost začel prej, vpiše 1. 2. 2014.',
  },
  '002': {
    field: m12Fields['Zavarovanje/DatumPrenehanjaZavarovanja'], severity: 'error',
    en: 'A deregistration (odjava) needs the date the insurance ends. Enter the end date of the insurance.',
    sl: 'Odjava mora vsebovati datum prenehanja zavarovanja. Vpišite datum prenehanja zavarovanja.',
  },
  '003': {
    field: m12Fields['Zavarovanje/DatumPrenehanjaZavarovanja'], severity: 'error',
    en: 'The insurance ends before it starts. Correct the end date or the start date of the insurance.',
    sl: 'Datum prenehanja zavarovanja je pred datumom pričetka zavarovanja. Popravite datum prenehanja ali datum pričetka.',
  },
  '004': {
    field: m12Fields['Zavarovanje/VzrokZavarovanja'], severity: 'error',
    en: 'Insurance basis 050 (activity as a side occupation) is filed with reason 10. Enter reason 10, or correct the insurance basis.',
    sl: 'Pri podlagi za zavarovanje 050 (dejavnost kot postranski poklic) se vpiše vzrok 10. Vpišite vzrok 10 ali popravite podlago za zavarovanje.',
  },
})
