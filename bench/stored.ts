import { resolve } from 'node:path'
import { sql, type RawBuilder } from 'kysely'
import { lockDataDir, migrateToLatest, openDb } from '../src/db/index.js'
import { syntheticM1 } from './documents.js'

/** How many documents go into one statement of each table. */
const chunk = 200_000
const dayMs = 86_400_000

/**
 * Fills the database of a bench gateway that has not started yet (DATA_DIR, or DATABASE_URL as it is) with `count`
 * processed M1s of the newest client named `clientName`, received over the year before yesterday: each with its
 * message-log row (the bytes it was filed with), the states received, forwarded and processed, and their events,
 * as intake and the back office write them, with every index in place. The document counters move past the
 * numbers used. Then `vacuum analyze`, so that the planner knows the tables. Returns the seconds it took.
 */
export async function storeDocuments(env: NodeJS.ProcessEnv, clientName: string, count: number): Promise<number> {
  const started = performance.now()
  const dataDir = resolve(env.DATA_DIR ?? 'data')
  // PGlite's folder is one process's at a time: the gateway starts only once this handle is closed.
  const unlock = env.DATABASE_URL ? () => {} : lockDataDir(dataDir)
  const handle = await openDb(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, poolSize: 1 } : { dataDir })
  try {
    const db = handle.db
    await migrateToLatest(db)
    const client = await db.selectFrom('clients').innerJoin('client_certificates', 'client_certificates.client_id', 'clients.id')
      .select(['clients.id', 'clients.tax_number', 'client_certificates.fingerprint'])
      .where('clients.name', '=', clientName).orderBy('clients.created_at', 'desc').limit(1).executeTakeFirstOrThrow()
    // A new test client files into its first sandbox, which bears its own id (SPEC.md §7).
    const sandbox = client.id
    const template = syntheticM1(0, '2025-01-01').toString().replace('BENCH-0', 'STORED-@N@')
    // Numbers follow those already given (a PostgreSQL database used before), unique across months.
    const numbered = await db.selectFrom('document_counters').select(eb => eb.fn.max('last_value').as('last')).where('prefix', '=', 'P').executeTakeFirst()
    const firstNumber = Number(numbered?.last ?? 0)
    const firstMs = Date.now() - 366 * dayMs
    const stepMs = Math.max(1, Math.floor((365 * dayMs) / count))

    for (let from = 1; from <= count; from += chunk) {
      const to = Math.min(count, from + chunk - 1)
      // Row g of the chunk: its receipt time (ms), the ids of its document and message (UUIDv7 of that time), its bytes.
      const rows = sql`(select g, ms, to_timestamp(ms / 1000.0) as at, ${uuidV7('d')} as document_id, ${uuidV7('m')} as message_id,
        convert_to(replace(${template}::text, '@N@', g::text), 'UTF8') as body
        from (select g, ${firstMs}::bigint + g::bigint * ${stepMs}::bigint as ms from generate_series(${from}::int, ${to}::int) g) t) s`
      await db.transaction().execute(async trx => {
        // Rows made here refer only to rows made before them: the embedded database (whose one user may) skips the
        // per-row foreign-key checks, which would each lock the row referred to. Every index is kept up to date.
        if (handle.kind === 'pglite') await sql`set local session_replication_role = replica`.execute(trx)
        await sql`insert into message_log (id, received_at, transport, client_id, cert_fingerprint, content_type, size, sha256, body, status, findings, document_id)
          select s.message_id, s.at, 'rest', ${client.id}, ${client.fingerprint}, 'application/xml', octet_length(s.body), encode(sha256(s.body), 'hex'),
            s.body, 201, '[]', s.document_id from ${rows}`.execute(trx)
        await sql`insert into documents (id, client_id, environment, sandbox, type, number, receipt_number, employer, external_id,
            received_at, sha256, size, message_id, findings, format)
          select s.document_id, ${client.id}, 'test', ${sandbox}, 'M1', n.number, n.number, ${client.tax_number}, 'STORED-' || s.g,
            s.at, encode(sha256(s.body), 'hex'), octet_length(s.body), s.message_id, '[]', 'ehrs'
          from ${rows}
          cross join lateral (select 'P' || to_char(s.at at time zone 'Europe/Ljubljana', 'YYMM') || lpad((${firstNumber}::int + s.g)::text, 8, '0') as number) n`.execute(trx)
        const states = sql`(values (0, 'unprocessed', 'received'), (30, 'forwarded', 'forwarded'), (31, 'processed', 'processed')) as st(after, processing, reason)`
        await sql`insert into document_states (document_id, at, acceptance, processing, reason, findings)
          select s.document_id, s.at + st.after * interval '1 second', 'accepted', st.processing, st.reason, '[]'
          from ${rows} cross join ${states} order by s.g, st.after`.execute(trx)
        await sql`insert into current_states (document_id, client_id, environment, employer, received_at, acceptance, processing)
          select s.document_id, ${client.id}, 'test', ${client.tax_number}, s.at, 'accepted', 'processed' from ${rows}`.execute(trx)
        await sql`insert into events (id, at, type, document_id, acceptance, processing, reason)
          select ${uuidV7('e')}, s.at + st.after * interval '1 second', 'document.state_changed', s.document_id, 'accepted', st.processing, st.reason
          from ${rows} cross join ${states} order by s.g, st.after`.execute(trx)
      })
    }
    // Numbers go on after the highest stored one of each month.
    await sql`insert into document_counters (prefix, month, last_value)
      select 'P', substr(number, 2, 4), max(substr(number, 6)::int) from documents where client_id = ${client.id} group by 2
      on conflict (prefix, month) do update set last_value = greatest(document_counters.last_value, excluded.last_value)`.execute(db)
    await sql`vacuum analyze`.execute(db)
  } finally {
    await handle.close()
    unlock()
  }
  return Math.round((performance.now() - started) / 100) / 10
}

/** A UUIDv7 text of row g's time `ms`, its other bits drawn from `tag` and g (the same row gives the same id). */
function uuidV7(tag: string): RawBuilder<string> {
  const time = sql`lpad(to_hex(ms), 12, '0')`
  const bits = sql`md5(${sql.lit(tag)} || g::text || coalesce(${sql.raw(tag === 'e' ? 'st.reason' : "''")}, ''))`
  return sql<string>`substr(${time}, 1, 8) || '-' || substr(${time}, 9, 4) || '-7' || substr(${bits}, 1, 3) || '-8' || substr(${bits}, 4, 3) || '-' || substr(${bits}, 7, 12)`
}
