import { GatewayError } from '../problems.js'
import type { Db } from '../db/index.js'
import type { Caller } from '../identity/index.js'
import { canActFor } from './may-act-for.js'
import { isSoftwareCertified } from './software.js'

/**
 * May the caller file a document of `type` for `employer` on `filingDate`? Its own tax number, or an active
 * mandate covering the type on that date. Production clients also need certified software.
 * Throws NOT_AUTHORIZED_FOR_EMPLOYER or SOFTWARE_NOT_CERTIFIED.
 */
export async function authorizeFiling(db: Db, caller: Caller, employer: string, type: string, filingDate: string): Promise<void> {
  await authorizeActing(db, caller, employer, type, filingDate)
  if (caller.environment === 'production' && !(await isSoftwareCertified(db, caller.software))) {
    throw new GatewayError('SOFTWARE_NOT_CERTIFIED',
      caller.software
        ? `${caller.software.vendor}/${caller.software.product} ${caller.software.version} has not passed certification`
        : 'The client has no software version registered')
  }
}

/**
 * May the caller act for `employer` on a document of `type` on `onDate` (file it, cancel it, ask for a check)?
 * Seeing its own earlier filings is not enough once a mandate has ended. Throws NOT_AUTHORIZED_FOR_EMPLOYER.
 */
export async function authorizeActing(db: Db, caller: Caller, employer: string, type: string, onDate: string): Promise<void> {
  refuseInspector(caller)
  if (!(await canActFor(db, caller, employer, type, onDate))) {
    throw new GatewayError('NOT_AUTHORIZED_FOR_EMPLOYER',
      `The client has no mandate from this employer for ${type} documents on ${onDate}`)
  }
}

/**
 * An inspection client (SPEC.md §3: a labour office or inspectorate) files nothing and acts for no employer: every
 * filing, storno and register check is refused before the document is read, so it learns nothing from trying.
 * Throws NOT_AUTHORIZED_FOR_EMPLOYER.
 */
export function refuseInspector(caller: Caller): void {
  if (caller.role === 'inspector') {
    throw new GatewayError('NOT_AUTHORIZED_FOR_EMPLOYER',
      'An inspection client files nothing and acts for no employer: it may only search the insurance register')
  }
}
