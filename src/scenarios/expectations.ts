// Checks an `expect` step against the conversation as the host sees it.
import type { ConversationView } from '../runtime/conversation-view.js';
import type { ScenarioExpectation } from './scenario-schema.js';
import type { ExpectationFailure } from './timeline.js';

/** What one `expect` step checked, and what did not hold. */
export interface ExpectationCheck {
  readonly checked: readonly string[];
  readonly failures: readonly ExpectationFailure[];
}

/** Checks every field of `expectation` against the view and the texts sent to the user so far. */
export function checkExpectation(step: number, expectation: ScenarioExpectation, view: ConversationView, userTexts: readonly string[]): ExpectationCheck {
  const checked: string[] = [];
  const failures: ExpectationFailure[] = [];
  const check = (field: string, expected: unknown, actual: unknown, holds: boolean, what: string): void => {
    if (!checked.includes(field)) checked.push(field);
    if (!holds) failures.push({ step, field, expected, actual, message: `Expected ${what}` });
  };
  const { state, aiMayRespond, owner, rule, target, agentId, returned, ended, userMessages } = expectation;
  if (state !== undefined) {
    check('state', state, view.state, view.state === state || view.state.startsWith(`${state}.`), `the conversation in state ${JSON.stringify(state)}`);
  }
  if (aiMayRespond !== undefined) {
    check('aiMayRespond', aiMayRespond, view.aiMayRespond, view.aiMayRespond === aiMayRespond, `aiMayRespond to be ${aiMayRespond}`);
  }
  if (owner !== undefined) check('owner', owner, view.owner, view.owner === owner, `the conversation owned by ${JSON.stringify(owner)}`);
  if (rule !== undefined) {
    check('rule', rule, view.rule, view.rule === rule && view.target !== null, rule === null ? 'the default target (no rule)' : `rule ${JSON.stringify(rule)} to route the handoff`);
  }
  if (target !== undefined) check('target', target, view.target, contains(view.target, target), 'a target with these fields');
  if (agentId !== undefined) check('agentId', agentId, view.agentId, view.agentId === agentId, `agent ${JSON.stringify(agentId)} on the conversation`);
  if (returned !== undefined) {
    check('returned', returned, view.returned?.reason ?? null, view.returned?.reason === returned, `the conversation returned to the AI because ${JSON.stringify(returned)}`);
  }
  if (ended !== undefined) check('ended', ended, view.ended?.reason ?? null, view.ended?.reason === ended, `the conversation ended because ${JSON.stringify(ended)}`);
  for (const text of userMessages ?? []) {
    check('userMessages', text, [...userTexts], userTexts.some((t) => t.includes(text)), `a message to the user containing ${JSON.stringify(text)}`);
  }
  return { checked, failures };
}

/** True when `actual` has every field of `expected` (objects compared key by key, arrays and values exactly). */
function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => contains(actual[i], e));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).every(([key, value]) => Object.hasOwn(record, key) && contains(record[key], value));
  }
  return Object.is(actual, expected);
}
