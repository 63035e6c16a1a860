import t from 'tap'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { loggerOptions, safeError } from './logger.js'

/** A PostgreSQL error as pg raises it for a NOT NULL violation: its detail quotes the failing row. */
function notNullViolation(): Error {
  return Object.assign(new Error('null value in column "start_date" of relation "insurances" violates not-null constraint'), {
    code: '23502', severity: 'ERROR', schema: 'public', table: 'insurances', column: 'start_date', routine: 'ExecConstraints',
    detail: 'Failing row contains (0195…, SK, 2021234501, 8704122361, Kováč Peter, null).',
    where: 'SQL function "f" statement 1', hint: 'person 8704122361', internalQuery: 'insert … 8704122361',
  })
}

t.test('an error is logged with its type, message, stack, SQLSTATE and names, never the values PostgreSQL quotes', async t => {
  const kept = safeError(new Error('the transition failed', { cause: notNullViolation() }))
  t.match(kept, { type: 'Error', message: 'the transition failed', stack: /the transition failed/ })
  t.same(Object.keys(kept.cause as object).sort(), ['code', 'column', 'message', 'routine', 'schema', 'severity', 'stack', 'table', 'type'])
  t.match(kept.cause, { code: '23502', table: 'insurances', column: 'start_date' })

  let text = ''
  const logger = pino(loggerOptions('info'), new Writable({ write(chunk, _encoding, done) { text += chunk.toString(); done() } }))
  logger.error({ err: notNullViolation() }, 'timed transition failed')
  logger.error(new AggregateError([notNullViolation()], 'connect failed'))
  t.match(text, /"code":"23502"/)
  t.notOk(text.includes('8704122361'), 'no personal number')
  t.notOk(text.includes('Kováč'), 'no name')
})

t.test('something thrown that is not an Error is logged by its kind only', async t => {
  t.same(safeError('rodné číslo 8704122361'), { type: 'string' })
})
