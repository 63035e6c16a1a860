import { resolve } from 'node:path'
import type { Config } from '../config.js'
import { devPkiFilesPresent, ensureDevPki } from '../pki/index.js'
import { UsageError, type OptionSpec, type ParsedCommand, type PositionalSpec } from './args.js'
import * as check from './checks.js'
import { checkCertificate, cliTrust, findQualification, readCertificateFile, requireQualified } from './certificate.js'
import { formatVerdicts, validateFiles } from './validate.js'
import { exportKit } from './kit.js'
import { day91 } from '../forms/index.js'

/** What a command needs besides its arguments; config is read only by the commands that use it. */
export interface CommandContext {
  readonly cwd: string
  readonly now: Date
  config(): Config
  /** A note on stderr that does not stop the command (a `--force` override). */
  warn(text: string): void
}

/** What a command does once its input is valid: an operator action on the database, or work done here. */
export type Plan =
  | {
    readonly operation: string
    readonly params: Record<string, unknown>
    /** Called with the operation's result before it is printed (a warning about what was done). */
    readonly after?: (result: unknown) => void
  }
  | { readonly local: () => Promise<{ readonly result: unknown; readonly text: string; readonly exitCode: number }> }

export interface Command {
  /** The words after `ehrs`: `clients add`, `migrate`. */
  readonly name: string
  readonly summary: string
  readonly positionals: readonly PositionalSpec[]
  readonly options: Readonly<Record<string, OptionSpec>>
  /** Checks every argument, before any database is opened, and says what to do; throws UsageError. */
  plan(input: ParsedCommand, ctx: CommandContext): Plan
}

const str = (input: ParsedCommand, name: string): string | undefined => {
  const value = input.options[name]
  return typeof value === 'string' ? value : undefined
}
const flag = (input: ParsedCommand, name: string): boolean => input.options[name] === true

const force: OptionSpec = {
  type: 'boolean',
  help: 'register a certificate that fails the checks above, or an unqualified one for a production client; the override is audited',
}
const cert: OptionSpec = {
  type: 'string', value: 'FILE', required: true,
  help: 'the client certificate (PEM); refused when expired, not yet valid, not chaining to TRUST_CA, or without clientAuth, ' +
    'and for a production client unless qualified (its CA on a verified TRUSTED_LIST, or a QcCompliance statement)',
}

/**
 * Certificate text, the checks overridden with --force, and its qualification (SPEC.md §3), judged against the CAs
 * the server trusts. Only a usable certificate, or --force, gets past; for a production client (`env` known here)
 * only a qualified one, or --force. For `cert-add` the client's environment is in the database: the operator layer
 * refuses an unqualified certificate for a production client from the finding passed along.
 */
function certificateInput(input: ParsedCommand, ctx: CommandContext, env?: 'test' | 'production') {
  const path = str(input, 'cert')!
  const certPem = readCertificateFile('--cert', path, ctx.cwd)
  const trust = cliTrust(ctx.config(), ctx.cwd)
  const forced = flag(input, 'force')
  const overriddenChecks = checkCertificate('--cert', path, certPem, trust, ctx.now, forced, ctx.warn)
  if (env === 'test') return { certPem, overriddenChecks }
  const finding = findQualification(certPem, trust)
  if (env === 'production') requireQualified('--cert', path, finding, forced, ctx.warn)
  return { certPem, overriddenChecks, qualification: { ...finding, force: forced } }
}

/** Every `ehrs` command (SPEC.md §3); each operation name is the one the operator layer and the admin socket know. */
export const commands: readonly Command[] = [
  {
    name: 'clients add',
    summary: 'register a client (a program installation of one company) with its certificate; prints its id',
    positionals: [],
    options: {
      name: { type: 'string', value: 'NAME', required: true, help: 'the company\'s name' },
      'tax-number': { type: 'string', value: 'TAXNO', required: true, help: 'its tax number: SI davčna številka (8 digits) or SK DIČ (10 digits), check digit included' },
      env: { type: 'string', value: 'test|production', required: true, help: 'test files into the certification sandbox, production files for real' },
      cert,
      software: { type: 'string', value: 'VENDOR/PRODUCT/VERSION', help: 'the program and version (production clients file once it is certified)' },
      role: {
        type: 'string', value: 'filer|inspector',
        help: 'filer (default) files for its employers; inspector (a labour office or inspectorate) files nothing and searches the register of its environment, each search audited',
      },
      force,
    },
    plan(input, ctx) {
      const name = check.nonBlank('--name', str(input, 'name')!)
      const taxNumber = check.taxNumber('--tax-number', str(input, 'tax-number')!)
      const env = check.oneOf('--env', str(input, 'env')!, ['test', 'production'] as const)
      const software = str(input, 'software')
      const role = str(input, 'role')
      const params = {
        name, taxNumber, env, ...(software !== undefined ? { software: check.software('--software', software) } : {}),
        ...(role !== undefined ? { role: check.oneOf('--role', role, ['filer', 'inspector'] as const) } : {}),
      }
      return { operation: 'clients.add', params: { ...params, ...certificateInput(input, ctx, env) } }
    },
  },
  {
    name: 'clients cert-add',
    summary: 'add a certificate to a client (rotation: add the new one before the old one expires)',
    positionals: [{ name: 'ID' }],
    options: { cert, force },
    plan(input, ctx) {
      const id = check.id('ID', input.positionals[0]!)
      const path = str(input, 'cert')!
      return {
        operation: 'clients.cert-add', params: { id, ...certificateInput(input, ctx) },
        after: result => {
          const { certificateChecksOverridden } = result as { certificateChecksOverridden?: string[] }
          if (certificateChecksOverridden?.includes('not_qualified')) {
            ctx.warn(`ehrs: --force: registered ${path} for a production client although it is not qualified (audited)\n`)
          }
        },
      }
    },
  },
  {
    name: 'clients cert-revoke',
    summary: 'revoke a client certificate from the next request on',
    positionals: [{ name: 'FINGERPRINT' }],
    options: {},
    plan: input => ({ operation: 'clients.cert-revoke', params: { fingerprint: check.fingerprint('FINGERPRINT', input.positionals[0]!) } }),
  },
  {
    name: 'clients list',
    summary: 'every client, with the days until each of its certificates expires',
    positionals: [],
    options: {},
    plan: () => ({ operation: 'clients.list', params: {} }),
  },
  {
    name: 'clients show',
    summary: 'one client: certificates, software, mandates',
    positionals: [{ name: 'ID' }],
    options: {},
    plan: input => ({ operation: 'clients.show', params: { id: check.id('ID', input.positionals[0]!) } }),
  },
  {
    name: 'mandates add',
    summary: 'grant a client a mandate to file for an employer; prints its id',
    positionals: [],
    options: {
      employer: { type: 'string', value: 'TAXNO', required: true, help: 'the employer\'s tax number (SI 8 digits, SK DIČ 10 digits)' },
      client: { type: 'string', value: 'ID', required: true, help: 'the client that may file' },
      types: { type: 'string', value: 'M1,M2,...', help: 'the document types it covers (default: all)' },
      from: { type: 'string', value: 'YYYY-MM-DD', help: 'first day it is valid (default: open)' },
      to: { type: 'string', value: 'YYYY-MM-DD', help: 'last day it is valid (default: open)' },
    },
    plan(input) {
      const employer = check.taxNumber('--employer', str(input, 'employer')!)
      const client = check.id('--client', str(input, 'client')!)
      const types = str(input, 'types')
      const from = str(input, 'from')
      const to = str(input, 'to')
      const params: Record<string, string> = { employer, client }
      if (types !== undefined) params.types = check.documentTypes('--types', types).join(',')
      if (from !== undefined) params.from = check.calendarDate('--from', from)
      if (to !== undefined) params.to = check.calendarDate('--to', to)
      if (params.from && params.to && params.to < params.from) throw new UsageError(`--to ${to} is before --from ${from}`)
      return { operation: 'mandates.add', params }
    },
  },
  {
    name: 'mandates revoke',
    summary: 'end a mandate from the next request on',
    positionals: [{ name: 'ID' }],
    options: {},
    plan: input => ({ operation: 'mandates.revoke', params: { id: check.id('ID', input.positionals[0]!) } }),
  },
  {
    name: 'mandates list',
    summary: 'every mandate',
    positionals: [],
    options: {},
    plan: () => ({ operation: 'mandates.list', params: {} }),
  },
  {
    name: 'software certify',
    summary: 'certify the test client\'s software version once its certification report is complete (exit 1 naming the pending scenarios); production clients on that version may then file',
    positionals: [{ name: 'ID' }],
    options: {},
    plan: input => ({ operation: 'software.certify', params: { id: check.id('ID', input.positionals[0]!) } }),
  },
  {
    name: 'software list',
    summary: 'certified software versions, with the test client and report they were certified on',
    positionals: [],
    options: {},
    plan: () => ({ operation: 'software.list', params: {} }),
  },
  {
    name: 'webhooks list',
    summary: 'every client\'s webhook subscriptions: receiver (without its query), status, deliveries owed',
    positionals: [],
    options: {},
    plan: () => ({ operation: 'webhooks.list', params: {} }),
  },
  {
    name: 'webhooks disable',
    summary: 'stop a webhook subscription: nothing more is delivered to it (the client\'s event feed still has every event)',
    positionals: [{ name: 'ID' }],
    options: {},
    plan: input => ({ operation: 'webhooks.disable', params: { id: check.id('ID', input.positionals[0]!) } }),
  },
  {
    name: 'validate',
    summary: 'offline validation with the server\'s XSD and stateless rules; exit 0 valid, 1 invalid, 2 unusable input',
    positionals: [{ name: 'FILE...', variadic: true }],
    options: {
      'filing-date': { type: 'string', value: 'YYYY-MM-DD', help: 'judge the documents as filed on that day (default: today), as the conformance kit records it' },
    },
    plan: (input, ctx) => {
      const date = str(input, 'filing-date')
      const filingDate = date === undefined ? undefined : check.calendarDate('--filing-date', date)
      return {
        local: async () => {
          const { verdicts, exitCode } = await validateFiles(input.positionals, ctx.cwd, filingDate)
          return { result: verdicts, text: formatVerdicts(verdicts), exitCode }
        },
      }
    },
  },
  {
    name: 'kit export',
    summary: 'write the conformance kit to DIR (a new or empty folder): every example and fixture document with its expected.json',
    positionals: [{ name: 'DIR' }],
    options: {},
    plan: (input, ctx) => {
      const dir = check.emptyOrNewDirectory('DIR', input.positionals[0]!, ctx.cwd)
      return { local: () => exportKit(dir, ctx.now) }
    },
  },
  {
    name: 'endm day-91',
    summary: 'the 91st calendar day of an absence starting on DATE, and the first working day after it (the higher rate of compensation)',
    positionals: [{ name: 'DATE' }],
    options: {},
    plan(input) {
      const from = check.calendarDate('DATE', input.positionals[0]!)
      const result = day91(from)
      if (!result) throw new UsageError(`DATE ${from}: the calculator takes the years 1900 to 9998`)
      return {
        local: async () => ({
          result, exitCode: 0,
          text: `absence from ${result.from}: day 91 is ${result.day91}; the higher rate applies from ${result.higherRateFrom}\n`,
        }),
      }
    },
  },
  {
    name: 'migrate',
    summary: 'apply database migrations',
    positionals: [],
    options: {},
    plan: () => ({ operation: 'migrate', params: {} }),
  },
  {
    name: 'certs dev',
    summary: 'create the development PKI in certs-dev/; an existing one is replaced only with --force',
    positionals: [],
    options: { force: { type: 'boolean', help: 'replace an existing development PKI (certificates registered from it stop working)' } },
    plan(input, ctx) {
      const dir = resolve(ctx.cwd, 'certs-dev')
      const present = devPkiFilesPresent(dir)
      if (present.length > 0 && !flag(input, 'force')) {
        throw new UsageError(`a development PKI already exists in ${dir}; use --force to replace it ` +
          '(clients registered with its certificates, and programs trusting its CA, stop working)')
      }
      return {
        local: async () => {
          const pki = ensureDevPki(dir, { force: true })
          return {
            result: pki, exitCode: 0,
            text: `Development PKI written to ${pki.dir}: ca.pem, server.pem, signing.pem, client-demo.pem (keys beside them).\n` +
              'Restart the gateway to use it; register client-demo.pem with `ehrs clients add` if the database already exists.\n',
          }
        },
      }
    },
  },
  {
    name: 'audit verify',
    summary: 'check the audit log\'s hash chain (against signed checkpoints) and stored bodies; exit 0 intact, 1 broken',
    positionals: [],
    options: { anchors: { type: 'string', value: 'DIR', help: 'the signed checkpoints to check against (default: AUDIT_ANCHOR_DIR)' } },
    plan(input, ctx) {
      const anchors = str(input, 'anchors')
      return { operation: 'audit.verify', params: anchors !== undefined ? { anchors: check.directory('--anchors', anchors, ctx.cwd) } : {} }
    },
  },
  {
    name: 'audit checkpoint',
    summary: 'write a signed checkpoint of the audit chain\'s head now',
    positionals: [],
    options: {},
    plan: () => ({ operation: 'audit.checkpoint', params: {} }),
  },
]

/** The groups of two-word commands (`clients`, `audit`, …). */
export const groups: ReadonlySet<string> = new Set(commands.filter(c => c.name.includes(' ')).map(c => c.name.split(' ')[0]!))
