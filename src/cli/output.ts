/** Human-readable output of operator actions; `--json` prints the result object instead. */
export function formatResult(operation: string, result: unknown): string {
  const r = result as Record<string, unknown>
  switch (operation) {
    case 'clients.add': return `${r.id}\n`
    case 'mandates.add': return `${r.id}\n`
    case 'clients.cert-add': return `certificate ${r.fingerprint} added\n`
    case 'clients.cert-revoke': return `certificate revoked (client ${r.clientId})\n`
    case 'mandates.revoke': return `mandate ${r.revoked} revoked\n`
    case 'webhooks.disable': return `webhook subscription ${r.disabled} disabled\n`
    case 'software.certify': {
      const { certified, software: s, pending } = r as unknown as { certified: boolean; software: { vendor: string; product: string; version: string }; pending: string[] }
      return certified
        ? `certified ${s.vendor}/${s.product}/${s.version}\n`
        : `not certified: ${s.vendor}/${s.product}/${s.version} has ${pending.length} scenario(s) pending: ${pending.join(', ')}\n`
    }
    case 'migrate': {
      const applied = r.applied as string[]
      return applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n'
    }
    case 'audit.verify': return formatVerify(r as unknown as VerifyResult)
    case 'audit.checkpoint': return `checkpoint of entry ${r.seq} written: ${r.file}\n`
    case 'clients.list': return table(
      ['id', 'env', 'role', 'tax number', 'name', 'certificates (days left)', 'software'],
      (result as ClientRow[]).map(c => [c.id, c.environment, c.role, c.taxNumber, c.name, certificateDays(c.certificates), c.software ?? '']),
      'no clients',
    )
    case 'mandates.list': return table(
      ['id', 'employer', 'client', 'types', 'from', 'to', 'state'],
      (result as MandateRow[]).map(m => [m.id, m.employer, m.clientId, m.types?.join(',') ?? 'all', m.from ?? '…', m.to ?? '…', m.active ? 'active' : 'revoked']),
      'no mandates',
    )
    case 'webhooks.list': return table(
      ['id', 'client', 'status', 'owed', 'types', 'url'],
      (result as WebhookRow[]).map(w => [w.id, w.clientId, w.status, String(w.pending), w.types?.join(',') ?? 'all', w.url]),
      'no webhook subscriptions',
    )
    case 'software.list': return table(
      ['software', 'certified at', 'on client', 'scenarios passed'],
      (result as SoftwareRow[]).map(s => [`${s.vendor}/${s.product}/${s.version}`, new Date(s.certifiedAt).toISOString(), s.clientId,
        s.report ? String(s.report.scenarios.length) : 'no report kept']),
      'no certified software',
    )
    default: return JSON.stringify(result, null, 2) + '\n'
  }
}

interface ClientRow {
  id: string; name: string; taxNumber: string; environment: string; role: string; software: string | null
  certificates: { revoked: boolean; daysLeft: number }[]
}
interface MandateRow { id: string; employer: string; clientId: string; types: string[] | null; from: string | null; to: string | null; active: boolean }
interface WebhookRow { id: string; clientId: string; status: string; pending: number; types: string[] | null; url: string }
interface SoftwareRow {
  vendor: string; product: string; version: string; certifiedAt: string | Date; clientId: string
  report: { scenarios: unknown[] } | null
}

/** `412, 30` for two active certificates, `-3 (expired)`, `none active` when every one is revoked. */
function certificateDays(certificates: ClientRow['certificates']): string {
  const active = certificates.filter(c => !c.revoked)
  if (active.length === 0) return 'none active'
  return active.map(c => (c.daysLeft < 0 ? `${c.daysLeft} (expired)` : String(c.daysLeft))).join(', ')
}

function table(header: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return `${empty}\n`
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n') + '\n'
}

interface VerifyResult {
  ok: boolean; anchorDir: string; entries: number; anchored: number; checkpoints: number; messages: number; unchecked: number; documents: number
  faults: ({ kind: 'entry'; seq: number; reason: string } | { kind: 'checkpoint'; file: string; reason: string }
    | { kind: 'message'; id: string; documentId: string | null; reason: string } | { kind: 'document'; id: string; number: string | null; reason: string })[]
  notes: string[]
}

function formatVerify(r: VerifyResult): string {
  const lines = r.faults.map(f => {
    switch (f.kind) {
      case 'entry': return `audit log BROKEN at entry ${f.seq}: entry ${f.seq} ${f.reason}`
      case 'checkpoint': return `checkpoint BROKEN: ${f.file}: ${f.reason}`
      case 'message': return `message log BROKEN at message ${f.id}${f.documentId ? ` (document ${f.documentId})` : ''}: ${f.reason}`
      case 'document': return `document BROKEN: ${f.number ?? f.id} (${f.id}) ${f.reason}`
    }
  })
  if (r.ok) {
    lines.push(`audit log intact: ${r.entries} entries, ${r.anchored} of them anchored by ${r.checkpoints} checkpoint(s) in ${r.anchorDir}; ` +
      `${r.messages} message bodies and ${r.documents} documents match their SHA-256`)
  }
  if (r.unchecked > 0) lines.push(`note: ${r.unchecked} cut bodies kept before migration 0005 have no SHA-256 of their own to check`)
  lines.push(...r.notes.map(n => `note: ${n}`))
  return lines.join('\n') + '\n'
}
