import { sql, type Kysely } from 'kysely'

/**
 * A client hears of its certificate's coming end once a day (`client.certificate_expiring`, SPEC.md §3), also when
 * several gateway instances share the database: at most one such event per client and day (the gateway's local day,
 * in `data.day`). The index is partial, so document events, nearly all of them, neither pay for it nor are in it;
 * it also spares the daily check a scan of every event.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index events_certificate_expiring_daily on events (client_id, (data ->> 'day')) where type = 'client.certificate_expiring'`.execute(db)
}
