import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../lib/index.js'
import { syntheticMvp, syntheticOfficialMvp } from '../../bench/documents.js'
import { createDocumentPool, type PooledDocument } from './document-pool.js'
import type { XmlElement } from '../xml/index.js'

const m1 = readFileSync(join(projectRoot, 'examples/si/m1.xml'))
const filingDate = '2026-12-03'

t.test('documents are parsed, judged and released off the request thread', async t => {
  const pool = createDocumentPool({ workers: 2 })
  t.teardown(() => pool.close())

  t.test('a valid M1: its form, facts and number prefix, then no errors', async t => {
    const document = await pool.identify(m1)
    t.equal(document.form.type, 'M1')
    t.match(document.facts, { employer: /^\d{8}$/ })
    t.equal(document.numberPrefix, 'P')
    t.same((await pool.validate(document, { filingDate })).filter(f => f.severity === 'error'), [])
    pool.release(document)
    await t.rejects(pool.validate(document, { filingDate }), /not held/, 'a released tree is gone from the worker')
  })

  t.test('an outline keeps only the named elements, with their paths and lines', async t => {
    const root = await pool.outline(syntheticMvp(3, '2026-10'), ['Obdobie', 'Priloha', 'Riadok', 'RodneCislo'])
    t.equal(root.name, 'MVP')
    t.same(root.children.map(c => c.name), ['Obdobie', 'Priloha'])
    t.equal(root.children[0]!.text, '2026-10')
    const rows = root.children[1]!.children
    t.same(rows.map(r => r.path), ['/MVP/Priloha/Riadok[1]', '/MVP/Priloha/Riadok[2]', '/MVP/Priloha/Riadok[3]'])
    t.ok(rows.every(r => r.children.length === 1 && r.children[0]!.name === 'RodneCislo' && /^\d{10}$/.test(r.children[0]!.text)))
  })

  t.test('the outline of a held document of ours is the outline its bytes give', async t => {
    const keep = ['Obdobie', 'Priloha', 'Riadok', 'RodneCislo', 'Icpv']
    const bytes = syntheticMvp(4, '2026-10')
    const document = await pool.identify(bytes)
    t.same(JSON.parse(await pool.outlineOf(document, keep)), await pool.outline(bytes, keep), 'identified')
    await pool.validate(document, { filingDate })
    t.same(JSON.parse(await pool.outlineOf(document, keep)), await pool.outline(bytes, keep), 'and after its check')
    pool.release(document)
    await t.rejects(pool.outlineOf(document, keep), /not held/, 'released')
  })

  t.test('so is an official report\'s, mapped from the tree it was read into, whatever its check did to the mapped one', async t => {
    const keep = ['Obdobie', 'Priloha', 'Riadok', 'RodneCislo', 'DocasneRodneCislo', 'Icpv']
    const dir = join(projectRoot, 'test/fixtures/sk/official')
    const files = [...readdirSync(join(dir, 'mvp/conversion')).map(f => join(dir, 'mvp/conversion', f)), ...readdirSync(join(dir, 'vpp')).filter(f => f.endsWith('.xml')).map(f => join(dir, 'vpp', f))]
    t.ok(files.length >= 15)
    for (const bytes of [syntheticOfficialMvp(4, '2026-10'), ...files.map(f => readFileSync(f))]) {
      const document = await pool.identify(bytes)
      // The employer an IČO-only document is bound to remaps it for the check.
      await pool.validate(document, { filingDate, employer: '2021234501' })
      const held = JSON.parse(await pool.outlineOf(document, keep)) as XmlElement
      t.same(held, await pool.outline(bytes, keep))
      pool.release(document)
    }
    const synthetic = await pool.identify(syntheticOfficialMvp(3, '2026-10'))
    t.same((JSON.parse(await pool.outlineOf(synthetic, keep)) as XmlElement).children.find(c => c.name === 'Priloha')?.children.map(r => r.path),
      ['/MVP/Priloha/Riadok[1]', '/MVP/Priloha/Riadok[2]', '/MVP/Priloha/Riadok[3]'], 'rows, with our paths')
    pool.release(synthetic)
  })

  t.test('refusals cross the thread boundary as the same problems', async t => {
    await t.rejects(pool.identify(Buffer.from('<M1 xmlns="urn:ehrs:si:m1:1">')), { code: 'XML_MALFORMED' })
    await t.rejects(pool.identify(Buffer.from('<!DOCTYPE x><x/>')), { code: 'XML_DOCTYPE_FORBIDDEN' })
    await t.rejects(pool.identify(Buffer.from('<x xmlns="urn:other"/>')), { code: 'UNKNOWN_DOCUMENT_TYPE' })
    const document = await pool.identify(m1)
    t.equal(document.form.type, 'M1', 'the pool goes on after refusals')
    pool.release(document)
  })

  t.test('large documents never take the last worker: a small one is answered while they are parsed', async t => {
    const large = syntheticMvp(5_000, '2026-10')
    const order: string[] = []
    const done = (name: string) => (d: PooledDocument) => { order.push(name); pool.release(d) }
    const bigs = [pool.identify(large).then(done('large')), pool.identify(large).then(done('large'))]
    await pool.identify(m1).then(done('small'))
    await Promise.all(bigs)
    t.same(order, ['small', 'large', 'large'])
  })
})

t.test('a worker whose schema check read a large document is replaced once the pool is idle and it holds no document', async t => {
  const pool = createDocumentPool({ workers: 1, largeBytes: 1024, quietMs: 20 })
  t.teardown(() => pool.close())
  const settle = () => new Promise(resolve => setTimeout(resolve, 100))
  const small = await pool.identify(m1)
  t.same((await pool.validate(small, { filingDate })).filter(f => f.severity === 'error'), [])
  pool.release(small)
  await settle()
  t.equal(pool.stats.workersStarted, 1, 'after a small document, the worker stays')

  const large = await pool.identify(syntheticMvp(200, '2026-10'))
  const other = await pool.identify(m1)
  t.ok(large.bytes.byteLength > 1024)
  t.same((await pool.validate(large, { filingDate })).filter(f => f.severity === 'error'), [])
  pool.release(large)
  await settle()
  t.equal(pool.stats.workersStarted, 1, 'not while it holds a document')
  t.same((await pool.validate(other, { filingDate })).filter(f => f.severity === 'error'), [], 'which it still judges')
  pool.release(other)
  for (let waited = 0; pool.stats.workersStarted === 1 && waited < 5_000; waited += 10) await new Promise(resolve => setTimeout(resolve, 10))
  t.equal(pool.stats.workersStarted, 2, 'replaced once it holds none')
  const again = await pool.identify(m1)
  t.same((await pool.validate(again, { filingDate })).filter(f => f.severity === 'error'), [], 'the new worker checks documents')
  pool.release(again)
})

t.test('a grown worker is still replaced when the pool was busy with other work as the quiet time ran out', async t => {
  const pool = createDocumentPool({ workers: 1, largeBytes: 1024, quietMs: 20 })
  t.teardown(() => pool.close())
  const large = await pool.identify(syntheticMvp(200, '2026-10'))
  await pool.validate(large, { filingDate })
  pool.release(large)
  // An outline (the register check's read) keeps the pool busy past the quiet time, and neither validates nor releases.
  const outlined = await pool.outline(syntheticMvp(20_000, '2026-10'), ['Obdobie'])
  t.equal(outlined.name, 'MVP')
  t.equal(pool.stats.workersStarted, 1)
  for (let waited = 0; pool.stats.workersStarted === 1 && waited < 5_000; waited += 10) await new Promise(resolve => setTimeout(resolve, 10))
  t.equal(pool.stats.workersStarted, 2, 'replaced once the pool is idle')
})

t.test('one worker serves every document, large or small', async t => {
  const pool = createDocumentPool({ workers: 1, largeBytes: 10 })
  t.teardown(() => pool.close())
  const document = await pool.identify(m1)
  t.equal(document.form.type, 'M1')
  pool.release(document)
})

t.test('closing fails the work still waiting, and nothing more is taken', async t => {
  const pool = createDocumentPool({ workers: 1 })
  const pending = t.rejects(pool.identify(syntheticMvp(2_000, '2026-10')), /closed/)
  await pool.close()
  await pending
  await t.rejects(pool.identify(m1), /closed/)
})
