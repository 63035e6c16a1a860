import t, { type Test } from 'tap'
import { CompiledQuery, sql, type Compilable } from 'kysely'
import { testDb } from '../../test/helpers/db.js'
import { cursorAfter, documentListQuery, viewQueries, visibleDocumentQuery, visibleTo, type DocumentFilter } from '../documents/index.js'
import { eventPageQuery } from '../events/index.js'
import type { Caller } from '../identity/index.js'
import type { Db } from './index.js'
import { createStatisticsKeeper } from './statistics.js'

/*
 * The list, view and feed queries of the REST API read documents, their states and events through indexes, so
 * that their cost stays flat as stored documents grow (SPEC.md §4, §4b). A database of 60,000 documents, their
 * states and events is planned for each query the services run, built by the services' own functions, and the
 * plan must read those tables only by an index, in the order of the page: no sequential scan of them, and no
 * sort of thousands of rows for a page of fifty. The plans are printed (EXPLAIN, FORMAT JSON) when one fails,
 * and with QUERY_PLANS=1 always. The same on PGlite and on PostgreSQL.
 */

const documents = 60_000
const clients = 8
/** Relations whose every read by these queries must go through an index. */
const indexed = new Set(['documents', 'document_states', 'current_states', 'events'])
/** A sort of more rows than this is a page ordered by sorting, not by the index. */
const sortLimit = 1000

const now = new Date('2026-06-01T12:00:00Z')
// Client c0 files for its own tax number E0 and four employers more (E8, E16, E24, E32); it holds a mandate of E9,
// whose documents client c1 files; c1 files for E0 too. Clients c6 and c7 are test clients, in their sandboxes.
const caller: Caller = { clientId: 'c0', name: 'Payroll 0', taxNumber: 'E0', environment: 'production', role: 'filer', fingerprint: 'f0', software: null }
const tester: Caller = { clientId: 'c6', name: 'Payroll 6', taxNumber: 'E6', environment: 'test', role: 'filer', fingerprint: 'f6', software: null, sandbox: 'c6' }

/** Runs one statement of the seed, noting how long it took. */
async function timed(statement: Promise<unknown>, timings: string[]): Promise<void> {
  const started = performance.now()
  await statement
  timings.push(`${Math.round(performance.now() - started)} ms`)
}

async function seed(db: Db): Promise<string[]> {
  const timings: string[] = []
  await timed(sql`insert into clients (id, name, tax_number, environment, created_at)
    select 'c' || k, 'Payroll ' || k, 'E' || k, case when k < 6 then 'production' else 'test' end, timestamptz '2025-01-01'
    from generate_series(0, ${clients - 1}) k`.execute(db), timings)
  await timed(sql`insert into mandates (id, employer, client_id, created_at) values ('m0', 'E9', 'c0', timestamptz '2025-01-01')`.execute(db), timings)
  await timed(sql`insert into message_log (id, received_at, transport, size, status) values ('msg', timestamptz '2025-01-01', 'rest', 0, 201)`.execute(db), timings)
  // Document i: client i % 8, one of its five employers, one of seven types, a minute after document i - 1; half
  // with an external id. Ids are UUIDs made of i, so that the states and events below find their document.
  await timed(sql`insert into documents (id, client_id, environment, type, number, employer, period, external_id, received_at, sha256, size, message_id, sandbox)
    select md5('d' || i)::uuid::text, 'c' || (i % 8), case when i % 8 < 6 then 'production' else 'test' end,
      (array['M1', 'M2', 'M3', 'ENDM', 'RLFO', 'ELDP', 'PREG'])[1 + (i / 8) % 7], 'N' || i,
      case when i % 40 = 1 then 'E0' else 'E' || (i % 8 + 8 * ((i / 8) % 5)) end, to_char(${now}::timestamptz - (${documents} - i) * interval '1 minute', 'YYYY-MM'),
      case when i % 2 = 0 then 'X' || i end, ${now}::timestamptz - (${documents} - i) * interval '1 minute',
      md5('b' || i), 1000, 'msg', case when i % 8 >= 6 then 'c' || (i % 8) end
    from generate_series(1, ${documents}) i`.execute(db), timings)
  // One or two states a document: the earlier ones waiting for the register check, the latest one of the outcomes.
  await timed(sql`insert into document_states (document_id, at, acceptance, processing, reason)
    select md5('d' || i)::uuid::text, ${now}::timestamptz - (${documents} - i) * interval '1 minute' + k * interval '1 second',
      case when k < 1 + i % 2 then 'awaiting_first_register_check'
        when i % 20 = 0 then 'not_accepted' when i % 20 = 1 then 'cancelled' else 'accepted' end,
      case when k < 1 + i % 2 then 'unprocessed'
        when i % 20 < 2 then 'unprocessed' when i % 20 < 4 then 'forwarded' else 'processed' end,
      case when k = 1 then 'received' else 'register_check' end
    from generate_series(1, ${documents}) i cross join generate_series(1, 2) k
    where k <= 1 + i % 2
    order by i, k`.execute(db), timings)
  // Each document's latest state, as appendStates keeps it.
  await timed(sql`insert into current_states (document_id, client_id, environment, employer, received_at, acceptance, processing)
    select distinct on (s.document_id) d.id, d.client_id, d.environment, d.employer, d.received_at, s.acceptance, s.processing
    from document_states s join documents d on d.id = s.document_id order by s.document_id, s.id desc`.execute(db), timings)
  // Every state change is an event (as migration 0007 made them of the states before it).
  await timed(sql`insert into events (id, at, type, document_id, acceptance, processing, reason)
    select gen_random_uuid()::text, at, 'document.state_changed', document_id, acceptance, processing, reason
    from document_states order by id`.execute(db), timings)
  return timings
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Plan Rows': number
  'Index Cond'?: string
  Filter?: string
  Plans?: PlanNode[]
}

async function explain(db: Db, query: Compilable): Promise<PlanNode> {
  const compiled = query.compile()
  const { rows } = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]))
  const value = Object.values(rows[0]!)[0]
  const json = (typeof value === 'string' ? JSON.parse(value) : value) as { Plan: PlanNode }[]
  return json[0]!.Plan
}

function* nodes(plan: PlanNode): Generator<PlanNode> {
  yield plan
  for (const child of plan.Plans ?? []) yield* nodes(child)
}

/** What is wrong with a plan: a sequential scan of an indexed relation, or a sort of many rows. */
function faults(plan: PlanNode): string[] {
  const found: string[] = []
  for (const node of nodes(plan)) {
    if (node['Relation Name'] && indexed.has(node['Relation Name']) && node['Node Type'] === 'Seq Scan') found.push(`Seq Scan on ${node['Relation Name']}`)
    if (node['Node Type'] === 'Sort' && node['Plan Rows'] > sortLimit) found.push(`Sort of ${node['Plan Rows']} rows`)
  }
  return found
}

/** The plan in brief: one line a node, indented, with the relation and index it reads. */
function outline(plan: PlanNode, depth = 0): string {
  const on = plan['Relation Name'] ? ` on ${plan['Relation Name']}` : ''
  const using = plan['Index Name'] ? ` using ${plan['Index Name']}` : ''
  const cond = plan['Index Cond'] ? ` [index: ${plan['Index Cond'].slice(0, 160)}]` : ''
  return [`${'  '.repeat(depth)}${plan['Node Type']}${using}${on} (rows ${plan['Plan Rows']})${cond}`, ...(plan.Plans ?? []).map(p => outline(p, depth + 1))].join('\n')
}

t.test('the list, view and feed queries read documents, states and events by index', async t => {
  const handle = await testDb(t)
  const db = handle.db
  const started = performance.now()
  const timings = await seed(db)
  t.comment(`seeded ${documents} documents in ${Math.round(performance.now() - started)} ms (${timings.join(', ')})`)

  async function planOf(t: Test, name: string, query: Compilable, index?: RegExp, indexCond?: RegExp): Promise<void> {
    const plan = await explain(db, query)
    const found = faults(plan)
    const text = `${name}\n${outline(plan)}\n${JSON.stringify(plan, null, 1)}`
    if (process.env.QUERY_PLANS) t.comment(`${name}\n${outline(plan)}`)
    t.same(found, [], `${name}: read by index, in order${found.length > 0 ? `\n${text}` : ''}`)
    if (index) {
      const used = [...nodes(plan)].some(n => index.test(n['Index Name'] ?? ''))
      t.ok(used, `${name}: uses ${index}${used ? '' : `\n${text}`}`)
    }
    if (indexCond) {
      const starts = [...nodes(plan)].some(n => indexCond.test(n['Index Cond'] ?? ''))
      t.ok(starts, `${name}: the index scan starts at ${indexCond}${starts ? '' : `\n${text}`}`)
    }
  }
  const list = (who: Caller, filter: DocumentFilter) => documentListQuery(db, who, filter, now).query

  t.test('the list finds the documents the rule of visibility finds, newest first', async t => {
    // The list reads its parts (the caller's filings, its employer's, its mandates') by an index each; together
    // they are the documents visibleTo alone selects.
    const rule = (who: Caller) => db.selectFrom('documents').select('id').where(visibleTo(who, '2026-06-01'))
      .orderBy('received_at', 'desc').orderBy('id', 'desc')
    const ids = async (q: { execute(): Promise<{ id: string }[]> }) => (await q.execute()).map(r => r.id)
    const first = await list(caller, { limit: 200 }).execute()
    t.same(first.map(r => r.id), await ids(rule(caller).limit(201)), 'the first page')
    const after = first[199]!
    t.same(await ids(list(caller, { limit: 200, cursor: cursorAfter(after) })),
      await ids(rule(caller).where(eb => eb(eb.refTuple('received_at', 'id'), '<', eb.tuple(after.received_at, after.id))).limit(201)), 'the page after it')
    t.same(await ids(list(caller, { limit: 100, type: 'RLFO' })), await ids(rule(caller).where('type', '=', 'RLFO').limit(101)), 'of a type')
    t.same(await ids(list(caller, { limit: 100, employer: 'E9' })), await ids(rule(caller).where('employer', '=', 'E9').limit(101)), 'of a mandate\'s employer')
    t.same(await ids(list(tester, { limit: 100 })), await ids(rule(tester).limit(101)), 'of a test client')
    // By state: the latest state a document's history holds, as the list's own table of latest states must say.
    const latest = (column: 'acceptance' | 'processing') =>
      sql<string>`(select s.${sql.ref(column)} from document_states s where s.document_id = documents.id order by s.id desc limit 1)`
    const unprocessed = await ids(list(caller, { limit: 100, processing: 'unprocessed' }))
    t.same(unprocessed, await ids(rule(caller).where(latest('processing'), '=', 'unprocessed').limit(101)), 'by processing state')
    t.same(await ids(list(caller, { limit: 100, processing: 'unprocessed', cursor: cursorAfter((await list(caller, { limit: 100, processing: 'unprocessed' }).execute())[99]!) })),
      await ids(rule(caller).where(latest('processing'), '=', 'unprocessed').offset(100).limit(101)), 'by processing state, the page after it')
    t.same(await ids(list(caller, { limit: 100, acceptance: 'cancelled', processing: 'unprocessed' })),
      await ids(rule(caller).where(latest('acceptance'), '=', 'cancelled').where(latest('processing'), '=', 'unprocessed').limit(101)), 'by both states')
    t.ok(first.some(r => r.employer === 'E9') && first.some(r => r.client_id === 'c1' && r.employer === 'E0') && first.some(r => r.client_id === 'c0'),
      'the first page holds its own documents, its employer\'s filed by another client, and its mandate\'s')
  })

  // Statistics as the gateway keeps them: PostgreSQL's autovacuum, or on the embedded database (which has none) the
  // gateway's own keeper. Without any, some of these would read whole tables.
  t.test('statistics are taken of the seeded tables', async t => {
    const analyzed = await createStatisticsKeeper(db).run()
    for (const table of ['documents', 'document_states', 'current_states', 'events']) t.ok(analyzed.includes(table), table)
  })
  t.test('the list of documents', async t => {
    const first = await list(caller, { limit: 50 }).execute()
    t.equal(first.length, 51, 'a full first page and one row more')
    await planOf(t, 'first page, newest first', list(caller, { limit: 50 }), /^documents_client$/, /client_id/)
    await planOf(t, 'second page, after the cursor', list(caller, { limit: 50, cursor: cursorAfter(first[49]!) }), /^documents_/, /received_at/)
    await planOf(t, 'by type', list(caller, { type: 'RLFO' }))
    await planOf(t, 'by employer (its own)', list(caller, { employer: 'E0' }), /^documents_visibility$/)
    await planOf(t, 'by employer (by mandate)', list(caller, { employer: 'E9' }), /^documents_visibility$/)
    await planOf(t, 'by external id', list(caller, { externalId: 'X5000' }), /^documents_external_id$/)
    await planOf(t, 'by processing state', list(caller, { processing: 'forwarded' }), /^current_states_client_processing$/, /processing =/)
    await planOf(t, 'by acceptance state', list(caller, { acceptance: 'not_accepted' }), /^current_states_client_acceptance$/, /acceptance =/)
    const processed = await list(caller, { processing: 'processed', limit: 50 }).execute()
    await planOf(t, 'by processing state, second page', list(caller, { processing: 'processed', cursor: cursorAfter(processed[49]!) }),
      /^current_states_client_processing$/, /processing = .*received_at/)
    await planOf(t, 'by period', list(caller, { period: '2026-03' }))
    await planOf(t, 'since an instant', list(caller, { since: new Date(now.getTime() - 7 * 86_400_000) }), /^documents_/, /received_at/)
    await planOf(t, 'of a test client, in its sandbox', list(tester, { limit: 50 }))
  })

  t.test('one document and its history', async t => {
    const id = (await db.selectFrom('documents').select('id').where('number', '=', 'N30000').executeTakeFirstOrThrow()).id
    await planOf(t, 'the document by id', visibleDocumentQuery(db, caller, id, now), /^documents_pkey$/)
    const one = viewQueries(db, [id])
    await planOf(t, 'its states (history and latest state)', one.states, /^document_states_document$/)
    await planOf(t, 'its next timer', one.timers)
    const page = (await list(caller, { limit: 50 }).execute()).map(r => r.id)
    const views = viewQueries(db, page)
    await planOf(t, 'the states of a page of documents', views.states, /^document_states_document$/)
  })

  t.test('the events feed', async t => {
    const middle = (await db.selectFrom('events').select(eb => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq
    const after = String(Math.floor(Number(middle) / 2))
    await planOf(t, 'a page after a seq', eventPageQuery(db, caller, { after, limit: 100 }, now), /^events_pkey$/, /seq >/)
    await planOf(t, 'the first page', eventPageQuery(db, caller, {}, now), /^events_pkey$/)
    await planOf(t, 'a page of a test client', eventPageQuery(db, tester, { after, limit: 100 }, now), /^events_pkey$/)
  })
})
