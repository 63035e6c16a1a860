import { createSchemaChecker, type XmlElement } from '../xml/index.js'
import {
  admitDocument, checkDocument, identifyDocument, internalOf, plainSource, loadCodeLists, readInternal, schemaDir, xsdOptions,
  type EarlierDocument, type IdentifiedDocument,
} from '../forms/index.js'
import type { DocumentTask, EarlierSource } from './document-pool.js'

/**
 * The document pool's handler, on a worker thread: it parses submissions, keeps each parsed tree until intake
 * releases it, and checks it against its schema and the rules, so that no document's shape or size ever holds up
 * the thread that serves requests.
 */
const codeLists = loadCodeLists()
const checker = await createSchemaChecker({ schemaDir, ...xsdOptions })
const held = new Map<number, IdentifiedDocument>()

export function handle(task: DocumentTask): unknown {
  switch (task.op) {
    case 'identify': {
      const document = identifyDocument(task.bytes, codeLists)
      const { form, root, official } = document
      held.set(task.ref, document)
      const batch = official && official.entries.length > 1 ? official.entries : undefined
      const entries = official?.reader.entry ? official.entries.map(official.reader.entry) : form.entries?.(root) ?? []
      return {
        type: form.type, facts: document.facts, numberPrefix: official?.reader.numberPrefix?.(document.doc.root) ?? form.numberPrefix(root),
        // A batch's entries each have their own series (`entries`), the batch none.
        series: batch ? undefined : form.series?.(root), needsEarlierContent: form.needsEarlierContent?.(root) ?? false,
        pairing: form.pairing?.facts(root), format: document.format, entries,
        ...(official ? { official: { employer: official.employer, batch: batch !== undefined } } : {}),
      }
    }
    case 'validate': {
      const { document, findings } = checkDocument(heldDocument(task.ref), checker, {
        codeLists, filingDate: task.filingDate, ...(task.employer ? { employer: task.employer } : {}), ...earlierOf(task.earlier), ...entryEarlierOf(task.entryEarlier),
      })
      held.set(task.ref, document)
      return findings
    }
    case 'admit':
      return admitDocument(heldDocument(task.ref), { filingDate: task.filingDate, codeLists, ...earlierOf(task.earlier), ...entryEarlierOf(task.entryEarlier) })
    case 'release':
      held.delete(task.ref)
      return undefined
    case 'outline': {
      const keep = new Set(task.keep)
      if (!('ref' in task)) return outline(readInternal(task.bytes, codeLists, keep), keep)
      // A held document is read from the tree its bytes were parsed into: the outline the bytes would give.
      return JSON.stringify(outline(internalOf(heldDocument(task.ref).doc.root, codeLists, keep), keep))
    }
  }
}

/**
 * The document with only the elements named in `keep` (and their ancestors' chain through kept names): what a
 * reader on the request thread needs of a large report, at a fraction of the tree's size to pass between threads.
 */
function outline(root: XmlElement, keep: ReadonlySet<string>): XmlElement {
  // A mapped official document's sources point into the official tree: only their path and line cross threads.
  const copy = (el: XmlElement): XmlElement => ({ ...el, children: [], ...(el.source ? { source: plainSource(el.source) } : {}) })
  const top = copy(root)
  const stack: [XmlElement, XmlElement][] = [[root, top]]
  while (stack.length > 0) {
    const [from, to] = stack.pop()!
    for (const c of from.children) {
      if (!keep.has(c.name)) continue
      const kept = copy(c)
      to.children.push(kept)
      stack.push([c, kept])
    }
  }
  return top
}

function heldDocument(ref: number): IdentifiedDocument {
  const document = held.get(ref)
  if (!document) throw new Error(`document ${ref} is not held by this worker`)
  return document
}

/** Earlier documents arrive as stored bytes and are parsed here, like the new one. */
function earlierOf(earlier: readonly EarlierSource[] | undefined): { earlier?: EarlierDocument[] } {
  if (!earlier) return {}
  return { earlier: earlier.map(parsedEarlier) }
}

function entryEarlierOf(entryEarlier: readonly (readonly EarlierSource[])[] | undefined): { entryEarlier?: EarlierDocument[][] } {
  return entryEarlier ? { entryEarlier: entryEarlier.map(list => list.map(parsedEarlier)) } : {}
}

const parsedEarlier = ({ body, ...rest }: EarlierSource): EarlierDocument => ({ ...rest, ...(body ? { root: readInternal(body, codeLists) } : {}) })
