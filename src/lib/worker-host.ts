import { parentPort, workerData } from 'node:worker_threads'

/** The thread side of worker-pool.ts: loads the handler modules, then answers each task in arrival order. */
type Handler = (task: Record<string, unknown>) => unknown
const { handlers: urls, preload } = workerData as { handlers: Record<string, string>; preload: readonly string[] }
for (const url of preload) await import(url)
const handlers = new Map<string, Handler>()
for (const [op, url] of Object.entries(urls)) handlers.set(op, ((await import(url)) as { handle: Handler }).handle)

parentPort!.on('message', (task: { id: number; op: string; noReply?: boolean }) => {
  let reply: Record<string, unknown>
  try {
    const handler = handlers.get(task.op)
    if (!handler) throw new Error(`no handler for ${task.op}`)
    reply = { id: task.id, value: handler(task) }
  } catch (error) {
    const code = (error as { code?: unknown }).code
    reply = typeof code === 'string' && error instanceof Error
      ? { id: task.id, refusal: { ...error, code, message: error.message } }
      : { id: task.id, failure: error instanceof Error ? error.stack ?? error.message : String(error) }
  }
  if (!task.noReply) parentPort!.postMessage(reply)
})
