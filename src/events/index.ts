/** The caller's event feed (SPEC.md §4b): the state changes of the documents it may see, by `seq`. Throws INVALID_REQUEST. */
export { readEvents, eventQuery } from './feed.js'
export type { EventView, EventPage, EventQuery } from './feed.js'
