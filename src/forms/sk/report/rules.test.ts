import t from 'tap'
import type { Finding } from '../../../validation/index.js'
import { parseXml } from '../../../xml/parse.js'
import { applyRules, type EarlierDocument, type FormModule } from '../../form-module.js'
import { mvp } from '../mvp/index.js'
import { vpp } from '../vpp/index.js'
import { cents, hasNegativeAmount, isNegative } from './amounts.js'
import { earlierFromComment } from '../../../../test/helpers/earlier.js'
import { codes, formRules } from '../../../../test/helpers/form-rules.js'

const FILED = '2025-03-03'
const rulesOf = new Map([mvp, vpp].map(form => [form, formRules(form, { filingDate: FILED })]))

/** Admission and plain rules, as the validator runs them on a schema-valid document (without the step cut). */
function run(form: FormModule, xml: string, filingDate = FILED, earlier?: readonly EarlierDocument[]): Finding[] {
  return rulesOf.get(form)!.run(xml, filingDate, earlier)
}

/** One earlier document per `kind:acceptance:processing`, oldest first, as a fixture's comment names them. */
const earlier = (spec: string, prefix = 'V'): EarlierDocument[] => earlierFromComment(`<!-- earlier: ${spec} -->`, prefix)!

for (const form of [mvp, vpp]) {
  const P = `SK-${form.type}`
  const { read, codeLists } = rulesOf.get(form)!
  const xml = read('valid-basic.xml')
  const withPeriod = (period: string): string => xml.replace('<Obdobie>2025-03<', `<Obdobie>${period}<`)

  t.test(`${form.type}: the period runs from 01/2009 up to the month of filing (${P}-001, ${P}-002)`, async t => {
    t.same(codes(run(form, withPeriod('2009-01'))), [], '2009-01, the first euro period')
    t.match(run(form, withPeriod('2008-12')), [{ code: `${P}-001`, severity: 'error', path: `/${form.type}/Obdobie` }])
    t.same(codes(run(form, withPeriod('2004-01'))), [`${P}-001`], 'not 010: SKK periods have other rounding')
    t.same(codes(run(form, withPeriod('2025-03'), '2025-03-31')), [], 'the filing month, on its last day')
    t.same(codes(run(form, withPeriod('2025-03'), '2025-03-01')), [], 'the filing month, on its first day')
    t.same(codes(run(form, withPeriod('2025-04'), '2025-03-31')), [`${P}-002`], 'the next month')
    t.same(codes(run(form, withPeriod('2026-01'), '2025-12-31')), [`${P}-002`], 'across the year')
    t.same(codes(run(form, withPeriod('2025-12'), '2026-01-02')), [], 'the previous year')
    t.equal(form.fieldOf(`/${form.type}/Obdobie`), form.type === 'VPP' ? 'Obdobie výplaty príjmov' : 'Obdobie')
  })

  t.test(`${form.type}: R/O admissibility by the earlier reports of the period (${P}-003 … ${P}-007)`, async t => {
    const asKind = (kind: string): string => xml.replace('<DruhVykazu>R<', `<DruhVykazu>${kind}<`)
    const cases: [string, string, string[]][] = [
      ['R', '', []],
      ['R', 'R:cancelled:returned', []],
      ['R', 'R:accepted:forwarded', [`${P}-003`]],
      ['R', 'R:accepted:processed', [`${P}-003`]],
      ['R', 'R:accepted:refused', [`${P}-003`]],
      ['R', 'R:cancelled:returned, R:accepted:forwarded, O:accepted:unprocessed', [`${P}-003`]],
      ['R', 'R:accepted:unprocessed', [`${P}-004`]],
      ['R', 'R:not_accepted_registration_errors:unprocessed', [`${P}-004`]],
      ['R', 'R:awaiting_first_register_check:unprocessed', [`${P}-004`]],
      ['R', 'R:cancelled:returned, R:accepted:unprocessed', [`${P}-004`]],
      ['O', '', [`${P}-007`]],
      ['O', 'R:cancelled:returned', [`${P}-007`]],
      ['O', 'R:accepted:unprocessed', [`${P}-006`]],
      ['O', 'R:not_accepted_registration_errors:unprocessed', [`${P}-006`]],
      ['O', 'R:accepted:forwarded', []],
      ['O', 'R:accepted:processed, O:accepted:forwarded', []],
      ['O', 'R:accepted:forwarded, O:cancelled:returned', []],
      ['O', 'R:accepted:forwarded, O:accepted:unprocessed', [`${P}-005`]],
      ['O', 'R:accepted:forwarded, O:awaiting_first_register_check:unprocessed, O:accepted:unprocessed', [`${P}-005`, `${P}-005`]],
    ]
    for (const [kind, spec, expected] of cases) {
      t.same(codes(run(form, asKind(kind), FILED, earlier(spec))), expected, `${kind} after [${spec}]`)
    }
    t.same(codes(run(form, asKind('R'))), [], 'R without the earlier documents: silent')
    t.same(codes(run(form, asKind('O'))), [], 'O without the earlier documents: silent')
    const found = run(form, asKind('O'), FILED, earlier('R:accepted:forwarded, O:accepted:processed, O:accepted:unprocessed'))
    t.match(found, [{ code: `${P}-005`, severity: 'warning', path: `/${form.type}/DruhVykazu`, field: 'Typ výkazu' }])
    t.match(found[0]!.message, { en: /report \(O\) V250300000003 /, sk: /výkaz \(O\) V250300000003 / }, 'names the unprocessed O')
    const r = run(form, asKind('R'), FILED, earlier('R:cancelled:returned, R:accepted:unprocessed'))
    t.match(r[0]!.message, { en: /\(R\) V250300000002 /, sk: /\(R\) V250300000002 / }, 'names the R to cancel')
  })

  t.test(`${form.type}: contributions are whole 10 cents from 01/2009 (${P}-010)`, async t => {
    const np = form.type === 'MVP' ? '28.00' : '14.00'
    const total = form.type === 'MVP' ? '682.00' : '341.00'
    // The employer's Np share in the row and in the summary, and the total following them.
    const changed = (doc: string, [value, spolu]: readonly [string, string]): string => doc
      .replaceAll(`<PoistneZamestnavatel>${np}<`, `<PoistneZamestnavatel>${value}<`)
      .replace(`<PoistneSpolu>${total}<`, `<PoistneSpolu>${spolu}<`)
    const odd = form.type === 'MVP' ? ['28.35', '682.35'] as const : ['14.35', '341.35'] as const
    const found = run(form, changed(xml, odd))
    t.same(codes(found), [`${P}-010`, `${P}-010`], 'in the summary and in the row')
    t.same(found.map(f => f.path), [`/${form.type}/Suhrn/Np/PoistneZamestnavatel`, `/${form.type}/Priloha/Riadok/Np/PoistneZamestnavatel`])
    t.same(found.map(f => f.field), ['Zamestnávateľ – nemocenské poistenie', 'Zamestnávateľ – nemocenské poistenie'])
    const tenCents = form.type === 'MVP' ? ['28.30', '682.30'] as const : ['14.30', '341.30'] as const
    t.same(codes(run(form, changed(xml, tenCents))), [], 'whole 10 cents')
    t.same(codes(run(form, changed(withPeriod('2008-12'), odd))), [`${P}-001`], 'a SKK period is refused, not judged by the euro rounding')
    t.same(codes(run(form, xml.replace('<Vz>1000.00</Vz>', '<Vz>1000.01</Vz>').replace('<Vz>2000.00</Vz>', '<Vz>2000.01</Vz>'))), [],
      'bases are rounded to the cent')
  })

  t.test(`${form.type}: the summary is the sum of the rows, the total the sum of the summary (${P}-011, ${P}-012)`, async t => {
    const total = form.type === 'MVP' ? '682.00' : '341.00'
    const plusCent = form.type === 'MVP' ? '682.01' : '341.01'
    const minusCent = form.type === 'MVP' ? '681.99' : '340.99'
    t.match(run(form, xml.replace(`>${total}<`, `>${plusCent}<`)), [{ code: `${P}-012`, path: `/${form.type}/Suhrn/PoistneSpolu`, field: 'Poistné a príspevky k úhrade' }])
    t.same(codes(run(form, xml.replace(`>${total}<`, `>${minusCent}<`))), [`${P}-012`])
    // Sp employee share in the summary off by 0.01 (so not rounded either), the total following it.
    const [sp, spOff, spolu] = form.type === 'MVP' ? ['80.00', '80.01', '682.01'] : ['40.00', '40.01', '341.01']
    const summaryOff = xml.replace(`<Sp><PoistneZamestnavatel>${form.type === 'MVP' ? '280.00' : '140.00'}</PoistneZamestnavatel><PoistneZamestnanec>${sp}<`,
      `<Sp><PoistneZamestnavatel>${form.type === 'MVP' ? '280.00' : '140.00'}</PoistneZamestnavatel><PoistneZamestnanec>${spOff}<`)
      .replace(`>${total}<`, `>${spolu}<`)
    const found = run(form, summaryOff)
    t.same(codes(found), [`${P}-010`, `${P}-011`])
    t.match(found.find(f => f.code === `${P}-011`), { path: `/${form.type}/Suhrn/Sp/PoistneZamestnanec`, field: 'Zamestnanec – starobné poistenie' })
  })

  t.test(`${form.type}: sums are exact decimals`, async t => {
    // 0.10 + 0.20 is not 0.30 in floating point. Three rows with only an Np employer's share: 0.10, 0.20, 0.00.
    const zeroed = (part: string): string => part.replace(/<(Vz|PoistneZamestnavatel|PoistneZamestnanec|PoistneSpolu)>[^<]*</g, '<$1>0.00<')
    const template = zeroed(xml.slice(xml.indexOf('<Riadok>'), xml.indexOf('</Riadok>') + '</Riadok>'.length))
    const row = (n: number, np: string): string => template
      .replace('<PoradoveCislo>1<', `<PoradoveCislo>${n}<`)
      .replace('<Np><Vz>0.00</Vz><PoistneZamestnavatel>0.00<', `<Np><Vz>10.00</Vz><PoistneZamestnavatel>${np}<`)
    const summary = (np: string): string => zeroed(xml.slice(xml.indexOf('<Suhrn>'), xml.indexOf('</Suhrn>')))
      .replace('<Np><PoistneZamestnavatel>0.00<', `<Np><PoistneZamestnavatel>${np}<`)
      .replace('<PoistneSpolu>0.00<', `<PoistneSpolu>${np}<`)
    const threeRows = (np: string): string => xml
      .replace(/<Suhrn>[\s\S]*(?=<\/Suhrn>)/, summary(np))
      .replace(/<Riadok>[\s\S]*<\/Riadok>/, [row(1, '0.10'), row(2, '0.20'), row(3, '0.00')].join('\n'))
    t.same(codes(run(form, threeRows('0.30'))), [], '0.10 + 0.20 + 0.00 = 0.30')
    t.same(codes(run(form, threeRows('0.40'))), [`${P}-011`])
  })

  t.test(`${form.type}: row numbers are unique (${P}-008)`, async t => {
    const row = xml.slice(xml.indexOf('<Riadok>'), xml.indexOf('</Riadok>') + '</Riadok>'.length)
    const zero = row.replace(/<(Vz|PoistneZamestnavatel|PoistneZamestnanec)>[^<]*</g, '<$1>0.00<')
    const second = (n: string): string => xml.replace('</Priloha>', `${zero.replace('<PoradoveCislo>1<', `<PoradoveCislo>${n}<`)}</Priloha>`)
    const own = (doc: string): string[] => codes(run(form, doc)).filter(c => c === `${P}-008`)
    t.same(own(second('2')), [])
    t.match(run(form, second('1')).filter(f => f.code === `${P}-008`), [{ path: `/${form.type}/Priloha/Riadok[2]/PoradoveCislo`, field: 'Poradové číslo' }])
  })

  t.test(`${form.type}: every negative amount of a row is refused, also with Oprava (${P}-009)`, async t => {
    const negative = xml
      .replace(/<Np><Vz>[^<]*<\/Vz>/, '<Np><Vz>-1.00</Vz>')
      .replace(/(<Up><Vz>[^<]*<\/Vz><PoistneZamestnavatel>[^<]*<\/PoistneZamestnavatel>)/, '$1<Oprava>true</Oprava>')
      .replace(/<Up><Vz>[^<]*<\/Vz>/, '<Up><Vz>-0.01</Vz>')
    const found = run(form, negative).filter(f => f.code === `${P}-009`)
    t.same(found.map(f => f.path), [`/${form.type}/Priloha/Riadok/Np/Vz`, `/${form.type}/Priloha/Riadok/Up/Vz`])
    t.same(found.map(f => f.field), ['Vymeriavací základ – nemocenské poistenie', 'Vymeriavací základ – úrazové poistenie'])
    t.same(codes(run(form, xml.replace(/<Np><Vz>[^<]*<\/Vz>/, '<Np><Vz>-0.00</Vz>'))).filter(c => c === `${P}-009`), [], '-0.00 is zero')
    t.ok(form.needsEarlierContent!(parseXml(negative).root), 'a negative amount needs the earlier reports\' content')
    t.notOk(form.needsEarlierContent!(parseXml(xml).root))
  })

  t.test(`${form.type}: Výnimka VZ is read from the exceptions list (${P}-013)`, async t => {
    const anchor = form.type === 'VPP' ? '<PoistnaRola>NP</PoistnaRola>' : '<Meno>Jana</Meno>'
    const withCode = (code: string): string => xml.replace(anchor, `${anchor}<VynimkaVz>${code}</VynimkaVz>`)
    t.same(codes(run(form, withCode('0'))), [])
    t.same(codes(run(form, withCode('1'))), [])
    t.match(run(form, withCode('2')), [{ code: `${P}-013`, severity: 'error', path: `/${form.type}/Priloha/Riadok/VynimkaVz`, field: 'Výnimka VZ' }])
  })

  t.test(`${form.type}: admission rules and the series cope with any input`, async t => {
    const broken = [
      xml.replace(/<Obdobie>[^<]*<\/Obdobie>/, ''),
      withPeriod('2025-13'),
      withPeriod(' 2008-1 '),
      xml.replace('<DruhVykazu>R<', '<DruhVykazu>X<'),
      xml.replace(/<DruhVykazu>[^<]*<\/DruhVykazu>/, ''),
      xml.replace(/<Priloha>[\s\S]*<\/Priloha>/, '<Priloha>text</Priloha>'),
      xml.replace(/<Suhrn>[\s\S]*<\/Suhrn>/, ''),
      xml.replace('<Vz>', '<Vz>-'),
      `<${form.type} xmlns="${form.namespace}"/>`,
    ]
    for (const doc of broken) {
      const { root } = parseXml(doc)
      const ctx = { filingDate: FILED, codeLists, earlier: earlier('R:accepted:forwarded') }
      t.doesNotThrow(() => applyRules(form, root, ctx, form.admission), 'admission')
      t.doesNotThrow(() => form.needsEarlierContent!(root), 'needsEarlierContent')
      t.doesNotThrow(() => form.series!(root), 'series')
    }
    t.equal(form.series!(parseXml(xml).root), '2025-03')
    t.equal(form.series!(parseXml(withPeriod('2025-13')).root), undefined)
    t.equal(form.series!(parseXml(xml.replace(/<Obdobie>[^<]*<\/Obdobie>/, '')).root), undefined)
  })
}

t.test('money helpers', async t => {
  t.equal(cents('0.10'), 10n)
  t.equal(cents('-12.34'), -1234n)
  t.equal(cents('99999999999.99'), 9999999999999n)
  t.equal(cents('12.3'), undefined)
  t.equal(cents('1,00'), undefined)
  t.ok(isNegative('-0.01'))
  t.notOk(isNegative('-0.00'))
  t.notOk(isNegative('0.01'))
  t.notOk(isNegative('-x'))
  t.notOk(hasNegativeAmount(parseXml('<MVP/>').root))
})
