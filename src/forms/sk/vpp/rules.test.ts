import t from 'tap'
import type { Finding } from '../../../validation/index.js'
import { parseXml } from '../../../xml/index.js'
import type { EarlierDocument } from '../../form-module.js'
import { earlierFromComment } from '../../../../test/helpers/earlier.js'
import { formRules, type SchemaCase } from '../../../../test/helpers/form-rules.js'
import { vpp } from './index.js'

// The filing date of the fixtures (as in forms/catalogue.test.ts): the period 2025-03 is its month.
const FILED = '2025-03-03'
const { read, codes, realValidator, schemaErrors, ...rules } = formRules(vpp, { filingDate: FILED })

/** The earlier reports of the period a "documents" fixture assumes (its `<!-- earlier: … -->` comment). */
const earlierOf = (xml: string): EarlierDocument[] | undefined => earlierFromComment(xml, 'Y')

/** Admission and plain rules, as the validator runs them on a schema-valid document. */
const run = (xml: string, earlier?: readonly EarlierDocument[], filingDate = FILED): Finding[] => rules.run(xml, filingDate, earlier)

t.test('a negative amount is allowed only in a row that had one in a forwarded report of the period (SK-VPP-009)', async t => {
  const xml = read('valid-maximal.xml')
  const current = xml.replace('<Np><Vz>1000.00</Vz>', '<Np><Vz>-100.00</Vz>').replace('<Np><Vz>250.00</Vz>', '<Np><Vz>-20.00</Vz>')
  const before = parseXml(xml.replace('<Np><Vz>1000.00</Vz>', '<Np><Vz>-1.00</Vz>')).root
  const earlier = (processing: string): EarlierDocument[] => [{ number: 'Y250300000001', kind: 'R', acceptance: 'accepted', processing, root: before }]
  const paths = (e?: EarlierDocument[]): string[] => run(current, e).filter(f => f.code === 'SK-VPP-009').map(f => f.path)
  t.same(paths(), ['/VPP/Priloha/Riadok[1]/Np/Vz', '/VPP/Priloha/Riadok[2]/Np/Vz'])
  t.same(paths(earlier('forwarded')), ['/VPP/Priloha/Riadok[2]/Np/Vz'])
  t.same(paths(earlier('unprocessed')), ['/VPP/Priloha/Riadok[1]/Np/Vz', '/VPP/Priloha/Riadok[2]/Np/Vz'])
})

// Every fixture through the real validator: report/fixtures.test.ts.
t.test('the real validator: schema errors and the order of the input check', async t => {
  const real = realValidator(t)
  const validate = (xml: string, earlier = earlierOf(xml)): Promise<Finding[]> => real.validate(xml, earlier)

  const xml = read('valid-maximal.xml')
  const cases: SchemaCase[] = [
    ['missing insurance role', xml.replace('<PoistnaRola>PP</PoistnaRola>', ''), 'SK-XSD-002', '/VPP/Priloha/Riadok[2]/PoistnaRola', 'poistná rola'],
    ['unknown insurance role', xml.replace('<PoistnaRola>PP<', '<PoistnaRola>DO<'), 'SK-XSD-006', '/VPP/Priloha/Riadok[2]/PoistnaRola', 'poistná rola'],
    ['role in lower case', xml.replace('<PoistnaRola>PP<', '<PoistnaRola>pp<'), 'SK-XSD-006', '/VPP/Priloha/Riadok[2]/PoistnaRola', 'poistná rola'],
    ['MVP\'s payday', xml.replace('<DruhVykazu>R</DruhVykazu>', '<DruhVykazu>R</DruhVykazu><DenVyplaty>2025-04-10</DenVyplaty>'),
      'SK-XSD-001', '/VPP/DenVyplaty', 'VPP'],
    ['MVP\'s agreement flag', xml.replace('<PoistnaRola>PP</PoistnaRola>', '<PoistnaRola>PP</PoistnaRola><Dohoda>true</Dohoda>'),
      'SK-XSD-001', '/VPP/Priloha/Riadok[2]/Dohoda', 'riadok prílohy'],
    ['role after the exception', xml.replace('<PoistnaRola>NP</PoistnaRola><VynimkaVz>0</VynimkaVz>', '<VynimkaVz>0</VynimkaVz><PoistnaRola>NP</PoistnaRola>'),
      'SK-XSD-001', '/VPP/Priloha/Riadok[1]/VynimkaVz', 'Výnimka VZ'],
    ['no total', xml.replace(/<PoistneSpolu>[^<]*<\/PoistneSpolu>/, ''), 'SK-XSD-002', '/VPP/Suhrn/PoistneSpolu', 'Poistné a príspevky k úhrade'],
  ]
  await schemaErrors(t, validate, cases)
  const early = xml.replace('<Obdobie>2025-03<', '<Obdobie>2025-04<').replace('<PoistnaRola>PP</PoistnaRola>', '')
  t.same(codes(await validate(early)), ['SK-VPP-002'], 'the period (step 2) before the schema (step 4)')
})

t.test('module facts and fields', async t => {
  const { root } = parseXml(read('valid-maximal.xml'))
  t.same(vpp.facts(root), { employer: '2021234501', icz: '5101234567', period: '2025-03', kind: 'R', externalId: 'MZDY-2025-03-VPP-2' })
  t.same(vpp.facts(parseXml(read('valid-no-ico.xml')).root), { employer: '1087654321', icz: '5109876543', period: '2025-03', kind: 'R' })
  t.equal(vpp.numberPrefix(root), 'Y')
  t.equal(vpp.series!(root), '2025-03')
  t.notOk(vpp.needsEarlierContent!(root))
  const fields: [string, string][] = [
    ['/VPP/Obdobie', 'Obdobie výplaty príjmov'],
    ['/VPP/DruhVykazu', 'Typ výkazu'],
    ['/VPP/Suhrn', '5. Súhrn poistného a príspevkov'],
    ['/VPP/Suhrn/PoistneSpolu', 'Poistné a príspevky k úhrade'],
    ['/VPP/Priloha', 'Príloha'],
    ['/VPP/Priloha/Riadok[3]', 'riadok prílohy'],
    ['/VPP/Priloha/Riadok[3]/PoradoveCislo', 'Poradové číslo'],
    ['/VPP/Priloha/Riadok[3]/PoistnaRola', 'poistná rola'],
    ['/VPP/Priloha/Riadok[3]/VynimkaVz', 'Výnimka VZ'],
    ['/VPP/Priloha/Riadok[3]/Rfs/PoistneZamestnavatel', 'Zamestnávateľ – rezervný fond solidarity'],
    ['/VPP/Priloha/Riadok[3]/Dohoda', 'riadok prílohy'],
    ['/VPP/DenVyplaty', 'VPP'],
  ]
  for (const [path, field] of fields) t.equal(vpp.fieldOf(path), field, path)
})
