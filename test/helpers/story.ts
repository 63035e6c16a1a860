import type { Pem } from '../../src/pki/index.js'
import { xmlHeaders, type TestGateway } from './gateway.js'

/** A clock the test moves, so that every timed transition happens exactly when the test says. */
export function settableClock(start: string) {
  let now = new Date(start)
  return { now: () => now, advance: (ms: number) => { now = new Date(now.getTime() + ms) } }
}

/** A payroll program filing and following documents on a gateway whose clock the test moves. */
export function storyDriver(gw: TestGateway, clock: ReturnType<typeof settableClock>, as: Pem) {
  return {
    file: (body: string, headers: Record<string, string> = {}) => gw.call({ path: '/api/v1/documents', as, body, headers: { ...xmlHeaders, ...headers } }),
    view: async (id: string) => (await gw.call({ path: `/api/v1/documents/${id}`, as })).json,
    post: (id: string, action: 'storno' | 'register-check') => gw.call({ method: 'POST', path: `/api/v1/documents/${id}/${action}`, as }),
    /** Moves the clock and runs what became due, as the gateway's own poll would a moment later. */
    async pass(ms: number) {
      clock.advance(ms)
      await gw.services.lifecycle.timers.runDue()
    },
    /** Files a document that must be stored (201), and runs what its filing made due at once. */
    async filed(body: string): Promise<any> {
      const res = await gw.call({ path: '/api/v1/documents', as, body, headers: xmlHeaders })
      if (res.status !== 201) throw new Error(`filing answered ${res.status}: ${JSON.stringify(res.json)}`)
      await gw.services.lifecycle.timers.runDue()
      return res.json
    },
  }
}
