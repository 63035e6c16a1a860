import { randomUUID } from 'node:crypto'
import { makeFinding } from '../../../../src/validation/index.js'
import { child, descend } from '../../../../src/xml/index.js'
import type { FormRegister } from '../../../../src/forms/index.js'
import { t1RegisterFindings as R } from './register-findings.js'
import { t1FieldOf } from './rules.js'

/**
 * T1 opens an insurance of kind T1 for the insured person (EMŠO), closed at once when its end is known;
 * a second T1 while one is open is refused (SI-T1-020). Only through the Register port: no database here.
 */
export const t1Register: FormRegister = {
  scope: (_document, root) => ({ kind: 'T1', person: descend(root, 'Zavarovanec', 'Emso')?.text ?? '' }),
  apply(register, document, root, now) {
    const person = descend(root, 'Zavarovanec', 'Emso')?.text ?? ''
    const start = child(root, 'DatumPricetka')!
    const end = child(root, 'DatumKonca')?.text ?? null
    if (register.find(document.environment, document.employer, person, 'T1').some(row => row.status === 'open')) {
      return [makeFinding(R['020'], start, t1FieldOf(start.path))]
    }
    const id = randomUUID()
    register.insert({
      id, environment: document.environment, country: 'SI', employer: document.employer, person, kind: 'T1',
      insurance_key: { DatumPricetka: start.text }, start_date: start.text, end_date: end,
      status: end === null ? 'open' : 'closed', data: {}, created_at: now,
    })
    register.addEvent({ insurance_id: id, document_id: document.id, at: now, event: 'opened', status: 'open', end_date: null, data: '{}' })
    if (end !== null) register.addEvent({ insurance_id: id, document_id: document.id, at: now, event: 'closed', status: 'closed', end_date: end, data: '{}' })
    return []
  },
}
