import t from 'tap'
import { newId } from '../lib/index.js'
import { testDb } from '../../test/helpers/db.js'
import { RegisterSession } from './session.js'

t.test('a flush writes more rows than one statement can carry (65,535 parameters)', async t => {
  const { db } = await testDb(t)
  const at = new Date('2026-01-05T08:00:00Z')
  const persons = 6_000
  await db.transaction().execute(async trx => {
    const session = await RegisterSession.loadEmployers(trx, 'SK', [{ environment: 'test', employer: '2021234501' }])
    for (let i = 0; i < persons; i++) {
      session.insert({
        id: newId(), environment: 'test', country: 'SK', employer: '2021234501', person: String(8_000_000_000 + i * 11), kind: 'relationship',
        insurance_key: { TypZamestnanca: 'ZEC' }, start_date: '2026-01-01', end_date: null, status: 'open', data: {}, created_at: at,
      })
    }
    await session.flush()
  })
  const { n } = await db.selectFrom('insurances').select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(n), persons)
})
