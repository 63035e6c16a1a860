/**
 * Form field of each element of the SI blocks (DOCUMENTS.md §2, field column), keyed by the element path
 * without the root and without [n] indexes. Elements the paper form lacks carry the gateway's own name.
 */
export const siFields: Readonly<Record<string, string>> = Object.freeze({
  ZunanjiId: 'ZunanjiId',
  Zavezanec: 'rubrike 1–4',
  'Zavezanec/Naziv': 'rubrika 1',
  'Zavezanec/Naslov': 'rubrika 1',
  'Zavezanec/RegistrskaStevilka': 'rubrika 2',
  'Zavezanec/MaticnaStevilka': 'rubrika 3',
  'Zavezanec/Emso': 'rubrika 4',
  'Zavezanec/DavcnaStevilka': 'davčna številka zavezanca',
  Zavarovanec: 'rubrike 5–11',
  'Zavarovanec/Emso': 'rubrika 5',
  'Zavarovanec/Drzavljanstvo': 'rubrika 6',
  'Zavarovanec/Priimek': 'rubrika 7',
  'Zavarovanec/Ime': 'rubrika 8',
  'Zavarovanec/PrebivalisceVTujini': 'rubrike 9–11',
  'Zavarovanec/PrebivalisceVTujini/NaseljeUlicaHisnaStevilka': 'rubrika 9',
  'Zavarovanec/PrebivalisceVTujini/Posta': 'rubrika 10',
  'Zavarovanec/PrebivalisceVTujini/Drzava': 'rubrika 11',
  Sprememba: 'rubrike 12–13',
  'Sprememba/VzrokSpremembeZavarovanja': 'rubrika 12',
  'Sprememba/DatumSpremembeZavarovanja': 'rubrika 13',
  ZavarovanjeNespremenljivo: 'rubrike 14–17',
  'ZavarovanjeNespremenljivo/DatumPricetkaZavarovanja': 'rubrika 14',
  'ZavarovanjeNespremenljivo/PodlagaZaZavarovanje': 'rubrika 15',
  'ZavarovanjeNespremenljivo/DelovniCasZavarovanca': 'rubrika 16',
  'ZavarovanjeNespremenljivo/PolniDelovniCasZavezanca': 'rubrika 17',
  ZavarovanjeSpremenljivo: 'rubrike 18–29',
  'ZavarovanjeSpremenljivo/MaticnaStevilkaEnote': 'rubrika 18',
  'ZavarovanjeSpremenljivo/StevilkaDelovnegaDovoljenja': 'rubrika 20',
  'ZavarovanjeSpremenljivo/IztekZavarovalnihPogojev': 'rubrika 21',
  'ZavarovanjeSpremenljivo/VrstaIzobrazbe': 'rubrika 23',
  'ZavarovanjeSpremenljivo/PodrocjeIzobrazbe': 'rubrika 24',
  'ZavarovanjeSpremenljivo/Poklic': 'rubrika 25',
  'ZavarovanjeSpremenljivo/DelovnoRazmerje': 'rubrika 26',
  'ZavarovanjeSpremenljivo/IzmenskoDelo': 'rubrika 27',
  'ZavarovanjeSpremenljivo/PoslanVDrzavo': 'rubrika 28',
  'ZavarovanjeSpremenljivo/VrstaInvalidnosti': 'rubrika 29',
  Odjava: 'rubrike 31–32',
  'Odjava/VzrokSpremembeZavarovanja': 'rubrika 31',
  'Odjava/DatumSpremembeZavarovanja': 'rubrika 32',
  Opombe: 'OPOMBE',
})

/**
 * `fieldOf` for a FormModule: the field of the element, else of its nearest ancestor that has one (an XSD
 * error on an unexpected child is reported on the block), else the form's name.
 * Accepts `/M1/Zavarovanec/Emso`, `M1/Zavarovanec[1]/Emso` and the like.
 */
export function siFieldOf(formName: string, extra: Readonly<Record<string, string>> = {}): (path: string) => string {
  return path => {
    const steps = path.replace(/\[[0-9]+\]/g, '').split('/').filter(s => s !== '').slice(1)
    for (let n = steps.length; n > 0; n--) {
      const key = steps.slice(0, n).join('/')
      const field = extra[key] ?? siFields[key]
      if (field !== undefined) return field
    }
    return formName
  }
}
