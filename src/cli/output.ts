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
    case 'clients.list':
      return (result as { id: string; name: string; taxNumber: string; environment: string; software: string | null; certificates: { revoked: boolean }[] }[])
        .map(c => `${c.id}  ${c.environment.padEnd(10)} ${c.taxNumber.padEnd(10)} ${c.name}  certificates: ${c.certificates.filter(x => !x.revoked).length} active${c.software ? `  software: ${c.software}` : ''}`)
        .join('\n') + '\n'
    case 'mandates.list':
      return (result as { id: string; employer: string; clientId: string; types: string[] | null; from: string | null; to: string | null; active: boolean }[])
        .map(m => `${m.id}  employer ${m.employer}  client ${m.clientId}  types ${m.types?.join(',') ?? 'all'}  ${m.from ?? '…'} – ${m.to ?? '…'}${m.active ? '' : '  (revoked)'}`)
        .join('\n') + '\n'
    default: return JSON.stringify(result, null, 2) + '\n'
  }
}
