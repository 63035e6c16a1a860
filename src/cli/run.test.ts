import { X509Certificate } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { openDb, type Database } from '../db/index.js'
import { adminSocketPath } from '../operator/index.js'
import { listenAdmin } from '../transport/index.js'
import { fingerprint } from '../pki/index.js'
import { projectRoot } from '../lib/index.js'
import { ownDatabase, seedDataDir } from '../../test/helpers/db.js'
import { startGateway, type TestGateway } from '../../test/helpers/gateway.js'
import { createCa, issueCertificate, testPki } from '../../test/helpers/pki.js'
import { qcComplianceStatement, signTrustedList, trustedListXml } from '../../test/helpers/trust.js'
import { commands } from './commands.js'
import { runCli } from './run.js'

const pki = testPki()
const untrustedCa = createCa('Untrusted CA')
const DAY_MS = 86_400_000
const m1 = join(projectRoot, 'examples', 'si', 'm1.xml')

// One gateway for the tests that do not open the database themselves: each test reaches it through an admin
// socket in its own folder, and looks only at the clients it registered.
let gateway: Promise<TestGateway> | undefined

interface Home {
  readonly dir: string
  readonly env: Record<string, string>
  /** Runs `ehrs …` in this process, in `dir`, with stdout and stderr captured. */
  ehrs(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>
  /** Every row of the tables operator actions write, to compare before and after. */
  rows(): Promise<Record<string, unknown[]>>
}

/**
 * A folder with certificates to register (TRUST_CA is the test CA) and a database the CLI works on: by default a
 * running gateway's, reached through its admin socket as while the gateway runs; with `direct`, a database the CLI
 * opens itself (an embedded one in the folder, or a PostgreSQL database of its own when DATABASE_URL is set).
 */
async function home(test: Test, db: 'gateway' | 'direct' | 'none'): Promise<Home> {
  const now = Date.now()
  const issue = (commonName: string, kind: 'client' | 'server' = 'client', validity: { notBefore?: Date; notAfter?: Date } = {}) =>
    issueCertificate(pki.ca, { commonName, kind, ...validity })
  const client = issue('payroll program')
  const dir = test.testdir({
    'ca.pem': pki.ca.cert,
    'client.pem': client.cert,
    'client-2.pem': issue('payroll program 2').cert,
    'inspector.pem': issue('labour inspectorate').cert,
    'expired.pem': issue('old program', 'client', { notBefore: new Date(now - 30 * DAY_MS), notAfter: new Date(now - DAY_MS) }).cert,
    'not-yet.pem': issue('early program', 'client', { notBefore: new Date(now + DAY_MS), notAfter: new Date(now + 9 * DAY_MS) }).cert,
    'server.pem': issue('localhost', 'server').cert,
    'untrusted.pem': issueCertificate(untrustedCa, { commonName: 'untrusted program', kind: 'client' }).cert,
    'qualified.pem': issueCertificate(pki.ca, { commonName: 'qualified program', kind: 'client', extensions: [qcComplianceStatement] }).cert,
    'key.pem': client.key,
    data: {},
  })
  const env: Record<string, string> = { DATA_DIR: join(dir, 'data'), TRUST_CA: join(dir, 'ca.pem') }
  let withDb: <T>(use: (db: Kysely<Database>) => Promise<T>) => Promise<T>
  if (db === 'none') {
    withDb = () => Promise.reject(new Error('this test has no database'))
  } else if (db === 'direct') {
    const databaseUrl = process.env.DATABASE_URL ? await ownDatabase(test, process.env.DATABASE_URL) : undefined
    if (databaseUrl) env.DATABASE_URL = databaseUrl
    else await seedDataDir(env.DATA_DIR!)
    withDb = async use => {
      const handle = await openDb(databaseUrl ? { databaseUrl } : { dataDir: env.DATA_DIR! })
      try {
        return await use(handle.db)
      } finally {
        await handle.close()
      }
    }
  } else {
    const gw = await (gateway ??= startGateway(t))
    const admin = await listenAdmin(gw.services, adminSocketPath(env.DATA_DIR!), pino({ level: 'silent' }))
    test.teardown(() => admin.close())
    withDb = use => use(gw.services.db)
  }
  return {
    dir, env,
    async ehrs(...argv) {
      let stdout = ''
      let stderr = ''
      const code = await runCli(argv, { stdout: s => { stdout += s }, stderr: s => { stderr += s }, env, cwd: dir })
      return { code, stdout, stderr }
    },
    rows: () => withDb(async db => {
      const tables = ['clients', 'client_certificates', 'mandates', 'software_certifications', 'audit_log', 'audit_head']
      const all: Record<string, unknown[]> = {}
      for (const table of tables) {
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)
        all[table] = rows.map(r => JSON.stringify(r)).sort()
      }
      return all
    }),
  }
}

async function addClient(h: Home, ...extra: string[]): Promise<string> {
  const added = await h.ehrs('clients', 'add', '--name', 'Primer d.o.o.', '--tax-number', '45678138', '--env', 'test', '--cert', 'client.pem', ...extra)
  if (added.code !== 0) throw new Error(added.stderr)
  return added.stdout.trim()
}

t.test('every command refuses a misspelt option, a missing value and a bad value with exit 2, naming it, and changes nothing', async t => {
  const h = await home(t, 'direct')
  const client = await addClient(h, '--software', 'Acme/Plače/4.2')
  const mandate = await h.ehrs('mandates', 'add', '--employer', '2021234501', '--client', client, '--types', 'MVP')
  t.equal(mandate.code, 0, mandate.stderr)
  const mandateId = mandate.stdout.trim()
  const fp = 'ab'.repeat(32)
  const add = ['clients', 'add', '--name', 'Vendor d.o.o.', '--tax-number', '38172658', '--env', 'production', '--cert', 'client-2.pem']
  const grant = ['mandates', 'add', '--employer', '38172658', '--client', client]

  // [argv, what stderr must name]; per command at least a misspelt option, a missing value and a bad value.
  const cases: [string[], RegExp][] = [
    [[...add, '--softwre', 'Acme/Plače/4.2'], /unknown option --softwre \(did you mean --software\?\)/],
    [[...add, '--software'], /--software needs a value/],
    [[...add.slice(0, -2), '--cert', '--software', 'A/B/1'], /--cert needs a value/],
    [['clients', 'add', '--name=', ...add.slice(4)], /--name needs a value/],
    [[...add.slice(0, 4), ...add.slice(6)], /--tax-number TAXNO is required/],
    [[...add.slice(0, 4), '--tax-number', '38172659', ...add.slice(6)], /--tax-number 38172659: the check digit is wrong/],
    [[...add.slice(0, 4), '--tax-number', '2021234502', ...add.slice(6)], /--tax-number 2021234502: the check digit is wrong/],
    [[...add.slice(0, 4), '--tax-number', '123456789', ...add.slice(6)], /--tax-number 123456789: not a tax number/],
    [[...add.slice(0, 6), '--env', 'prod', ...add.slice(8)], /--env prod: must be test or production/],
    [[...add, '--software', 'Acme/Plače'], /--software Acme\/Plače: must be VENDOR\/PRODUCT\/VERSION/],
    [[...add, '--rloe', 'inspector'], /unknown option --rloe \(did you mean --role\?\)/],
    [[...add, '--role'], /--role needs a value/],
    [[...add, '--role', 'auditor'], /--role auditor: must be filer or inspector/],
    [[...add, '--role', 'Inspector'], /--role Inspector: must be filer or inspector/],
    [[...add, 'extra'], /unexpected argument "extra"/],
    [[...add, '--name', 'Again'], /--name is given more than once/],
    [[...add.slice(0, -1), 'expired.pem'], /--cert expired.pem: this certificate cannot authenticate a client:\n {2}- the certificate expired on/],
    [[...add.slice(0, -1), 'not-yet.pem'], /--cert not-yet.pem: .*\n.*not valid before/],
    [[...add.slice(0, -1), 'untrusted.pem'], /--cert untrusted.pem: .*\n.*does not chain to a CA in TRUST_CA/],
    [[...add.slice(0, -1), 'server.pem'], /--cert server.pem: .*\n.*does not include clientAuth/],
    [[...add.slice(0, -1), 'missing.pem'], /--cert missing.pem: cannot read the file/],
    [[...add.slice(0, -1), 'key.pem'], /--cert key.pem: not a PEM certificate/],
    [add, /--cert client-2.pem: not a qualified certificate, which a production client needs: its issuer "ehrs test CA" is not a granted qualified CA of a verified trusted list \(no TRUSTED_LIST is configured\), and it carries no QcCompliance qcStatement\.\nUse --force/],

    [['clients', 'cert-add', client, '--cret', 'client-2.pem'], /unknown option --cret \(did you mean --cert\?\)/],
    [['clients', 'cert-add', client, '--cert'], /--cert needs a value/],
    [['clients', 'cert-add', '--cert', 'client-2.pem'], /missing ID/],
    [['clients', 'cert-add', 'not-an-id', '--cert', 'client-2.pem'], /ID not-an-id: not an id/],
    [['clients', 'cert-add', client, '--cert', 'expired.pem'], /--cert expired.pem: .*cannot authenticate/],
    [['clients', 'cert-add', client, '--cert', 'client-2.pem', '--force=yes'], /--force takes no value/],

    [['clients', 'cert-revoke', fp, '--jsn'], /unknown option --jsn \(did you mean --json\?\)/],
    [['clients', 'cert-revoke'], /missing FINGERPRINT/],
    [['clients', 'cert-revoke', 'ab:cd'], /FINGERPRINT ab:cd: not a SHA-256 fingerprint/],
    [['clients', 'cert-revoke', fp, fp], /unexpected argument/],

    [['clients', 'list', '--jsno'], /unknown option --jsno \(did you mean --json\?\)/],
    [['clients', 'list', '--json=yes'], /--json takes no value/],
    [['clients', 'list', 'all'], /unexpected argument "all" \(this command takes no arguments\)/],

    [['clients', 'show', client, '--verbose'], /unknown option --verbose/],
    [['clients', 'show'], /missing ID/],
    [['clients', 'show', 'Primer'], /ID Primer: not an id/],

    [[...grant, '--form', '2025-01-01'], /unknown option --form \(did you mean --from\?\)/],
    [[...grant, '--to'], /--to needs a value/],
    [[...grant, '--from', '--to', '2025-12-31'], /--from needs a value/],
    [['mandates', 'add', '--client', client], /--employer TAXNO is required/],
    [[...grant, '--from', '2025-02-30'], /--from 2025-02-30: no such day/],
    [[...grant, '--to', '31.12.2025'], /--to 31.12.2025: not a date/],
    [[...grant, '--from', '2025-06-01', '--to', '2025-05-31'], /--to 2025-05-31 is before --from 2025-06-01/],
    [[...grant, '--types', 'M1,X9'], /--types M1,X9: unknown document type X9/],
    [[...grant, '--types', 'M1,,M2'], /--types M1,,M2: an empty document type/],
    [['mandates', 'add', '--employer', '38172657', '--client', client], /--employer 38172657: the check digit is wrong/],
    [['mandates', 'add', '--employer', '38172658', '--client', 'Primer'], /--client Primer: not an id/],
    [[...grant, '--from', '2025-01-01', '--from', '2026-01-01'], /--from is given more than once/],

    [['mandates', 'revoke', mandateId, '--forec'], /unknown option --forec/],
    [['mandates', 'revoke'], /missing ID/],
    [['mandates', 'revoke', '42'], /ID 42: not an id/],

    [['mandates', 'list', '--client', client], /unknown option --client/],
    [['mandates', 'list', '--json=1'], /--json takes no value/],
    [['mandates', 'list', client], /unexpected argument/],

    [['software', 'certify', client, '--force'], /unknown option --force/],
    [['software', 'certify'], /missing ID/],
    [['software', 'certify', 'Acme/Plače/4.2'], /ID Acme\/Plače\/4.2: not an id/],

    [['software', 'list', '--jsn'], /unknown option --jsn/],
    [['software', 'list', '--json=true'], /--json takes no value/],
    [['software', 'list', 'Acme'], /unexpected argument "Acme"/],

    [['webhooks', 'list', '--client', client], /unknown option --client/],
    [['webhooks', 'list', '--json=1'], /--json takes no value/],
    [['webhooks', 'list', 'all'], /unexpected argument "all"/],

    [['webhooks', 'disable', client, '--froce'], /unknown option --froce/],
    [['webhooks', 'disable'], /missing ID/],
    [['webhooks', 'disable', 'https://example.com/hook'], /ID https:\/\/example.com\/hook: not an id/],

    [['validate', m1, '--jsno'], /unknown option --jsno \(did you mean --json\?\)/],
    [['validate'], /missing FILE\.\.\./],
    [['validate', m1, '--json=no'], /--json takes no value/],
    [['validate', m1, '--filing-date', '2025-02-30'], /--filing-date 2025-02-30/],
    [['validate', m1, '--filing-date'], /--filing-date needs a value/],

    [['kit', 'export'], /missing DIR/],
    [['kit', 'export', 'ca.pem'], /DIR ca.pem: not a folder/],
    [['kit', 'export', 'data', '--force'], /unknown option --force/],
    [['kit', 'export', h.dir], /the folder is not empty/],

    [['endm', 'day-91', '2025-01-19', '--form', '2025-01-19'], /unknown option --form/],
    [['endm', 'day-91'], /missing DATE/],
    [['endm', 'day-91', '2025-02-29'], /DATE 2025-02-29: no such day/],
    [['endm', 'day-91', '19.01.2025'], /DATE 19.01.2025: not a date/],
    [['endm', 'day-91', '9999-01-01'], /DATE 9999-01-01: the calculator takes the years 1900 to 9998/],
    [['endm', 'day-91', '2025-01-19', '2025-01-20'], /unexpected argument "2025-01-20"/],
    [['endm', 'day-91', '2025-01-19', '--json=1'], /--json takes no value/],

    [['migrate', '--dry-run'], /unknown option --dry-run/],
    [['migrate', '--json=1'], /--json takes no value/],
    [['migrate', 'now'], /unexpected argument "now"/],

    [['certs', 'dev', '--forse'], /unknown option --forse \(did you mean --force\?\)/],
    [['certs', 'dev', '--force=yes'], /--force takes no value/],
    [['certs', 'dev', 'here'], /unexpected argument "here"/],

    [['audit', 'verify', '--anchor', h.dir], /unknown option --anchor \(did you mean --anchors\?\)/],
    [['audit', 'verify', '--anchors'], /--anchors needs a value/],
    [['audit', 'verify', '--anchors', 'no-such-folder'], /--anchors no-such-folder: no such folder/],
    [['audit', 'verify', '--anchors', 'ca.pem'], /--anchors ca.pem: not a folder/],

    [['audit', 'checkpoint', '--now'], /unknown option --now/],
    [['audit', 'checkpoint', '--json=1'], /--json takes no value/],
    [['audit', 'checkpoint', 'now'], /unexpected argument "now"/],
  ]
  const covered = new Set(cases.map(([argv]) => commands.find(c => argv.join(' ').startsWith(`${c.name} `) || argv.join(' ') === c.name)!.name))
  t.same([...covered].sort(), commands.map(c => c.name).sort(), 'every command is in the table')

  const before = await h.rows()
  // On the embedded database its folder is locked as if by another process meanwhile: a command that tried to open
  // the database before refusing its arguments would fail on the lock, and not name the argument.
  const lock = join(h.env.DATA_DIR!, 'gateway.lock')
  if (!h.env.DATABASE_URL) writeFileSync(lock, String(process.ppid))
  for (const [argv, names] of cases) {
    const result = await h.ehrs(...argv)
    t.equal(result.code, 2, `exit 2: ehrs ${argv.join(' ')}`)
    t.match(result.stderr, names, `names it: ${result.stderr.trim()}`)
    t.equal(result.stdout, '', 'prints nothing on stdout')
  }
  rmSync(lock, { force: true })
  t.same(await h.rows(), before, 'the database is as it was')
})

t.test('help on every command and for the whole CLI, and the version', async t => {
  const h = await home(t, 'none')
  for (const argv of [['--help'], ['-h'], ['help']]) {
    const result = await h.ehrs(...argv)
    t.equal(result.code, 0)
    for (const command of commands) t.match(result.stdout, `ehrs ${command.name}`, `${argv[0]} lists ehrs ${command.name}`)
  }
  for (const command of commands) {
    for (const flag of ['--help', '-h']) {
      const result = await h.ehrs(...command.name.split(' '), flag)
      t.equal(result.code, 0, `ehrs ${command.name} ${flag}`)
      t.match(result.stdout, new RegExp(`^Usage: ehrs ${command.name}`))
      for (const option of [...Object.keys(command.options), 'json', 'help']) t.match(result.stdout, `--${option}`)
    }
  }
  t.match((await h.ehrs('help', 'mandates', 'add')).stdout, /^Usage: ehrs mandates add --employer TAXNO --client ID/)
  t.match((await h.ehrs('mandates', 'add', '--form', 'x', '--help')).stdout, /^Usage: ehrs mandates add/, '--help wins over the other arguments')
  const version = await h.ehrs('--version')
  t.same(version, { code: 0, stdout: `${JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version}\n`, stderr: '' })
  const none = await h.ehrs()
  t.equal(none.code, 2, 'no command at all')
  t.match(none.stderr, /^Usage: ehrs/)
  t.match(await h.ehrs('clients'), { code: 2, stderr: /ehrs clients needs a command/ })
  t.match(await h.ehrs('clients', 'frobnicate'), { code: 2, stderr: /unknown command: ehrs clients frobnicate/ })
  t.match(await h.ehrs('--json', 'clients', 'list'), { code: 2, stderr: /unknown option --json: options come after the command/ })
  t.match(await h.ehrs('help', 'nothing'), { code: 2, stderr: /no such command: ehrs nothing/ })
})

t.test('listings in text and --json: clients with the days until each certificate expires, mandates, software', async t => {
  const h = await home(t, 'gateway')
  const client = await addClient(h, '--software', 'Acme/Plače/4.2-listing')
  t.equal((await h.ehrs('clients', 'cert-add', client, '--cert', 'client-2.pem')).code, 0)
  const daysLeft = (file: string) => Math.floor((Date.parse(new X509Certificate(readFileSync(join(h.dir, file))).validTo) - Date.now()) / DAY_MS)
  const days = [daysLeft('client.pem'), daysLeft('client-2.pem')]
  t.ok(days.every(d => d >= 729 && d <= 730), 'two-year certificates')
  const list = await h.ehrs('clients', 'list', '--json')
  t.equal(list.code, 0, list.stderr)
  const row = JSON.parse(list.stdout).find((c: { id: string }) => c.id === client)
  t.match(row, { id: client, taxNumber: '45678138', environment: 'test', role: 'filer', software: 'Acme/Plače/4.2-listing' })
  t.same(row.certificates.map((c: { daysLeft: number }) => c.daysLeft), days)
  const text = await h.ehrs('clients', 'list')
  t.match(text.stdout, /^id +env +role +tax number +name +certificates \(days left\) +software/)
  t.match(text.stdout, new RegExp(`${client}  test +filer +45678138 +Primer d\\.o\\.o\\. +${days[0]}, ${days[1]} +Acme/Plače/4.2-listing`))
  const show = JSON.parse((await h.ehrs('clients', 'show', client, '--json')).stdout)
  t.same(show.certificates.map((c: { daysLeft: number }) => c.daysLeft), days)
  t.equal(show.role, 'filer')

  // A labour inspectorate: registered with --role inspector, listed and shown so, and audited with its role.
  const added = await h.ehrs('clients', 'add', '--name', 'Inšpektorat za delo', '--tax-number', '38172658', '--env', 'test', '--cert', 'inspector.pem', '--role', 'inspector')
  t.equal(added.code, 0, added.stderr)
  const inspector = added.stdout.trim()
  t.match((await h.ehrs('clients', 'list')).stdout, new RegExp(`${inspector}  test +inspector +38172658 +Inšpektorat za delo`))
  t.equal(JSON.parse((await h.ehrs('clients', 'show', inspector, '--json')).stdout).role, 'inspector')
  const audited = (await h.rows()).audit_log!.map(r => JSON.parse(r as string) as { action: string; subject: string; details: { role?: string } })
  t.equal(audited.find(e => e.action === 'client.added' && e.subject === inspector)?.details.role, 'inspector', 'the audit entry names the role')

  t.equal((await h.ehrs('mandates', 'add', '--employer', '2021234501', '--client', client, '--types', 'mvp,RLFO', '--from', '2025-01-01')).code, 0)
  const mandates = JSON.parse((await h.ehrs('mandates', 'list', '--json')).stdout).filter((m: { clientId: string }) => m.clientId === client)
  t.match(mandates, [{ employer: '2021234501', clientId: client, types: ['MVP', 'RLFO'], from: '2025-01-01', to: null, active: true }])
  t.match((await h.ehrs('mandates', 'list')).stdout, new RegExp(`2021234501 +${client} +MVP,RLFO +2025-01-01 +… +active`))

  // A client that filed nothing has passed no scenario: nothing is certified, and every pending scenario is named.
  const certify = await h.ehrs('software', 'certify', client)
  t.equal(certify.code, 1, certify.stderr)
  t.match(certify.stdout, /^not certified: Acme\/Plače\/4\.2-listing has \d+ scenario\(s\) pending: file-M1, file-M2, .*recover-malformed, .*storno-too-late, .*events\n$/)
  const pending = JSON.parse((await h.ehrs('software', 'certify', client, '--json')).stdout)
  t.match(pending, { certified: false, software: { vendor: 'Acme', product: 'Plače', version: '4.2-listing' }, report: { complete: false } })
  t.ok(pending.pending.includes('soap') && pending.pending.includes('file-ELDP'), 'the pending scenarios, by id')
  const software = JSON.parse((await h.ehrs('software', 'list', '--json')).stdout)
  t.same(software.filter((s: { clientId: string }) => s.clientId === client), [], 'nothing certified')
  t.equal((await h.rows()).audit_log!.map(r => JSON.parse(r as string) as { action: string }).filter(e => e.action === 'software.certified').length, 0)
})

t.test('a certificate that cannot authenticate is registered only with --force, and the audit log names the checks overridden', async t => {
  const h = await home(t, 'gateway')
  const forced = await h.ehrs('clients', 'add', '--name', 'Old d.o.o.', '--tax-number', '45678138', '--env', 'test', '--cert', 'expired.pem', '--force')
  t.equal(forced.code, 0, forced.stderr)
  t.match(forced.stderr, /--force: registering expired.pem although it cannot authenticate a client now \(audited\):\n {2}- the certificate expired on/)
  const client = forced.stdout.trim()
  const rotated = await h.ehrs('clients', 'cert-add', client, '--cert', 'server.pem', '--force')
  t.equal(rotated.code, 0, rotated.stderr)
  t.equal((await h.ehrs('clients', 'cert-add', client, '--cert', 'client.pem', '--force')).code, 0, 'a usable certificate with --force')
  const details = async (action: string) => (await h.rows()).audit_log!
    .map(r => JSON.parse(r as string) as { seq: number; action: string; subject: string; details: unknown })
    .filter(e => e.action === action && e.subject === client).sort((a, b) => a.seq - b.seq)
    .map(e => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as { certificateChecksOverridden?: string[] })
  t.match(await details('client.added'), [{ certificateChecksOverridden: ['expired'] }])
  t.same((await details('client.certificate_added')).map(d => d.certificateChecksOverridden ?? null), [['no_client_auth'], null],
    'nothing is overridden for a usable certificate')
  const untrusted = await h.ehrs('clients', 'cert-add', client, '--cert', 'untrusted.pem', '--force')
  t.equal(untrusted.code, 0, untrusted.stderr)
  t.same((await details('client.certificate_added')).at(-1)?.certificateChecksOverridden, ['untrusted'])
})

// The CLI judges qualification by the trusted lists of its own configuration, on the database directly and through
// the running gateway's admin socket alike; cert-add learns the client's environment from the database.
for (const mode of ['direct', 'gateway'] as const) {
  t.test(`a production client needs a qualified certificate: a granted CA of a signed trusted list or QcCompliance; --force is audited (${mode})`, async t => {
    const h = await home(t, mode)
    t.equal((await h.ehrs('migrate')).code, 0, 'a database to compare')
    const root = createCa('National root CA')
    const issuing = issueCertificate(root, { commonName: 'Qualified issuing CA', kind: 'ca' })
    const signer = issueCertificate(createCa('Supervisory body'), { commonName: 'Trusted list signer', kind: 'signing' })
    const plain = (file: string) => writeFileSync(join(h.dir, file), issueCertificate(pki.ca, { commonName: file, kind: 'client' }).cert)
    for (const file of ['plain-1.pem', 'plain-2.pem', 'plain-3.pem', 'plain-4.pem']) plain(file)
    writeFileSync(join(h.dir, 'listed.pem'), issueCertificate(issuing, { commonName: 'listed program', kind: 'client' }).cert)
    writeFileSync(join(h.dir, 'si.xml'), signTrustedList(trustedListXml('SI', [{ ca: issuing, name: 'Qualified issuing CA' }]), signer))
    writeFileSync(join(h.dir, 'signer.pem'), signer.cert)
    h.env.TRUSTED_LIST = 'si.xml'
    h.env.TRUSTED_LIST_SIGNER = 'signer.pem'
    const production = (file: string, ...extra: string[]) =>
      h.ehrs('clients', 'add', '--name', 'Vendor d.o.o.', '--tax-number', '38172658', '--env', 'production', '--cert', file, ...extra)
    const audit = async (action: string, subject: string) => (await h.rows()).audit_log!
      .map(r => JSON.parse(r as string) as { seq: number; action: string; subject: string; details: unknown })
      .filter(e => e.action === action && e.subject === subject).sort((a, b) => a.seq - b.seq)
      .map(e => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as { qualified?: unknown; certificateChecksOverridden?: string[] })

    const before = await h.rows()
    const refused = await production('plain-1.pem')
    t.equal(refused.code, 2)
    t.match(refused.stderr, /--cert plain-1.pem: not a qualified certificate, which a production client needs: its issuer "ehrs test CA" is not a granted qualified CA of a verified trusted list \(1 verified trusted list\(s\) in TRUSTED_LIST, 1 qualified CA\(s\)\), and it carries no QcCompliance qcStatement/)
    t.equal(refused.stdout, '')
    t.same(await h.rows(), before, 'nothing is written')

    const byStatement = await production('qualified.pem')
    t.equal(byStatement.code, 0, byStatement.stderr)
    t.equal(byStatement.stderr, '', 'no warning')
    const byList = await production('listed.pem')
    t.equal(byList.code, 0, byList.stderr)
    const forced = await production('plain-1.pem', '--force')
    t.equal(forced.code, 0, forced.stderr)
    t.match(forced.stderr, /--force: registering plain-1.pem for a production client although it is not qualified \(audited\): its issuer "ehrs test CA"/)
    t.same(await audit('client.added', byStatement.stdout.trim()), [{ environment: 'production', role: 'filer', fingerprint: fingerprint(readFileSync(join(h.dir, 'qualified.pem'), 'utf8')), software: null, qualified: 'qc_statement' }])
    t.match(await audit('client.added', byList.stdout.trim()), [{ qualified: 'trusted_list', certificateChecksOverridden: undefined }])
    t.match(await audit('client.added', forced.stdout.trim()), [{ qualified: false, certificateChecksOverridden: ['not_qualified'] }])

    // cert-add: the environment is the client's, read from the database before anything is written.
    const client = byStatement.stdout.trim()
    const beforeRotation = await h.rows()
    const rotation = await h.ehrs('clients', 'cert-add', client, '--cert', 'plain-2.pem')
    t.equal(rotation.code, 2)
    t.match(rotation.stderr, /The certificate is not qualified, which a production client needs: its issuer "ehrs test CA" is not a granted qualified CA .* \(use --force to register it all the same; the override is written to the audit log\)/)
    t.same(await h.rows(), beforeRotation, 'nothing is written')
    t.equal((await h.ehrs('clients', 'cert-add', client, '--cert', 'listed-2.pem')).code, 2, 'an unreadable file still fails first')
    writeFileSync(join(h.dir, 'listed-2.pem'), issueCertificate(issuing, { commonName: 'listed program 2', kind: 'client' }).cert)
    const listedRotation = await h.ehrs('clients', 'cert-add', client, '--cert', 'listed-2.pem')
    t.equal(listedRotation.code, 0, listedRotation.stderr)
    const forcedRotation = await h.ehrs('clients', 'cert-add', client, '--cert', 'plain-2.pem', '--force', '--json')
    t.equal(forcedRotation.code, 0, forcedRotation.stderr)
    t.match(forcedRotation.stderr, /--force: registered plain-2.pem for a production client although it is not qualified \(audited\)/)
    t.match(JSON.parse(forcedRotation.stdout), { certificateChecksOverridden: ['not_qualified'] })
    t.match(await audit('client.certificate_added', client), [
      { qualified: 'trusted_list', certificateChecksOverridden: undefined },
      { qualified: false, certificateChecksOverridden: ['not_qualified'] },
    ])

    // Test clients may use any certificate that chains to TRUST_CA.
    const test = await h.ehrs('clients', 'add', '--name', 'Test d.o.o.', '--tax-number', '38172658', '--env', 'test', '--cert', 'plain-3.pem')
    t.equal(test.code, 0, test.stderr)
    const testRotation = await h.ehrs('clients', 'cert-add', test.stdout.trim(), '--cert', 'plain-4.pem')
    t.equal(testRotation.code, 0, testRotation.stderr)
    t.equal(testRotation.stderr, '')
    t.same((await audit('client.certificate_added', test.stdout.trim())).map(d => Object.keys(d).sort()), [['fingerprint']])

    // A trusted list the CLI cannot verify stops it, as it stops the server, before anything is written.
    h.env.TRUSTED_LIST_SIGNER = 'ca.pem'
    const beforeBadList = await h.rows()
    const badList = await production('qualified.pem')
    t.equal(badList.code, 2)
    t.match(badList.stderr, /TRUSTED_LIST: trusted list .*si\.xml: the signature does not verify/)
    t.same(await h.rows(), beforeBadList)
  })
}

t.test('ehrs certs dev creates the development PKI once and replaces it only with --force', async t => {
  const h = await home(t, 'none')
  const ca = join(h.dir, 'certs-dev', 'ca.pem')
  const created = await h.ehrs('certs', 'dev')
  t.equal(created.code, 0, created.stderr)
  const first = readFileSync(ca, 'utf8')
  const refused = await h.ehrs('certs', 'dev')
  t.equal(refused.code, 2)
  t.match(refused.stderr, /a development PKI already exists in .*certs-dev; use --force to replace it/)
  t.equal(readFileSync(ca, 'utf8'), first, 'the PKI is kept')
  writeFileSync(join(h.dir, 'certs-dev', 'server.pem'), 'half-written')
  t.equal((await h.ehrs('certs', 'dev')).code, 2, 'also when only some of its files remain')
  const replaced = await h.ehrs('certs', 'dev', '--force', '--json')
  t.equal(replaced.code, 0, replaced.stderr)
  t.match(JSON.parse(replaced.stdout), { caCert: ca, created: true })
  t.not(readFileSync(ca, 'utf8'), first, 'a new CA')
})

t.test('ehrs endm day-91 gives the 91st day and the first working day after it, without a database', async t => {
  const h = await home(t, 'none')
  const text = await h.ehrs('endm', 'day-91', '2025-01-19')
  t.equal(text.code, 0, text.stderr)
  t.equal(text.stdout, 'absence from 2025-01-19: day 91 is 2025-04-19; the higher rate applies from 2025-04-22\n', 'Saturday before Easter Monday')
  const json = await h.ehrs('endm', 'day-91', '2024-10-02', '--json')
  t.equal(json.code, 0, json.stderr)
  t.same(JSON.parse(json.stdout), { from: '2024-10-02', day91: '2024-12-31', higherRateFrom: '2025-01-03' }, 'over 1 and 2 January')
  const example = await h.ehrs('validate', join(projectRoot, 'examples', 'si', 'endm.xml'))
  t.equal(example.code, 0, 'the ENDM example validates (with warnings only)')
  t.match(example.stdout, /SI-ENDM-019/)
})

t.test('without TRUST_CA the CLI checks against the development CA in certs-dev/, and refuses without one', async t => {
  const h = await home(t, 'gateway')
  delete (h.env as Record<string, string | undefined>).TRUST_CA
  const noCa = await h.ehrs('clients', 'add', '--name', 'A d.o.o.', '--tax-number', '45678138', '--env', 'test', '--cert', 'client.pem')
  t.equal(noCa.code, 2)
  t.match(noCa.stderr, /TRUST_CA is not set and there is no development CA \(certs-dev\/ca\.pem\)/)
  t.equal((await h.ehrs('certs', 'dev')).code, 0)
  t.match(await h.ehrs('clients', 'add', '--name', 'A d.o.o.', '--tax-number', '45678138', '--env', 'test', '--cert', 'client.pem'),
    { code: 2, stderr: /does not chain to a CA in TRUST_CA/ }, 'the test CA is not the development CA')
  const demo = await h.ehrs('clients', 'add', '--name', 'Demo d.o.o.', '--tax-number', '45678138', '--env', 'test', '--cert', join('certs-dev', 'client-demo.pem'))
  t.equal(demo.code, 0, demo.stderr)
})
