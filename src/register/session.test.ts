import t from 'tap'
import { newId } from '../lib/index.js'
import { testDb } from '../../test/helpers/db.js'
import { RegisterSession } from './session.js'

t.test('a flush writes more rows than one statement can carry (65,535 parameters)', async t => {
  const { db } = await testDb(t)
  const at = new Date('2026-01-05T08:00:00Z')
  const persons = 6_000
  await db.transaction().execute(async trx => {
    const session = await RegisterSession.loadEmployers(trx, 'SK', [{ environment: 'test', employer: '2021234501' }])
    for (let i = 0; i < persons; i++) {
      session.insert({
        id: newId(), environment: 'test', country: 'SK', employer: '2021234501', person: String(8_000_000_000 + i * 11), kind: 'relationship',
        insurance_key: { TypZamestnanca: 'ZEC' }, start_date: '2026-01-01', end_date: null, status: 'open', data: {}, created_at: at,
      })
    }
    await session.flush()
  })
  const { n } = await db.selectFrom('insurances').select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(n), persons)
})

t.test('loaded rows are the stored rows, whole and typed as a row-by-row select gives them, by employer or by person', async t => {
  const { db } = await testDb(t)
  const row = (id: string, person: string, employer: string, end: string | null) => ({
    id, environment: 'test', country: 'SK', employer, person, kind: 'RLFO', insurance_key: { TypZamestnanca: 'ZEC', nested: { n: 1 } },
    start_date: '2026-01-01', end_date: end, status: end ? 'closed' as const : 'open' as const,
    data: { Icpv: '7', text: 'Ž "quoted" \\ line\nbreak' }, created_at: new Date('2026-01-05T08:00:00.123Z'),
  })
  const stored = [row('b', '8001', '2021234501', null), row('a', '8002', '2021234501', '2026-03-31'), row('c', '8003', '2029999999', null)]
  await db.insertInto('insurances').values(stored.map(r => ({ ...r, insurance_key: JSON.stringify(r.insurance_key), data: JSON.stringify(r.data) }))).execute()
  const plain = await db.selectFrom('insurances').selectAll().where('employer', '=', '2021234501').orderBy('id').execute()
  await db.transaction().execute(async trx => {
    const byEmployer = await RegisterSession.loadEmployers(trx, 'SK', [{ environment: 'test', employer: '2021234501' }], false)
    const loaded = byEmployer.ofEmployer('test', '2021234501', 'RLFO').sort((x, y) => x.id.localeCompare(y.id))
    t.same(loaded, plain, 'as a plain select reads them')
    t.ok(loaded[0]!.created_at instanceof Date)
    t.equal(loaded[0]!.created_at.toISOString(), '2026-01-05T08:00:00.123Z')
    t.same(loaded.map(r => [r.start_date, r.end_date]), [['2026-01-01', '2026-03-31'], ['2026-01-01', null]])
    t.same(loaded[0]!.data, { Icpv: '7', text: 'Ž "quoted" \\ line\nbreak' })

    const byPerson = await RegisterSession.load(trx, 'SK', [{ environment: 'test', employer: '2021234501', person: '8002', kind: 'RLFO' }, { environment: 'test', employer: '2021234501', person: '9999', kind: 'RLFO' }])
    t.same(byPerson.find('test', '2021234501', '8002', 'RLFO'), [plain[0]])
    t.same(byPerson.find('test', '2021234501', '9999', 'RLFO'), [], 'a person without insurances')
    const none = await RegisterSession.loadEmployers(trx, 'SK', [{ environment: 'test', employer: '2020000000' }])
    t.same(none.ofEmployer('test', '2020000000', 'RLFO'), [], 'an employer without insurances')
  })
})

t.test('a flush writes inserted, changed and event rows as they were given, in order', async t => {
  const { db } = await testDb(t)
  const at = new Date('2026-02-01T10:00:00.456Z')
  const base = { environment: 'test', country: 'SK', employer: '2021234501', kind: 'RLFO', start_date: '2026-01-01', created_at: at }
  // The events name a document.
  await db.insertInto('clients').values({ id: 'c', name: 'c', tax_number: '45678130', environment: 'test', created_at: at }).execute()
  await db.insertInto('message_log').values({ id: 'm', received_at: at, transport: 'rest', size: 0, status: 201, findings: '[]' }).execute()
  await db.insertInto('documents').values({
    id: 'doc', client_id: 'c', environment: 'test', type: 'RLFO', number: 'R260100000001', employer: '2021234501', received_at: at, sha256: 'x', size: 0, message_id: 'm', findings: '[]',
  }).execute()
  await db.transaction().execute(async trx => {
    const session = await RegisterSession.loadEmployers(trx, 'SK', [{ environment: 'test', employer: '2021234501' }])
    session.insert({ ...base, id: 'open', person: '8001', insurance_key: { TypZamestnanca: 'ZEC' }, end_date: null, status: 'open', data: { Icpv: 'a"b\\c' } })
    session.insert({ ...base, id: 'later', person: '8002', insurance_key: { TypZamestnanca: 'ZEC' }, end_date: null, status: 'open', data: {} })
    await session.flush()
  })
  await db.transaction().execute(async trx => {
    const session = await RegisterSession.loadEmployers(trx, 'SK', [{ environment: 'test', employer: '2021234501' }])
    const [open] = session.find('test', '2021234501', '8001', 'RLFO')
    session.update(open!, { status: 'closed', end_date: '2026-03-31', data: { Icpv: 'a"b\\c', closed: true } })
    for (const event of ['first', 'second', 'third']) {
      session.addEvent({ insurance_id: 'open', document_id: 'doc', at, event, status: 'closed', end_date: event === 'first' ? null : '2026-03-31', data: JSON.stringify({ event }) })
    }
    await session.flush()
  })
  const rows = await db.selectFrom('insurances').select(['id', 'status', 'end_date', 'data', 'created_at']).orderBy('id').execute()
  t.same(rows, [
    { id: 'later', status: 'open', end_date: null, data: {}, created_at: at },
    { id: 'open', status: 'closed', end_date: '2026-03-31', data: { Icpv: 'a"b\\c', closed: true }, created_at: at },
  ], 'only the changed row changed')
  const events = await db.selectFrom('insurance_events').select(['event', 'end_date', 'data', 'at']).orderBy('id').execute()
  t.same(events, [
    { event: 'first', end_date: null, data: { event: 'first' }, at },
    { event: 'second', end_date: '2026-03-31', data: { event: 'second' }, at },
    { event: 'third', end_date: '2026-03-31', data: { event: 'third' }, at },
  ], 'events in the order they were added')
})
