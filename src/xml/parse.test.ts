import t from 'tap'
import { parseXml, parseXmlBytes, XmlError } from './parse.js'

const kindOf = (fn: () => unknown): string | undefined => {
  try { fn() } catch (e) { return e instanceof XmlError ? e.kind : 'other' }
  return undefined
}

t.test('parses namespaces, collapsed text, lines and indexed paths', async t => {
  const doc = parseXml(`<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<p:MVP xmlns:p="urn:ehrs:sk:mvp:1" verzija="1">
  <p:Priloha>
    <p:Riadok><p:Meno>  Jana
      Mária </p:Meno></p:Riadok>
    <p:Riadok><p:Meno>A &amp; B &#x17D;<![CDATA[<x>]]></p:Meno></p:Riadok>
  </p:Priloha>
</p:MVP>`)
  t.equal(doc.root.name, 'MVP')
  t.equal(doc.root.ns, 'urn:ehrs:sk:mvp:1')
  t.same(doc.root.attributes, { verzija: '1' })
  const rows = doc.root.children[0]!.children
  t.equal(rows[1]!.path, '/MVP/Priloha/Riadok[2]')
  t.equal(rows[0]!.children[0]!.text, 'Jana Mária')
  t.equal(rows[0]!.children[0]!.line, 5)
  t.equal(rows[1]!.children[0]!.text, 'A & B Ž<x>')
  t.equal(doc.root.children[0]!.path, '/MVP/Priloha')
})

t.test('refuses a DOCTYPE, with or without entities (XXE, billion laughs)', async t => {
  t.equal(kindOf(() => parseXml('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>')), 'doctype')
  t.equal(kindOf(() => parseXml('<?xml version="1.0"?>\n<!doctype a><a/>')), 'doctype')
})

t.test('refuses undeclared entities and malformed documents', async t => {
  for (const bad of [
    '<a>&x;</a>', '<a>&#0;</a>', '<a><b></a></b>', '<a></a><b/>', '<a b="1" b="2"/>', '<a b=1/>', '<p:a/>',
    'text<a/>', '<a>', '<a/>trailing', '<a><!-- x -- y --></a>', '<a x="<"/>', '<a>]]></a>', '', '<a\u0001/>',
    '<?xml version="1.0"?><?xml version="1.0"?><a/>', '<a xmlns:p=""/>', '<a><?xml x?></a>',
  ]) t.equal(kindOf(() => parseXml(bad)), 'malformed', bad)
})

t.test('accepts only UTF-8', async t => {
  t.equal(kindOf(() => parseXml('<?xml version="1.0" encoding="ISO-8859-2"?><a/>')), 'encoding')
  t.equal(kindOf(() => parseXmlBytes(Uint8Array.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]))), 'encoding')
  t.equal(parseXmlBytes(new TextEncoder().encode('\uFEFF<a>š</a>')).root.text, 'š')
})

t.test('caps depth and attributes', async t => {
  t.equal(kindOf(() => parseXml('<a>'.repeat(100) + '</a>'.repeat(100))), 'limit')
  t.equal(kindOf(() => parseXml(`<a ${Array.from({ length: 40 }, (_, i) => `a${i}="1"`).join(' ')}/>`)), 'limit')
})

t.test('lines are counted once: a large document on one line, then line numbers after it', async t => {
  // With a rescan per element this took minutes (the test would time out); counted once it is linear.
  const oneLine = `<a>${'<b>1</b>'.repeat(200_000)}</a>`
  t.equal(parseXml(oneLine).root.children.length, 200_000)
  const doc = parseXml(`<a>${'<b/>'.repeat(1000)}\n<c/>\n\n<d/></a>`)
  t.same(doc.root.children.slice(-2).map(e => [e.name, e.line]), [['c', 2], ['d', 4]])
})
