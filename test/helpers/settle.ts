import type { Services } from '../../src/services.js'
import { currentStates } from '../../src/lifecycle/index.js'

/**
 * Runs due timers until the document has left `unprocessed` (or `forwarded`), as a client would poll for it.
 * Another process may hold the lane for a moment, so one run is not always enough.
 */
export async function settle(services: Services, documentId: string, tries = 50): Promise<{ acceptance: string; processing: string }> {
  for (let i = 0; i < tries; i++) {
    await services.lifecycle.timers.runDue()
    const state = (await currentStates(services.db, [documentId])).get(documentId)!
    if (state.processing !== 'unprocessed' && state.processing !== 'forwarded') return state
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  throw new Error(`document ${documentId} was not processed`)
}
