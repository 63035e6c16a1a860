/** The built-in back office behind lifecycle's `BackOffice` port; replace it by passing another implementation. */
export { createBuiltInBackOffice } from './built-in.js'
export type { DocumentReader } from './built-in.js'
