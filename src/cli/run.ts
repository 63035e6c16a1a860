import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadConfig, type Config } from '../config.js'
import { projectRoot } from '../lib/index.js'
import { parseCommand, UsageError, type ParsedCommand } from './args.js'
import { commands, groups, type Command, type CommandContext, type Plan } from './commands.js'
import { commandHelp, usage } from './usage.js'
import { runRemoteOrLocal } from './connection.js'
import { formatResult } from './output.js'
import { OperatorError, type OperatorErrorCode } from '../operator/index.js'

/** Where the CLI writes, which environment it reads, and the folder relative paths start from. */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
}

/**
 * `ehrs`: the operator's command line (SPEC.md §3). Resolves to the exit code: 0 done, 1 a negative verdict,
 * 2 a usage or input error. Every argument is checked before a database is opened, so a refused command changes nothing.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (error) {
    // UsageError and OperatorError (input that cannot be carried out), ConfigError (every bad variable), and any
    // other failure (a database that does not answer): the message, and exit 2.
    const where = error instanceof UsageError && error.command ? `ehrs ${error.command}` : 'ehrs'
    const hint = error instanceof OperatorError && error.code ? ` (${optionHints[error.code]})` : ''
    io.stderr(`${where}: ${error instanceof Error ? error.message : String(error)}${hint}\n`)
    return 2
  }
}

/** The operator layer speaks of values; where a refusal has a remedy on the command line, the CLI names the option. */
const optionHints: Record<OperatorErrorCode, string> = {
  CLIENT_WITHOUT_SOFTWARE: 'use --software VENDOR/PRODUCT/VERSION when adding it',
  CERTIFICATE_NOT_QUALIFIED: 'use --force to register it all the same; the override is written to the audit log',
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, second] = argv
  if (first === undefined) {
    io.stderr(usage())
    return 2
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    const topic = argv.slice(1).join(' ')
    const command = commands.find(c => c.name === topic)
    if (topic && !command && !groups.has(topic)) throw new UsageError(`no such command: ehrs ${topic}`)
    io.stdout(command ? commandHelp(command) : usage(topic || undefined))
    return 0
  }
  if (first === '--version') {
    if (argv.length > 1) throw new UsageError(`--version takes no arguments ("${argv[1]}")`)
    io.stdout(`${version()}\n`)
    return 0
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option ${first}: options come after the command; see ehrs --help`)

  const command = commands.find(c => c.name === `${first} ${second}`) ?? commands.find(c => c.name === first)
  if (!command) {
    if (groups.has(first)) {
      io.stderr(usage(first))
      throw new UsageError(second === undefined ? `ehrs ${first} needs a command` : `unknown command: ehrs ${first} ${second}`)
    }
    throw new UsageError(`unknown command: ehrs ${first}; see ehrs --help`)
  }
  const rest = argv.slice(command.name.split(' ').length)
  const beforeTerminator = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest
  if (beforeTerminator.includes('--help') || beforeTerminator.includes('-h')) {
    io.stdout(commandHelp(command))
    return 0
  }
  return execute(command, rest, io)
}

async function execute(command: Command, argv: readonly string[], io: CliIo): Promise<number> {
  let config: Config | undefined
  const ctx: CommandContext = {
    cwd: io.cwd,
    now: new Date(),
    config: () => (config ??= loadConfig(io.env)),
    warn: text => io.stderr(text),
  }
  let input: ParsedCommand
  let plan: Plan
  try {
    input = parseCommand(command.name, argv, command.options, command.positionals)
    plan = command.plan(input, ctx)
  } catch (error) {
    if (error instanceof UsageError) error.command = command.name
    throw error
  }
  const json = input.options.json === true
  if ('local' in plan) {
    const { result, text, exitCode } = await plan.local()
    io.stdout(json ? JSON.stringify(result, null, 2) + '\n' : text)
    return exitCode
  }
  const base = ctx.config()
  const result = await runRemoteOrLocal({ ...base, DATA_DIR: resolve(io.cwd, base.DATA_DIR) }, plan.operation, plan.params)
  plan.after?.(result)
  io.stdout(json ? JSON.stringify(result, null, 2) + '\n' : formatResult(plan.operation, result))
  if (plan.operation === 'audit.verify' && !(result as { ok: boolean }).ok) return 1
  if (plan.operation === 'software.certify' && !(result as { certified: boolean }).certified) return 1
  return 0
}

function version(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version
}
