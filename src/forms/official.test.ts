import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { GatewayError } from '../problems.js'
import { projectRoot } from '../lib/paths.js'
import { loadCodeLists } from './code-lists-file.js'
import { identifyDocument } from './validate.js'
import { officialAmount, officialDate, officialFlag, officialInteger, officialPeriod } from './official.js'

const codeLists = loadCodeLists()
const official = readFileSync(join(projectRoot, 'examples/sk/mvpp-official.xml'), 'utf8')
const unknown = (xml: string): string | undefined => {
  try {
    identifyDocument(Buffer.from(xml), codeLists)
    return undefined
  } catch (error) {
    return error instanceof GatewayError ? error.code : String(error)
  }
}

t.test('only the four official (namespace, root) pairs are known (sk-official.md §1.1)', async t => {
  t.equal(identifyDocument(Buffer.from(official), codeLists).format, 'sp')
  t.equal(unknown(official.replace('xsd/mvpp2026', 'xsd/mvp25')), 'UNKNOWN_DOCUMENT_TYPE', 'an older MVP namespace')
  t.equal(unknown('<spRegListZec xmlns="http://socpoist.sk/xsd/rlzec17"/>'), 'UNKNOWN_DOCUMENT_TYPE', 'an older registration list namespace')
  t.equal(unknown('<spRegListZec xmlns="http://socpoist.sk/xsd/rlzec2014"/>'), 'UNKNOWN_DOCUMENT_TYPE')
  t.equal(unknown('<mvpp/>'), 'UNKNOWN_DOCUMENT_TYPE', 'an official root without namespace')
  t.equal(unknown('<mvpp xmlns="http://socpoist.sk/xsd/vpp2026"/>'), 'UNKNOWN_DOCUMENT_TYPE', 'a known root in another official namespace')
  t.equal(unknown('<vpp xmlns="urn:ehrs:sk:vpp:1"/>'), 'UNKNOWN_DOCUMENT_TYPE', 'an official root in our namespace')
  for (const [ns, root, type] of [
    ['http://socpoist.sk/xsd/vpp2026', 'vpp', 'VPP'], ['http://socpoist.sk/xsd/rlzec2026', 'spRegListZec', 'RLFO'], ['http://socpoist.sk/xsd/eldpzec', 'spELDPZec', 'ELDP'],
  ] as const) {
    const document = identifyDocument(Buffer.from(`<p:${root} xmlns:p="${ns}"/>`), codeLists)
    t.match(document, { format: 'sp', form: { type } }, `${root} with a prefix is ${type}`)
  }
})

t.test('conversions of sk-official.md §2', async t => {
  t.equal(officialDate('31.02.2026'), '2026-02-31', 'the calendar is our Datum\'s to check')
  t.equal(officialDate(' 10.04.2025 '), '2025-04-10', 'MVP and VPP collapse whitespace')
  t.equal(officialDate('2025-04-10'), '2025-04-10', 'not of the official form: unchanged, for our type to judge')
  t.equal(officialPeriod('032025'), '2025-03')
  for (const [given, ours] of [['1800', '1800.00'], ['.5', '0.50'], ['+0.5', '0.50'], ['5.', '5.00'], ['007.10', '7.10'], ['-3.5', '-3.50'], ['12.34', '12.34'], ['1.234', '1.234'], ['abc', 'abc']]) {
    t.equal(officialAmount(given!), ours, `${given} → ${ours}`)
  }
  t.equal(officialInteger('07'), '7')
  t.equal(officialInteger('+3'), '3')
  t.equal(officialInteger('-0'), '0')
  t.equal(officialFlag('1'), 'true')
  t.equal(officialFlag('0'), 'false')
  t.equal(officialFlag('true'), 'true')
})
