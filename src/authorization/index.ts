/** What an identified caller may do for an employer: file, cancel, ask for a check, and see. */

/** Own employer or an active mandate for the type, plus certified software in production; throws NOT_AUTHORIZED_FOR_EMPLOYER or SOFTWARE_NOT_CERTIFIED. */
export { authorizeFiling } from './filing.js'
/** Own employer or an active mandate for the type on the day (storno, register check); throws NOT_AUTHORIZED_FOR_EMPLOYER. */
export { authorizeActing } from './filing.js'
/** Refuses an inspection client before any filing, storno or register check; throws NOT_AUTHORIZED_FOR_EMPLOYER. */
export { refuseInspector } from './filing.js'
/** The SQL condition of who may act for a row's employer, so that what a client sees follows what it may file. */
export { mayActFor } from './may-act-for.js'
/** Whether a software version passed certification (production filing needs it). */
export { isSoftwareCertified } from './software.js'
