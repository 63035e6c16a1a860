import { relative, resolve } from 'node:path'
import { pino } from 'pino'
import { loadConfig, ConfigError, type Config } from './config.js'
import { openDb, migrateToLatest, lockDataDir } from './db/index.js'
import { createServices } from './services.js'
import { buildServer, listenAdmin } from './transport/index.js'
import { adminSocketPath } from './operator/index.js'
import { databaseLogging, lifecycleLogging, loggerOptions, webhookLogging } from './logger.js'
import { systemClock } from './lib/index.js'
import { resolveTls, registerDemoClient } from './dev-setup.js'

/** `npm start`: config → database → migrations → services → HTTPS listener; drains on SIGTERM. */
async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
  const logger = pino(loggerOptions(config.LOG_LEVEL))
  const tls = resolveTls(config)
  const dataDir = resolve(config.DATA_DIR)
  const unlock = config.DATABASE_URL ? () => {} : lockDataDir(dataDir)
  const dbHandle = await openDb({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir }),
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT,
  })
  const applied = await migrateToLatest(dbHandle.db)
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied')
  const services = createServices(config, dbHandle, systemClock, {
    signing: { certPem: tls.signingCert, keyPem: tls.signingKey },
    ...lifecycleLogging(logger),
    ...webhookLogging(logger),
    onMessageLogError: error => logger.error({ err: error }, 'message log write failed'),
    onCheckpoint: c => logger.info({ seq: c.seq, file: c.file }, 'audit checkpoint written'),
    onCheckpointError: error => logger.error({ err: error }, 'audit checkpoint could not be written'),
    ...databaseLogging(logger),
    trust: tls.trust,
    onCrlRefused: (file, reason) => logger.error({ file, reason }, 'CRL file refused; what it held before stays in force'),
    onCrlStale: crl => logger.warn({ file: crl.file, issuer: crl.issuer, nextUpdate: crl.nextUpdate }, 'CRL past its nextUpdate: it still applies; put the CA\'s next CRL in CRL_DIR'),
    onExpiryWarningError: error => logger.error({ err: error }, 'certificate expiry warnings failed; tried again within the hour'),
    onStatisticsError: error => logger.error({ err: error }, 'table statistics of the embedded database could not be taken; tried again within a minute'),
  })
  for (const list of tls.trust.lists) {
    logger.info({ file: list.source, territory: list.territory, sequence: list.sequenceNumber, qualifiedCas: list.qualifiedCas.length }, 'trusted list verified')
    if (list.nextUpdate && list.nextUpdate < systemClock.now()) logger.warn({ file: list.source, nextUpdate: list.nextUpdate }, 'trusted list past its next update: fetch the current one')
  }
  // Before listening: a folder that cannot be written stops the start, naming AUDIT_ANCHOR_DIR.
  services.checkpoints.start()
  if (tls.devPki) await registerDemoClient(dbHandle.db, tls.devPki, systemClock.now())

  const app = await buildServer(services, tls, logger)
  await app.listen({ host: config.HOST, port: config.PORT })
  services.lifecycle.timers.start()
  services.webhooks.start()
  services.expiryWarnings.start()
  services.statistics?.start()
  // Only the embedded database needs the admin socket; on PostgreSQL the CLI connects to the database itself.
  const admin = dbHandle.kind === 'pglite' ? await listenAdmin(services, adminSocketPath(dataDir), logger) : undefined
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  logger.info({ host: config.HOST, port, database: dbHandle.kind }, 'ehrs-gateway listening')
  if (tls.devPki) printCurlExample(config.HOST, port, relative(process.cwd(), tls.devPki.dir) || '.')

  let stopping = false
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: no new requests, finishing those in flight')
    admin?.close()
    await app.close()
    await services.close()
    await dbHandle.close()
    unlock()
    logger.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

function printCurlExample(host: string, port: number, certs: string): void {
  const base = `https://${host.includes(':') ? `[${host}]` : host}:${port}`
  const tls = `--cacert ${certs}/ca.pem --cert ${certs}/client-demo.pem --key ${certs}/client-demo-key.pem`
  process.stdout.write(`
ehrs-gateway is listening on ${base} (development PKI in ${certs}/, demo client registered)

File an M1:
  curl ${tls} -H 'Content-Type: application/xml' --data-binary @examples/si/m1.xml ${base}/api/v1/documents

Then read it back (use the id from the answer):
  curl ${tls} ${base}/api/v1/documents/<id>

The REST description is at ${base}/openapi.yaml (Swagger UI: ${base}/docs); the SOAP WSDL at ${base}/soap?wsdl.

`)
}

main().catch(error => {
  process.stderr.write(`ehrs-gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
