import { reportForm } from '../report/form.js'
import { mvpFields } from '../report/fields.js'

/** MVP, the monthly report of contributions, mesačný výkaz poistného a príspevkov (DOCUMENTS.md §3.2). */
export const mvp = reportForm('MVP', { numberPrefix: 'V', fields: mvpFields })
