/**
 * EZU field names of MVP and VPP (DOCUMENTS.md §3.2–3.3, field column), keyed by path without the root, for
 * `skFieldOf`. Persons, the employer and the fund amounts are named by sk/common/fields.ts.
 */
import { fundNames } from '../common/fields.js'
import { FUNDS } from './amounts.js'

/** A fund block is named by its fund, so that an XSD finding on it or below it says which one. */
const fundBlocks = Object.fromEntries(FUNDS.flatMap(f => [[`Suhrn/${f}`, fundNames[f]!], [`Priloha/Riadok/${f}`, fundNames[f]!]]))

const reportFields: Readonly<Record<string, string>> = Object.freeze({
  Obdobie: 'Obdobie',
  DruhVykazu: 'Typ výkazu',
  Suhrn: '5. Súhrn poistného a príspevkov',
  'Suhrn/PoistneSpolu': 'Poistné a príspevky k úhrade',
  Priloha: 'Príloha',
  'Priloha/Riadok': 'riadok prílohy',
  'Priloha/Riadok/PoradoveCislo': 'Poradové číslo',
  'Priloha/Riadok/VynimkaVz': 'Výnimka VZ',
  ...fundBlocks,
})

export const mvpFields: Readonly<Record<string, string>> = Object.freeze({
  ...reportFields,
  DenVyplaty: 'Deň výplaty',
  'Priloha/Riadok/Dohoda': 'dohoda',
  'Priloha/Riadok/Subeh': 'Súbeh',
})

export const vppFields: Readonly<Record<string, string>> = Object.freeze({
  ...reportFields,
  Obdobie: 'Obdobie výplaty príjmov',
  'Priloha/Riadok/PoistnaRola': 'poistná rola',
})
