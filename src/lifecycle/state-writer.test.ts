import t from 'tap'
import { migrateToLatest, type Db } from '../db/index.js'
import { newId } from '../lib/index.js'
import { appendStates, currentStates } from './state-writer.js'
import { testDb } from '../../test/helpers/db.js'

const at = new Date('2025-03-03T08:00:00Z')

/** Documents of two clients and employers, received a minute apart. */
async function documents(db: Db, n: number): Promise<string[]> {
  const clients = [newId(), newId()]
  for (const [i, id] of clients.entries()) {
    await db.insertInto('clients').values({ id, name: `c${i}`, tax_number: `4567813${i}`, environment: 'production', created_at: at }).execute()
  }
  const message = newId()
  await db.insertInto('message_log').values({ id: message, received_at: at, transport: 'rest', size: 0, status: 201, findings: '[]' }).execute()
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const id = newId()
    await db.insertInto('documents').values({
      id, client_id: clients[i % 2]!, environment: 'production', type: 'M1', number: `P2503${String(i).padStart(8, '0')}`, employer: `E${i % 3}`,
      received_at: new Date(at.getTime() + i * 60_000), sha256: id, size: 0, message_id: message, findings: '[]',
    }).execute()
    ids.push(id)
  }
  return ids
}

/** Each document's latest state as its history says, and as current_states says. */
async function bothViews(db: Db): Promise<{ history: unknown[]; current: unknown[] }> {
  const history = await db.selectFrom('document_states as s').innerJoin('documents as d', 'd.id', 's.document_id')
    .select(['d.id as document_id', 'd.client_id', 'd.environment', 'd.employer', 'd.received_at', 's.acceptance', 's.processing'])
    .distinctOn('s.document_id').orderBy('s.document_id').orderBy('s.id', 'desc').execute()
  const current = await db.selectFrom('current_states')
    .select(['document_id', 'client_id', 'environment', 'employer', 'received_at', 'acceptance', 'processing']).orderBy('document_id').execute()
  return { history, current }
}

t.test('each document\'s latest state is kept beside its history, with the keys the list reads it by', async t => {
  const { db } = await testDb(t)
  const [a, b, c] = await documents(db, 3)
  await appendStates(db, at, [a!, b!, c!].map(documentId => ({ documentId, acceptance: 'awaiting_first_register_check', processing: 'unprocessed', reason: 'received' })))
  // Several states of one document in one call: the last is its latest.
  await appendStates(db, at, [
    { documentId: b!, acceptance: 'accepted', processing: 'unprocessed', reason: 'register_check' },
    { documentId: a!, acceptance: 'accepted', processing: 'forwarded', reason: 'forwarded' },
    { documentId: b!, acceptance: 'not_accepted', processing: 'unprocessed', reason: 'register_check' },
    { documentId: a!, acceptance: 'accepted', processing: 'processed', reason: 'processed' },
  ])
  const { history, current } = await bothViews(db)
  t.same(current, history, 'the latest state of each, with its client, employer and receipt time')
  const states = await currentStates(db, [a!, b!, c!])
  t.same(Object.fromEntries([...states].map(([id, s]) => [id === a ? 'a' : id === b ? 'b' : 'c', s])), {
    a: { acceptance: 'accepted', processing: 'processed' },
    b: { acceptance: 'not_accepted', processing: 'unprocessed' },
    c: { acceptance: 'awaiting_first_register_check', processing: 'unprocessed' },
  })
  t.equal(await db.selectFrom('document_states').select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then(r => Number(r.n)), 7,
    'the history keeps every state')
})

t.test('migration 0017 fills the latest states of documents stored before it', async t => {
  const handle = await testDb(t, { migratedTo: '0016-documents-client' })
  const db = handle.db
  const ids = await documents(db, 4)
  // Written as the writer did before the table existed: the history alone.
  await db.insertInto('document_states').values(ids.flatMap((id, i) => [
    { document_id: id, at, acceptance: 'awaiting_first_register_check', processing: 'unprocessed', reason: 'received', findings: '[]' },
    ...(i % 2 === 0 ? [{ document_id: id, at, acceptance: 'accepted', processing: i === 0 ? 'processed' : 'forwarded', reason: 'register_check', findings: '[]' }] : []),
  ])).execute()
  await migrateToLatest(db, handle.schema)
  const { history, current } = await bothViews(db)
  t.equal(current.length, 4)
  t.same(current, history)
})
