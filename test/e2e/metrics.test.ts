import t from 'tap'
import { spawnSync } from 'node:child_process'
import { sql } from 'kysely'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { testDb } from '../helpers/db.js'
import { fixture } from '../helpers/paths.js'
import { envelope, soapCall } from '../helpers/soap.js'
import { addCertificate } from '../../src/operator/index.js'

// GET /metrics (SPEC.md §8): prom-client's exposition of the gateway's series and the process's, checked by
// Prometheus's own promtool where it is installed (.ci/run installs it).

const pki = testPki()
const PRIMER = '45678138'
const basic = fixture('si/m1/valid-basic.xml')
const day = 86_400_000
const hasPromtool = spawnSync('promtool', ['--version']).status === 0
const promtoolRequired = process.env.EHRS_REQUIRE_PROMTOOL === '1'

function settableClock() {
  let now = Date.now()
  return { now: () => new Date(now), advance: (ms: number) => { now += ms } }
}

const scrape = async (gw: TestGateway): Promise<string> => {
  const res = await gw.call({ path: '/metrics' })
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`)
  return res.text
}
/** The value of one series, by its exact name and labels as exposed. */
const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find(l => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('/metrics: every series of the gateway, the process metrics, and promtool check metrics', async t => {
  const clock = settableClock()
  const gw = await startGateway(t, { clock, env: { PROCESSING_DELAY: '1h' } })
  const clientId = await gw.register(pki.client, { taxNumber: PRIMER })
  const filed = await gw.call({ path: '/api/v1/documents', as: pki.client, body: basic, headers: xmlHeaders })
  t.equal(filed.status, 201)
  await gw.call({ path: `/api/v1/documents/${filed.json.id}`, as: pki.client })
  await gw.call({ path: '/api/v1/documents', as: pki.client, body: '<M1', headers: xmlHeaders })
  await gw.call({ path: `/api/v1/documents/${filed.json.id}/storno`, method: 'POST', as: pki.client })
  await soapCall(gw, pki.client, envelope('GetDocumentStatus', '<e:id>0195896b-dd51-7c3a-9e42-5b1f0d7a2c68</e:id>'))
  await soapCall(gw, pki.client, envelope('GetDocumentStatus', `<e:id>${filed.json.id}</e:id>`))
  await soapCall(gw, pki.client, '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body/></soap:Envelope>')

  const res = await gw.call({ path: '/metrics' })
  t.equal(res.status, 200)
  t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
  const text = res.text
  for (const name of [
    'ehrs_http_requests_total', 'ehrs_http_request_duration_seconds', 'ehrs_submissions_total', 'ehrs_storno_total', 'ehrs_soap_faults_total',
    'ehrs_admission_refused_total', 'ehrs_inflight_requests', 'ehrs_inflight_bytes', 'ehrs_timed_transitions_total', 'ehrs_message_log_failures_total',
    'ehrs_database_faults_total', 'ehrs_database_available', 'ehrs_timers_due', 'ehrs_timers_overdue', 'ehrs_oldest_unprocessed_document_age_seconds',
    'ehrs_client_certificate_expiry_seconds', 'ehrs_client_certificates_expiring',
    'ehrs_webhook_deliveries_total', 'ehrs_webhook_subscriptions_failing', 'ehrs_webhook_deliveries_pending',
    'process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds',
  ]) t.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exposed`)

  t.equal(value(text, 'ehrs_submissions_total{outcome="stored",type="M1"}'), 1)
  t.equal(value(text, 'ehrs_submissions_total{outcome="XML_MALFORMED",type="unknown"}'), 1)
  t.equal(value(text, 'ehrs_storno_total{type="M1"}'), 1)
  t.equal(value(text, 'ehrs_database_available'), 1)
  t.equal(value(text, 'ehrs_webhook_deliveries_total{outcome="given_up"}'), 0, 'each outcome has its series from the start')
  t.equal(value(text, 'ehrs_webhook_subscriptions_failing'), 0)
  // GET and POST of one route are timed apart.
  t.equal(value(text, 'ehrs_http_request_duration_seconds_count{method="POST",route="/api/v1/documents"}'), 2)
  t.equal(value(text, 'ehrs_http_request_duration_seconds_count{method="GET",route="/api/v1/documents/:id"}'), 1)
  t.equal(value(text, 'ehrs_http_requests_total{method="POST",route="/api/v1/documents",status="400"}'), 1)
  // A SOAP client fault is no server error: counted with its problem's status, and by fault class and code.
  t.equal(value(text, 'ehrs_soap_faults_total{code="DOCUMENT_NOT_FOUND",fault="Client"}'), 1)
  t.equal(value(text, 'ehrs_soap_faults_total{code="INVALID_REQUEST",fault="VersionMismatch"}'), 1)
  t.equal(value(text, 'ehrs_http_requests_total{method="POST",route="/soap",status="404"}'), 1)
  t.equal(value(text, 'ehrs_http_requests_total{method="POST",route="/soap",status="400"}'), 1)
  t.equal(value(text, 'ehrs_http_requests_total{method="POST",route="/soap",status="200"}'), 1)
  t.notMatch(text, /route="\/soap",status="500"/, 'no SOAP answer counts as a 500')
  // The client's certificate (valid for years), by client id and fingerprint: no name, no subject.
  t.match(text, new RegExp(`^ehrs_client_certificate_expiry_seconds\\{client="${clientId}",environment="test",fingerprint="[0-9a-f]{64}"\\} [1-9]\\d+$`, 'm'))
  t.equal(value(text, 'ehrs_client_certificates_expiring{environment="test"}'), 0)
  t.notMatch(text, /payroll program|Test d\.o\.o\./, 'no certificate subject in the metrics')

  if (promtoolRequired) t.ok(hasPromtool, 'promtool is installed (EHRS_REQUIRE_PROMTOOL=1)')
  await t.test('promtool check metrics accepts the exposition', {
    skip: hasPromtool ? false : 'promtool is not installed (apt-get install prometheus provides it; .ci/run installs it)',
  }, async t => {
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
    t.equal(checked.status, 0, 'promtool check metrics exits 0')
    t.equal(`${checked.stdout}${checked.stderr}`.trim(), '', 'and reports no problem')
  })
})

t.test('timers due and overdue, and the oldest unprocessed document, read when scraped', async t => {
  const clock = settableClock()
  const gw = await startGateway(t, { clock, env: { PROCESSING_DELAY: '10m' } })
  await gw.register(pki.client, { taxNumber: PRIMER })
  // The poll would run them as soon as they are due: this test watches them wait.
  await gw.services.lifecycle.timers.stop()
  t.equal((await gw.call({ path: '/api/v1/documents', as: pki.client, body: basic, headers: xmlHeaders })).status, 201)
  let text = await scrape(gw)
  t.equal(value(text, 'ehrs_timers_due{kind="process"}'), 0, 'not due yet')
  t.equal(value(text, 'ehrs_timers_due{kind="forward"}'), 0, 'every kind has its series')
  t.equal(value(text, 'ehrs_oldest_unprocessed_document_age_seconds{environment="production"}'), 0)
  t.ok(value(text, 'ehrs_oldest_unprocessed_document_age_seconds{environment="test"}')! < 5)

  clock.advance(10 * 60_000)
  text = await scrape(gw)
  t.same([value(text, 'ehrs_timers_due{kind="process"}'), value(text, 'ehrs_timers_overdue{kind="process"}')], [1, 0], 'due, not yet overdue')
  clock.advance(61_000)
  text = await scrape(gw)
  t.same([value(text, 'ehrs_timers_due{kind="process"}'), value(text, 'ehrs_timers_overdue{kind="process"}')], [1, 1], 'overdue a minute after its due time')
  t.ok(value(text, 'ehrs_oldest_unprocessed_document_age_seconds{environment="test"}')! >= 660)

  t.equal(await gw.services.lifecycle.timers.runDue(), 1)
  text = await scrape(gw)
  t.same([value(text, 'ehrs_timers_due{kind="process"}'), value(text, 'ehrs_timers_overdue{kind="process"}')], [0, 0], 'none once run')
  t.equal(value(text, 'ehrs_oldest_unprocessed_document_age_seconds{environment="test"}'), 0)
  t.equal(value(text, 'ehrs_timed_transitions_total{kind="process",outcome="done"}'), 1)
})

t.test('certificates expiring within CERT_EXPIRY_WARN; a client that added its next certificate is not counted', async t => {
  const gw = await startGateway(t, { env: { CERT_EXPIRY_WARN: '30d' } })
  const ending = (commonName: string, days: number) => issueCertificate(pki.ca, {
    commonName, kind: 'client', notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + days * day),
  })
  await gw.register(ending('ending soon', 10), { environment: 'production' })
  const rotating = await gw.register(ending('rotating', 5), { environment: 'production' })
  await addCertificate(gw.services.db, rotating, ending('rotated', 400).cert, new Date())
  await gw.register(ending('sandbox', 20), { environment: 'test' })
  const text = await scrape(gw)
  t.equal(value(text, 'ehrs_client_certificates_expiring{environment="production"}'), 1)
  t.equal(value(text, 'ehrs_client_certificates_expiring{environment="test"}'), 1)
  const expiries = text.split('\n').filter(l => l.startsWith('ehrs_client_certificate_expiry_seconds{')).map(l => Number(l.split(' ')[1]))
  t.equal(expiries.length, 4)
  t.ok(expiries.some(s => s > 4 * 86_400 && s <= 5 * 86_400), 'seconds to the end')
})

t.test('/metrics answers while the database is held, with the values it read last', async t => {
  // Long enough for the set-up's statements on a busy machine (the suite runs files side by side).
  const gw = await startGateway(t, { db: await testDb(t, { statementTimeoutMs: 2_000, poolSize: 1 }), env: { DB_STATEMENT_TIMEOUT: '2s' } })
  await gw.register(pki.client, { taxNumber: PRIMER })
  const before = await scrape(gw)
  const certificate = before.split('\n').find(l => l.startsWith('ehrs_client_certificate_expiry_seconds{'))!
  t.ok(certificate, 'a certificate series')
  let release!: () => void
  let isHolding!: () => void
  const holding = new Promise<void>(resolve => { isHolding = resolve })
  const holder = gw.services.db.transaction().execute(async trx => {
    await sql`select 1`.execute(trx)
    isHolding()
    await new Promise<void>(resolve => { release = resolve })
  })
  await holding
  try {
    const started = Date.now()
    const during = await gw.call({ path: '/metrics' })
    t.equal(during.status, 200, 'the scrape is answered')
    t.ok(Date.now() - started < 8_000, 'within the statement timeout and a little')
    t.equal(during.text.split('\n').find(l => l.startsWith('ehrs_client_certificate_expiry_seconds{'))?.split(' ')[0], certificate.split(' ')[0], 'the last series read')
    t.equal(value(during.text, 'ehrs_timers_due{kind="process"}'), value(before, 'ehrs_timers_due{kind="process"}'))
  } finally {
    // Never left held, or the gateway could not close.
    release()
    await holder
  }
})
