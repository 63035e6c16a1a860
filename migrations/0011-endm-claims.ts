import { sql, type Kysely } from 'kysely'

/**
 * The refund claims (ENDM) the built-in back office processed: the register its rules read in filing order
 * (DOCUMENTS.md §2.8). A claim is refused when a processed claim of the same employer for the same person
 * overlaps its absence, or cites one of its eBOL numbers; cancelled and refused claims are never entered.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table endm_claims (
    document_id text primary key references documents (id),
    environment text not null,
    employer text not null,
    person text not null,
    absence_from date not null,
    absence_to date not null,
    ebol_numbers text[] not null,
    created_at timestamptz not null
  )`.execute(db)
  await sql`create index endm_claims_person on endm_claims (environment, employer, person)`.execute(db)
  await sql`create index endm_claims_ebol_numbers on endm_claims using gin (ebol_numbers)`.execute(db)
}
