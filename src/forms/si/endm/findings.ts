import { defineFindings } from '../../../validation/index.js'

/**
 * Form fields of ENDM's own elements. The official eNDM field list is unknown (DOCUMENTS.md §2.8 is a proposal),
 * so these are the names a payroll clerk knows; the shared blocks keep their M-1 rubrike (§2.1, §2.2).
 */
export const endmFields = Object.freeze({
  'Zavezanec/FizicnaOseba': 'zavezanec je fizična oseba',
  PodlagaZaZavarovanje: 'podlaga za zavarovanje',
  Zadrzanost: 'zadržanost',
  'Zadrzanost/RazlogZadrzanosti': 'razlog zadržanosti',
  'Zadrzanost/DatumOd': 'zadržanost od',
  'Zadrzanost/DatumDo': 'zadržanost do',
  'Zadrzanost/StevilkaEBol': 'številka eBOL',
  'Zadrzanost/Clen33': 'zahtevek po 33. členu ZZVZZ',
  Obracun: 'obračun',
  'Obracun/Nacin': 'način obračuna',
  'Obracun/MesecnaObveznostZavezancaUr': 'povprečna mesečna delovna obveznost delodajalca (ure)',
  'Obracun/MesecnaObveznostDelavcaUr': 'mesečna delovna obveznost delavca (ure)',
  'Obracun/PosebniKoledar': 'posebni koledar',
  'Obracun/Osnova': 'osnova za nadomestilo',
  'Obracun/Osnova/MesecOsnove': 'mesec osnove',
  'Obracun/Osnova/BrutoOsnova': 'bruto osnova',
  'Obracun/Osnova/UreOsnove': 'ure osnove',
  'Obracun/Vrstica': 'vrstica obračuna',
  'Obracun/Vrstica/DatumOd': 'vrstica obračuna: od',
  'Obracun/Vrstica/DatumDo': 'vrstica obračuna: do',
  'Obracun/Vrstica/Ure': 'vrstica obračuna: ure',
  'Obracun/Vrstica/Odstotek': 'vrstica obračuna: odstotek',
  'Obracun/Vrstica/Znesek': 'vrstica obračuna: znesek',
  'Obracun/PrispevkiRazlika': 'prispevki od razlike do minimalne plače',
  'Obracun/Skupaj': 'skupaj',
  DatumIzplacila: 'datum izplačila',
  IzjavaOIzplacilu: 'izjava o izplačilu',
})

/**
 * Findings of ENDM's own plain rules (DOCUMENTS.md §2.8, domain/si-endm.md); shared checks are SI-COMMON.
 * Codes 001–019 are plain rules; 020 and up are the register rules.
 */
export const endmFindings = defineFindings('SI-ENDM', 'sl', {
  '001': {
    field: endmFields['Zavezanec/FizicnaOseba'], severity: 'error',
    en: 'An employer who is a natural person claims the refund for a worker with insurance basis 016 on paper, not electronically. File this claim on the paper form at ZZZS.',
    sl: 'Delodajalec, ki je fizična oseba, zahtevek za refundacijo za delavca s podlago za zavarovanje 016 vloži v papirni obliki, ne elektronsko. Zahtevek vložite na papirnem obrazcu pri ZZZS.',
  },
  '002': {
    field: endmFields['Zadrzanost/Clen33'], severity: 'error',
    en: 'A refund under paragraph 1 or 2 of article 33 ZZVZZ is claimed on paper, not electronically. File this claim on the paper form at ZZZS.',
    sl: 'Refundacija po prvem ali drugem odstavku 33. člena ZZVZZ se uveljavlja v papirni obliki, ne elektronsko. Zahtevek vložite na papirnem obrazcu pri ZZZS.',
  },
  '003': {
    field: endmFields['Zadrzanost/DatumDo'], severity: 'error',
    en: 'The absence ended more than 3 years before the filing date: the claim is time-barred and ZZZS no longer refunds it. Do not file it; check the end date of the absence if it is wrong.',
    sl: 'Zadržanost se je končala več kot 3 leta pred datumom vložitve: zahtevek je zastaran in ga ZZZS ne refundira več. Zahtevka ne vlagajte; če je datum konca zadržanosti napačen, ga popravite.',
  },
  '004': {
    field: endmFields['Zadrzanost/DatumDo'], severity: 'error',
    en: 'The absence ends before it begins. Correct the first or the last day of the absence.',
    sl: 'Zadržanost se konča pred začetkom. Popravite prvi ali zadnji dan zadržanosti.',
  },
  '005': {
    field: endmFields['Zadrzanost/StevilkaEBol'], severity: 'error',
    en: 'The same eBOL number is given twice. Give each sick note the claim rests on once.',
    sl: 'Ista številka eBOL je navedena dvakrat. Vsak bolniški list, na katerem temelji zahtevek, navedite enkrat.',
  },
  '006': {
    field: endmFields['Obracun/MesecnaObveznostDelavcaUr'], severity: 'error',
    en: 'The worker\'s monthly working obligation is greater than the employer\'s average monthly obligation. Check both numbers of hours.',
    sl: 'Mesečna delovna obveznost delavca je večja od povprečne mesečne delovne obveznosti delodajalca. Preverite obe števili ur.',
  },
  '007': {
    field: endmFields['Obracun/Osnova/MesecOsnove'], severity: 'error',
    en: 'A month of the base period is given twice. Give each month of the base period once.',
    sl: 'Mesec osnove je naveden dvakrat. Vsak mesec osnove navedite enkrat.',
  },
  '008': {
    field: endmFields['Obracun/Osnova/MesecOsnove'], severity: 'error',
    en: 'A month of the base period is not before the month in which the absence began. The base is the pay of months before the absence.',
    sl: 'Mesec osnove ni pred mesecem, v katerem se je začela zadržanost. Osnova je plača iz mesecev pred zadržanostjo.',
  },
  '009': {
    field: endmFields['Obracun/Osnova/BrutoOsnova'], severity: 'error',
    en: 'The gross pay of the base period must be greater than 0. Enter the gross pay of the months of the base.',
    sl: 'Bruto osnova mora biti večja od 0. Vpišite bruto plačo iz mesecev osnove.',
  },
  '010': {
    field: endmFields['Obracun/Vrstica'], severity: 'error',
    en: 'A line of the calculation lies outside the absence, or ends before it begins. Each line covers days inside the absence, from its first to its last day.',
    sl: 'Vrstica obračuna je zunaj obdobja zadržanosti ali se konča pred začetkom. Vsaka vrstica zajema dneve znotraj zadržanosti, od prvega do zadnjega dne vrstice.',
  },
  '011': {
    field: endmFields['Obracun/Vrstica'], severity: 'error',
    en: 'The lines of the calculation are not in date order, or two lines cover the same day. List the lines in order, each after the one before it.',
    sl: 'Vrstice obračuna niso razvrščene po datumih ali dve vrstici zajemata isti dan. Vrstice navedite po vrsti, vsako za prejšnjo.',
  },
  '012': {
    field: endmFields['Obracun/Vrstica'], severity: 'error',
    en: 'A line of the calculation runs over the end of a month. Split it into one line per month.',
    sl: 'Vrstica obračuna sega čez konec meseca. Razdelite jo na eno vrstico za vsak mesec.',
  },
  '013': {
    field: endmFields['Obracun/Vrstica'], severity: 'error',
    en: 'A line of the calculation runs over the first working day after the 91st day of the absence, from which the higher rate applies. Split it on that day (ehrs endm day-91 or GET /api/v1/endm/day-91 gives it).',
    sl: 'Vrstica obračuna sega čez prvi delovni dan po 91. dnevu zadržanosti, od katerega velja višji odstotek. Razdelite jo na ta dan (izračuna ga ehrs endm day-91 ali GET /api/v1/endm/day-91).',
  },
  '014': {
    field: endmFields['Obracun/Vrstica/Odstotek'], severity: 'warning',
    en: 'From the first working day after the 91st day of the absence the compensation is calculated at a higher rate, but this line has a lower rate than a line before that day. Check the rate.',
    sl: 'Od prvega delovnega dne po 91. dnevu zadržanosti se nadomestilo obračuna po višjem odstotku, ta vrstica pa ima nižji odstotek kot vrstica pred tem dnem. Preverite odstotek.',
  },
  '015': {
    field: endmFields['Obracun/Vrstica/Znesek'], severity: 'warning',
    en: 'The amount of the line differs from the hourly base (gross pay divided by the hours of the base) times the hours times the rate, rounded to the cent. Check the calculation.',
    sl: 'Znesek vrstice se razlikuje od urne osnove (bruto osnova, deljena z urami osnove), pomnožene z urami in odstotkom, zaokroženo na cent. Preverite izračun.',
  },
  '016': {
    field: endmFields['Obracun/Skupaj'], severity: 'error',
    en: 'The total is not the sum of the lines\' amounts and the contributions on the difference up to the minimum wage. Recompute the total.',
    sl: 'Skupni znesek ni enak vsoti zneskov vrstic in prispevkov od razlike do minimalne plače. Ponovno izračunajte skupni znesek.',
  },
  '017': {
    field: endmFields.DatumIzplacila, severity: 'error',
    en: 'The payout date is after the filing date or before the absence began. A refund is claimed for compensation already paid: enter the day it was paid to the worker.',
    sl: 'Datum izplačila je po datumu vložitve ali pred začetkom zadržanosti. Refundacija se uveljavlja za že izplačano nadomestilo: vpišite dan izplačila delavcu.',
  },
  '018': {
    field: endmFields.IzjavaOIzplacilu, severity: 'error',
    en: 'The claim needs the employer\'s statement that the compensation was paid to the worker. Pay it first, then file the claim with the statement set to true.',
    sl: 'Zahtevek mora vsebovati izjavo delodajalca, da je bilo nadomestilo izplačano delavcu. Najprej ga izplačajte, nato vložite zahtevek z izjavo true.',
  },
  '019': {
    field: endmFields['Obracun/Vrstica/DatumOd'], severity: 'warning',
    en: 'The claim begins before working day {firstDay} of the absence, from which one public source puts the compensation in the burden of health insurance for illness or injury outside work. The public sources disagree and change by date, and other reasons are borne from the first day: the gateway does not decide this. Check which days the employer bears; ZZZS decides.',
    sl: 'Zahtevek se začne pred {firstDay}. delovnim dnem zadržanosti, od katerega po enem od javnih virov nadomestilo pri bolezni ali poškodbi izven dela bremeni obvezno zdravstveno zavarovanje. Javni viri se razlikujejo in so odvisni od datuma, pri drugih razlogih pa nadomestilo bremeni zavarovanje od prvega dne: prehod tega ne odloča. Preverite, katere dni krije delodajalec; odloči ZZZS.',
  },
})
