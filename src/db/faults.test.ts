import t from 'tap'
import { databaseFaultCause, DatabaseUnavailableError } from './faults.js'
import { PGliteError } from './pglite-dialect.js'

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code })

t.test('names the faults that mean "the database is not available" by SQLSTATE or cause', async t => {
  const cases: [Error, string][] = [
    [withCode('terminating connection due to administrator command', '57P01'), '57P01'],
    [withCode('terminating connection because of crash of another server process', '57P02'), '57P02'],
    [withCode('the database system is starting up', '57P03'), '57P03'],
    [withCode('canceling statement due to statement timeout', '57014'), '57014'],
    [withCode('could not obtain lock on relation "documents"', '55P03'), '55P03'],
    [withCode('terminating connection due to idle-in-transaction timeout', '25P03'), '25P03'],
    [withCode('connection failure', '08006'), '08006'],
    [new PGliteError('could not extend file "base/5/16385": No space left on device', '53100'), '53100'],
    [withCode('sorry, too many clients already', '53300'), '53300'],
    [withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'connection_refused'],
    [withCode('read ECONNRESET', 'ECONNRESET'), 'connection_lost'],
    [new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''), 'connection_refused'],
    [new Error('Connection terminated unexpectedly'), 'connection_lost'],
    [new Error('Client has encountered a connection error and is not queryable'), 'connection_lost'],
    [new Error('timeout exceeded when trying to connect'), 'connect_timeout'],
    [new DatabaseUnavailableError('waited 1000 ms for the embedded database', 'connect_timeout'), 'connect_timeout'],
    [new DatabaseUnavailableError('a statement ran too long', 'statement_timeout'), 'statement_timeout'],
    [new Error('wrapped', { cause: withCode('terminating connection due to administrator command', '57P01') }), '57P01'],
  ]
  for (const [error, cause] of cases) t.equal(databaseFaultCause(error), cause, `${error.message || 'AggregateError'} → ${cause}`)
})

t.test('errors of a query itself are not faults', async t => {
  const cases: unknown[] = [
    withCode('duplicate key value violates unique constraint', '23505'),
    withCode('syntax error at or near "selec"', '42601'),
    withCode('could not serialize access due to concurrent update', '40001'),
    withCode('bind message has 70000 parameter formats but 0 parameters', '08P01'),
    new PGliteError('relation "nope" does not exist', '42P01'),
    new Error('driver has already been destroyed'),
    new TypeError('Cannot read properties of undefined'),
    'a string', undefined,
  ]
  for (const error of cases) t.equal(databaseFaultCause(error), undefined, String(error instanceof Error ? error.message : error))
})
