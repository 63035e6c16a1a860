export { listInsurances } from './insurances.js'
export type { InsuranceView, InsuranceFilter } from './insurances.js'
/** The register as the built-in back office reads and changes it, one batch at a time (the forms' `Register`). */
export { RegisterSession } from './session.js'
export type { ClaimsKey } from './session.js'
