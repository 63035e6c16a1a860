export { listInsurances } from './insurances.js'
export type { InsuranceView, InsuranceFilter } from './insurances.js'
/** The register as the built-in back office reads and changes it, one batch at a time. */
export { RegisterSession } from './session.js'
export type { RegisterDocument } from './session.js'
/** What each form does to the register, and the register check of reports. */
export { processSiDocument, siRegisterKey } from './si.js'
export { checkReport, processSkDocument, reportOutline } from './sk.js'
