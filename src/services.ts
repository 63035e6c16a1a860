import type { Config } from './config.js'
import type { DbHandle } from './db/index.js'
import type { Clock } from './lib/clock.js'
import { loadCodeLists } from './forms/code-lists-file.js'
import { createValidator, type Validator } from './validation/validator.js'
import { createIntake, type Intake } from './intake/index.js'
import { createMetrics, type Metrics } from './lib/metrics.js'
import { createCertificateLookup } from './access/index.js'

/** The composition root: every core service built once, for the server and the CLI alike. */
export interface Services {
  readonly config: Config
  readonly dbHandle: DbHandle
  readonly db: DbHandle['db']
  readonly clock: Clock
  readonly validator: Validator
  readonly intake: Intake
  readonly metrics: Metrics
  /** Registered certificates by fingerprint, read per request (batched). */
  readonly certificates: ReturnType<typeof createCertificateLookup>
  close(): Promise<void>
}

export function createServices(config: Config, dbHandle: DbHandle, clock: Clock, options: { validatorWorkers?: number } = {}): Services {
  const validator = createValidator(loadCodeLists(), options.validatorWorkers ? { workers: options.validatorWorkers } : {})
  const db = dbHandle.db
  return {
    config, dbHandle, db, clock, validator,
    intake: createIntake(db, validator, clock),
    metrics: createMetrics(),
    certificates: createCertificateLookup(db),
    async close() {
      await validator.close()
    },
  }
}
