/** The application's clock: time is passed in, never read from SQL now(), so tests can set it. */
export interface Clock { now(): Date }

export const systemClock: Clock = { now: () => new Date() }

export function fixedClock(at: Date): Clock & { set(at: Date): void; advance(ms: number): void } {
  let current = at
  return {
    now: () => current,
    set(next) { current = next },
    advance(ms) { current = new Date(current.getTime() + ms) },
  }
}
