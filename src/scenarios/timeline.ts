// What a scenario run records, in order: the steps played, the states the conversation went
// through, routing decisions with their explanation, messages, timeouts and expectations.
import type { HandoffNotificationType, UserMessageOut } from '../runtime/notifications.js';
import type { RuleOutcome } from '../routing/explanation.js';
import type { Target } from '../routing/target-schema.js';
import type { TimerName } from '../../machines/handoff.types.js';

/** One rule's part in a routing decision: its outcome and the one-sentence why (or why not). */
export interface TimelineRuleOutcome {
  readonly rule: string;
  readonly priority: number;
  readonly outcome: RuleOutcome;
  readonly why: string;
}

/** One entry of a scenario's timeline; `at` is the simulated time (ISO 8601). */
export type TimelineEntry =
  | { readonly kind: 'step'; readonly at: string; readonly index: number; readonly type: string; readonly summary: string }
  | { readonly kind: 'state'; readonly at: string; readonly from: string | null; readonly to: string }
  | {
      readonly kind: 'routed';
      readonly at: string;
      readonly rule: string | null;
      readonly target: Target | null;
      readonly why: string;
      readonly rules: readonly TimelineRuleOutcome[];
    }
  | { readonly kind: 'userMessage'; readonly at: string; readonly message: Exclude<UserMessageOut, { kind: 'agent' }>['kind']; readonly text: string }
  | { readonly kind: 'agentMessage'; readonly at: string; readonly agentId: string; readonly text: string }
  | { readonly kind: 'timer'; readonly at: string; readonly timer: TimerName }
  | { readonly kind: 'notice'; readonly at: string; readonly notice: HandoffNotificationType; readonly summary: string }
  | { readonly kind: 'expect'; readonly at: string; readonly index: number; readonly passed: boolean; readonly checked: readonly string[] }
  | { readonly kind: 'error'; readonly at: string; readonly index: number; readonly code: string; readonly message: string };

/** The kind of one timeline entry. */
export type TimelineEntryKind = TimelineEntry['kind'];

/** An expectation that did not hold, or a step that could not be played: what was expected and what happened. */
export interface ExpectationFailure {
  /** The step's index in `steps`. */
  readonly step: number;
  /** The expectation's field (`state`, `rule`, …), or `step` when the step itself failed. */
  readonly field: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly message: string;
}

/** What `runScenario` returns: the timeline, and the failures (none when every expectation held). */
export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  readonly passed: boolean;
  readonly timeline: readonly TimelineEntry[];
  readonly failures: readonly ExpectationFailure[];
}
