import t from 'tap'
import { loadConfig, ConfigError } from './config.js'

t.test('defaults follow SPEC §2', async t => {
  const c = loadConfig({})
  t.equal(c.HOST, '127.0.0.1')
  t.equal(c.PORT, 8443)
  t.equal(c.DATA_DIR, './data')
  t.equal(c.FORWARD_DELAY, 5 * 3600_000)
  t.equal(c.RECHECK_DELAY, 48 * 3600_000)
  t.equal(c.TEST_FORWARD_DELAY, 30_000)
  t.equal(c.TEST_RECHECK_DELAY, 60_000)
  t.equal(c.PRELIMINARY_DEADLINE, 7 * 86_400_000)
  t.equal(c.PROCESSING_DELAY, 0)
  t.equal(c.MAX_BODY, 32 * 1024 * 1024)
  t.equal(c.LOG_LEVEL, 'info')
  t.equal(c.DATABASE_URL, undefined)
  t.equal(c.DB_STATEMENT_TIMEOUT, 30_000)
  t.same(c.RATE_LIMIT, { count: 50, perMs: 1000 })
  t.equal(c.MAX_INFLIGHT_PER_CLIENT, 16)
  t.equal(c.MAX_INFLIGHT_BYTES, 256 * 1024 * 1024)
  t.equal(c.CERT_EXPIRY_WARN, 30 * 86_400_000)
  t.equal(c.WEBHOOK_TIMEOUT, 10_000)
  t.equal(c.WEBHOOK_MAX_AGE, 72 * 3600_000)
  t.equal(c.AUDIT_ANCHOR_DIR, 'data/audit-anchors')
  t.equal(c.CRL_DIR, 'data/crl')
  t.equal(c.CRL_REQUIRED, false)
  t.equal(c.TRUSTED_LIST, undefined)
})

t.test('trusted lists, their signers and the CRL folder', async t => {
  const c = loadConfig({ TRUSTED_LIST: ' tl/si.xml, tl/sk.xml ', TRUSTED_LIST_SIGNER: 'tl/signers', CRL_REQUIRED: 'true', DATA_DIR: '/srv/ehrs' })
  t.same(c.TRUSTED_LIST, ['tl/si.xml', 'tl/sk.xml'])
  t.equal(c.TRUSTED_LIST_SIGNER, 'tl/signers')
  t.equal(c.CRL_REQUIRED, true)
  t.equal(c.CRL_DIR, '/srv/ehrs/crl', 'follows DATA_DIR unless set')
  t.throws(() => loadConfig({ TRUSTED_LIST: 'tl/si.xml' }), /TRUSTED_LIST_SIGNER: is required with TRUSTED_LIST/)
  t.throws(() => loadConfig({ TRUSTED_LIST: 'a.xml,,b.xml', TRUSTED_LIST_SIGNER: 's.pem' }), /TRUSTED_LIST: must be trusted-list files/)
  const dir = t.testdir({ 'a-file': 'x' })
  t.throws(() => loadConfig({ CRL_DIR: `${dir}/a-file` }), /CRL_DIR: must be a folder/)
})

t.test('AUDIT_ANCHOR_DIR follows DATA_DIR unless set, and must be a folder', async t => {
  t.equal(loadConfig({ DATA_DIR: '/srv/ehrs' }).AUDIT_ANCHOR_DIR, '/srv/ehrs/audit-anchors')
  t.equal(loadConfig({ DATA_DIR: '/srv/ehrs', AUDIT_ANCHOR_DIR: '/mnt/anchors' }).AUDIT_ANCHOR_DIR, '/mnt/anchors')
  const dir = t.testdir({ 'a-file': 'x', folder: {} })
  t.equal(loadConfig({ AUDIT_ANCHOR_DIR: `${dir}/folder` }).AUDIT_ANCHOR_DIR, `${dir}/folder`)
  t.throws(() => loadConfig({ AUDIT_ANCHOR_DIR: `${dir}/a-file` }), /AUDIT_ANCHOR_DIR: must be a folder/)
  t.throws(() => loadConfig({ AUDIT_ANCHOR_DIR: 'a\0b' }), /AUDIT_ANCHOR_DIR: must be a folder path/)
})

t.test('RATE_LIMIT is a count per second, minute or hour', async t => {
  t.same(loadConfig({ RATE_LIMIT: '5/s' }).RATE_LIMIT, { count: 5, perMs: 1000 })
  t.same(loadConfig({ RATE_LIMIT: '600/m' }).RATE_LIMIT, { count: 600, perMs: 60_000 })
  t.same(loadConfig({ RATE_LIMIT: ' 1000/h ' }).RATE_LIMIT, { count: 1000, perMs: 3_600_000 })
  for (const bad of ['50', '0/s', '-1/s', '1.5/s', '50/d', '50 per second', '/s', '50/']) {
    t.throws(() => loadConfig({ RATE_LIMIT: bad }), /RATE_LIMIT: must be a count per second, minute or hour/, `RATE_LIMIT=${bad} refused`)
  }
})

t.test('the in-flight limits are positive, and the gateway-wide bytes hold at least one largest body', async t => {
  t.equal(loadConfig({ MAX_INFLIGHT_PER_CLIENT: '1' }).MAX_INFLIGHT_PER_CLIENT, 1)
  t.equal(loadConfig({ MAX_INFLIGHT_BYTES: '1GiB' }).MAX_INFLIGHT_BYTES, 1024 ** 3)
  t.equal(loadConfig({ MAX_BODY: '8KiB', MAX_INFLIGHT_BYTES: '8KiB' }).MAX_INFLIGHT_BYTES, 8192)
  t.throws(() => loadConfig({ MAX_BODY: '32MiB', MAX_INFLIGHT_BYTES: '16MiB' }), /MAX_INFLIGHT_BYTES: must be at least MAX_BODY/)
})

t.test('parses durations, sizes and URLs', async t => {
  const c = loadConfig({ FORWARD_DELAY: '250ms', RECHECK_DELAY: '2d', MAX_BODY: '512KiB', PORT: '0', DATABASE_URL: 'postgres://u:p@localhost/db' })
  t.equal(c.FORWARD_DELAY, 250)
  t.equal(c.RECHECK_DELAY, 2 * 86_400_000)
  t.equal(c.MAX_BODY, 512 * 1024)
  t.equal(c.PORT, 0)
  t.equal(loadConfig({ DB_STATEMENT_TIMEOUT: '1500ms' }).DB_STATEMENT_TIMEOUT, 1500)
  t.equal(loadConfig({ PRELIMINARY_DEADLINE: '36h' }).PRELIMINARY_DEADLINE, 36 * 3600_000)
})

t.test('a bad value is refused with the name of the variable', async t => {
  for (const [name, value] of [['PORT', '70000'], ['PORT', 'abc'], ['FORWARD_DELAY', '5 hours'], ['MAX_BODY', 'lots'],
    ['LOG_LEVEL', 'loud'], ['DATABASE_URL', 'mysql://x'], ['NODE_ENV', 'staging'], ['RATE_LIMIT', 'fast'],
    ['MAX_INFLIGHT_PER_CLIENT', '0'], ['MAX_INFLIGHT_PER_CLIENT', 'many'], ['MAX_INFLIGHT_BYTES', 'lots'],
    ['DB_STATEMENT_TIMEOUT', '0s'], ['DB_STATEMENT_TIMEOUT', '30'], ['CERT_EXPIRY_WARN', '30 days'],
    ['WEBHOOK_TIMEOUT', '10'], ['WEBHOOK_TIMEOUT', '0s'], ['WEBHOOK_TIMEOUT', '1h'], ['WEBHOOK_MAX_AGE', '3 days'], ['WEBHOOK_MAX_AGE', '0s'],
    ['CRL_REQUIRED', 'yes'], ['CRL_REQUIRED', '1'],
    ['PRELIMINARY_DEADLINE', '7 days'], ['PRELIMINARY_DEADLINE', '7'], ['PRELIMINARY_DEADLINE', '0s']] as const) {
    try {
      loadConfig({ [name]: value })
      t.fail(`${name}=${value} accepted`)
    } catch (e) {
      t.ok(e instanceof ConfigError && e.message.includes(name), `${name}=${value} refused naming ${name}`)
    }
  }
})

t.test('production requires a database and its own certificates', async t => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /DATABASE_URL: is required/)
})
