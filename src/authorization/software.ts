import type { Db } from '../db/index.js'
import type { Software } from '../identity/index.js'

/** Has this software version passed certification? No software registered counts as no. */
export async function isSoftwareCertified(db: Db, software: Software | null): Promise<boolean> {
  if (!software) return false
  const row = await db.selectFrom('software_certifications').select('certified_at')
    .where('vendor', '=', software.vendor).where('product', '=', software.product).where('version', '=', software.version)
    .executeTakeFirst()
  return row !== undefined
}
