import t from 'tap'
import { embeddedDocument } from './embedded.js'
import { parseXml, XmlError } from './parse.js'

const wrapperIn = (xml: string) => {
  const doc = parseXml(xml, undefined, { spans: true, embeddedDeclarations: true })
  const find = (el: typeof doc.root): typeof doc.root | undefined => el.name === 'document' ? el : el.children.map(find).find(Boolean)
  return { text: doc.text, wrapper: find(doc.root)! }
}

t.test('a document that declares its own namespace is taken out exactly as it stood', async t => {
  const { text, wrapper } = wrapperIn('<s:E xmlns:s="urn:s"><s:document>\n  <M1 xmlns="urn:m1" v="1">\n    <A>x &amp; y</A>\n  </M1>\n</s:document></s:E>')
  t.equal(embeddedDocument(text, wrapper), '<M1 xmlns="urn:m1" v="1">\n    <A>x &amp; y</A>\n  </M1>')
})

t.test('inherited declarations the document uses are added to its root, unused ones are not', async t => {
  const { text, wrapper } = wrapperIn('<s:E xmlns:s="urn:s" xmlns:m="urn:m1" xmlns:x="urn:unused" xmlns:t="urn:types"><s:document><m:M1 m:a="1"><m:B xsi:type="t:T" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></m:M1></s:document></s:E>')
  const out = embeddedDocument(text, wrapper)
  t.equal(out, '<m:M1 xmlns:m="urn:m1" xmlns:t="urn:types" m:a="1"><m:B xsi:type="t:T" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></m:M1>')
  t.equal(parseXml(out).root.ns, 'urn:m1')
})

t.test('an inherited default namespace is declared; one the root redeclares is not repeated', async t => {
  const inherited = wrapperIn('<s:E xmlns:s="urn:s" xmlns="urn:m1"><s:document><M1><A/></M1></s:document></s:E>')
  t.equal(embeddedDocument(inherited.text, inherited.wrapper), '<M1 xmlns="urn:m1"><A/></M1>')
  const redeclared = wrapperIn('<s:E xmlns:s="urn:s" xmlns:m="urn:m1"><s:document><m:M1 xmlns:m="urn:m1"/></s:document></s:E>')
  t.equal(embeddedDocument(redeclared.text, redeclared.wrapper), '<m:M1 xmlns:m="urn:m1"/>')
})

t.test('a pasted file keeps its declaration and leading comment; only the first thing in an element may be a declaration', async t => {
  const pasted = wrapperIn('<E><document><?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<M1 xmlns="urn:m1"/>\n</document></E>')
  t.equal(embeddedDocument(pasted.text, pasted.wrapper), '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<M1 xmlns="urn:m1"/>')
  const refusal = (xml: string, embeddedDeclarations: boolean): string | undefined => {
    try {
      parseXml(xml, undefined, { embeddedDeclarations })
      return undefined
    } catch (error) {
      return error instanceof XmlError ? error.kind : 'other'
    }
  }
  t.equal(refusal('<E><document><A/><?xml version="1.0"?></document></E>', true), 'malformed', 'not after an element')
  t.equal(refusal('<E><document><?xml version="1.0"?><M1/></document></E>', false), 'malformed', 'not without the option')
  t.equal(refusal('<E><document><?xml version="1.0" encoding="ISO-8859-2"?><M1/></document></E>', true), 'encoding', 'UTF-8 only')
})

t.test('keepDepth keeps the tree shallow and still checks everything below it', async t => {
  const xml = '<E><document><M1 xmlns="urn:m1"><A><B>x</B></A></M1></document></E>'
  const shallow = parseXml(xml, undefined, { spans: true, keepDepth: 3 })
  const root = shallow.root.children[0]!.children[0]!
  t.equal(root.name, 'M1')
  t.same(root.children, [], 'nothing below the kept depth is built')
  t.equal(embeddedDocument(shallow.text, shallow.root.children[0]!), '<M1 xmlns="urn:m1"><A><B>x</B></A></M1>')
  t.throws(() => parseXml('<E><document><M1><A><B>x</C></A></M1></document></E>', undefined, { keepDepth: 3 }), /does not match/)
  t.throws(() => parseXml('<E><document><M1><A>&bogus;</A></M1></document></E>', undefined, { keepDepth: 3 }), /character reference/)
  t.throws(() => parseXml('<E><document><M1><p:A/></M1></document></E>', undefined, { keepDepth: 3 }), /Undeclared namespace prefix/)
})
