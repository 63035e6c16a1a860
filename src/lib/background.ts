/** Durable work a process runs in the background (timed transitions, webhook deliveries), polled and nudged. */
export interface BackgroundWork {
  /** Runs everything due now and resolves with how much ran; calls made meanwhile share one run. Tests drive it. */
  runDue(): Promise<number>
  /** Asks for a run soon (after a commit that made work due). */
  nudge(): void
  start(): void
  /** Stops polling and waits for (or aborts) the work under way. */
  stop(): Promise<void>
}
