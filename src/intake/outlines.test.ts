import t from 'tap'
import { loadConfig } from '../config.js'
import { createServices } from '../services.js'
import { addClient } from '../operator/index.js'
import type { Caller } from '../identity/index.js'
import { currentStates } from '../lifecycle/index.js'
import { getDocumentView } from '../documents/index.js'
import type { XmlElement } from '../xml/index.js'
import { createOutlineHandoff } from './outlines.js'
import { testDb } from '../../test/helpers/db.js'
import { testWorkers } from '../../test/helpers/gateway.js'
import { testPki } from '../../test/helpers/pki.js'
import { fixture } from '../../test/helpers/paths.js'
import { syntheticOfficialMvp } from '../../bench/documents.js'

const outline = (name: string): XmlElement => ({ name, ns: '', path: `/${name}`, line: 1, attributes: {}, children: [], text: '' })

t.test('an outline is taken once', async t => {
  const handoff = createOutlineHandoff()
  handoff.put('a', Promise.resolve(outline('MVP')), 100)
  t.equal(handoff.take('b'), undefined, 'none was put')
  t.match(await handoff.take('a'), { name: 'MVP' })
  t.equal(handoff.take('a'), undefined, 'a repeated check reads the report')
})

t.test('the kept submissions are bounded by their sizes: a later one is not kept, an earlier one stays', async t => {
  const handoff = createOutlineHandoff({ maxBytes: 1000 })
  handoff.put('first', Promise.resolve(outline('MVP')), 600)
  handoff.put('second', Promise.resolve(outline('VPP')), 600)
  t.equal(handoff.take('second'), undefined)
  t.match(await handoff.take('first'), { name: 'MVP' })
  handoff.put('third', Promise.resolve(outline('VPP')), 1000)
  t.match(await handoff.take('third'), { name: 'VPP' }, 'taking one makes room')
  handoff.put('huge', Promise.resolve(outline('MVP')), 1001)
  t.equal(handoff.take('huge'), undefined, 'larger than the bound')
})

t.test('an outline not taken in time is dropped, and its room given back', async t => {
  const handoff = createOutlineHandoff({ maxBytes: 1000, maxAgeMs: 10 })
  handoff.put('late', Promise.resolve(outline('MVP')), 1000)
  await new Promise(resolve => setTimeout(resolve, 30))
  t.equal(handoff.take('late'), undefined)
  handoff.put('next', Promise.resolve(outline('VPP')), 1000)
  t.match(await handoff.take('next'), { name: 'VPP' })
})

t.test('a report\'s first register check uses the outline intake took; a repeated check reads the stored report', async t => {
  const pki = testPki()
  const filingDay = new Date('2025-04-15T09:00:00Z')
  const handle = await testDb(t)
  const shared = testWorkers()
  let readBack = 0
  const documents = { ...shared.documents, stats: shared.documents.stats, outline: (bytes: Uint8Array, keep: readonly string[]) => { readBack++; return shared.documents.outline(bytes, keep) } }
  const services = createServices(loadConfig({ LOG_LEVEL: 'silent', TEST_FORWARD_DELAY: '0s', TEST_RECHECK_DELAY: '0s' }), handle, { now: () => filingDay }, {
    workers: { documents, close: async () => {} }, signing: { certPem: pki.signing.cert, keyPem: pki.signing.key },
  })
  t.teardown(() => services.close())
  const { id: clientId, fingerprint } = await addClient(handle.db, { name: 'Mzdy', taxNumber: '2021234501', environment: 'test', certPem: pki.client.cert }, filingDay)
  const caller: Caller = { clientId, name: 'Mzdy', taxNumber: '2021234501', environment: 'test', role: 'filer', fingerprint, software: null }
  const checked = async (id: string) => {
    await services.lifecycle.timers.runDue()
    t.equal((await currentStates(handle.db, [id])).get(id)?.acceptance, 'not_accepted_registration_errors')
    return (await getDocumentView(handle.db, caller, id, filingDay)).findings.map(f => `${f.code} ${f.path}`)
  }

  const { status, view } = await services.intake.submit({ caller, transport: 'rest', bytes: fixture('sk/mvp/valid-basic.xml'), contentType: 'application/xml' })
  t.equal(status, 201)
  const first = await checked(view.id)
  t.equal(readBack, 0, 'the first check read no report back')
  t.ok(first.includes('SK-MVP-020 /MVP/Priloha/Riadok/RodneCislo'), 'Jana has no relationship')

  await services.lifecycle.requestRegisterCheck(caller, view.id)
  const repeated = await checked(view.id)
  t.equal(readBack, 1, 'the repeated check read the stored report')
  t.same(repeated.filter(f => f.startsWith('SK-MVP-020')), first.filter(f => f.startsWith('SK-MVP-020')), 'and found the same')

  // The same in Sociálna poisťovňa's own format: the outline is mapped from the official tree intake read.
  const official = await services.intake.submit({ caller, transport: 'rest', bytes: syntheticOfficialMvp(3, '2025-02'), contentType: 'application/xml' })
  t.equal(official.status, 201)
  readBack = 0
  const firstOfficial = await checked(official.view.id)
  t.equal(readBack, 0, 'an official report\'s first check read none back either')
  t.same(firstOfficial.filter(f => f.startsWith('SK-MVP-020')).length, 3, 'no person of the three has a relationship')
  t.ok(firstOfficial.filter(f => f.startsWith('SK-MVP-020')).every(f => f.includes(' /mvpp/')), 'its rows\' findings point into the official document')
  await services.lifecycle.requestRegisterCheck(caller, official.view.id)
  const repeatedOfficial = await checked(official.view.id)
  t.equal(readBack, 1)
  t.same(repeatedOfficial.filter(f => f.startsWith('SK-MVP-020')), firstOfficial.filter(f => f.startsWith('SK-MVP-020')), 'the stored report read back finds the same, at the same places')
})
