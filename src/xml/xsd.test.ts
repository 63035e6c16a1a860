import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { createXsdValidator } from './xsd.js'

const schemaDir = mkdtempSync(join(tmpdir(), 'xsd-'))
writeFileSync(join(schemaDir, 'a.xsd'), `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
  <xs:element name="a"><xs:complexType><xs:sequence><xs:element name="b" type="xs:int" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element></xs:schema>`)
const doc = (b: string) => new TextEncoder().encode(`<a xmlns="urn:t">\n<b>1</b>\n<b>${b}</b></a>`)

t.test('concurrent documents share batches and each gets its own issues', async t => {
  const v = createXsdValidator({ schemaDir, workers: 2, maxBatchDocs: 50 })
  t.teardown(() => v.close())
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => v.validate('a.xsd', doc(i % 3 === 0 ? 'x' : String(i)))))
  results.forEach((issues, i) => {
    if (i % 3 === 0) t.match(issues, [{ line: 3, message: /not a valid value/ }], `doc ${i} invalid on line 3`)
    else t.same(issues, [], `doc ${i} valid`)
  })
  t.ok(v.stats.batches < 200 / 2, `batched: ${v.stats.batches} calls for 200 documents`)
})

t.test('the workers start with the first document', async t => {
  const v = createXsdValidator({ schemaDir, workers: 2 })
  t.teardown(() => v.close())
  t.equal(v.stats.workersStarted, 0)
  await v.validate('a.xsd', doc('1'))
  t.equal(v.stats.workersStarted, 2, 'all of them, ready for a burst')
  await Promise.all([v.validate('a.xsd', doc('3')), v.validate('a.xsd', doc('4'))])
  t.equal(v.stats.workersStarted, 2)
})

t.test('a broken schema rejects, and the pool keeps working', async t => {
  writeFileSync(join(schemaDir, 'broken.xsd'), '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="nope"/></xs:schema>')
  const v = createXsdValidator({ schemaDir, workers: 1 })
  t.teardown(() => v.close())
  await t.rejects(v.validate('broken.xsd', doc('1')), /XSD validation failed: schema .*broken.xsd does not compile/)
  t.same(await v.validate('a.xsd', doc('2')), [])
})

t.test('large documents never take the last worker: a small one is checked while they are', async t => {
  const v = createXsdValidator({ schemaDir, workers: 2, largeBytes: 1024 })
  t.teardown(() => v.close())
  const large = new TextEncoder().encode(`<a xmlns="urn:t">${'<b>1</b>'.repeat(200_000)}</a>`)
  const order: string[] = []
  const bigs = [v.validate('a.xsd', large).then(() => order.push('large')), v.validate('a.xsd', large).then(() => order.push('large'))]
  await v.validate('a.xsd', doc('1')).then(() => order.push('small'))
  await Promise.all(bigs)
  t.same(order, ['small', 'large', 'large'])
  t.equal(v.stats.workersStarted, 2, 'no worker is replaced while there is work')
})

t.test('once the validator is idle, a worker that validated a large document is replaced, to give its memory back', async t => {
  const v = createXsdValidator({ schemaDir, workers: 1, largeBytes: 1024, quietMs: 20 })
  t.teardown(() => v.close())
  const large = new TextEncoder().encode(`<a xmlns="urn:t">${'<b>1</b>'.repeat(1_000)}</a>`)
  await v.validate('a.xsd', doc('1'))
  await v.validate('a.xsd', large)
  t.equal(v.stats.workersStarted, 1)
  for (let waited = 0; v.stats.workersStarted === 1 && waited < 5_000; waited += 10) await new Promise(resolve => setTimeout(resolve, 10))
  t.equal(v.stats.workersStarted, 2)
  t.same(await v.validate('a.xsd', doc('x')).then(issues => issues.map(i => i.line)), [3], 'the new worker validates')
  await v.validate('a.xsd', doc('2'))
  await new Promise(resolve => setTimeout(resolve, 100))
  t.equal(v.stats.workersStarted, 2, 'after small documents only, it stays')
})

t.test('line numbers past 65,535 are kept', async t => {
  const v = createXsdValidator({ schemaDir, workers: 1 })
  t.teardown(() => v.close())
  const long = new TextEncoder().encode(`<a xmlns="urn:t">\n${'<b>1</b>\n'.repeat(70_000)}<b>x</b></a>`)
  t.match(await v.validate('a.xsd', long), [{ line: 70_002, message: /not a valid value/ }])
})

t.test('a document reads no file: an external entity is never loaded', async t => {
  const v = createXsdValidator({ schemaDir, workers: 1 })
  t.teardown(() => v.close())
  const secret = join(schemaDir, 'secret.xml')
  writeFileSync(secret, '<b xmlns="urn:t">4242</b>')
  const doc = new TextEncoder().encode(`<!DOCTYPE a [<!ENTITY x SYSTEM "file://${secret}">]>\n<a xmlns="urn:t">&x;</a>`)
  const issues = await v.validate('a.xsd', doc)
  t.ok(issues.length > 0, 'without the entity the document lacks its b')
  t.notMatch(JSON.stringify(issues), /4242/)
})

t.test('a document that is not well-formed gets parser errors with their lines', async t => {
  const v = createXsdValidator({ schemaDir, workers: 1 })
  t.teardown(() => v.close())
  t.match(await v.validate('a.xsd', new TextEncoder().encode('<a xmlns="urn:t">\n<b>1</c></a>')), [{ line: 2, message: /^parser error : .*mismatch/ }])
})

t.test('only the first maxIssues issues of each document are kept, however many libxml2 reports', async t => {
  const v = createXsdValidator({ schemaDir, workers: 1, maxIssues: 3 })
  t.teardown(() => v.close())
  const many = new TextEncoder().encode(`<a xmlns="urn:t">\n${'<b>x</b>\n'.repeat(10_000)}</a>`)
  const [first, second, valid] = await Promise.all([v.validate('a.xsd', many), v.validate('a.xsd', many), v.validate('a.xsd', doc('1'))])
  t.same(first!.map(i => i.line), [2, 3, 4])
  t.same(second!.map(i => i.line), [2, 3, 4], 'per document, also in one batch')
  t.same(valid, [])
})

t.test('a schema given by absolute path elsewhere includes the files beside it and those of schemaDir', async t => {
  writeFileSync(join(schemaDir, 'shared.xsd'), `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:simpleType name="Digits"><xs:restriction base="xs:string"><xs:pattern value="[0-9]+"/></xs:restriction></xs:simpleType></xs:schema>`)
  const elsewhere = mkdtempSync(join(tmpdir(), 'xsd-form-'))
  writeFileSync(join(elsewhere, 'part.xsd'), `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:complexType name="Part"><xs:sequence><xs:element name="d" type="Digits"/></xs:sequence></xs:complexType></xs:schema>`)
  writeFileSync(join(elsewhere, 'own.xsd'), `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:own" xmlns="urn:own" elementFormDefault="qualified">
  <xs:include schemaLocation="${relative(elsewhere, join(schemaDir, 'shared.xsd'))}"/><xs:include schemaLocation="part.xsd"/>
  <xs:element name="own" type="Part"/></xs:schema>`)
  const v = createXsdValidator({ schemaDir, workers: 1 })
  t.teardown(() => v.close())
  const own = (d: string) => new TextEncoder().encode(`<own xmlns="urn:own">\n<d>${d}</d></own>`)
  t.same(await v.validate(join(elsewhere, 'own.xsd'), own('42')), [])
  t.match(await v.validate(join(elsewhere, 'own.xsd'), own('4x')), [{ line: 2, message: /pattern/ }])
  t.same(await v.validate('a.xsd', doc('3')), [], 'the schemas of schemaDir still go by name')
  await t.rejects(v.validate(join(elsewhere, 'none', 'own.xsd'), own('1')), /ENOENT/, 'a missing folder fails the call')
})
