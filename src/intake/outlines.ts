import type { XmlElement } from '../xml/index.js'

/**
 * A report's outline (`FormRegister.outline`), taken at intake from the tree its submission was checked on and kept
 * for its first register check, which is due at once: the check then neither reads the report back from the
 * database nor parses it again (a 20,000-row MVP: about 0.7 s of its 1 s). Only a help: a check that finds no
 * outline (another instance's intake, a restart, one left out below) reads the stored bytes, as every repeated
 * check does.
 *
 * Bounded by the sizes of the submissions whose outlines are kept: a report that does not fit is not kept, rather
 * than one taken earlier, since checks run in filing order. An outline not taken within `maxAgeMs` is dropped.
 */
export interface OutlineHandoff {
  /** `outline` may still be on its way from the worker (undefined: it could not be taken). */
  put(documentId: string, outline: Promise<XmlElement | undefined>, submittedBytes: number): void
  /** The outline kept for the document, once. */
  take(documentId: string): Promise<XmlElement | undefined> | undefined
}

export function createOutlineHandoff({ maxBytes = 32 * 1024 * 1024, maxAgeMs = 60_000 } = {}): OutlineHandoff {
  const kept = new Map<string, { outline: Promise<XmlElement | undefined>; bytes: number; timer: NodeJS.Timeout }>()
  let bytes = 0
  const drop = (documentId: string): Promise<XmlElement | undefined> | undefined => {
    const entry = kept.get(documentId)
    if (!entry) return undefined
    kept.delete(documentId)
    clearTimeout(entry.timer)
    bytes -= entry.bytes
    return entry.outline
  }
  return {
    put(documentId, outline, submittedBytes) {
      if (kept.has(documentId) || bytes + submittedBytes > maxBytes) return
      const timer = setTimeout(() => drop(documentId), maxAgeMs)
      timer.unref()
      kept.set(documentId, { outline, bytes: submittedBytes, timer })
      bytes += submittedBytes
    },
    take: drop,
  }
}
