import type { XmlElement } from '../xml/index.js'

/**
 * A report's outline (`FormRegister.outline`), taken at intake from the tree its submission was checked on and kept
 * for its first register check, which is due at once: the check then neither reads the report back from the
 * database nor parses it again (a 20,000-row MVP: about 0.7 s of its 1 s). Only a help: a check that finds no
 * outline (another instance's intake, a restart, one left out below) reads the stored bytes, as every repeated
 * check does.
 *
 * Bounded by the sizes of the submissions whose outlines are kept: room is reserved before the outline is taken, so
 * a report that does not fit costs nothing, and one taken earlier is never dropped for it (checks run in filing
 * order). An outline not taken within `maxAgeMs` is dropped. Outlines are kept as JSON text: one string crosses from
 * the worker, and the request thread parses it only when the check runs.
 */
export interface OutlineHandoff {
  /** Room for the outline of a submission of this size, or undefined when there is none now. */
  reserve(submittedBytes: number): OutlineTicket | undefined
  /** The outline kept for the document, once. */
  take(documentId: string): Promise<XmlElement | undefined> | undefined
}

export interface OutlineTicket {
  /** Keeps the outline (its JSON text, perhaps still on its way; undefined when it could not be taken). */
  put(documentId: string, outline: Promise<string | undefined>): void
  /** Gives the room back: the document was not stored. Does nothing after `put`. */
  cancel(): void
}

export function createOutlineHandoff({ maxBytes = 32 * 1024 * 1024, maxAgeMs = 60_000 } = {}): OutlineHandoff {
  const kept = new Map<string, { outline: Promise<string | undefined>; release(): void; timer: NodeJS.Timeout }>()
  let reserved = 0
  const drop = (documentId: string): Promise<string | undefined> | undefined => {
    const entry = kept.get(documentId)
    if (!entry) return undefined
    kept.delete(documentId)
    clearTimeout(entry.timer)
    entry.release()
    return entry.outline
  }
  return {
    reserve(submittedBytes) {
      if (reserved + submittedBytes > maxBytes) return undefined
      reserved += submittedBytes
      let held = true
      const release = (): void => {
        if (held) reserved -= submittedBytes
        held = false
      }
      let used = false
      return {
        put(documentId, outline) {
          if (used || !held) return
          used = true
          if (kept.has(documentId)) return release()
          const timer = setTimeout(() => drop(documentId), maxAgeMs)
          timer.unref()
          kept.set(documentId, { outline, release, timer })
        },
        cancel() {
          if (!used) release()
        },
      }
    },
    take(documentId) {
      const outline = drop(documentId)
      return outline?.then(text => (text === undefined ? undefined : JSON.parse(text) as XmlElement))
    },
  }
}
