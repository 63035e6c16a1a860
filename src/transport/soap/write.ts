import type { DocumentView, Pairing } from '../../documents/index.js'
import type { EventView } from '../../events/index.js'
import type { CertificationReport } from '../../certification/index.js'
import type { Finding } from '../../validation/index.js'
import type { ProblemBody } from '../problem.js'
import type { CallerProfile } from '../rest/me.js'
import { GATEWAY_NS, SOAP11_NS } from './envelope.js'

/*
 * Responses are written, not generated from the WSDL: each function follows its type's xs:sequence in
 * wsdl/ehrs.wsdl element by element (order matters to strict clients), and soap.test.ts validates every
 * answer against the WSDL's schema.
 */

export function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body>${body}</soap:Body></soap:Envelope>\n`
}

/** `<{operation}Response>` in the gateway's namespace around the given content. */
export function response(operation: string, content: string): string {
  return `<${operation}Response xmlns="${GATEWAY_NS}">${content}</${operation}Response>`
}

export function fault(faultCode: string, problem: ProblemBody): string {
  const detail = `<problem xmlns="${GATEWAY_NS}">${[
    text('type', problem.type), text('title', problem.title), text('status', problem.status),
    text('detail', problem.detail), text('code', problem.code), text('instance', problem.instance),
    problem.findings ? element('findings', findings(problem.findings)) : '',
  ].join('')}</problem>`
  return `<soap:Fault>${text('faultcode', `soap:${faultCode}`)}${text('faultstring', problem.detail)}<detail>${detail}</detail></soap:Fault>`
}

export function documentView(name: string, view: DocumentView): string {
  return element(name, [
    text('id', view.id), text('number', view.number), text('receiptNumber', view.receiptNumber),
    text('type', view.type), text('employer', view.employer), text('period', view.period), text('kind', view.kind),
    text('externalId', view.externalId), text('format', view.format), text('receivedAt', view.receivedAt), text('sha256', view.sha256), text('size', view.size),
    element('status', text('acceptance', view.status.acceptance) + text('processing', view.status.processing) + label('label', view.status.label)),
    element('findings', findings(view.findings)),
    element('history', view.history.map(h =>
      element('entry', text('at', h.at) + text('acceptance', h.acceptance) + text('processing', h.processing) + text('reason', h.reason ?? undefined)),
    ).join('')),
    view.scheduled ? element('scheduled', text('transition', view.scheduled.transition) + text('at', view.scheduled.at)) : '',
    text('duplicateOf', view.duplicateOf),
    view.payment ? element('payment', text('expectedBy', view.payment.expectedBy)) : '',
    view.pairing ? pairingView(view.pairing) : '',
  ].join(''))
}

function pairingView(pairing: Pairing): string {
  return element('pairing', text('state', pairing.state) + text('pairedWith', pairing.pairedWith) + text('pairedAt', pairing.pairedAt) + text('deadline', pairing.deadline))
}

export function eventView(name: string, event: EventView): string {
  const head = text('id', event.id) + text('seq', event.seq) + text('at', event.at) + text('type', event.type)
  if ('certificate' in event) return element(name, head + element('certificate', text('fingerprint', event.certificate.fingerprint) + text('notAfter', event.certificate.notAfter)))
  if (!('document' in event)) return element(name, head + element('subscription', text('id', event.subscription.id)))
  const d = event.document
  return element(name, [
    head,
    element('document', text('id', d.id) + text('number', d.number) + text('type', d.type) + text('employer', d.employer) + text('externalId', d.externalId)),
    text('acceptance', event.acceptance), text('processing', event.processing), text('reason', event.reason ?? undefined),
    event.payment ? element('payment', text('expectedBy', event.payment.expectedBy)) : '',
    event.pairing ? pairingView(event.pairing) : '',
  ].join(''))
}

export function certificationReportView(report: CertificationReport): string {
  const software = report.software
  return [
    software ? element('software', text('vendor', software.vendor) + text('product', software.product) + text('version', software.version)) : '',
    text('complete', String(report.complete)), text('since', report.since ?? undefined),
    element('scenarios', report.scenarios.map(s => element('scenario', [
      text('id', s.id), label('title', s.title), text('status', s.status),
      element('evidence', s.evidence.map(id => text('id', id)).join('')), text('passedAt', s.passedAt ?? undefined), text('format', s.format),
    ].join(''))).join('')),
  ].join('')
}

/** GetMeResponse's content: GET /api/v1/me field by field; a null is an absent element. */
export function meView(me: CallerProfile): string {
  const c = me.certificate
  const revocation = c.revocation as { status: string; crlThisUpdate?: string; crlNextUpdate?: string | null; crlIsStale?: boolean }
  return [
    text('clientId', me.clientId),
    element('company', text('name', me.company.name) + text('taxNumber', me.company.taxNumber)),
    text('environment', me.environment),
    text('role', me.role),
    me.software ? element('software', [
      text('vendor', me.software.vendor), text('product', me.software.product), text('version', me.software.version),
      text('certified', String(me.software.certified)),
    ].join('')) : '',
    element('certificate', [
      text('fingerprint', c.fingerprint), text('subject', c.subject), text('issuer', c.issuer), text('serial', c.serial),
      text('notBefore', c.notBefore), text('notAfter', c.notAfter), text('isExpiring', String(c.isExpiring)),
      text('qualified', String(c.qualified)), text('qualifiedBy', c.qualifiedBy ?? undefined),
      element('revocation', [
        text('status', revocation.status), text('crlThisUpdate', revocation.crlThisUpdate), text('crlNextUpdate', revocation.crlNextUpdate ?? undefined),
        text('crlIsStale', revocation.crlIsStale === undefined ? undefined : String(revocation.crlIsStale)),
      ].join('')),
    ].join('')),
    element('mandates', me.mandates.map(m => element('mandate', [
      text('id', m.id), text('employer', m.employer),
      m.types ? element('types', m.types.map(type => text('type', type)).join('')) : '',
      text('from', m.from ?? undefined), text('to', m.to ?? undefined),
    ].join(''))).join('')),
  ].join('')
}

function findings(list: readonly Finding[]): string {
  return list.map(f => element('finding', [
    text('code', f.code), text('severity', f.severity), text('field', f.field), text('path', f.path),
    text('line', f.line), label('message', f.message),
  ].join(''))).join('')
}

function label(name: string, value: { en: string; sl?: string; sk?: string }): string {
  return element(name, text('en', value.en) + text('sl', value.sl) + text('sk', value.sk))
}

export function element(name: string, content: string): string {
  return `<${name}>${content}</${name}>`
}

/** An element with escaped text; nothing for an absent value (minOccurs="0"). */
export function text(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : element(name, escape(String(value)))
}

// \r is written as a reference, or the reader's line-end normalisation would turn it into \n.
function escape(value: string): string {
  return value.replace(/[&<>\r]/g, c => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'))
}
