import { commonOptions } from './args.js'
import { commands, type Command } from './commands.js'

const sections: readonly [string, readonly string[]][] = [
  ['Clients and certificates', ['clients']],
  ['Mandates', ['mandates']],
  ['Software', ['software']],
  ['Webhooks', ['webhooks']],
  ['Documents', ['validate', 'kit']],
  ['Refund claims (eNDM)', ['endm']],
  ['Operations', ['migrate', 'certs', 'audit']],
]

/** `ehrs clients add --name NAME … [--software …]`: required options bare, optional ones in brackets. */
export function synopsis(command: Command): string {
  const words = [`ehrs ${command.name}`, ...command.positionals.map(p => p.name)]
  for (const [name, o] of Object.entries(command.options)) {
    const text = o.type === 'boolean' ? `--${name}` : `--${name} ${o.value ?? 'VALUE'}`
    words.push(o.required ? text : `[${text}]`)
  }
  return words.join(' ')
}

/** `ehrs help`, `ehrs --help`: every command, one line each. */
export function usage(only?: string): string {
  const lines = ['Usage: ehrs <command> [options]', '']
  for (const [title, firstWords] of sections) {
    const members = commands.filter(c => firstWords.includes(c.name.split(' ')[0]!) && (!only || c.name.startsWith(`${only} `)))
    if (members.length === 0) continue
    lines.push(title, ...members.map(c => `  ${synopsis(c)}`))
  }
  lines.push(
    '',
    '`ehrs <command> --help` explains a command and its options; `ehrs --version` prints the version.',
    'Every command takes --json for JSON output. Options are checked strictly: an unknown option, a missing',
    'or malformed value is refused with exit 2 before anything is changed. Exit codes: 0 done, 1 a negative',
    'verdict (validate, audit verify), 2 a usage or input error.',
    '',
    'The CLI uses DATABASE_URL, or the embedded database in DATA_DIR; while the gateway runs on the embedded',
    'database it goes through the gateway\'s admin socket.',
    '',
  )
  return lines.join('\n')
}

/** `ehrs clients add --help`. */
export function commandHelp(command: Command): string {
  const options = { ...command.options, ...commonOptions }
  const labels = Object.entries(options).map(([name, o]) => [
    `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}${name === 'help' ? ', -h' : ''}`,
    `${o.help}${o.required ? ' (required)' : ''}`,
  ] as const)
  const width = Math.max(...labels.map(([label]) => label.length))
  return [
    `Usage: ${synopsis(command)}`,
    '',
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    '',
    'Options:',
    ...labels.map(([label, help]) => `  ${label.padEnd(width)}  ${help}`),
    '',
  ].join('\n')
}
