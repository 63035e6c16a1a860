import { defineFindings } from '../../../../src/validation/index.js'

/** Form fields of T1's own elements; the shared blocks keep their SI rubrike. */
export const t1Fields = Object.freeze({
  DatumPricetka: 'datum pričetka',
  DatumKonca: 'datum konca',
})

/** T1's plain rules: 001–019; 020 and up are its register rules (register-findings.ts). */
export const t1Findings = defineFindings('SI-T1', 'sl', {
  '001': {
    field: t1Fields.DatumPricetka, severity: 'error',
    en: 'The insurance starts before 1 January 2020, when the T1 form came into use. Enter a start date on or after that day.',
    sl: 'Zavarovanje se začne pred 1. 1. 2020, ko se je začel uporabljati obrazec T1. Vpišite datum pričetka na ta dan ali kasneje.',
  },
  '002': {
    field: t1Fields.DatumKonca, severity: 'error',
    en: 'The insurance ends before it starts. Correct the end date or the start date.',
    sl: 'Datum konca je pred datumom pričetka. Popravite datum konca ali datum pričetka.',
  },
  '003': {
    field: t1Fields.DatumPricetka, severity: 'error',
    en: 'The insurance starts more than 30 days after the filing date. File the T1 at most 30 days ahead.',
    sl: 'Zavarovanje se začne več kot 30 dni po dnevu vložitve. Obrazec T1 vložite največ 30 dni vnaprej.',
  },
})
