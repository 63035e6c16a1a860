import t from 'tap'
import { parseXml, type XsdIssue } from '../xml/index.js'
import { findForm } from '../forms/index.js'
import { attributeFindings, boundFindings, maxFindings, xsdIssuesToFindings } from './xsd-findings.js'

const mvp = findForm('urn:ehrs:sk:mvp:1', 'MVP')!
// Rows on one line and one per line: an issue must find its element in one step either way.
const wide = (separator: string, row = '<Riadok/>') =>
  parseXml(`<MVP xmlns="urn:ehrs:sk:mvp:1" verzija="1">\n<Priloha>${(row + separator).repeat(100_000)}</Priloha></MVP>`).root
const missing = (line: number): XsdIssue => ({ line, message: "Schemas validity error : Element '{urn:ehrs:sk:mvp:1}Riadok': Missing child element(s). Expected is ( {urn:ehrs:sk:mvp:1}PoradoveCislo )." })

t.test('100,000 schema errors give the first 1,000 findings and one saying more were left out (SK-XSD-007)', async t => {
  const root = wide('\n')
  const issues = Array.from({ length: maxFindings + 1 }, (_, i) => missing(i + 2))
  const findings = xsdIssuesToFindings(mvp, root, issues)
  t.equal(findings.length, maxFindings + 1)
  t.match(findings[0], { code: 'SK-XSD-002', path: '/MVP/Priloha/Riadok[1]/PoradoveCislo', line: 2 })
  t.match(findings[maxFindings - 1], { path: '/MVP/Priloha/Riadok[1000]/PoradoveCislo' })
  t.match(findings[maxFindings], { code: 'SK-XSD-007', path: '/MVP', message: { en: /first 1000 findings/ } })
  t.equal(xsdIssuesToFindings(mvp, root, issues.slice(0, maxFindings)).length, maxFindings, 'none left out, none said to be')
})

t.test('issues on one long line point at their element', async t => {
  const findings = xsdIssuesToFindings(mvp, wide(''), [missing(2)])
  t.match(findings, [{ code: 'SK-XSD-002', path: '/MVP/Priloha/Riadok[1]/PoradoveCislo', line: 2 }])
})

t.test('stray attributes on 100,000 elements: the findings stop one past the limit', async t => {
  const findings = attributeFindings(mvp, wide('\n', '<Riadok id="1"/>'))
  t.equal(findings.length, maxFindings + 1)
  t.match(findings[0], { code: 'SK-XSD-004', path: '/MVP/Priloha/Riadok[1]' })
  t.equal(boundFindings(mvp, wide(''), findings).length, maxFindings + 1)
  t.match(boundFindings(mvp, wide(''), findings).at(-1), { code: 'SK-XSD-007' })
})

t.test('bounding keeps a short list as it is and says "left out" once', async t => {
  const root = wide('')
  const few = attributeFindings(mvp, parseXml('<MVP xmlns="urn:ehrs:sk:mvp:1" x="1"/>').root)
  t.same(boundFindings(mvp, root, few), few)
  const told = xsdIssuesToFindings(mvp, root, Array.from({ length: maxFindings + 1 }, () => missing(2)))
  t.same(boundFindings(mvp, root, told).map(f => f.code), ['SK-XSD-002', 'SK-XSD-007'], 'issues that name one element give one finding')
})
