/** Webhooks (SPEC.md §4b): clients' subscriptions, and the worker that POSTs their events, signed, at least once. */

/** Subscribes the caller (throws INVALID_REQUEST) / lists its subscriptions / deletes one (throws ROUTE_NOT_FOUND). */
export { createSubscription, listSubscriptions, deleteSubscription, eventTypes, maxSubscriptionsPerClient } from './subscriptions.js'
export type { SubscriptionView, CreatedSubscription, NewSubscription, SubscriptionStatus } from './subscriptions.js'
/** The operator's view of every subscription, and its audited stop (`ehrs webhooks list` / `disable`). */
export { listAllSubscriptions, disableSubscription } from './subscriptions.js'
/** Checks a receiver URL (https, or http to loopback); throws INVALID_REQUEST. shownUrl elides its query. */
export { checkWebhookUrl, shownUrl, maxUrlLength } from './url.js'
/** New events → deliveries, per active subscription, as its client may see them now. */
export { dispatchEvents } from './dispatch.js'
/** The delivery worker: claims due deliveries once across instances, POSTs them signed, retries with back-off. */
export { createWebhookWorker, retryDelayMs } from './worker.js'
export type { WebhookWorker, WebhookWorkerOptions, AttemptOutcome } from './worker.js'
