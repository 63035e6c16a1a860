import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { createSchemaChecker } from './xsd.js'

const schemaDir = mkdtempSync(join(tmpdir(), 'xsd-'))
writeFileSync(join(schemaDir, 'a.xsd'), `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
  <xs:element name="a"><xs:complexType><xs:sequence><xs:element name="b" type="xs:int" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element></xs:schema>`)
const doc = (b: string) => new TextEncoder().encode(`<a xmlns="urn:t">\n<b>1</b>\n<b>${b}</b></a>`)

t.test('each document gets its own issues; a schema compiled once serves every later one', async t => {
  const v = await createSchemaChecker({ schemaDir })
  for (let i = 0; i < 30; i++) {
    if (i % 3 === 0) t.match(v.check('a.xsd', doc('x')), [{ line: 3, message: /not a valid value/ }], `doc ${i} invalid on line 3`)
    else t.same(v.check('a.xsd', doc(String(i))), [], `doc ${i} valid`)
  }
})

t.test('a broken schema throws, and the checker keeps working', async t => {
  writeFileSync(join(schemaDir, 'broken.xsd'), '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="nope"/></xs:schema>')
  const v = await createSchemaChecker({ schemaDir })
  t.throws(() => v.check('broken.xsd', doc('1')), /schema .*broken.xsd does not compile/)
  t.same(v.check('a.xsd', doc('2')), [])
})

t.test('line numbers past 65,535 are kept', async t => {
  const v = await createSchemaChecker({ schemaDir })
  const long = new TextEncoder().encode(`<a xmlns="urn:t">\n${'<b>1</b>\n'.repeat(70_000)}<b>x</b></a>`)
  t.match(v.check('a.xsd', long), [{ line: 70_002, message: /not a valid value/ }])
})

t.test('a document reads no file: an external entity is never loaded', async t => {
  const v = await createSchemaChecker({ schemaDir })
  const secret = join(schemaDir, 'secret.xml')
  writeFileSync(secret, '<b xmlns="urn:t">4242</b>')
  const doc = new TextEncoder().encode(`<!DOCTYPE a [<!ENTITY x SYSTEM "file://${secret}">]>\n<a xmlns="urn:t">&x;</a>`)
  const issues = v.check('a.xsd', doc)
  t.ok(issues.length > 0, 'without the entity the document lacks its b')
  t.notMatch(JSON.stringify(issues), /4242/)
})

t.test('a document that is not well-formed gets parser errors with their lines', async t => {
  const v = await createSchemaChecker({ schemaDir })
  t.match(v.check('a.xsd', new TextEncoder().encode('<a xmlns="urn:t">\n<b>1</c></a>')), [{ line: 2, message: /^parser error : .*mismatch/ }])
})

t.test('only the first maxIssues issues of each document are kept, however many libxml2 reports', async t => {
  const v = await createSchemaChecker({ schemaDir, maxIssues: 3 })
  const many = new TextEncoder().encode(`<a xmlns="urn:t">\n${'<b>x</b>\n'.repeat(10_000)}</a>`)
  t.same(v.check('a.xsd', many).map(i => i.line), [2, 3, 4])
  t.same(v.check('a.xsd', many).map(i => i.line), [2, 3, 4], 'per document')
  t.same(v.check('a.xsd', doc('1')), [])
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
  const v = await createSchemaChecker({ schemaDir })
  const own = (d: string) => new TextEncoder().encode(`<own xmlns="urn:own">\n<d>${d}</d></own>`)
  t.same(v.check(join(elsewhere, 'own.xsd'), own('42')), [])
  t.match(v.check(join(elsewhere, 'own.xsd'), own('4x')), [{ line: 2, message: /pattern/ }])
  t.same(v.check('a.xsd', doc('3')), [], 'the schemas of schemaDir still go by name')
  t.throws(() => v.check(join(elsewhere, 'none', 'own.xsd'), own('1')), /ENOENT/, 'a missing folder fails the call')
})
