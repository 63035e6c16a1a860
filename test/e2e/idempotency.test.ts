import t from 'tap'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'
import { at, envelope, readAnswer, soapCall } from '../helpers/soap.js'
import type { Pem } from '../../src/pki/index.js'

/**
 * SPEC.md §4: one Idempotency-Key means one outcome, whatever the order in which a client repeats bytes and keys.
 * Each story files the documents A and B (other bytes, same employer) with or without keys, and expects for
 * every step `201 A` (a new document, called A from then on), `200 A` (the repeat of A) or `409`. X is an invalid
 * document (`422`): a refusal binds no key.
 */
type Doc = 'A' | 'B' | 'X'
type Step = readonly [doc: Doc, key: string | null, expected: string]

const stories: Record<string, readonly Step[]> = {
  'neither bytes nor key repeated': [['A', null, '201 A'], ['B', null, '201 B'], ['A', null, '200 A'], ['B', null, '200 B']],
  'the key first, then the bytes alone': [['A', 'k1', '201 A'], ['A', null, '200 A'], ['A', 'k1', '200 A'], ['B', 'k1', '409']],
  'the bytes first, then with a key: the key is bound on the repeat': [
    ['A', null, '201 A'], ['A', 'k1', '200 A'], ['B', 'k1', '409'], ['A', 'k1', '200 A'], ['B', null, '201 B'], ['B', 'k1', '409'],
  ],
  'the key reused for other bytes first': [
    ['A', 'k1', '201 A'], ['B', 'k1', '409'], ['B', null, '201 B'], ['B', 'k1', '409'], ['B', 'k2', '200 B'], ['A', 'k2', '409'], ['A', 'k1', '200 A'],
  ],
  'two keys for one document': [['A', 'k1', '201 A'], ['A', 'k2', '200 A'], ['A', 'k1', '200 A'], ['B', 'k2', '409'], ['B', 'k3', '201 B'], ['A', 'k3', '409']],
  'a refused request binds no key': [
    ['X', 'k1', '422'], ['A', 'k1', '201 A'], ['X', 'k1', '409'], ['B', 'k1', '409'], ['B', 'k2', '201 B'], ['A', 'k2', '409'],
  ],
}

const pki = testPki()
const basic = fixture('si/m1/valid-basic.xml').toString('utf8')
/** Another document of the same employer: the same M1 under another external id; X starts its insurance on 31 February. */
const documentOf = (doc: Doc, story: number): string => {
  const body = basic.replace('HR-2025-0117', `HR-${story}-${doc}`)
  return doc === 'X' ? body.replace('2025-03-03', '2025-02-31') : body
}

interface Outcome { status: number; id?: string; duplicateOf?: string; code?: string }

type Submit = (gw: TestGateway, as: Pem, body: string, key: string | null) => Promise<Outcome>

const transports: Record<string, Submit> = {
  REST: async (gw, as, body, key) => {
    const res = await gw.call({ path: '/api/v1/documents', as, body, headers: { ...xmlHeaders, ...(key !== null ? { 'idempotency-key': key } : {}) } })
    return { status: res.status, id: res.json.id, duplicateOf: res.json.duplicateOf, code: res.json.code }
  },
  SOAP: async (gw, as, body, key) => {
    const keyElement = key !== null ? `<e:idempotencyKey>${key}</e:idempotencyKey>` : ''
    const answer = readAnswer((await soapCall(gw, as, envelope('SubmitDocument', `<e:document>${body}</e:document>${keyElement}`))).text)
    if (answer.fault) return { status: answer.fault.problem.status, code: answer.fault.problem.code }
    const duplicateOf = at(answer.element, 'document', 'duplicateOf')
    return { status: duplicateOf ? 200 : 201, id: at(answer.element, 'document', 'id')!, ...(duplicateOf ? { duplicateOf } : {}) }
  },
}

const PRIMER = '45678138'
const refusals: Record<string, string> = { 409: '409 IDEMPOTENCY_KEY_REUSED', 422: '422 DOCUMENT_INVALID' }

for (const [transport, submit] of Object.entries(transports)) {
  t.test(`every order of repeated bytes and keys over ${transport}`, async t => {
    const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h' } })
    const as = pki.client
    await gw.register(as, { taxNumber: PRIMER })
    let story = 0
    for (const [title, steps] of Object.entries(stories)) {
      story++
      const ids = new Map<string, string>()
      const seen: string[] = []
      for (const [doc, key] of steps) {
        // The stories share a client: each has keys of its own.
        const outcome = await submit(gw, as, documentOf(doc, story), key === null ? null : `${story}-${key}`)
        const id = outcome.duplicateOf ?? outcome.id
        if (outcome.status === 201) ids.set(doc, id!)
        seen.push(outcome.status >= 400 ? `${outcome.status} ${outcome.code}` : `${outcome.status} ${[...ids].find(([, v]) => v === id)?.[0] ?? id}`)
      }
      t.same(seen, steps.map(([, , expected]) => refusals[expected] ?? expected), title)
    }

    // Keys are per client: another installation of the same company uses the same key for its own filing.
    await gw.register(pki.otherClient, { taxNumber: PRIMER })
    const mine = await submit(gw, as, documentOf('A', 100), 'shared')
    const theirs = await submit(gw, pki.otherClient, documentOf('B', 100), 'shared')
    t.same([mine.status, theirs.status], [201, 201], 'one key, two clients, two documents')

    // Two requests with one key and other bytes at once: one document, and the other is refused.
    const raced = await Promise.all([submit(gw, as, documentOf('A', 101), 'raced'), submit(gw, as, documentOf('B', 101), 'raced')])
    t.same(raced.map(r => r.status).sort(), [201, 409], 'racing with one key: one 201, one 409')
    const winner = raced.findIndex(r => r.status === 201)
    const again = await Promise.all((['A', 'B'] as const).map(doc => submit(gw, as, documentOf(doc, 101), 'raced')))
    t.same(again.map(r => r.status), winner === 0 ? [200, 409] : [409, 200], 'and the key stays with the winner')
  })
}
