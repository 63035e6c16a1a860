import { child, descend, type XmlElement } from '../../../xml/index.js'
import { defineFindings, type Finding } from '../../../validation/index.js'
import { maskedPerson, type DocumentEntry, type OfficialContext, type OfficialReader, type Rule } from '../../form-module.js'
import {
  attributeAt, finishInternal, InternalBuilder, officialAmount, officialDate, officialInteger, officialText,
} from '../../official.js'
import { internalEmployer, officialEmployer, officialFieldOf, officialSchema } from '../common/official.js'
import { eldpSeries } from './rules.js'

/**
 * Sociálna poisťovňa's own ELDP (sk-official.md §6): a batch of 1–1000 record sheets in one file, one document
 * here, each entry read into an ELDP of ours and judged as if filed alone.
 */

const findings = defineFindings('SKO-ELDP', 'sk', {
  '1': {
    field: 'opravny', severity: 'error',
    en: 'The file mixes regular and corrective record sheets (opravny): file corrections in a file of their own.',
    sk: 'Súbor mieša riadne a opravné evidenčné listy (opravny): opravy pošlite v samostatnom súbore.',
  },
  '2': {
    field: 'vzZaObdobiePoist', severity: 'error',
    en: 'A period of insurance needs its start (datOd), its end (datDo) and its assessment base (vzDP).',
    sk: 'Obdobie poistenia musí mať začiatok (datOd), koniec (datDo) a vymeriavací základ (vzDP).',
  },
  '3': {
    field: 'datDovrseniaDV', severity: 'warning',
    en: 'The day the pension age was reached lies outside the relationship, or no period of insurance starts on it.',
    sk: 'Deň dovŕšenia dôchodkového veku je mimo poistného vzťahu alebo ním nezačína žiadne obdobie poistenia.',
  },
})

const NS = 'urn:ehrs:sk:eldp:1'

const entriesOf = (root: XmlElement): XmlElement[] => child(root, 'zoznamELDPZec')?.children.filter(c => c.name === 'eldpZec') ?? []
const rowsOf = (entry: XmlElement): XmlElement[] => child(entry, 'obdobiaPoist')?.children.filter(c => c.name === 'vzZaObdobiePoist') ?? []

/** One record sheet as an ELDP of ours (DOCUMENTS.md §3.6). */
function entryToInternal(b: InternalBuilder, root: XmlElement, entry: XmlElement | undefined, ctx: OfficialContext): XmlElement {
  const person = child(entry, 'poistenec')
  const relationship = child(entry, 'poistVztah')
  const leaf = (name: string, from: XmlElement | undefined, convert: (text: string) => string = t => t): XmlElement | undefined =>
    from && b.leaf(name, convert(from.text), from)
  const corrective = entry?.attributes.opravny?.trim() === '1'
  return finishInternal(b.node('ELDP', entry ?? root, [
    internalEmployer(b, root, 'icz', ctx),
    entry && b.leaf('DruhEldp', corrective ? 'O' : 'R', entry.attributes.opravny !== undefined ? attributeAt(entry, 'opravny') : entry),
    person && b.node('Poistenec', person, [
      leaf('RodneCislo', child(person, 'rc')),
      leaf('Priezvisko', child(person, 'priezvisko'), officialText),
      leaf('Meno', child(person, 'meno'), officialText),
      leaf('DatumNarodenia', child(person, 'datNarodenia'), officialDate),
    ]),
    relationship && b.node('PoistnyVztah', relationship, [
      leaf('DatumVzniku', child(relationship, 'datVzniku'), officialDate),
      leaf('DatumZaniku', child(relationship, 'datZaniku'), officialDate),
    ]),
    ...(entry ? rowsOf(entry) : []).map(row => {
      const a = row.attributes
      const attr = (name: string, attribute: string, convert: (text: string) => string = t => t.trim()): XmlElement | undefined =>
        a[attribute] === undefined ? undefined : b.leaf(name, convert(a[attribute]!), attributeAt(row, attribute))
      return b.node('ObdobiePoistenia', row, [
        attr('Rok', 'rok'),
        attr('ZnakPoistenia', 'znakPoist'),
        attr('DatumOd', 'datOd', officialDate),
        attr('DatumDo', 'datDo', officialDate),
        attr('Vz', 'vzDP', officialAmount),
        attr('VzVylucene', 'vzVyluc', officialAmount),
        attr('DniVylucene', 'dniVyluc', officialInteger),
      ])
    }),
  ]))
}

function entries(root: XmlElement, ctx: OfficialContext): XmlElement[] {
  const b = new InternalBuilder(NS)
  return entriesOf(root).map(entry => entryToInternal(b, root, entry, ctx))
}

/** An entry as the view lists it. */
function entrySummary(entry: XmlElement): DocumentEntry {
  const start = descend(entry, 'PoistnyVztah', 'DatumVzniku')?.text
  const end = descend(entry, 'PoistnyVztah', 'DatumZaniku')?.text
  const series = eldpSeries(entry)
  return {
    kind: child(entry, 'DruhEldp')?.text ?? 'R',
    person: maskedPerson(descend(entry, 'Poistenec', 'RodneCislo')?.text),
    ...(start !== undefined ? { start } : {}),
    ...(end !== undefined ? { end } : {}),
    ...(series !== undefined ? { series } : {}),
  }
}

/** SKO-ELDP-1: one file holds regular sheets or corrective ones, never both. */
const oneKind: Rule = (root, report) => {
  const list = entriesOf(root)
  const corrective = (entry: XmlElement): boolean => entry.attributes.opravny?.trim() === '1'
  const first = list[0]
  if (!first) return
  for (const entry of list) {
    if (corrective(entry) !== corrective(first)) {
      report(findings['1'], entry.attributes.opravny !== undefined ? attributeAt(entry, 'opravny') : entry)
      return
    }
  }
}

/** SKO-ELDP-2: a period row has its dates and base, which SP's schema lets out. */
const completeRows: Rule = (root, report) => {
  for (const entry of entriesOf(root)) {
    for (const row of rowsOf(entry)) {
      for (const name of ['datOd', 'datDo', 'vzDP']) if (row.attributes[name] === undefined) report(findings['2'], attributeAt(row, name))
    }
  }
}

/** SKO-ELDP-3: the pension-age day lies within the relationship, and a period row starts on it. */
const pensionAge: Rule = (root, report) => {
  for (const entry of entriesOf(root)) {
    const periods = child(entry, 'obdobiaPoist')
    const day = periods?.attributes.datDovrseniaDV
    if (!periods || day === undefined) continue
    const date = officialDate(day)
    const start = officialDate(descend(entry, 'poistVztah', 'datVzniku')?.text ?? '')
    const endText = descend(entry, 'poistVztah', 'datZaniku')?.text
    const end = endText === undefined ? undefined : officialDate(endText)
    const inside = date >= start && (end === undefined || date <= end)
    const starts = rowsOf(entry).some(row => row.attributes.datOd !== undefined && officialDate(row.attributes.datOd) === date)
    if (!inside || !starts) report(findings['3'], attributeAt(periods, 'datDovrseniaDV'))
  }
}

/** SKO-ELDP-2 stands for our schema's missing dates and base of a period. */
const missingPeriodValue = /\/ObdobiePoistenia(\[[0-9]+\])?\/(DatumOd|DatumDo|Vz)$/
const waives = (finding: Finding): boolean => finding.code === 'SK-XSD-002' && missingPeriodValue.test(finding.path)

export const officialEldp: OfficialReader = Object.freeze({
  format: 'sp',
  namespace: 'http://socpoist.sk/xsd/eldpzec',
  root: 'spELDPZec',
  xsd: officialSchema('eldpzec.xsd'),
  repeatable: new Set(['eldpZec', 'vzZaObdobiePoist']),
  employer: (root: XmlElement) => officialEmployer(root, 'icz'),
  toInternal: (root: XmlElement, ctx: OfficialContext) => entries(root, ctx)[0] ?? entryToInternal(new InternalBuilder(NS), root, undefined, ctx),
  entries,
  entry: entrySummary,
  findings: Object.fromEntries(Object.values(findings).map(d => [d.code, d])),
  rules: [oneKind, completeRows, pensionAge],
  // The kind of the sheets is step 3 of EZU's input check (sk-ezu §6.3), as our DruhEldp.
  checkStep: (finding: Finding) => (finding.code === findings['1'].code ? 3 : 5),
  waives,
  fieldOf: officialFieldOf,
} satisfies OfficialReader)
