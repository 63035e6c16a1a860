import t from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GatewayError } from '../problems.js'
import { loadCodeLists } from './code-lists-file.js'
import { createValidator } from './validate.js'
import { maxFindings } from '../validation/index.js'
import { hostileCorpus } from '../../test/fixtures/hostile/generate.js'

t.test('the hostile corpus: each document gets its expected problem, and one that parses a bounded list of findings', async t => {
  const validator = createValidator(loadCodeLists())
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const { file, path, expected } of hostileCorpus(dir)) {
    const bytes = readFileSync(path)
    if (expected.code === 'DOCUMENT_INVALID') {
      const findings = await validator.validate(validator.identify(bytes), { filingDate: '2025-04-03' })
      t.equal(findings.length, maxFindings + 1, `${file}: ${maxFindings} findings and one saying more were left out`)
      t.match(findings.at(-1), { code: /^S[IK]-XSD-007$/ }, file)
      continue
    }
    const error = (() => { try { validator.identify(bytes) } catch (e) { return e } })()
    t.ok(error instanceof GatewayError, `${file} is refused`)
    t.match(error, { code: expected.code, status: expected.status, message: expected.detail }, file)
  }
})
