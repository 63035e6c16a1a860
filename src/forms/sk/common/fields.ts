/**
 * EZU field names (DOCUMENTS.md §3, field column) of the elements every SK document shares, keyed by the
 * element path without the root and without [n] indexes; a form adds its own in `skFieldOf`.
 */
const shared: Readonly<Record<string, string>> = Object.freeze({
  ExternyId: 'ExternyId',
  Zamestnavatel: 'identifikačné údaje',
  'Zamestnavatel/Icz': 'IČZ (variabilný symbol)',
  'Zamestnavatel/Ico': 'IČO',
  'Zamestnavatel/Dic': 'DIČ zamestnávateľa',
  'Zamestnavatel/Nazov': 'Názov zamestnávateľa',
  BankoveSpojenie: 'Bankové spojenie',
})

/** Elements named alike wherever they appear (a person, a fund's amounts), keyed by their own name. */
const byName: Readonly<Record<string, string>> = Object.freeze({
  RodneCislo: 'Rodné číslo',
  DocasneRodneCislo: 'Rodné číslo',
  Priezvisko: 'Priezvisko',
  Meno: 'Meno',
  Icpv: 'IČPV',
  DatumNarodenia: 'Dátum narodenia',
  BankoveSpojenie: 'Bankové spojenie',
})

/** Slovak names of the funds (sk-ezu §8.3) for the fields of their amounts. */
export const fundNames: Readonly<Record<string, string>> = Object.freeze({
  Np: 'nemocenské poistenie',
  Sp: 'starobné poistenie',
  Ip: 'invalidné poistenie',
  Pvn: 'poistenie v nezamestnanosti',
  Up: 'úrazové poistenie',
  Gp: 'garančné poistenie',
  Rfs: 'rezervný fond solidarity',
})

const amountNames: Readonly<Record<string, string>> = Object.freeze({
  Vz: 'Vymeriavací základ',
  PoistneZamestnavatel: 'Zamestnávateľ',
  PoistneZamestnanec: 'Zamestnanec',
  Oprava: 'Oprava',
})

/**
 * `fieldOf` for an SK FormModule: the form's own table, then the shared one, then a fund amount
 * ("Vymeriavací základ – nemocenské poistenie"), then the element's name alone; else the nearest ancestor
 * that has a field (an XSD error on an unexpected child is reported on its block); else the form's name.
 */
export function skFieldOf(formName: string, own: Readonly<Record<string, string>>): (path: string) => string {
  return path => {
    const steps = path.replace(/\[[0-9]+\]/g, '').split('/').filter(s => s !== '').slice(1)
    for (let n = steps.length; n > 0; n--) {
      const key = steps.slice(0, n).join('/')
      const name = steps[n - 1]!
      const parent = steps[n - 2]
      const field = own[key] ?? shared[key]
        ?? (parent !== undefined && fundNames[parent] && amountNames[name] ? `${amountNames[name]} – ${fundNames[parent]}` : undefined)
        ?? byName[name]
      if (field !== undefined) return field
    }
    return formName
  }
}
