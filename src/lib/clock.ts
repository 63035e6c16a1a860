/** The application's clock: time is passed in, never read from SQL now(), so tests can set it. */
export interface Clock { now(): Date }

export const systemClock: Clock = { now: () => new Date() }
