import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../../lib/paths.js'
import { createValidator } from '../../validate.js'
import { loadCodeLists } from '../../code-lists-file.js'
import type { XmlElement } from '../../../xml/index.js'
import { officialFixtureTests } from '../../../../test/helpers/official-fixtures.js'

// sk-official.md §5: the official registration list, judged as its twin in our vocabulary; each file of schema/,
// conversion/ and rules/ says on its first line what it must give.

/** The mapped document's entries as text, to compare with the twin's. */
const entriesOf = (root: XmlElement): string[][] =>
  root.children.filter(c => c.name === 'Osoba').map(o => o.children.map(c => `${c.name}=${c.text}`))

officialFixtureTests('rlfo', { mapped: entriesOf })

const validator = createValidator(loadCodeLists())
const read = (name: string): Buffer => readFileSync(join(projectRoot, 'test/fixtures/sk/official/rlfo', name))

t.test('one official entry may become two of ours; the number prefix counts the official entries', async t => {
  const mapped = (name: string) => validator.identify(read(name))
  const typed = (name: string): string[][] => mapped(name).root.children.filter(c => c.name === 'Osoba')
    .map(o => ['Typ', 'DovodZmeny', 'DatumOd', 'DatumDo'].map(n => o.children.find(c => c.name === n)?.text ?? ''))
  t.same(typed('rules/zm-md-and-rd.xml'), [['ZM', 'MD', '2025-02-01', '2025-04-30'], ['ZM', 'RD', '2025-05-01', '']], 'md and rd: MD, then RD')
  t.same(typed('conversion/pa-with-zanik.xml'), [['PA', '', '2025-03-01', ''], ['OD', '', '', '2025-03-02']], 'a PA that also ends: the PA, then its OD')
  const prefix = (name: string): string | undefined => {
    const { official, doc } = mapped(name)
    return official?.reader.numberPrefix?.(doc.root)
  }
  t.equal(prefix('valid-single-pa.xml'), 'R')
  t.equal(prefix('conversion/pa-with-zanik.xml'), 'R', 'one official entry, though two of ours')
  t.equal(prefix('valid-batch.xml'), 'C')
  const od = mapped('valid-batch.xml').root.children.filter(c => c.name === 'Osoba')[1]!
  t.same(od.officialValues, { datVzniku: { value: '2024-06-01', path: '/spRegListZec/zoznamRLZec/regListyZec/regListZec[2]/typRegListuFO/odhlaska/typPoistOdhl/zecDOdhl/zanik/@datVzniku', line: 32 } },
    'the odhláška keeps its stated start for the register (SKO-RL-3)')
})
