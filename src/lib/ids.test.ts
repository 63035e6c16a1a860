import t from 'tap'
import { newId, uuidPattern } from './ids.js'

t.test('newId is a UUIDv7 carrying its time, ordered by it, and unique', async t => {
  const at = Date.UTC(2026, 11, 3, 9, 30)
  const id = newId(at)
  t.match(id, uuidPattern)
  t.equal(id[14], '7', 'version 7')
  t.match(id[19], /[89ab]/, 'the RFC 9562 variant')
  t.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), at, 'the first 48 bits are the time in milliseconds')
  t.ok(newId(at) < newId(at + 1), 'a later time sorts after')
  t.match(newId(0), /^00000000-0000-7/, 'the earliest time')
  const many = new Set(Array.from({ length: 10_000 }, () => newId(at)))
  t.equal(many.size, 10_000, 'no two alike within one millisecond')
})
