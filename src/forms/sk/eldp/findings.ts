import { defineFindings } from '../../../validation/index.js'

/**
 * Findings of ELDP's own rules (DOCUMENTS.md §3.6, sk-ezu §7): plain rules 001–007 and 010, and the
 * "documents" rules 008–009 on the kind of ELDP. The person and employer checks are SK-COMMON.
 * Numbers 001–019 are plain and documents rules; 020 and up are kept for the register rules.
 */
export const eldpFindings = defineFindings('SK-ELDP', 'sk', {
  '001': {
    field: 'do', severity: 'error',
    en: 'The period of insurance ends (do) before it starts (od). Check both dates.',
    sk: 'Obdobie poistenia končí (do) skôr, ako začína (od). Skontrolujte oba dátumy.',
  },
  '002': {
    field: 'od / do', severity: 'error',
    en: 'The date is not in the year (rok) of its period: a period lies within one calendar year. Split a period that spans years into one per year, or correct the year.',
    sk: 'Dátum nepatrí do roku (rok) svojho obdobia: obdobie poistenia leží v jednom kalendárnom roku. Obdobie presahujúce rok rozdeľte na obdobia po rokoch alebo opravte rok.',
  },
  '003': {
    field: 'od / do', severity: 'error',
    en: 'The period lies outside the insurance relationship: it starts before the Dátum vzniku or ends after the Dátum zániku. Correct the period or the dates of the relationship.',
    sk: 'Obdobie poistenia presahuje poistný vzťah: začína pred dátumom vzniku alebo končí po dátume zániku. Opravte obdobie alebo dátumy poistného vzťahu.',
  },
  '004': {
    field: 'od', severity: 'error',
    en: 'The periods are not in ascending order, or they overlap: each period must start after the previous one ends. List the periods by date, without overlap.',
    sk: 'Obdobia poistenia nie sú vzostupne usporiadané alebo sa prekrývajú: každé obdobie musí začínať po skončení predchádzajúceho. Uveďte obdobia podľa dátumu a bez prekrytia.',
  },
  '005': {
    field: 'VZ na dôchodkové poistenie / VZ počas vylúčených dôb', severity: 'error',
    en: 'An assessment base is negative. Enter 0.00 or more; to lower a base reported earlier, send a corrective ELDP with the right amount.',
    sk: 'Vymeriavací základ je záporný. Uveďte 0,00 alebo viac; ak chcete znížiť skôr vykázaný základ, podajte opravný ELDP so správnou sumou.',
  },
  '006': {
    field: 'dni vylúčených dôb', severity: 'error',
    en: 'There are more days of excluded periods than calendar days in the period (from od to do, both included). Correct the number of days or the period.',
    sk: 'Dní vylúčených dôb je viac ako kalendárnych dní obdobia (od – do vrátane). Opravte počet dní alebo obdobie.',
  },
  '007': {
    field: 'Dátum zániku', severity: 'error',
    en: 'The insurance relationship ends (Dátum zániku) before it started (Dátum vzniku). Check both dates.',
    sk: 'Poistný vzťah zanikol (dátum zániku) skôr, ako vznikol (dátum vzniku). Skontrolujte oba dátumy.',
  },
  '008': {
    field: 'Evidenčný list opravný', severity: 'error',
    en: 'A corrective ELDP needs an earlier ELDP of this person and relationship that is accepted and forwarded to processing, processed or faulty, and there is none. Send a regular ELDP, or wait until the earlier ELDP has been forwarded to processing.',
    sk: 'Opravný ELDP možno podať len k skoršiemu ELDP tejto osoby a poistného vzťahu, ktorý je akceptovaný a odoslaný na spracovanie, spracovaný alebo chybný; taký neexistuje. Podajte riadny ELDP alebo počkajte, kým bude skorší ELDP odoslaný na spracovanie.',
  },
  '009': {
    field: 'Evidenčný list opravný', severity: 'warning',
    en: 'The regular ELDP {number} of this person and relationship is not cancelled. To change its data, send a corrective ELDP instead; to replace it, cancel {number} while it is still unprocessed.',
    sk: 'Riadny ELDP {number} tejto osoby a poistného vzťahu nie je stornovaný. Na zmenu jeho údajov podajte namiesto toho opravný ELDP; ak ho chcete nahradiť, stornujte {number}, kým je nespracovaný.',
  },
  '010': {
    field: 'znak poistenia', severity: 'error',
    en: 'The insurance sign is not in the list of the Sociálna poisťovňa. Enter a sign from the list.',
    sk: 'Znak poistenia nie je v číselníku Sociálnej poisťovne. Uveďte znak z číselníka.',
  },
})
