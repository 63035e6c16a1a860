import t from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hostileCorpus } from '../../test/fixtures/hostile/generate.js'
import { defaultLimits, parseXml, parseXmlBytes, XmlError, type XmlLimits } from './parse.js'

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

const range = (n: number, each: (i: number) => string): string => Array.from({ length: n }, (_, i) => each(i)).join('')

/** Each limit with a document builder: the document at `n` has n of what the limit counts. */
const limitCases: [keyof XmlLimits, (n: number) => string, RegExp][] = [
  ['maxDepth', n => '<a>'.repeat(n) + '</a>'.repeat(n), /^Elements nested deeper than 64 \(line 1\)$/],
  ['maxAttributes', n => `<a xmlns:p="urn:p"${range(n, i => ` p:a${i}="1"`)}/>`, /^More than 64 attributes on one element/],
  ['maxNamespaceDeclarations', n => `<a${range(n, i => ` xmlns:p${i}="urn:p"`)}/>`, /^More than 32 namespace declarations on one element/],
  ['maxNamespacesInScope', n => `<a${range(32, i => ` xmlns:p${i}="urn:p"`)}><b${range(31, i => ` xmlns:q${i}="urn:q"`)}><c${range(n - 63, i => ` xmlns:r${i}="urn:r"`)}/></b></a>`,
    /^More than 64 namespace prefixes in scope at one element/],
  ['maxNameLength', n => `<a ${'b'.repeat(n)}="1"/>`, /^A name longer than 256 characters/],
  ['maxAttributeLength', n => `<a b="${'&amp;'.repeat(n / 5)}${'x'.repeat(n % 5)}"/>`, /^An attribute value longer than 65,536 characters/],
  ['maxTextLength', n => `<a>\n  <b/>${'x'.repeat(n - 11)}<![CDATA[12345]]><!-- c -->12345\n</a>`, /^More than 1,048,576 characters of text in one element/],
  ['maxChildren', n => `<a>${'<b/>'.repeat(n)}</a>`, /^More than 100,000 child elements in one element/],
  ['maxElements', n => `<a>${`<b>${'<c/>'.repeat(999)}</b>`.repeat((n - 1) / 1000)}</a>`, /^More than 2,000,000 elements in the document/],
]

t.test('each limit: a document at the limit parses, one past it is refused naming the limit', async t => {
  for (const [limit, build, detail] of limitCases) {
    const n = defaultLimits[limit]
    t.doesNotThrow(() => parseXml(build(limit === 'maxElements' ? n - 999 : n)), `${limit} ${n} is allowed`)
    const over = limit === 'maxElements' ? n + 1001 : n + 1
    const error = (() => { try { parseXml(build(over)) } catch (e) { return e } })()
    t.ok(error instanceof XmlError && error.kind === 'limit', `${limit} ${over} is a limit breach`)
    t.match((error as Error).message, detail)
  }
})

t.test('limits are checked while reading: a breach is found before what follows it is read', async t => {
  // The rest is malformed: had the parser read on, the error would be a different one.
  t.equal(kindOf(() => parseXml(`<a${range(33, i => ` xmlns:p${i}="urn:p"`)} <<<`)), 'limit')
  t.equal(kindOf(() => parseXml(`<a>${'<b/>'.repeat(100_001)}<<<`)), 'limit')
  t.equal(kindOf(() => parseXml(`<a ${'b'.repeat(300)}<<<`)), 'limit')
  t.equal(kindOf(() => parseXml(`<a>${'x'.repeat(1024 * 1024 + 1)}&bogus;</a>`)), 'limit')
  t.equal(kindOf(() => parseXml(`<a>${'x'.repeat(10)}</a>`, { ...defaultLimits, maxTextLength: 9 })), 'limit', 'limits can be given')
})

t.test('whitespace between elements is not text: a pretty-printed element of many children stays within the text limit', async t => {
  const doc = parseXml(`<a>${'\n        <b/>'.repeat(100_000)}\n</a>`, { ...defaultLimits, maxTextLength: 10 })
  t.equal(doc.root.children.length, 100_000)
  t.equal(doc.root.text, '')
})

t.test('whitespace between tags separates the text around it as one space, as the collapsed text of the whole would', async t => {
  const texts = (xml: string): string[] => { const { root } = parseXml(xml); return [root.text, ...root.children.map(c => c.text)] }
  t.same(texts('<a>x\n  <!-- c -->\t \n y</a>'), ['x y'])
  t.same(texts('<a>x<b> in </b>\n  y </a>'), ['x y', 'in'])
  t.same(texts('<a>\n  <b/>\n  x\n  <b/>\n</a>'), ['x', '', ''])
  t.same(texts('<a><![CDATA[ ]]>\n  <![CDATA[x]]>  <![CDATA[ y ]]>\n</a>'), ['x y'])
  t.same(texts('<a>&#32;<b/> &#x9;x</a>'), ['x', ''])
  t.same(texts('<a>x<!--c-->y</a>'), ['xy'], 'no whitespace, no space')
})

t.test('namespace scopes: shadowing, undeclaring the default, prefixed attributes, xml:', async t => {
  const doc = parseXml(`<r xmlns="urn:d" xmlns:p="urn:p1">
    <p:a p:x="1" xml:lang="sl">
      <p:b xmlns:p="urn:p2" p:y="2"><c/></p:b>
      <p:c/>
    </p:a>
    <d xmlns=""><e/><p:f/></d>
    <g/>
  </r>`)
  const [a, d, g] = doc.root.children
  t.equal(doc.root.ns, 'urn:d')
  t.same([a!.ns, a!.attributes], ['urn:p1', { '{urn:p1}x': '1', '{http://www.w3.org/XML/1998/namespace}lang': 'sl' }])
  const [b, c] = a!.children
  t.same([b!.ns, b!.attributes, b!.children[0]!.ns], ['urn:p2', { '{urn:p2}y': '2' }, 'urn:d'], 'an inner declaration shadows the outer one')
  t.equal(c!.ns, 'urn:p1', 'and ends with its element')
  t.same([d!.ns, d!.children[0]!.ns, d!.children[1]!.ns], ['', '', 'urn:p1'], 'xmlns="" undeclares the default namespace')
  t.equal(g!.ns, 'urn:d', 'the default namespace is back after it')
  t.equal(kindOf(() => parseXml('<a><b xmlns:p="urn:p"/><p:c/></a>')), 'malformed', 'a prefix is out of scope after its element')
  t.equal(kindOf(() => parseXml('<a xmlns:p="urn:p" xmlns:q="urn:p" p:x="1" q:x="2"/>')), 'malformed', 'the same expanded attribute twice')
  t.equal(kindOf(() => parseXml('<a xmlns:xml="urn:other"/>')), 'malformed', 'xml is bound once and for all')
  t.equal(parseXml('<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="sk"/>').root.attributes['{http://www.w3.org/XML/1998/namespace}lang'], 'sk')
})

t.test('spans record every prefix in scope, in declaration order, inner ones shadowing', async t => {
  const doc = parseXml('<r xmlns:s="urn:s" xmlns="urn:d"><s:a xmlns:t="urn:t"><b xmlns:s="urn:s2" xmlns=""/><c/></s:a></r>', undefined, { spans: true })
  const a = doc.root.children[0]!
  const [b, c] = a.children
  t.same([...a.span!.inScope], [['xml', 'http://www.w3.org/XML/1998/namespace'], ['s', 'urn:s'], ['', 'urn:d'], ['t', 'urn:t']])
  t.same([...b!.span!.inScope], [['xml', 'http://www.w3.org/XML/1998/namespace'], ['s', 'urn:s2'], ['', ''], ['t', 'urn:t']])
  t.same(b!.span!.declares, ['s', ''])
  t.same([...c!.span!.inScope], [...a.span!.inScope], 'an element that declares nothing has its parent\'s scope')
  t.same(c!.span!.declares, [])
  t.equal(parseXml('<a/>').root.span, undefined, 'no spans unless asked for')
})

t.test('lines are counted once: a large document on one line, then line numbers after it', async t => {
  // With a rescan per element this took minutes (the test would time out); counted once it is linear.
  const oneLine = `<a>${'<b>1</b>'.repeat(100_000)}</a>`
  t.equal(parseXml(oneLine).root.children.length, 100_000)
  const doc = parseXml(`<a>${'<b/>'.repeat(1000)}\n<c/>\n\n<d/></a>`)
  t.same(doc.root.children.slice(-2).map(e => [e.name, e.line]), [['c', 2], ['d', 4]])
})

t.test('the hostile corpus: each document is refused naming its limit, or parses and is left to the schema', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const { file, path, expected } of hostileCorpus(dir)) {
    const bytes = readFileSync(path)
    if (expected.code !== 'XML_MALFORMED') {
      t.doesNotThrow(() => parseXmlBytes(bytes), `${file} is well-formed and within the limits`)
      continue
    }
    const error = (() => { try { parseXmlBytes(bytes) } catch (e) { return e } })()
    t.ok(error instanceof XmlError && error.kind === 'limit', `${file} is refused by a limit`)
    t.match((error as Error).message, expected.detail, file)
  }
})

t.test('keepNames: only the named elements under kept parents are built, with the paths and lines of the whole tree', async t => {
  const xml = `<r:MVP xmlns:r="urn:ehrs:sk:mvp:1">
  <r:Obdobie>2026-10</r:Obdobie>
  <r:Priloha>
    <r:Riadok><r:Meno>A</r:Meno><r:RodneCislo>1</r:RodneCislo></r:Riadok>
    <r:Riadok><r:Meno>B</r:Meno><r:RodneCislo>2</r:RodneCislo><r:Priloha><r:RodneCislo>3</r:RodneCislo></r:Priloha></r:Riadok>
  </r:Priloha>
  <r:Meno><r:Riadok/></r:Meno>
</r:MVP>`
  const asked: unknown[] = []
  const keep = new Set(['Obdobie', 'Priloha', 'Riadok', 'RodneCislo'])
  const { root } = parseXml(xml, undefined, { keepNames: r => { asked.push(r); return keep } })
  t.same(asked, [{ ns: 'urn:ehrs:sk:mvp:1', name: 'MVP' }], 'asked once, of the root')
  const full = parseXml(xml).root
  const flat = (el: typeof root): string[] => [`${el.path}@${el.line}=${el.text}`, ...el.children.flatMap(flat)]
  const fullKept = (el: typeof root, top = true): string[] =>
    top || keep.has(el.name) ? [`${el.path}@${el.line}=${el.text}`, ...el.children.flatMap(c => fullKept(c, false))] : []
  t.same(flat(root), fullKept(full), 'the kept part of the whole tree, paths, lines and text alike')
  t.same(flat(root).map(s => s.split('@')[0]), [
    '/MVP', '/MVP/Obdobie', '/MVP/Priloha', '/MVP/Priloha/Riadok[1]', '/MVP/Priloha/Riadok[1]/RodneCislo',
    '/MVP/Priloha/Riadok[2]', '/MVP/Priloha/Riadok[2]/RodneCislo', '/MVP/Priloha/Riadok[2]/Priloha', '/MVP/Priloha/Riadok[2]/Priloha/RodneCislo',
  ], 'a named element under one not kept (Meno/Riadok) is not kept')
  t.same(flat(parseXml(xml, undefined, { keepNames: () => undefined }).root), flat(full), 'undefined keeps every element')
})

t.test('keepNames: elements not kept are checked as strictly, limits included', async t => {
  const keepNone = { keepNames: () => new Set<string>() }
  t.equal(kindOf(() => parseXml('<a><b><c></b></c></a>', undefined, keepNone)), 'malformed')
  t.equal(kindOf(() => parseXml('<a><b x="1" x="2"/></a>', undefined, keepNone)), 'malformed')
  t.equal(kindOf(() => parseXml('<a><p:b/></a>', undefined, keepNone)), 'malformed', 'an undeclared prefix')
  t.equal(kindOf(() => parseXml(`<a>${'<b>'.repeat(70)}${'</b>'.repeat(70)}</a>`, undefined, keepNone)), 'limit')
  t.same(parseXml('<a><b>text</b></a>', undefined, keepNone).root.children, [])
})

t.test('a document of thousands of distinct names keeps each name, and a leaf has no children to add to', async t => {
  const names = Array.from({ length: 5_000 }, (_, i) => `n${i}`)
  const { root } = parseXml(`<a>${names.map(n => `<${n}>${n}</${n}>`).join('')}<n7>again</n7></a>`)
  t.same(root.children.map(c => c.name), [...names, 'n7'])
  t.ok(root.children.every(c => c.text === c.name || c.text === 'again'))
  t.same(root.children[0]!.children, [])
  t.throws(() => root.children[0]!.children.push(root), TypeError, 'parsed leaves share one frozen empty list')
})
