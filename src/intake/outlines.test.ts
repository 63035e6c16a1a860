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

const element = (name: string): XmlElement => ({ name, ns: '', path: `/${name}`, line: 1, attributes: {}, children: [], text: '' })

const outline = (name: string): Promise<string> => Promise.resolve(JSON.stringify(element(name)))

t.test('an outline is taken once, as the element it was', async t => {
  const handoff = createOutlineHandoff()
  handoff.reserve(100)!.put('a', outline('MVP'))
  t.equal(handoff.take('b'), undefined, 'none was put')
  t.same(await handoff.take('a'), element('MVP'))
  t.equal(handoff.take('a'), undefined, 'a repeated check reads the report')
})

t.test('room is reserved by submission size: a later report gets none, an earlier one keeps its place', async t => {
  const handoff = createOutlineHandoff({ maxBytes: 1000 })
  const first = handoff.reserve(600)!
  t.equal(handoff.reserve(600), undefined, 'no room while the first is reserved, before its outline exists')
  first.put('first', outline('MVP'))
  t.equal(handoff.reserve(401), undefined)
  t.match(await handoff.take('first'), { name: 'MVP' })
  const third = handoff.reserve(1000)!
  t.ok(third, 'taking one gives its room back')
  third.cancel()
  t.ok(handoff.reserve(1000), 'so does a document that was not stored')
  t.equal(handoff.reserve(1), undefined)
  t.equal(createOutlineHandoff({ maxBytes: 1000 }).reserve(1001), undefined, 'larger than the bound')
})

t.test('a ticket keeps one outline: a second put or a cancel after the put changes nothing', async t => {
  const handoff = createOutlineHandoff({ maxBytes: 1000 })
  const ticket = handoff.reserve(1000)!
  ticket.put('a', outline('MVP'))
  ticket.put('b', outline('VPP'))
  ticket.cancel()
  t.equal(handoff.reserve(1), undefined, 'the room stays taken')
  t.equal(handoff.take('b'), undefined)
  t.match(await handoff.take('a'), { name: 'MVP' })
  t.ok(handoff.reserve(1000))
})

t.test('an outline that could not be taken is none; one not taken in time is dropped, its room given back', async t => {
  const handoff = createOutlineHandoff({ maxBytes: 1000, maxAgeMs: 10 })
  handoff.reserve(10)!.put('failed', Promise.resolve(undefined))
  t.equal(await handoff.take('failed'), undefined)
  handoff.reserve(1000)!.put('late', outline('MVP'))
  await new Promise(resolve => setTimeout(resolve, 30))
  t.equal(handoff.take('late'), undefined)
  t.ok(handoff.reserve(1000))
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
  const summaryOf = async (id: string) => (await getDocumentView(handle.db, caller, id, filingDay)).findings.find(f => f.code === 'SK-MVP-024' || f.code === 'SK-MVP-025')
  t.match(await summaryOf(official.view.id), { path: '/mvpp/priloha', line: Number }, 'so does the summary: at the attachment as filed')
  t.match(await summaryOf(view.id), { path: '/MVP/Priloha', line: 15 }, 'in a report of ours, with its line (its repeated check read it back)')
  await services.lifecycle.requestRegisterCheck(caller, official.view.id)
  const repeatedOfficial = await checked(official.view.id)
  t.equal(readBack, 1)
  t.same(repeatedOfficial.filter(f => f.startsWith('SK-MVP-020')), firstOfficial.filter(f => f.startsWith('SK-MVP-020')), 'the stored report read back finds the same, at the same places')
})
