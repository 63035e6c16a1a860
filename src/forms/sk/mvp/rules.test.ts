import t from 'tap'
import { performance } from 'node:perf_hooks'
import type { Finding } from '../../../validation/index.js'
import { parseXml } from '../../../xml/index.js'
import type { EarlierDocument } from '../../form-module.js'
import { earlierFromComment } from '../../../../test/helpers/earlier.js'
import { formRules, type SchemaCase } from '../../../../test/helpers/form-rules.js'
import { mvp } from './index.js'

// The filing date of the fixtures (as in forms/catalogue.test.ts): the period 2025-03 is its month.
const FILED = '2025-03-03'
const { read, codes, identified, realValidator, schemaErrors, ...rules } = formRules(mvp, { filingDate: FILED })

/** The earlier reports of the period a "documents" fixture assumes (its `<!-- earlier: … -->` comment). */
const earlierOf = (xml: string): EarlierDocument[] | undefined => earlierFromComment(xml, 'V')

/** Admission and plain rules, as the validator runs them on a schema-valid document. */
const run = (xml: string, earlier?: readonly EarlierDocument[], filingDate = FILED): Finding[] => rules.run(xml, filingDate, earlier)

t.test('a negative amount is allowed only in a row that had one in a forwarded report of the period (SK-MVP-009)', async t => {
  const xml = read('valid-maximal.xml')
  // Rows 1 and 2 (both Jana's) with a negative Np base; the bases are not summed, so nothing else changes.
  const negativeRows = (doc: string, rows: (1 | 2)[]): string => {
    let out = doc
    if (rows.includes(1)) out = out.replace('<Np><Vz>2000.00</Vz>', '<Np><Vz>-150.00</Vz>')
    if (rows.includes(2)) out = out.replace('<Np><Vz>300.00</Vz>', '<Np><Vz>-20.00</Vz>')
    return out
  }
  const current = negativeRows(xml, [1, 2])
  const earlierRoot = (rows: (1 | 2)[]) => parseXml(negativeRows(xml, rows)).root
  const doc = (processing: string, rows: (1 | 2)[], withRoot = true): EarlierDocument => ({
    number: 'V250300000001', kind: 'R', acceptance: 'accepted', processing, ...(withRoot ? { root: earlierRoot(rows) } : {}),
  })
  const paths = (earlier?: readonly EarlierDocument[]): string[] =>
    run(current, earlier).filter(f => f.code === 'SK-MVP-009').map(f => f.path)
  const both = ['/MVP/Priloha/Riadok[1]/Np/Vz', '/MVP/Priloha/Riadok[2]/Np/Vz']
  t.ok(mvp.needsEarlierContent!(parseXml(current).root))
  t.same(paths(), both, 'without the earlier reports every negative amount is refused')
  t.same(paths([doc('forwarded', [1])]), ['/MVP/Priloha/Riadok[2]/Np/Vz'], 'row 1 was negative before: allowed; row 2 not')
  t.same(paths([doc('processed', [2])]), ['/MVP/Priloha/Riadok[1]/Np/Vz'], 'a processed report counts as forwarded')
  t.same(paths([doc('forwarded', [1, 2])]), [])
  t.same(paths([doc('forwarded', [])]), both, 'an earlier report without negative amounts allows none')
  t.same(paths([doc('unprocessed', [1, 2])]), both, 'an unprocessed report does not count')
  t.same(paths([doc('forwarded', [1], false)]), both, 'nor one whose content was not loaded')
  t.same(paths([doc('forwarded', [1]), doc('forwarded', [2])]), [], 'rows add up over the earlier reports')
})

// Every fixture through the real validator: report/fixtures.test.ts.
t.test('the real validator: schema errors and the order of the input check', async t => {
  const real = realValidator(t)
  const validate = (xml: string, earlier = earlierOf(xml)): Promise<Finding[]> => real.validate(xml, earlier)

  const xml = read('valid-maximal.xml')
  const cases: SchemaCase[] = [
    ['missing payday', xml.replace(/<DenVyplaty>[^<]*<\/DenVyplaty>/, ''), 'SK-XSD-002', '/MVP/DenVyplaty', 'Deň výplaty'],
    ['IČPV after the names', xml.replace('<Icpv>202100012345</Icpv>', '').replace('<Meno>Jana</Meno><VynimkaVz>', '<Meno>Jana</Meno><Icpv>202100012345</Icpv><VynimkaVz>'),
      'SK-XSD-001', '/MVP/Priloha/Riadok[1]/Icpv', 'IČPV'],
    ['both person numbers', xml.replace('<DocasneRodneCislo>9912310007</DocasneRodneCislo>', '<RodneCislo>8704122361</RodneCislo><DocasneRodneCislo>9912310007</DocasneRodneCislo>'),
      'SK-XSD-001', '/MVP/Priloha/Riadok[4]/DocasneRodneCislo', 'Rodné číslo'],
    ['VPP\'s insurance role', xml.replace('<Dohoda>true</Dohoda>', '<PoistnaRola>NP</PoistnaRola>'), 'SK-XSD-001', '/MVP/Priloha/Riadok[2]/PoistnaRola', 'riadok prílohy'],
    ['a flag as a digit', xml.replace('<Subeh>true</Subeh>', '<Subeh>1</Subeh>'), 'SK-XSD-003', '/MVP/Priloha/Riadok[3]/Subeh', 'Súbeh'],
    ['unknown kind', xml.replace('<DruhVykazu>R<', '<DruhVykazu>X<'), 'SK-XSD-006', '/MVP/DruhVykazu', 'Typ výkazu'],
    ['a two-digit exception', xml.replace('<VynimkaVz>1<', '<VynimkaVz>11<'), 'SK-XSD-003', '/MVP/Priloha/Riadok[3]/VynimkaVz', 'Výnimka VZ'],
    ['one decimal', xml.replace('<Vz>1500.00<', '<Vz>1500.0<'), 'SK-XSD-003', '/MVP/Priloha/Riadok[4]/Np/Vz', 'Vymeriavací základ – nemocenské poistenie'],
    ['no rows', xml.replace(/<Priloha>[\s\S]*<\/Priloha>/, '<Priloha></Priloha>'), 'SK-XSD-002', '/MVP/Priloha/Riadok', 'riadok prílohy'],
    ['month 13', xml.replace('<Obdobie>2025-03<', '<Obdobie>2025-13<'), 'SK-XSD-003', '/MVP/Obdobie', 'Obdobie'],
    // libxml2 then expects the optional Oprava: the extra element is not allowed, nothing is missing.
    ['a fund amount given twice', xml.replace('<Gp><Vz>2000.00</Vz><PoistneZamestnavatel>5.00</PoistneZamestnavatel></Gp>',
      '<Gp><Vz>2000.00</Vz><PoistneZamestnavatel>5.00</PoistneZamestnavatel>\n<PoistneZamestnavatel>5.00</PoistneZamestnavatel></Gp>'),
      'SK-XSD-001', '/MVP/Priloha/Riadok[1]/Gp/PoistneZamestnavatel[2]', 'Zamestnávateľ – garančné poistenie'],
  ]
  await schemaErrors(t, validate, cases)
  const twice = cases.at(-1)![1]
  t.notOk((await validate(twice)).some(f => f.code === 'SK-XSD-002'), 'no "missing" finding for an extra element (SK-XSD-002)')

  // The ordered input check (sk-ezu §6.3): a refused period hides the schema errors of later steps.
  const early = xml.replace('<Obdobie>2025-03<', '<Obdobie>2008-12<').replace(/<DenVyplaty>[^<]*<\/DenVyplaty>/, '')
  t.same(codes(await validate(early)), ['SK-MVP-001'], 'step 2 before step 4')
  t.same(codes(await validate(early.replace('<Ico>47123451<', '<Ico>47123452<'))), ['SK-COMMON-001'], 'step 1 before step 2')
  const laterKind = xml.replace('<DenVyplaty>2025-04-10</DenVyplaty>', '')
  t.same(codes(await validate(laterKind, earlierFromComment('<!-- earlier: R:accepted:forwarded -->', 'V'))), ['SK-MVP-003'], 'step 3 before step 4')
  t.same(codes(await validate(read('invalid/SK-MVP-005.xml').replace('<Vz>2000.00<', '<Vz>2000.01<'))).filter(c => c !== 'SK-MVP-005'), [],
    'a warning of step 3 does not stop the later steps')
})

t.test('module facts and fields', async t => {
  const { root } = parseXml(read('valid-maximal.xml'))
  t.same(mvp.facts(root), { employer: '2021234501', icz: '5101234567', period: '2025-03', kind: 'R', externalId: 'MZDY-2025-03-MVP-2' })
  t.same(mvp.facts(parseXml(read('valid-corrective.xml')).root), { employer: '2021234501', icz: '5101234567', period: '2025-02', kind: 'O' })
  t.equal(mvp.numberPrefix(root), 'V')
  t.equal(mvp.series!(root), '2025-03')
  t.notOk(mvp.needsEarlierContent!(root))
  const fields: [string, string][] = [
    ['/MVP/Obdobie', 'Obdobie'],
    ['/MVP/DruhVykazu', 'Typ výkazu'],
    ['/MVP/DenVyplaty', 'Deň výplaty'],
    ['/MVP/BankoveSpojenie/Iban', 'Bankové spojenie'],
    ['/MVP/Suhrn', '5. Súhrn poistného a príspevkov'],
    ['/MVP/Suhrn/Rfs', 'rezervný fond solidarity'],
    ['/MVP/Suhrn/Sp/PoistneZamestnanec', 'Zamestnanec – starobné poistenie'],
    ['/MVP/Suhrn/PoistneSpolu', 'Poistné a príspevky k úhrade'],
    ['/MVP/Priloha', 'Príloha'],
    ['/MVP/Priloha/Riadok[12]', 'riadok prílohy'],
    ['/MVP/Priloha/Riadok[12]/PoradoveCislo', 'Poradové číslo'],
    ['/MVP/Priloha/Riadok[2]/RodneCislo', 'Rodné číslo'],
    ['/MVP/Priloha/Riadok[2]/DocasneRodneCislo', 'Rodné číslo'],
    ['/MVP/Priloha/Riadok[2]/Icpv', 'IČPV'],
    ['/MVP/Priloha/Riadok[2]/Dohoda', 'dohoda'],
    ['/MVP/Priloha/Riadok[2]/Subeh', 'Súbeh'],
    ['/MVP/Priloha/Riadok[2]/VynimkaVz', 'Výnimka VZ'],
    ['/MVP/Priloha/Riadok[2]/Pvn', 'poistenie v nezamestnanosti'],
    ['/MVP/Priloha/Riadok[2]/Pvn/Vz', 'Vymeriavací základ – poistenie v nezamestnanosti'],
    ['/MVP/Priloha/Riadok[2]/Gp/Oprava', 'Oprava – garančné poistenie'],
    ['/MVP/Priloha/Riadok[2]/Unexpected', 'riadok prílohy'],
    ['/MVP/Zamestnavatel/Ico', 'IČO'],
    ['/MVP', 'MVP'],
  ]
  for (const [path, field] of fields) t.equal(mvp.fieldOf(path), field, path)
})

/**
 * An MVP of `count` rows like the example's (Jana and Peter in turns) and its summary: one line per row,
 * without indentation, about 850 bytes a row as DOCUMENTS §3.2 reckons.
 */
function largeMvp(count: number): string {
  const basic = read('valid-basic.xml').replace(/>\s+</g, '><')
  const row = basic.slice(basic.indexOf('<Riadok>'), basic.indexOf('</Priloha>'))
  const peter = row.replace('9261031472', '8704122361').replace('Horváthová', 'Kováč').replace('>Jana<', '>Peter<')
  const rows: string[] = []
  for (let n = 1; n <= count; n++) rows.push((n % 2 ? row : peter).replace('<PoradoveCislo>1<', `<PoradoveCislo>${n}<`))
  const times = (amount: string): string => {
    const c = BigInt(amount.replace('.', '')) * BigInt(count)
    return `${c / 100n}.${String(c % 100n).padStart(2, '0')}`
  }
  const head = basic.slice(0, basic.indexOf('<Priloha>'))
    .replace(/<(PoistneZamestnavatel|PoistneZamestnanec|PoistneSpolu)>([0-9]+\.[0-9]{2})</g, (_, name: string, amount: string) => `<${name}>${times(amount)}<`)
  return `${head}<Priloha>\n${rows.join('\n')}\n</Priloha></MVP>\n`
}

t.test('a 20,000-row MVP passes the real validator without findings', async t => {
  const xml = largeMvp(20_000)
  t.comment(`document: ${(Buffer.byteLength(xml) / 1024 / 1024).toFixed(1)} MiB`)
  const { validator } = realValidator(t)
  let started = performance.now()
  const document = identified(xml)
  t.comment(`parse: ${Math.round(performance.now() - started)} ms`)
  started = performance.now()
  t.same(await validator.validate(document, { filingDate: FILED, earlier: [] }), [])
  t.comment(`validator (schema, admission and rules): ${Math.round(performance.now() - started)} ms`)
  t.match(run(xml.replace('<PoistneSpolu>13640000.00<', '<PoistneSpolu>13640000.10<'), []), [{ code: 'SK-MVP-012' }], 'the sums are checked')
})
