import { runCli } from './run.js'

/** The `ehrs` executable (bin/ehrs.js): runCli on this process's arguments, streams and environment. */
const exitCode = await runCli(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
})
process.exitCode = exitCode
