/** Human-readable output of operator actions; `--json` prints the result object instead. */
export function formatResult(operation: string, result: unknown): string {
  const r = result as Record<string, unknown>
  switch (operation) {
    case 'clients.add': return `${r.id}\n`
    case 'mandates.add': return `${r.id}\n`
    case 'clients.cert-add': return `certificate ${r.fingerprint} added\n`
    case 'clients.cert-revoke': return `certificate revoked (client ${r.clientId})\n`
    case 'mandates.revoke': return `mandate ${r.revoked} revoked\n`
    case 'software.certify': return `certified ${r.vendor}/${r.product} ${r.version}\n`
    case 'migrate': {
      const applied = r.applied as string[]
      return applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n'
    }
    case 'audit.verify':
      return r.ok ? `audit log intact: ${r.entries} entries\n` : `audit log BROKEN at entry ${r.seq}: ${r.reason} (${r.entries} entries verified before it)\n`
    case 'clients.list': return table(
      ['id', 'env', 'tax number', 'name', 'certificates (days left)', 'software'],
      (result as ClientRow[]).map(c => [c.id, c.environment, c.taxNumber, c.name, certificateDays(c.certificates), c.software ?? '']),
      'no clients',
    )
    case 'mandates.list': return table(
      ['id', 'employer', 'client', 'types', 'from', 'to', 'state'],
      (result as MandateRow[]).map(m => [m.id, m.employer, m.clientId, m.types?.join(',') ?? 'all', m.from ?? '…', m.to ?? '…', m.active ? 'active' : 'revoked']),
      'no mandates',
    )
    case 'software.list': return table(
      ['software', 'certified at', 'on client'],
      (result as SoftwareRow[]).map(s => [`${s.vendor}/${s.product}/${s.version}`, new Date(s.certifiedAt).toISOString(), s.clientId]),
      'no certified software',
    )
    default: return JSON.stringify(result, null, 2) + '\n'
  }
}

interface ClientRow {
  id: string; name: string; taxNumber: string; environment: string; software: string | null
  certificates: { revoked: boolean; daysLeft: number }[]
}
interface MandateRow { id: string; employer: string; clientId: string; types: string[] | null; from: string | null; to: string | null; active: boolean }
interface SoftwareRow { vendor: string; product: string; version: string; certifiedAt: string | Date; clientId: string }

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
