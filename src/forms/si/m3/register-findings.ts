import { defineFindings } from '../../../validation/index.js'

/** M3 rules that read the insurance register (DOCUMENTS.md §2.6, si-forms §5): checked when the back office processes the M3. */
export const m3RegisterFindings = defineFindings('SI-M3', 'sl', {
  '020': {
    field: 'rubrika 12', severity: 'error',
    en: 'Code 01 changes an open insurance, but this insurance is closed. A closed insurance can only be annulled as a whole: an M3 with code 16, filed together with a new M1 and a new M2.',
    sl: 'Šifra 01 spreminja odprto zavarovanje, to zavarovanje pa je zaključeno. Zaključeno zavarovanje je mogoče le stornirati v celoti: z obrazcem M3 s šifro 16, ki ga vložite hkrati z novima obrazcema M1 in M2.',
  },
  '021': {
    field: 'rubrika 12', severity: 'error',
    en: 'Code 16 annuls a closed insurance, but this insurance is still open. To annul an open insurance file an M2 and at the same time a new M1 with the correct data.',
    sl: 'Šifra 16 stornira zaključeno zavarovanje, to zavarovanje pa je še odprto. Odprto zavarovanje razveljavite z odjavo M2 in hkrati z novo prijavo M1 s pravilnimi podatki.',
  },
  '022': {
    field: 'rubrike 2–4 / rubrike 14–17', severity: 'error',
    en: 'This rubrika differs from the M1 of the insurance. Rubrike 2 to 5 and 14 to 17 cannot be changed with an M3: to change or correct them, file an M2 and at the same time a new M1 with the correct data.',
    sl: 'Rubrika se razlikuje od prijave M1 tega zavarovanja. Rubrik od 2 do 5 in od 14 do 17 ni mogoče spremeniti z obrazcem M3: spremembo ali popravek sporočite z odjavo M2 in hkrati z novo prijavo M1 s pravilnimi podatki.',
  },
  '023': {
    field: 'rubrika 5', severity: 'error',
    en: 'The register holds no insurance of this person with this obligor. An M3 refers to an insurance registered with an M1: check rubrika 5 and the obligor\'s data.',
    sl: 'V registru ni zavarovanja te osebe pri tem zavezancu. Obrazec M3 se nanaša na zavarovanje, prijavljeno z obrazcem M1: preverite rubriko 5 in podatke zavezanca.',
  },
  '024': {
    field: 'rubrika 12', severity: 'error',
    en: 'This insurance has already been annulled; nothing is left to change or annul. If the person is insured, file a new M1.',
    sl: 'To zavarovanje je že stornirano; ničesar več ni mogoče spremeniti ali stornirati. Če je oseba zavarovana, vložite novo prijavo M1.',
  },
  '025': {
    field: 'rubrike 6–11', severity: 'warning',
    en: 'Rubrike 6 to 11 change only for a foreigner with no residence in Slovenia, and the M1 of this insurance gave no address abroad. Check that the person has no residence in Slovenia.',
    sl: 'Rubrike od 6 do 11 se spreminjajo le za tujca brez prebivališča v Sloveniji, prijava M1 tega zavarovanja pa ne navaja prebivališča v tujini. Preverite, ali oseba res nima prebivališča v Sloveniji.',
  },
  '026': {
    field: 'rubrika 7 / rubrika 8', severity: 'error',
    en: 'Code 01 reports a change, but the surname and name given are those already registered and nothing else changes. Fill in the rubrike that change; the surname and name alone are a change only when they differ.',
    sl: 'Šifra 01 pomeni spremembo, vendar sta navedena priimek in ime že prijavljena, drugih sprememb pa ni. Izpolnite rubrike, ki se spreminjajo; priimek in ime sama sta sprememba le, kadar se razlikujeta.',
  },
  '027': {
    field: 'rubrika 7 / rubrika 8', severity: 'error',
    en: 'Code 16 annuls an insurance and changes nothing, but this surname or name differs from the registered one. Give the surname and name as registered, or leave them out; report a new name on the new M1.',
    sl: 'Šifra 16 stornira zavarovanje in ničesar ne spreminja, ta priimek ali ime pa se razlikuje od prijavljenega. Navedite priimek in ime, kot sta prijavljena, ali ju izpustite; novo ime sporočite na novi prijavi M1.',
  },
})
