import { sql, type Kysely } from 'kysely'

/**
 * Client roles (SPEC.md §3): a `filer` files for its employers; an `inspector` (a labour office or labour
 * inspectorate) files nothing and searches the insurance register of any employer of its environment, each search
 * audited. Every client registered so far is a filer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table clients add column role text not null default 'filer'`.execute(db)
  await sql`alter table clients add constraint clients_role check (role in ('filer', 'inspector'))`.execute(db)
}
