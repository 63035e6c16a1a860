import t from 'tap'
import { retriedOnCatalogRace } from './migrate.js'

const failing = (codes: string[]) => {
  let calls = 0
  return { attempt: async () => { const code = codes[calls++]; if (code) throw Object.assign(new Error(code), { code }); return calls }, calls: () => calls }
}

t.test('a catalog listing that meets a schema, table or column dropped meanwhile is tried again', async t => {
  const raced = failing(['3F000', '42P01', '42703'])
  t.equal(await retriedOnCatalogRace(raced.attempt, 0), 4, 'succeeds on the fourth try')
})

t.test('any other error, or a race that goes on, is thrown', async t => {
  const other = failing(['42601'])
  await t.rejects(retriedOnCatalogRace(other.attempt, 0), { code: '42601' })
  t.equal(other.calls(), 1, 'not tried again')
  const endless = failing(['42703', '42703', '42703', '42703', '42703', '42703'])
  await t.rejects(retriedOnCatalogRace(endless.attempt, 0), { code: '42703' })
  t.equal(endless.calls(), 5, 'five tries at most')
})
