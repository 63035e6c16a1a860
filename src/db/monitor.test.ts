import t from 'tap'
import { createDatabaseMonitor } from './monitor.js'

const fault = (code: string): Error => Object.assign(new Error(`fault ${code}`), { code })

t.test('an outage is reported once per cause, counted every time, and ends after a quiet probe', async t => {
  const counted: string[] = []
  const reported: string[] = []
  const recovered: (readonly string[])[] = []
  const states: boolean[] = []
  const monitor = createDatabaseMonitor({
    count: cause => counted.push(cause), onFault: (_e, cause) => reported.push(cause),
    onRecovered: (_ms, causes) => recovered.push(causes), onChange: up => states.push(up),
  }, 100)
  t.equal(monitor.fault(new Error('duplicate key')), undefined, 'a query error is no fault')
  t.ok(monitor.isAvailable())
  for (const code of ['57P01', '57P01', '57P01', '57014', '57P01']) monitor.fault(fault(code))
  t.same(counted, ['57P01', '57P01', '57P01', '57014', '57P01'], 'every fault is counted')
  t.same(reported, ['57P01', '57014'], 'each cause is reported once')
  t.notOk(monitor.isAvailable())
  monitor.ok()
  t.notOk(monitor.isAvailable(), 'a probe right after a fault does not end the outage')
  await new Promise(resolve => setTimeout(resolve, 150))
  monitor.ok()
  t.ok(monitor.isAvailable(), 'a probe after a quiet spell does')
  t.same(recovered, [['57P01', '57014']])
  t.same(states, [false, true])
  monitor.fault(fault('57P01'))
  t.same(reported, ['57P01', '57014', '57P01'], 'a new outage is reported anew')
})
