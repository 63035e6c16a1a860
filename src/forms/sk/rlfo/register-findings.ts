import { defineFindings } from '../../../validation/index.js'

/** RLFO findings of the register rules, checked when the back office processes the list (DOCUMENTS.md §3.4). */
export const rlfoRegisterFindings = defineFindings('SK-RLFO', 'sk', {
  '020': {
    field: 'Rodné číslo', severity: 'error',
    en: 'The register has no insurance relationship of this person and this type (PP) with this employer that the registration list could refer to. Check the rodné číslo, the type and the IČPV; a person not yet registered needs a prihláška (PA) first.',
    sk: 'Register neobsahuje poistný vzťah tejto osoby s týmto typom (PP) u zamestnávateľa, na ktorý by sa registračný list mohol vzťahovať. Skontrolujte rodné číslo, typ a IČPV; osobu, ktorá ešte nie je prihlásená, najprv prihláste (PA).',
  },
  '021': {
    field: 'IČPV', severity: 'error',
    en: 'Several insurance relationships of this person and this type match the registration list. Give the IČPV of the relationship it concerns.',
    sk: 'Registračnému listu zodpovedá viac poistných vzťahov tejto osoby s týmto typom. Uveďte IČPV poistného vzťahu, ktorého sa týka.',
  },
  '022': {
    field: 'Od', severity: 'error',
    en: 'A cancellation of the registration (ZP) must give the registered start of the relationship ({start}) as its date.',
    sk: 'Zrušenie prihlásenia (ZP) musí uvádzať ako dátum zaregistrovaný začiatok poistného vzťahu ({start}).',
  },
  '023': {
    field: 'IČPV', severity: 'error',
    en: 'The relationship has an IČPV: give it on every registration list that refers to the relationship.',
    sk: 'Poistný vzťah má IČPV: uvádzajte ho na každom registračnom liste, ktorý sa na poistný vzťah vzťahuje.',
  },
  '024': {
    field: 'Od', severity: 'error',
    en: 'The person is already registered with this employer with this type (PP) from this date. Do not send the prihláška again; correct a wrong registration with a cancellation (ZP) and a new prihláška.',
    sk: 'Osoba je už u zamestnávateľa prihlásená s týmto typom (PP) od tohto dátumu. Prihlášku neposielajte znova; nesprávne prihlásenie opravte zrušením prihlásenia (ZP) a novou prihláškou.',
  },
  '025': {
    field: 'Do', severity: 'error',
    en: 'The relationship is already deregistered. A second odhláška is not needed; to change the end date, cancel the wrong document or contact the SP branch.',
    sk: 'Poistný vzťah je už odhlásený. Ďalšia odhláška nie je potrebná; na zmenu dátumu ukončenia stornujte nesprávny doklad alebo kontaktujte pobočku SP.',
  },
  '026': {
    field: 'Od', severity: 'error',
    en: 'The date lies outside the registered insurance relationship (from {start}{end}). Check the date against the prihláška and the odhláška.',
    sk: 'Dátum leží mimo zaregistrovaného poistného vzťahu (od {start}{end}). Skontrolujte dátum podľa prihlášky a odhlášky.',
  },
})
