import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { findingCatalogue, forms } from './index.js'
import { loadCodeLists } from './code-lists-file.js'
import { createValidator } from './validate.js'
import { fixturesDir, fixture } from '../../test/helpers/paths.js'
import { earlierFromComment } from '../../test/helpers/earlier.js'

// Fixtures are judged on the day they describe, so date-relative rules (filing windows) stay stable.
const filingDate = '2025-03-03'

t.test('finding codes are unique, well-formed and speak both languages', async t => {
  const codes = findingCatalogue.map(d => d.code)
  t.equal(new Set(codes).size, codes.length, 'unique')
  for (const d of findingCatalogue) {
    // The rules of Sociálna poisťovňa's own format keep the codes sk-official.md §8 gives them (SKO-REP-1).
    t.match(d.code, /^(SI|SK)-[A-Z0-9]+-\d{3}$|^SKO-[A-Z]+-[1-9]\d*$/, d.code)
    t.ok(d.en.trim() && d.local.trim(), `${d.code} has English and ${d.language} text`)
  }
})

t.test('every finding a form can raise has a fixture that raises it', async t => {
  const validator = createValidator(loadCodeLists())
  for (const form of forms) {
    const dir = join(fixturesDir, form.country.toLowerCase(), form.type.toLowerCase())
    const invalid = readdirSync(join(dir, 'invalid')).filter(f => f.endsWith('.xml'))
    const covered = new Set(invalid.map(f => f.replace(/\.xml$/, '')))
    const ruleCodes = Object.values(form.findings).map(d => d.code)
    for (const code of ruleCodes) t.ok(covered.has(code), `${code} has a fixture`)

    // A fixture of a "documents" rule names the earlier documents it assumes in a comment.
    const judge = async (bytes: Buffer) => {
      const earlier = earlierFromComment(bytes.toString('utf8'), 'X')
      return validator.validate(validator.identify(bytes), { filingDate, ...(earlier ? { earlier } : {}) })
    }
    for (const file of invalid) {
      const code = file.replace(/\.xml$/, '')
      const found = (await judge(fixture(join(form.country.toLowerCase(), form.type.toLowerCase(), 'invalid', file)))).map(f => f.code)
      t.ok(found.includes(code), `${form.type}/invalid/${file} raises ${code}`)
    }
    for (const file of readdirSync(dir).filter(f => f.startsWith('valid-'))) {
      const errors = (await judge(fixture(join(form.country.toLowerCase(), form.type.toLowerCase(), file)))).filter(f => f.severity === 'error')
      t.same(errors, [], `${form.type}/${file} has no errors`)
    }
  }
})

t.test('schema violations become findings on the element, without the value found', async t => {
  const validator = createValidator(loadCodeLists())
  const basic = fixture('si/m1/valid-basic.xml').toString()
  const cases: [string, string, string, string][] = [
    ['missing element', basic.replace(/<Priimek>[^<]*<\/Priimek>/, ''), 'SI-XSD-002', '/M1/Zavarovanec/Priimek'],
    ['bad pattern', basic.replace('<Emso>1204990505126', '<Emso>12049905051'), 'SI-XSD-003', '/M1/Zavarovanec/Emso'],
    ['stray attribute', basic.replace('<Zavezanec>', '<Zavezanec id="1">'), 'SI-XSD-004', '/M1/Zavezanec'],
    ['empty optional', basic.replace('</M1>', '<Opombe>  </Opombe></M1>'), 'SI-XSD-003', '/M1/Opombe'],
    ['unknown element', basic.replace('</Zavarovanec>', '<Spol>Z</Spol></Zavarovanec>'), 'SI-XSD-001', '/M1/Zavarovanec/Spol'],
    ['xsi below the root', basic.replace('<Zavarovanec>', '<Zavarovanec xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x x.xsd">'), 'SI-XSD-004', '/M1/Zavarovanec'],
    ['xsi:type on the root', basic.replace('verzija="1"', 'verzija="1" xmlns:x="http://www.w3.org/2001/XMLSchema-instance" x:type="M1"'), 'SI-XSD-004', '/M1'],
  ]
  const located = basic.replace('verzija="1"', 'verzija="1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:ehrs:si:m1:1 http://example.invalid/m1.xsd"')
  t.same((await validator.validate(validator.identify(Buffer.from(located)), { filingDate })).filter(f => f.severity === 'error'), [],
    'xsi:schemaLocation on the root is tolerated and never fetched')
  for (const [name, xml, code, path] of cases) {
    const findings = await validator.validate(validator.identify(Buffer.from(xml)), { filingDate })
    t.match(findings[0], { code, path, severity: 'error' }, name)
    t.notMatch(JSON.stringify(findings), /120499050/, `${name}: the value is not repeated`)
  }
})
