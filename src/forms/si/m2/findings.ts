import { defineFindings } from '../../../validation/index.js'

/**
 * Findings of M2's own plain rules (DOCUMENTS.md §2.5, si-forms §6); shared checks are SI-COMMON.
 * Numbers 001–019 are plain rules; 020 and up are kept for the register rules run in processing.
 */
export const m2Findings = defineFindings('SI-M2', 'sl', {
  '001': {
    field: 'rubrika 32', severity: 'error',
    en: 'The insurance ends before it started: the date of the change is earlier than the start of insurance (rubrika 14). Check both dates; copy rubrika 14 from the M1.',
    sl: 'Zavarovanje se konča pred pričetkom: datum spremembe je pred datumom pričetka zavarovanja (rubrika 14). Preverite oba datuma; rubriko 14 prepišite iz prijave M1.',
  },
  '002': {
    field: 'rubrika 32', severity: 'error',
    en: 'The insurance ends more than 30 days after the filing date. File the M2 at most 30 days in advance for retirement, and at most 8 days in advance otherwise.',
    sl: 'Zavarovanje se konča več kot 30 dni po datumu vložitve. Odjavo M2 ob upokojitvi vložite največ 30 dni vnaprej, sicer največ 8 dni vnaprej.',
  },
  '003': {
    field: 'rubrika 32', severity: 'warning',
    en: 'The insurance ends more than 8 days after the filing date. ZZZS enters a deregistration at most 8 days in advance (30 days for retirement): unless the reason is retirement, file the M2 later.',
    sl: 'Zavarovanje se konča več kot 8 dni po datumu vložitve. ZZZS odjavo vnese največ 8 dni vnaprej (ob upokojitvi 30 dni): če vzrok ni upokojitev, odjavo M2 vložite pozneje.',
  },
  '004': {
    field: 'rubrika 32', severity: 'warning',
    en: 'The M2 is filed more than 8 days after the insurance ended; the deadline is 8 days from the day the conditions for insurance ceased. File deregistrations within that time.',
    sl: 'Odjava M2 je vložena več kot 8 dni po prenehanju zavarovanja; rok je 8 dni od dneva, ko so prenehali pogoji za zavarovanje. Odjave vlagajte v tem roku.',
  },
})
