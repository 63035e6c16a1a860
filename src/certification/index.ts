/** The certification sandbox (SPEC.md §7): scenarios observed per test client, its report, reset and advance. */
export { scenarios, type Scenario, type ScenarioTitle } from './scenarios.js'
export { certificationReport, pendingScenarios, type CertificationReport, type ScenarioResult } from './report.js'
export { createSandbox, testOnly, maxAdvanceMs, type Sandbox, type AdvanceResult, type SandboxTransition } from './sandbox.js'
