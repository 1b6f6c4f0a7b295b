// agent-handoff/testing: fast-check arbitraries derived from a user's own rule set and config,
// and property helpers for routing rules. fast-check is a peer dependency of this entry only.
export { factsFor } from './facts.arbitrary.js';
export type { FactsForOptions, RoutingFacts } from './facts.arbitrary.js';
export { handoffPayloadFor } from './payload.arbitrary.js';
export { lifecycleEventsFor, lifecycleJourneys } from './lifecycle.arbitrary.js';
export type { LifecycleEventsOptions, LifecycleJourney } from './lifecycle.arbitrary.js';
export { assertTotal, checkTotal } from './totality.js';
export type { DecisionCount, PropertyCounterexample, TotalityReport } from './totality.js';
export { assertEveryRuleCanWin, findWitnesses } from './witnesses.js';
export type { DefaultWitness, FoundWitness, MissingWitness, RuleWitness, WitnessOptions, WitnessReport } from './witnesses.js';
export { assertAgreesWithJsonRulesEngine, checkAgreesWithJsonRulesEngine } from './agreement.js';
export type { AgreementReport, DisagreementCounterexample } from './agreement.js';
export { RoutingPropertyError } from './property-error.js';
export type { FactsPropertyOptions, PropertyOptions } from './property-options.js';
export type { RulesInput } from './rules-input.js';
