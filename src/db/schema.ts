import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

/** The one TypeScript mirror of migrations/. Dates (SQL `date`) are YYYY-MM-DD strings; instants are Date. */
type Json<T = unknown> = ColumnType<T, string, string>

export interface ClientsTable {
  id: string
  name: string
  tax_number: string
  environment: 'test' | 'production'
  software_vendor: string | null
  software_product: string | null
  software_version: string | null
  created_at: Date
  /** `filer`, or `inspector`: files nothing, searches the register of its environment (migration 0013). */
  role: Generated<'filer' | 'inspector'>
}

export interface ClientCertificatesTable {
  fingerprint: string
  client_id: string
  subject: string
  issuer: string
  serial: string
  not_before: Date
  not_after: Date
  pem: string
  added_at: Date
  revoked_at: Date | null
}

export interface MandatesTable {
  id: string
  employer: string
  client_id: string
  document_types: string[] | null
  valid_from: string | null
  valid_to: string | null
  created_at: Date
  revoked_at: Date | null
}

export interface SoftwareCertificationsTable {
  vendor: string
  product: string
  version: string
  certified_at: Date
  client_id: string
  /** The certification report as it stood when the version was certified (migration 0010). */
  report: ColumnType<Record<string, unknown> | null, string | null, never>
}

export interface MessageLogTable {
  id: string
  received_at: Date
  transport: string
  client_id: string | null
  cert_fingerprint: string | null
  content_type: string | null
  idempotency_key: string | null
  size: number
  sha256: string | null
  body: Uint8Array | null
  /** The body holds only the first bytes of the submission; `size` and `sha256` are of the whole. */
  truncated: Generated<boolean>
  /** SHA-256 of the kept first bytes of a cut body (migration 0005); null when the body is whole, or cut before 0005. */
  kept_sha256: string | null
  status: number
  problem_code: string | null
  findings: Json
  document_id: string | null
}

export interface DocumentsTable {
  id: string
  client_id: string
  environment: 'test' | 'production'
  type: string
  number: string
  receipt_number: string | null
  employer: string
  period: string | null
  kind: string | null
  external_id: string | null
  received_at: Date
  sha256: string
  size: number
  message_id: string
  idempotency_key: string | null
  findings: Json
  /** What R/O rules compare (migration 0003): a report's period, an ELDP's person and relationship start. */
  series: string | null
  /** The test client's sandbox the document was filed into (migration 0010); null in production. */
  sandbox: string | null
  /** The vocabulary the gateway read (migration 0015): `ehrs`, or `sp` for Sociálna poisťovňa's own XML. */
  format: Generated<'ehrs' | 'sp'>
  /** A Slovak document's IČZ (migration 0015): the IČZ binding of official documents (sk-official.md §1.3). */
  icz: string | null
  /** The entries of a document of several, as its view lists them (migration 0015). */
  entries: ColumnType<ViewEntry[] | null, string | null, never>
}

/** The series of each entry of a batch (migration 0015, sk-official.md §6). */
export interface DocumentSeriesTable {
  document_id: string
  series: string
}

/** An entry of a document of several in its view: never the whole personal number. */
export interface ViewEntry {
  readonly index: number
  readonly kind: string
  readonly person: string
  readonly start?: string
  readonly end?: string
}

export interface DocumentStatesTable {
  id: Generated<number>
  document_id: string
  at: Date
  acceptance: string
  processing: string
  reason: string | null
  findings: Json
}

/** Each document's latest state, with the keys the list reads it by (migration 0017); kept by appendStates. */
export interface CurrentStatesTable {
  document_id: string
  client_id: string
  environment: string
  employer: string
  received_at: Date
  acceptance: string
  processing: string
}

/** A document's state change, or an event of a client, as an event (SPEC.md §4b); `seq` orders them gateway-wide. */
export interface EventsTable {
  seq: Generated<string>
  id: string
  at: Date
  type: string
  /** The document whose state changed; null for an event of a client (`client_id`). */
  document_id: string | null
  acceptance: string | null
  processing: string | null
  reason: string | null
  client_id: string | null
  data: ColumnType<Record<string, unknown> | null, string | null, string | null>
}

/** The built-in back office's answer per document: `processed`, `refused`, `faulty`, or `withdrawn` by a storno. */
export interface BackOfficeAnswersTable {
  document_id: string
  at: Date
  processing: string
  findings: Json
}

export interface IdempotencyKeysTable {
  client_id: string
  key: string
  document_id: string
  sha256: string
  created_at: Date
}

export interface DocumentCountersTable {
  prefix: string
  month: string
  last_value: number
}

export interface AuditLogTable {
  seq: number
  at: Date
  actor: string
  action: string
  subject: string | null
  details: Json<Record<string, unknown>>
  prev_hash: string
  hash: string
  /** 1: the hash covers the time in milliseconds (entries before migration 0005); 2: in stored microseconds. */
  hash_version: number
}

export interface AuditHeadTable {
  id: number
  seq: number
  hash: string
  /** Time of the head entry; null while the log is empty. */
  at: Date | null
}

export interface InsurancesTable {
  id: string
  environment: string
  country: string
  employer: string
  person: string
  kind: string
  insurance_key: Json<Record<string, unknown>>
  start_date: string
  end_date: string | null
  status: 'open' | 'closed' | 'annulled'
  data: Json<Record<string, unknown>>
  created_at: Date
}

export interface InsuranceEventsTable {
  id: Generated<number>
  insurance_id: string
  document_id: string
  at: Date
  event: string
  status: string
  end_date: string | null
  data: Json<Record<string, unknown>>
}

export interface TimersTable {
  id: Generated<number>
  lane: string
  kind: string
  document_id: string
  due_at: Date
  created_at: Date
  done_at: Date | null
  outcome: string | null
  attempts: Generated<number>
  last_error: string | null
}

/** A refund claim (ENDM) the built-in back office processed (migration 0011): what later claims are checked against. */
export interface EndmClaimsTable {
  document_id: string
  environment: string
  employer: string
  person: string
  absence_from: string
  absence_to: string
  ebol_numbers: string[]
  created_at: Date
}

/**
 * A preliminary registration (PREG) and its pairing (migration 0014, DOCUMENTS.md §3.7): received until an RLFO
 * entry of the same employer and register with the same `pairing_key` pairs it, or its deadline passes.
 */
export interface PreliminaryRegistrationsTable {
  document_id: string
  /** `production` or `sandbox:<id>` (identity's `registerOf`): pairing never crosses it. */
  register: string
  employer: string
  pairing_key: string
  received_at: Date
  deadline_at: Date
  paired_with: string | null
  paired_at: Date | null
  expired_at: Date | null
}

/** One register check (KNR) of a report and what it decided (sk-ezu §5.4). */
export interface RegisterChecksTable {
  id: Generated<number>
  document_id: string
  at: Date
  errors: number
  /** The error count later checks are measured against: the first check's, or a later higher one. */
  baseline: number
  accepted: boolean
}

/** A client's webhook subscription (SPEC.md §4b); `last_seq` is the dispatcher's cursor over `events`. */
export interface WebhookSubscriptionsTable {
  id: string
  client_id: string
  url: string
  types: string[] | null
  /** `whsec_` + base64 of the signing key (Standard Webhooks). */
  secret: string
  created_at: Date
  last_seq: number
  failing_since: Date | null
  disabled_at: Date | null
  /** `client:ID` or `operator`. */
  disabled_by: string | null
}

/** One event owed to one subscription, with the exact body every attempt sends. */
export interface WebhookDeliveriesTable {
  id: Generated<number>
  subscription_id: string
  event_id: string
  event_seq: number
  event_at: Date
  /** Null for an event of a client, which waits for no other. */
  document_id: string | null
  body: string
  created_at: Date
  due_at: Date
  attempts: Generated<number>
  last_attempt_at: Date | null
  last_status: number | null
  last_error: string | null
  delivered_at: Date | null
  given_up_at: Date | null
}

/** A test client's sandbox started afresh (SPEC.md §7): `ended_sandbox` is retired, `id` is the new one. */
export interface SandboxResetsTable {
  id: string
  client_id: string
  ended_sandbox: string
  at: Date
}

/** Something a test client did in its sandbox that leaves no document behind, as certification evidence. */
export interface SandboxObservationsTable {
  id: Generated<string>
  client_id: string
  sandbox: string
  at: Date
  kind: string
  document_id: string | null
  request_id: string | null
}

/** The tables. Each is written only from the folder of src/ that owns it (test/architecture.test.ts). */
export interface Database {
  /** Owned by operator/. */
  clients: ClientsTable
  /** Owned by operator/. */
  client_certificates: ClientCertificatesTable
  /** Owned by operator/. */
  mandates: MandatesTable
  /** Owned by operator/. */
  software_certifications: SoftwareCertificationsTable
  /** Owned by messagelog/. */
  message_log: MessageLogTable
  /** Owned by intake/. */
  documents: DocumentsTable
  /** Owned by intake/. */
  document_series: DocumentSeriesTable
  /** Owned by lifecycle/. */
  document_states: DocumentStatesTable
  /** Owned by lifecycle/. */
  current_states: CurrentStatesTable
  /** Owned by events/. */
  events: EventsTable
  /** Owned by processing/. */
  back_office_answers: BackOfficeAnswersTable
  /** Owned by intake/. */
  document_counters: DocumentCountersTable
  /** Owned by intake/. */
  idempotency_keys: IdempotencyKeysTable
  /** Owned by audit/. */
  audit_log: AuditLogTable
  /** Owned by audit/. */
  audit_head: AuditHeadTable
  /** Owned by register/. */
  insurances: InsurancesTable
  /** Owned by register/. */
  insurance_events: InsuranceEventsTable
  /** Owned by register/. */
  endm_claims: EndmClaimsTable
  /** Owned by lifecycle/. */
  timers: TimersTable
  /** Owned by lifecycle/. */
  register_checks: RegisterChecksTable
  /** Owned by lifecycle/. */
  preliminary_registrations: PreliminaryRegistrationsTable
  /** Owned by webhooks/. */
  webhook_subscriptions: WebhookSubscriptionsTable
  /** Owned by webhooks/. */
  webhook_deliveries: WebhookDeliveriesTable
  /** Owned by certification/. */
  sandbox_resets: SandboxResetsTable
  /** Owned by certification/. */
  sandbox_observations: SandboxObservationsTable
}

export type ClientRow = Selectable<ClientsTable>
export type DocumentRow = Selectable<DocumentsTable>
export type TimerRow = Selectable<TimersTable>
export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionsTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>
export type InsuranceRow = Selectable<InsurancesTable>
export type EndmClaimRow = Selectable<EndmClaimsTable>
export type PreliminaryRegistrationRow = Selectable<PreliminaryRegistrationsTable>
export type NewMessage = Insertable<MessageLogTable>
