import { defineFindings } from '../../../validation/index.js'

/** Findings of the rules shared by every SK document (DOCUMENTS.md §3.1, domain/identifiers.md §5–7). */
export const skCommonFindings = defineFindings('SK-COMMON', 'sk', {
  '001': {
    field: 'IČO', severity: 'error',
    en: 'The IČO has a wrong check digit. Copy the employer\'s IČO from the business register.',
    sk: 'IČO má nesprávnu kontrolnú číslicu. Prepíšte IČO zamestnávateľa z obchodného registra.',
  },
  '002': {
    field: 'Rodné číslo', severity: 'error',
    en: 'The rodné číslo does not contain a valid birth date: the month must be 01–12 (51–62 for women) and the day must exist in that month.',
    sk: 'Rodné číslo neobsahuje platný dátum narodenia: mesiac musí byť 01 – 12 (u žien 51 – 62) a deň musí v danom mesiaci existovať.',
  },
  '003': {
    field: 'Rodné číslo', severity: 'error',
    en: 'A rodné číslo of 9 digits was issued only to persons born until 1953; from 1954 it has 10 digits. Check the number.',
    sk: 'Deväťmiestne rodné číslo bolo pridelené len osobám narodeným do roku 1953; od roku 1954 má rodné číslo 10 číslic. Skontrolujte číslo.',
  },
  '004': {
    field: 'Rodné číslo', severity: 'error',
    en: 'The rodné číslo fails the modulo 11 check: a 10-digit number must be divisible by 11. Check the number; a foreigner without a rodné číslo is reported with the temporary number (DocasneRodneCislo) given by the SP branch.',
    sk: 'Rodné číslo nevyhovuje kontrole modulo 11: desaťmiestne číslo musí byť deliteľné 11. Skontrolujte číslo; cudzinca bez rodného čísla uveďte s dočasným rodným číslom (DocasneRodneCislo) prideleným pobočkou SP.',
  },
  '005': {
    field: 'Rodné číslo', severity: 'warning',
    en: 'The rodné číslo uses the month offset +20 (+70 for women) that Czech numbers use when all suffixes of a day are taken. It is accepted; check that it is the person\'s number.',
    sk: 'Rodné číslo používa posun mesiaca +20 (u žien +70), ktorý majú česká rodné čísla pri vyčerpaní koncoviek dňa. Je prijaté; overte, či ide o číslo tejto osoby.',
  },
  '006': {
    field: 'Rodné číslo', severity: 'warning',
    en: 'The rodné číslo is not divisible by 11 but ends in the check digit 0 that some numbers issued until 1985 have. It is accepted; check that it is the person\'s number.',
    sk: 'Rodné číslo nie je deliteľné 11, ale končí kontrolnou číslicou 0, ktorú majú niektoré čísla pridelené do roku 1985. Je prijaté; overte, či ide o číslo tejto osoby.',
  },
  '007': {
    field: 'Dátum narodenia', severity: 'error',
    en: 'The date of birth differs from the date encoded in the rodné číslo. Correct one of them.',
    sk: 'Dátum narodenia sa líši od dátumu obsiahnutého v rodnom čísle. Opravte jeden z nich.',
  },
  '008': {
    field: 'Bankové spojenie', severity: 'error',
    en: 'The IBAN has wrong check digits (ISO 13616 modulo 97). Copy the IBAN from the bank\'s statement.',
    sk: 'IBAN má nesprávne kontrolné číslice (ISO 13616, modulo 97). Prepíšte IBAN z výpisu banky.',
  },
  '009': {
    field: '', severity: 'warning',
    en: 'The code could not be verified: the code list the gateway has is incomplete. The document is accepted; check the code against the instructions of the Sociálna poisťovňa.',
    sk: 'Kód nebolo možné overiť: číselník brány nie je úplný. Dokument je prijatý; overte kód podľa pokynov Sociálnej poisťovne.',
  },
  '010': {
    field: '', severity: 'error',
    en: 'The code is not valid on the date it applies to: the code list limits it to other dates.',
    sk: 'Kód nie je platný k dátumu, na ktorý sa vzťahuje: číselník ho obmedzuje na iné obdobie.',
  },
})
