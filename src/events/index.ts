/** The caller's event feed (SPEC.md §4b): the state changes of the documents it may see, by `seq`. Throws INVALID_REQUEST. */
export { readEvents, eventQuery, eventPageQuery, latestSeq } from './feed.js'
export type { EventView, DocumentEventView, ClientEventView, SubscriptionEventView, CertificateEventView, EventPage, EventQuery } from './feed.js'
/** Long-polling over the feed: `wait` parsed and bounded, a cap of waits per client, every wait ended on close. */
export { createEventFeed, parseWait, maxWaitMs } from './long-poll.js'
export type { EventFeed, EventFeedOptions } from './long-poll.js'
/** One wake-up source per process for every waiting reader: LISTEN/NOTIFY, or a short poll while that is down. */
export { createEventSignal } from './signal.js'
export type { EventSignal, EventSignalOptions, Ticket } from './signal.js'
/** The one way events are written: in the caller's transaction, in commit order, heard by waiters once committed. */
export { appendEvents, eventsTopic } from './append.js'
export type { NewEvent } from './append.js'
/** Once a day per client, a `client.certificate_expiring` event while its certificate ends within CERT_EXPIRY_WARN. */
export { warnExpiringCertificates, createExpiryWarnings, certificateExpiringType } from './certificate-expiry.js'
