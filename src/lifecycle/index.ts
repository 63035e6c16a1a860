export { initialState, stateLabel, acceptanceLabels, processingLabels } from './states.js'
export type { Acceptance, Processing, DocumentState } from './states.js'
