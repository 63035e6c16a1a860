export { defineFindings, makeFinding, hasErrors } from './finding.js'
export type { Finding, FindingDef, FindingLocation, FindingParams, FormLanguage, Severity } from './finding.js'
export { xsdFindings, maxFindings, boundFindings, xsdIssuesToFindings, attributeFindings } from './xsd-findings.js'
export type { SchemaFindingForm } from './xsd-findings.js'
