import { defineFindings } from '../../../validation/index.js'

/**
 * Findings of RLFO's own plain rules (DOCUMENTS.md §3.4, sk-ezu §2.1–2.2, §13); the person and employer
 * checks are SK-COMMON. Numbers 001–019 are plain rules; 020 and up are kept for the register rules.
 */
export const rlfoFindings = defineFindings('SK-RLFO', 'sk', {
  '001': {
    field: 'IČPV', severity: 'error',
    en: 'A registration (PA) is filed without an IČPV: the Sociálna poisťovňa assigns it when it processes the registration and notifies the employer. Remove the IČPV.',
    sk: 'Prihláška (PA) sa podáva bez IČPV: Sociálna poisťovňa ho pridelí pri spracovaní prihlášky a oznámi ho zamestnávateľovi. IČPV odstráňte.',
  },
  '002': {
    field: 'Od / Do / Zmena (dátum uplatnenia) / dôvod zmeny / dôvod prerušenia', severity: 'error',
    en: 'This type of registration list needs this date or reason: PA needs Od; OD needs Do; PE needs Od and the reason for the interruption; ZM needs Od, the date the change applies and the reason for the change; ZP needs Od, the start of the registration being cancelled. Fill it in.',
    sk: 'Tento typ registračného listu vyžaduje tento dátum alebo dôvod: PA vyžaduje Od; OD vyžaduje Do; PE vyžaduje Od a dôvod prerušenia; ZM vyžaduje Od, dátum uplatnenia zmeny a dôvod zmeny; ZP vyžaduje Od, t. j. začiatok poistenia, ktorého prihlásenie sa ruší. Doplňte ho.',
  },
  '003': {
    field: 'Od / Do / Zmena (dátum uplatnenia) / dôvod zmeny / dôvod prerušenia', severity: 'error',
    en: 'This type of registration list does not carry this date or reason (for example Do on a PA, or a reason for interruption on an OD). Remove it, or choose the type that matches the event.',
    sk: 'Tento typ registračného listu tento dátum ani dôvod neobsahuje (napríklad Do pri prihláške PA alebo dôvod prerušenia pri odhláške OD). Údaj odstráňte alebo zvoľte typ, ktorý zodpovedá udalosti.',
  },
  '004': {
    field: 'Do', severity: 'error',
    en: 'The date Do is before the date Od. Check both dates.',
    sk: 'Dátum Do je skorší ako dátum Od. Skontrolujte oba dátumy.',
  },
  '005': {
    field: 'dôvod prerušenia', severity: 'error',
    en: 'The reason for the interruption is not in the list of the Sociálna poisťovňa. Enter a reason from the instructions to the registration list.',
    sk: 'Dôvod prerušenia nie je v číselníku Sociálnej poisťovne. Uveďte dôvod podľa pokynov k registračnému listu.',
  },
  '006': {
    field: 'PP (typ pracovného pomeru)', severity: 'error',
    en: 'The employee type is not in the list of the Sociálna poisťovňa. Enter a code from the list of employee types.',
    sk: 'Typ zamestnanca nie je v číselníku Sociálnej poisťovne. Uveďte kód z číselníka typov zamestnanca.',
  },
  '007': {
    field: 'registračný list', severity: 'error',
    en: 'The batch contains this entry twice: the same type, person, employee type and dates as an earlier entry. Remove the repeated entry.',
    sk: 'Hromadný registračný list obsahuje tento záznam dvakrát: predchádzajúci záznam má rovnaký typ, osobu, typ zamestnanca aj dátumy. Opakovaný záznam odstráňte.',
  },
})
