/** Prometheus text exposition for a handful of counters and one latency histogram; no client library needed. */
export interface Metrics {
  count(name: string, labels?: Record<string, string>, by?: number): void
  observe(name: string, seconds: number, labels?: Record<string, string>): void
  /** A value read when scraped (requests in flight, bytes in flight). */
  gauge(name: string, read: () => number): void
  render(): string
}

const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const help: Record<string, string> = {
  ehrs_http_requests_total: 'HTTP requests by route pattern and status',
  ehrs_submissions_total: 'Document submissions by type and outcome code',
  ehrs_http_request_duration_seconds: 'HTTP request duration by route pattern',
  ehrs_admission_refused_total: 'Requests refused by admission control, by reason (rate, client_concurrency, gateway_bytes)',
  ehrs_inflight_requests: 'Requests admitted and not yet answered',
  ehrs_inflight_bytes: 'Request body bytes admitted and not yet answered, gateway-wide (MAX_INFLIGHT_BYTES)',
  ehrs_message_log_failures_total: 'Message-log rows that could not be written',
  ehrs_database_faults_total: 'Database faults met (connection lost or refused, statement timeout, disk full, …), by SQLSTATE or cause',
  ehrs_database_available: 'Whether the database answers: 1, or 0 from its first fault until a probe passes after 2 s without one',
}

export function createMetrics(): Metrics {
  const counters = new Map<string, Map<string, number>>()
  const histograms = new Map<string, Map<string, { counts: number[]; sum: number; n: number }>>()
  const gauges = new Map<string, () => number>()
  const key = (labels: Record<string, string> = {}) =>
    Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')
  return {
    count(name, labels, by = 1) {
      const series = counters.get(name) ?? new Map<string, number>()
      counters.set(name, series)
      const k = key(labels)
      series.set(k, (series.get(k) ?? 0) + by)
    },
    observe(name, seconds, labels) {
      const series = histograms.get(name) ?? new Map()
      histograms.set(name, series)
      const k = key(labels)
      const h = series.get(k) ?? { counts: buckets.map(() => 0), sum: 0, n: 0 }
      series.set(k, h)
      buckets.forEach((b, i) => { if (seconds <= b) h.counts[i]!++ })
      h.sum += seconds
      h.n++
    },
    gauge(name, read) {
      gauges.set(name, read)
    },
    render() {
      const lines: string[] = []
      const withLabels = (k: string, extra = '') => (k || extra ? `{${[k, extra].filter(Boolean).join(',')}}` : '')
      for (const [name, series] of counters) {
        lines.push(`# HELP ${name} ${help[name] ?? name}`, `# TYPE ${name} counter`)
        for (const [k, v] of series) lines.push(`${name}${withLabels(k)} ${v}`)
      }
      for (const [name, series] of histograms) {
        lines.push(`# HELP ${name} ${help[name] ?? name}`, `# TYPE ${name} histogram`)
        for (const [k, h] of series) {
          buckets.forEach((b, i) => lines.push(`${name}_bucket${withLabels(k, `le="${b}"`)} ${h.counts[i]}`))
          lines.push(`${name}_bucket${withLabels(k, 'le="+Inf"')} ${h.n}`, `${name}_sum${withLabels(k)} ${h.sum}`, `${name}_count${withLabels(k)} ${h.n}`)
        }
      }
      for (const [name, read] of gauges) lines.push(`# HELP ${name} ${help[name] ?? name}`, `# TYPE ${name} gauge`, `${name} ${read()}`)
      const mem = process.memoryUsage()
      lines.push('# HELP process_resident_memory_bytes Resident memory', '# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`)
      return lines.join('\n') + '\n'
    },
  }
}
