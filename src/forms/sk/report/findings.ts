import { defineFindings, type FindingDef } from '../../../validation/index.js'
import { skCommonFindings } from '../common/findings.js'

export type ReportPrefix = 'SK-MVP' | 'SK-VPP'

/**
 * The findings of the rules MVP and VPP share (DOCUMENTS.md §3.2–3.3, sk-ezu §6.2, §8), numbered alike on
 * both forms. 001–002 and 003–007 are admission rules (steps 2 and 3 of sk-ezu §6.3); 003–007 are
 * "documents" rules that read the employer's earlier reports of the period; 008–013 are plain rules.
 * Numbers 020 and up are kept for the register rules.
 */
export function reportFindings(prefix: ReportPrefix) {
  const period = prefix === 'SK-VPP' ? 'Obdobie výplaty príjmov' : 'Obdobie'
  return defineFindings(prefix, 'sk', {
    '001': {
      field: period, severity: 'error',
      en: 'The period is before 01/2009. Version 1 of the report covers the periods in euro, from 01/2009; reports for earlier periods (in Slovak crowns) are not accepted electronically. Check the year and month of the period.',
      sk: 'Obdobie je pred 01/2009. Verzia 1 výkazu zahŕňa obdobia v eurách, od 01/2009; výkazy za skoršie obdobia (v slovenských korunách) sa elektronicky neprijímajú. Skontrolujte rok a mesiac obdobia.',
    },
    '002': {
      field: period, severity: 'error',
      en: 'The period is after the month of the filing date: a report can be filed at the earliest in the month it is for. Check the period, or file the report later.',
      sk: 'Obdobie je po mesiaci podania: výkaz možno podať najskôr v mesiaci, za ktorý sa podáva. Skontrolujte obdobie alebo podajte výkaz neskôr.',
    },
    '003': {
      field: 'Typ výkazu', severity: 'error',
      en: 'The regular report (R) {number} for this period was already forwarded to processing and can no longer be cancelled: only a corrective report (O) may be sent for the period.',
      sk: 'Riadny výkaz (R) {number} za toto obdobie už bol odoslaný na spracovanie a nemožno ho stornovať: za obdobie možno poslať len opravný výkaz (O).',
    },
    '004': {
      field: 'Typ výkazu', severity: 'error',
      en: 'The regular report (R) {number} for this period was sent and is not cancelled. Cancel it (storno) first, then send the new regular report.',
      sk: 'Riadny výkaz (R) {number} za toto obdobie bol odoslaný a nie je stornovaný. Najprv ho stornujte, potom pošlite nový riadny výkaz.',
    },
    '005': {
      field: 'Typ výkazu', severity: 'warning',
      en: 'The earlier corrective report (O) {number} for this period is still unprocessed; both reports will be processed. If this report replaces it, cancel (storno) the earlier one while it is unprocessed.',
      sk: 'Predchádzajúci opravný výkaz (O) {number} za toto obdobie je ešte nespracovaný; spracované budú oba výkazy. Ak ho tento výkaz nahrádza, stornujte predchádzajúci, kým je nespracovaný.',
    },
    '006': {
      field: 'Typ výkazu', severity: 'error',
      en: 'The regular report (R) {number} for this period is not forwarded to processing yet. Wait until it is (5 hours after its acceptance), then send the corrective report.',
      sk: 'Riadny výkaz (R) {number} za toto obdobie ešte nebol odoslaný na spracovanie. Počkajte, kým bude odoslaný (5 hodín po jeho akceptovaní), a potom pošlite opravný výkaz.',
    },
    '007': {
      field: 'Typ výkazu', severity: 'error',
      en: 'No regular report (R) exists for this period, so there is nothing to correct: only a regular report may be sent.',
      sk: 'Za toto obdobie neexistuje riadny výkaz (R), takže nie je čo opravovať: možno poslať len riadny výkaz.',
    },
    '008': {
      field: 'Poradové číslo', severity: 'error',
      en: 'The row number repeats the number of an earlier row of the attachment. Number the rows so that each number appears once.',
      sk: 'Poradové číslo sa opakuje z predchádzajúceho riadku prílohy. Očíslujte riadky tak, aby sa každé číslo vyskytlo len raz.',
    },
    '009': {
      field: 'Vymeriavací základ', severity: 'error',
      en: 'A negative amount in the attachment: assessment bases and contributions must be 0 or more, also when Oprava is set. A negative amount is allowed only in a row whose row number had a negative amount in an earlier report for the period that was accepted and forwarded to processing.',
      sk: 'Záporná suma v prílohe: vymeriavacie základy a poistné musia byť 0 alebo viac, aj pri označenej oprave. Záporná suma je povolená len v riadku, ktorého poradové číslo malo zápornú sumu v skoršom výkaze za obdobie, ktorý bol akceptovaný a odoslaný na spracovanie.',
    },
    '010': {
      field: 'Zamestnávateľ', severity: 'error',
      en: 'The contribution is not rounded down to whole 10 euro cents, as contributions for periods from 01/2009 are: its second decimal must be 0. Round it down (for example 14.47 becomes 14.40).',
      sk: 'Poistné nie je zaokrúhlené nadol na celých 10 eurocentov, ako sa zaokrúhľuje poistné za obdobia od 01/2009: jeho druhá desatinná číslica musí byť 0. Zaokrúhlite ho nadol (napríklad 14,47 na 14,40).',
    },
    '011': {
      field: '5. Súhrn poistného a príspevkov', severity: 'error',
      en: 'The amount in the summary differs from the sum of the same amount over all rows of the attachment. Recompute the summary from the attachment.',
      sk: 'Suma v súhrne sa líši od súčtu tej istej sumy vo všetkých riadkoch prílohy. Prepočítajte súhrn z prílohy.',
    },
    '012': {
      field: 'Poistné a príspevky k úhrade', severity: 'error',
      en: 'The total to pay differs from the sum of all contributions in the summary. Recompute the total from the summary.',
      sk: 'Poistné a príspevky k úhrade sa líšia od súčtu všetkých súm poistného v súhrne. Prepočítajte celkovú sumu zo súhrnu.',
    },
    '013': {
      field: 'Výnimka VZ', severity: 'error',
      en: 'The exception code is not in the exceptions list of the Sociálna poisťovňa valid for the period. Use a code of that list, or leave the element out when there is no exception.',
      sk: 'Kód výnimky nie je v číselníku výnimiek Sociálnej poisťovne platnom pre obdobie. Použite kód z číselníka, alebo údaj vynechajte, ak výnimka nie je.',
    },
  })
}

export type ReportFindings = ReturnType<typeof reportFindings>

/** VPP's own rule (DOCUMENTS.md §3.3, sk-ezu §5.2 item 4), numbered after the shared ones. */
export const vppFindings = defineFindings('SK-VPP', 'sk', {
  '014': {
    field: 'riadok prílohy', severity: 'error',
    en: 'The row has no assessment base greater than 0. A VPP lists only persons with an assessment base above 0 in at least one fund: fill in the base or remove the row.',
    sk: 'Riadok nemá žiadny vymeriavací základ väčší ako 0. Výkaz VPP uvádza len osoby s vymeriavacím základom väčším ako 0 aspoň v jednom fonde: doplňte vymeriavací základ alebo riadok odstráňte.',
  },
})

/**
 * The SK-COMMON findings a report can give: the employer's IČO (001), the rodné čísla of the rows (002–006;
 * 007 needs a date of birth, which reports do not carry) and the IBAN (008). 009 and 010 are left out: the
 * only list read, Výnimka VZ, is complete and has no dates.
 */
export const reportCommonFindings: readonly FindingDef[] = (['001', '002', '003', '004', '005', '006', '008'] as const)
  .map(k => skCommonFindings[k])
