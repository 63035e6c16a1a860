import { defineFindings } from '../../../validation/index.js'

/**
 * Findings shared by the SI forms (M1, M2, M3, M12): identifiers, code lists and the rules of the shared
 * blocks (DOCUMENTS.md §1.4, §1.5, §2.1–2.3). Where one check serves several rubrike, `field` lists them
 * and the rule reports the rubrika of the element concerned.
 */
export const siCommonFindings = defineFindings('SI-COMMON', 'sl', {
  '001': {
    field: 'rubrika 3', severity: 'error',
    en: 'The obligor\'s registration number (matična številka) has a wrong check digit. Enter the first 7 digits of the number in the business register.',
    sl: 'Matična številka zavezanca ima napačno kontrolno številko. Vpišite prvih 7 številk matične številke iz poslovnega registra.',
  },
  '002': {
    field: 'rubrika 4 / rubrika 5', severity: 'error',
    en: 'The EMŠO does not begin with a real date of birth. Copy the EMŠO again from the identity document.',
    sl: 'EMŠO se ne začne z veljavnim datumom rojstva. EMŠO ponovno prepišite iz osebnega dokumenta.',
  },
  '003': {
    field: 'rubrika 4 / rubrika 5', severity: 'error',
    en: 'The EMŠO has a wrong check digit. Copy the EMŠO again from the identity document.',
    sl: 'EMŠO ima napačno kontrolno številko. EMŠO ponovno prepišite iz osebnega dokumenta.',
  },
  '004': {
    field: 'davčna številka zavezanca', severity: 'error',
    en: 'The obligor\'s tax number is not a valid Slovenian tax number. Enter the 8-digit davčna številka of the obligor.',
    sl: 'Davčna številka zavezanca ni veljavna slovenska davčna številka. Vpišite 8-mestno davčno številko zavezanca.',
  },
  '005': {
    field: 'rubrika 18', severity: 'error',
    en: 'The unit\'s registration number has a wrong check digit in its first 7 digits. Enter the unit\'s number from the business register, or the number of rubrika 3 for the seat.',
    sl: 'Matična številka enote ima napačno kontrolno številko v prvih 7 številkah. Vpišite matično številko enote iz poslovnega registra ali za sedež številko iz rubrike 3.',
  },
  '006': {
    field: 'rubrika 6 / rubrika 11 / rubrika 28', severity: 'error',
    en: 'The country code is not in the country list. Enter the 3-digit numeric code of the SURS list "Države in druga ozemlja".',
    sl: 'Šifra države ni v šifrantu držav. Vpišite 3-mestno številčno šifro iz šifranta SURS "Države in druga ozemlja".',
  },
  '007': {
    field: 'rubrika 15 / rubrika 23–29', severity: 'error',
    en: 'The code is not in the code list of this rubrika. Enter a code from the list.',
    sl: 'Šifre ni v šifrantu te rubrike. Vpišite šifro iz šifranta.',
  },
  '008': {
    field: 'rubrika 6 / rubrika 11 / rubrika 15 / rubrika 23–29', severity: 'error',
    en: 'The code is not valid on the date that decides the code lists (the start of insurance on M1 and M12, the date of the change on M2 and M3). Enter a code valid on that date.',
    sl: 'Šifra ni veljavna na dan, ki velja za šifrante (datum pričetka zavarovanja na M1 in M12, datum spremembe na M2 in M3). Vpišite šifro, ki velja na ta dan.',
  },
  '009': {
    field: 'rubrika 15 / rubrika 23–29', severity: 'warning',
    en: 'The code could not be verified: the gateway\'s list for this rubrika is incomplete. Check the code against the official list.',
    sl: 'Šifre ni bilo mogoče preveriti, ker šifrant te rubrike v prehodu ni popoln. Šifro preverite v uradnem šifrantu.',
  },
  '010': {
    field: 'rubrika 16', severity: 'warning',
    en: 'The insured person\'s working time is longer than the obligor\'s full working time (rubrika 17). Check both values.',
    sl: 'Delovni čas zavarovanca je daljši od polnega delovnega časa zavezanca (rubrika 17). Preverite obe vrednosti.',
  },
  '011': {
    field: 'rubrika 20', severity: 'error',
    en: 'A work-permit number starting with MK is an EU Blue Card: write MK followed by the 9 digits of the card.',
    sl: 'Številka dovoljenja, ki se začne z MK, je modra karta EU: vpišite MK in 9 številk karte.',
  },
  '012': {
    field: 'rubrika 21', severity: 'error',
    en: 'The end of the insurance conditions is missing. Enter the date the work permit expires.',
    sl: 'Manjka iztek zavarovalnih pogojev. Vpišite datum izteka delovnega dovoljenja.',
  },
  '013': {
    field: 'rubrika 23 / rubrika 24', severity: 'warning',
    en: 'Education type (rubrika 23) and education field (rubrika 24) are given together. Fill in the missing one.',
    sl: 'Vrsta izobrazbe (rubrika 23) in področje izobrazbe (rubrika 24) se vpišeta skupaj. Vpišite manjkajočo.',
  },
  '014': {
    field: 'rubrika 28', severity: 'warning',
    en: 'The country of posting is filled only for the insurance bases of posted work (002, 113, 114, 115, 119, 120). Check rubrika 15 or leave this rubrika empty.',
    sl: 'Država napotitve se vpiše le pri podlagah za napotene delavce (002, 113, 114, 115, 119, 120). Preverite rubriko 15 ali to rubriko pustite prazno.',
  },
  '015': {
    field: 'rubrika 29', severity: 'error',
    en: 'The type of disability is filled only for the insurance bases that allow it. Leave it out or correct the basis in rubrika 15.',
    sl: 'Vrsta invalidnosti se vpiše le pri podlagah za zavarovanje, ki jo dopuščajo. Izpustite jo ali popravite podlago v rubriki 15.',
  },
  '016': {
    field: 'rubrike 18–29', severity: 'error',
    en: 'The block of rubrike 18 to 29 is empty. Leave it out or fill in at least one rubrika.',
    sl: 'Sklop rubrik od 18 do 29 je prazen. Izpustite ga ali izpolnite vsaj eno rubriko.',
  },
})
