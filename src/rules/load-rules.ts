import { deepFreeze } from '../deep-freeze.js';
import { HandoffError } from '../errors.js';
import { connectionRulesSchema, type ConnectionRules } from './rule-schema.js';

const loaded = new WeakSet<object>();

/**
 * Validates a rule set (parsed JSON) and returns it frozen, with defaults applied; every problem
 * is reported at once as a `HandoffError` with code `INVALID_RULES` and a JSON path per issue.
 *
 * @example
 * ```ts
 * const rules = loadConnectionRules(JSON.parse(readFileSync('rules/default.json', 'utf8')));
 * ```
 */
export function loadConnectionRules(json: unknown): ConnectionRules {
  if (isLoadedConnectionRules(json)) return json;
  const result = connectionRulesSchema.safeParse(json);
  if (!result.success) throw HandoffError.fromZod('INVALID_RULES', 'connection rules', result.error);
  const rules = deepFreeze(result.data);
  loaded.add(rules);
  return rules;
}

/** True when `value` came out of `loadConnectionRules`, so it need not be validated again. */
export function isLoadedConnectionRules(value: unknown): value is ConnectionRules {
  return typeof value === 'object' && value !== null && loaded.has(value);
}
