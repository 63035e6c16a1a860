import t from 'tap'
import { Agent } from 'node:https'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import soap from 'soap'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { fixture, fixturesDir } from '../helpers/paths.js'
import { runProgram } from '../helpers/processes.js'
import { verifyReceipt } from '../../src/receipts/index.js'
import { projectRoot } from '../../src/lib/index.js'

/*
 * Independent SOAP clients that build their calls from the WSDL alone: the soap package for Node (always), Python
 * zeep and PHP SoapClient where installed. `.ci/run` installs both and sets EHRS_REQUIRE_SOAP_CLIENTS, so there a
 * missing client fails instead of being skipped.
 */

const pki = testPki()
const PRIMER = '45678138'
const valid = join(fixturesDir, 'si', 'm1', 'valid-basic.xml')
const invalid = join(fixturesDir, 'si', 'm1', 'invalid', 'SI-M1-001.xml')
const required = process.env.EHRS_REQUIRE_SOAP_CLIENTS === '1'

/** What each client reports: the same shape from every language. */
interface Seen {
  id: string
  number: string
  acceptance: string
  processing: string
  receipt: string
  listed: string[]
  fault: { faultcode: string; code: string; findings: string[] } | null
  /** GetMe: who the gateway takes the client for. */
  me: { clientId: string; environment: string; fingerprint: string; qualified: boolean }
}

const files = mkdtempSync(join(tmpdir(), 'ehrs-soap-clients-'))
t.teardown(() => rmSync(files, { recursive: true, force: true }))
const ca = join(files, 'ca.pem')
const cert = join(files, 'client.pem')
const key = join(files, 'client-key.pem')
writeFileSync(ca, pki.ca.cert)
writeFileSync(cert, pki.client.cert)
writeFileSync(key, pki.client.key)

async function gateway(t: { teardown(fn: () => unknown): void }): Promise<TestGateway> {
  const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h' } })
  await gw.register(pki.client, { taxNumber: PRIMER })
  return gw
}

/** The checks every client must pass, against what REST says of the same documents. */
async function judge(t: Tap, gw: TestGateway, seen: Seen): Promise<void> {
  const view = await gw.call({ path: `/api/v1/documents/${seen.id}`, as: pki.client })
  t.equal(view.status, 200, 'the document filed over SOAP is there over REST')
  t.equal(seen.number, view.json.number)
  t.same([seen.acceptance, seen.processing], ['accepted', 'unprocessed'])
  t.same([seen.acceptance, seen.processing], [view.json.status.acceptance, view.json.status.processing])
  t.ok(seen.listed.includes(seen.id), 'ListDocuments lists it')
  const receipt = Buffer.from(seen.receipt, 'base64').toString('utf8')
  t.match(receipt, `<DocumentId>${seen.id}</DocumentId>`)
  t.ok(verifyReceipt(receipt, pki.ca.cert), 'the receipt arrives byte-exact and its signature verifies')
  const rest = await gw.call({ path: '/api/v1/documents', as: pki.client, body: fixture('si/m1/invalid/SI-M1-001.xml'), headers: xmlHeaders })
  t.equal(rest.status, 422)
  t.same(seen.fault, {
    faultcode: 'soap:Client', code: 'DOCUMENT_INVALID', findings: rest.json.findings.map((f: { code: string }) => f.code),
  }, 'the invalid M1 is a Fault with the finding codes REST gives')
  t.same(seen.fault?.findings, ['SI-M1-001'])
  const me = (await gw.call({ path: '/api/v1/me', as: pki.client })).json
  t.strictSame(seen.me, { clientId: me.clientId, environment: me.environment, fingerprint: me.certificate.fingerprint, qualified: me.certificate.qualified },
    'GetMe says what GET /api/v1/me says')
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

t.test('Node: the soap package', async t => {
  const gw = await gateway(t)
  const httpsAgent = new Agent({ ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key })
  const client = await soap.createClientAsync(`${gw.url}/soap?wsdl`, { wsdl_options: { httpsAgent } })
  client.setSecurity(new soap.ClientSSLSecurity(Buffer.from(pki.client.key), Buffer.from(pki.client.cert), Buffer.from(pki.ca.cert)))
  const asXml = (path: string): { $xml: string } => ({ $xml: fixture(path.slice(fixturesDir.length + 1)).toString('utf8') })
  const [submitted] = await client.SubmitDocumentAsync({ document: asXml(valid) })
  const [status] = await client.GetDocumentStatusAsync({ id: submitted.document.id })
  const [receipt] = await client.GetReceiptAsync({ id: submitted.document.id })
  const [listed] = await client.ListDocumentsAsync({ type: 'M1', limit: 5 })
  const [me] = await client.GetMeAsync({})
  let fault: Seen['fault'] = null
  try {
    await client.SubmitDocumentAsync({ document: asXml(invalid) })
  } catch (error) {
    const f = (error as { root: { Envelope: { Body: { Fault: { faultcode: string; detail: { problem: { code: string; findings: { finding: unknown } } } } } } } }).root.Envelope.Body.Fault
    const findings = ([] as { code: string }[]).concat(f.detail.problem.findings.finding as { code: string }[])
    fault = { faultcode: f.faultcode, code: f.detail.problem.code, findings: findings.map(x => x.code) }
  }
  await judge(t, gw, {
    id: submitted.document.id, number: submitted.document.number,
    acceptance: status.document.status.acceptance, processing: status.document.status.processing,
    receipt: String(receipt.receipt), listed: ([] as { id: string }[]).concat(listed.items.document).map(d => d.id), fault,
    me: { clientId: me.clientId, environment: me.environment, fingerprint: me.certificate.fingerprint, qualified: me.certificate.qualified },
  })
})

const external = [
  { name: 'Python zeep', probe: ['/usr/bin/python3', ['-c', 'import zeep']], command: ['/usr/bin/python3', [join(projectRoot, 'test', 'soap-clients', 'zeep_client.py')]] },
  { name: 'PHP SoapClient', probe: ['php', ['-r', 'exit(class_exists("SoapClient") ? 0 : 1);']], command: ['php', [join(projectRoot, 'test', 'soap-clients', 'php_client.php')]] },
] as const

for (const client of external) {
  const available = await runProgram(client.probe[0], client.probe[1]).then(r => r.code === 0, () => false)
  if (!available && required) t.fail(`${client.name} is not installed, and EHRS_REQUIRE_SOAP_CLIENTS is set`)
  t.test(client.name, { skip: available ? false : `${client.name} is not installed (.ci/run installs it)` }, async t => {
    const gw = await gateway(t)
    const result = await runProgram(client.command[0], [...client.command[1], `${gw.url}/soap?wsdl`, ca, cert, key, valid, invalid])
    t.equal(result.code, 0, result.stderr)
    await judge(t, gw, JSON.parse(result.stdout) as Seen)
  })
}
