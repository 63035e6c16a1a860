import { defineFindings } from '../../../validation/index.js'

/**
 * Findings of M3's own plain rules (DOCUMENTS.md §2.6, si-forms §5); shared checks are SI-COMMON.
 * Codes 020 and above are kept for the register rules, which run when the document is processed. 001 (r.13 before
 * r.14) was withdrawn when DOCUMENTS §2.6 dropped that order; it is not given to another rule.
 */
export const m3Findings = defineFindings('SI-M3', 'sl', {
  '002': {
    field: 'rubrika 12', severity: 'error',
    en: 'Code 01 reports a change or correction, but no rubrika that changes is filled in. Fill in the rubrike that change (6–11 or 18–29); to annul a closed insurance use code 16.',
    sl: 'Šifra 01 pomeni spremembo ali popravek, vendar ni izpolnjena nobena rubrika, ki se spreminja. Izpolnite rubrike, ki se spreminjajo (6–11 ali 18–29); za storno zaprtega zavarovanja uporabite šifro 16.',
  },
  '003': {
    field: 'rubrike 6, 9–11 / rubrike 18–29', severity: 'error',
    en: 'Code 16 annuls a closed insurance as a whole and carries no changed data. Leave out rubrike 6, 9–11 and 18–29 (the surname and name may be repeated as registered), and at the same time file a new M1 and a new M2 with the correct data.',
    sl: 'Šifra 16 stornira zaprto zavarovanje v celoti in ne vsebuje spremenjenih podatkov. Izpustite rubrike 6, 9–11 in 18–29 (priimek in ime lahko navedete, kot sta prijavljena) ter hkrati vložite novo prijavo M1 in novo odjavo M2 s pravilnimi podatki.',
  },
  '004': {
    field: 'rubrika 28', severity: 'error',
    en: 'On this insurance basis rubrika 28 is the state where the work is done or where the employer has its seat, and an M3 cannot change it. File an M2 and at the same time a new M1 with the correct data.',
    sl: 'Pri tej podlagi za zavarovanje je v rubriki 28 država opravljanja dela ali sedeža delodajalca, ki je z obrazcem M3 ni mogoče spremeniti. Vložite odjavo M2 in hkrati novo prijavo M1 s pravilnimi podatki.',
  },
  '005': {
    field: 'OPOMBE', severity: 'warning',
    en: 'A changed surname or name (rubrika 7 or 8) is reported together with the previous name. Enter the previous name in OPOMBE.',
    sl: 'Spremenjeni priimek ali ime (rubrika 7 ali 8) se sporoči skupaj s prejšnjim. Prejšnje ime vpišite v OPOMBE.',
  },
  '006': {
    field: 'rubrika 13', severity: 'warning',
    en: 'The M3 is filed more than 8 days after the date of the change; the deadline is 8 days from the change or from the day the error was found.',
    sl: 'Obrazec M3 je vložen več kot 8 dni po datumu spremembe; rok je 8 dni od spremembe oziroma od dneva, ko je bila napaka ugotovljena.',
  },
})
