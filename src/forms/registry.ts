import type { Country, FormModule, OfficialReader } from './form-module.js'

const registered: FormModule[] = []
const byType = new Map<string, FormModule>()
const byRoot = new Map<string, FormModule>()
const officialByRoot = new Map<string, FormModule>()

/** Every registered form, in registration order (a live list: forms registered later appear in it). */
export const forms: readonly FormModule[] = registered

/**
 * Adds a form. Throws when its type or (namespace, root) is taken, or when its lifecycle needs register
 * behaviour it lacks: the back office could not process or check its documents.
 */
export function registerForm(form: FormModule): void {
  const root = `${form.namespace}|${form.root}`
  if (byType.has(form.type)) throw new Error(`form ${form.type} is registered twice`)
  if (byRoot.has(root)) throw new Error(`form ${form.type}: ${form.namespace} ${form.root} is already the root of ${byRoot.get(root)!.type}`)
  const officialRoot = form.official ? `${form.official.namespace}|${form.official.root}` : undefined
  if (officialRoot && (byRoot.has(officialRoot) || officialByRoot.has(officialRoot))) throw new Error(`form ${form.type}: its official root is taken`)
  const missing = lifecycleNeeds(form)
  if (missing) throw new Error(`form ${form.type}: a ${form.lifecycle} lifecycle needs register.${missing}`)
  if (form.lifecycle === 'pairing' && !form.pairing?.expired) throw new Error(`form ${form.type}: a pairing lifecycle needs pairing.expired`)
  registered.push(form)
  byType.set(form.type, form)
  byRoot.set(root, form)
  if (officialRoot) officialByRoot.set(officialRoot, form)
}

/** What register behaviour the form's lifecycle needs and it lacks, if any. */
export function lifecycleNeeds(form: FormModule): 'apply' | 'check' | undefined {
  if (form.lifecycle === 'process' && !form.register?.apply) return 'apply'
  if (form.lifecycle === 'register-check' && !form.register?.check) return 'check'
  return undefined
}

/**
 * Loads form modules from outside src/: each registers its form when imported (calling `registerForm`), so a worker
 * thread that judges documents loads the same list the same way (`preload` of the worker pool).
 */
export async function loadFormModules(urls: readonly string[]): Promise<void> {
  for (const url of urls) await import(url)
}

/** The form for a (namespace, root element) pair; any other pair is not a document of ours (DOCUMENTS.md §1.1). */
export function findForm(namespace: string, root: string): FormModule | undefined {
  return byRoot.get(`${namespace}|${root}`)
}

/** The form whose document has this root, in our vocabulary or (with its reader) in the authority's own. */
export function findReader(namespace: string, root: string): { form: FormModule; official?: OfficialReader } | undefined {
  const key = `${namespace}|${root}`
  const form = byRoot.get(key)
  if (form) return { form }
  const officialForm = officialByRoot.get(key)
  return officialForm ? { form: officialForm, official: officialForm.official! } : undefined
}

/** The form of a registered type; throws for any other (a stored document's type is always registered). */
export function formOf(type: string): FormModule {
  const form = byType.get(type)
  if (!form) throw new Error(`no form ${type} is registered`)
  return form
}

/** The country whose authority a document type goes to (DOCUMENTS.md §1.1); its form language follows from it. */
export function countryOf(type: string): Country {
  return formOf(type).country
}
