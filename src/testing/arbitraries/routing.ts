import fc from 'fast-check';
import { agentsAvailableFact, withinBusinessHoursFact, type AgentAvailabilityQuery } from '../../rules/dynamic-facts.js';
import { conditionOperators, isListOperator, isNumericOperator, isValueless, type ConditionOperator, type ConditionScalar } from '../../rules/operators.js';
import type {
  BooleanCondition,
  Condition,
  ConnectionRuleJson,
  ConnectionRulesJson,
  FactCondition,
  TargetJson,
} from '../../rules/rule-schema.js';

/** The vocabulary random rules and facts share, small so that conditions often meet their facts. */
export interface RoutingVocabulary {
  /** Top-level fact names. */
  readonly facts: readonly string[];
  /** Property paths conditions may add. */
  readonly paths: readonly string[];
  /** Object keys facts may contain (the first steps of the paths). */
  readonly keys: readonly string[];
  /** Scalars used both as condition values and inside facts, including json-rules-engine's edge cases. */
  readonly scalars: readonly ConditionScalar[];
  /** A few scalars drawn more often, so that conditions and facts meet. */
  readonly hotScalars: readonly ConditionScalar[];
  /** Queues and skills an `agentsAvailable` condition may ask about. */
  readonly queues: readonly string[];
}

/** A vocabulary that reaches every operator's edge cases: numeric strings, `"12abc"`, `null`, arrays. */
export const defaultRoutingVocabulary: RoutingVocabulary = {
  facts: ['channel', 'reason', 'customer', 'tags', 'score'],
  paths: ['$.tier', '$.tags[0]', '$.a.b', "$['x-y']", '$[0]', '$.tags'],
  keys: ['tier', 'tags', 'a', 'b', 'x-y', '0'],
  scalars: ['voice', 'chat', 'gold', '', '1', '12abc', 'Infinity', ' 3 ', 0, 1, 2, -1, 1.5, true, false, null],
  hotScalars: ['voice', '1', 1, 2, null],
  queues: ['billing', 'general'],
};

/** Options of the routing arbitraries. */
export interface RoutingArbitraryOptions {
  readonly vocabulary?: RoutingVocabulary;
  /** Nesting depth of `all` / `any` / `not` below a rule's root (default 2). */
  readonly depth?: number;
  /** Most rules in a set (default 8). */
  readonly maxRules?: number;
  /** Whether conditions may read `withinBusinessHours` and `agentsAvailable` (default true). */
  readonly dynamicFacts?: boolean;
  /**
   * When set, most rules are an `all` that also requires this fact to equal a scalar, as real
   * routing tables do (one rule per intent or channel) and as the router's rule index exploits.
   */
  readonly equalityOn?: string;
}

/** A scalar from the vocabulary. */
export function conditionScalarArbitrary(vocabulary: RoutingVocabulary = defaultRoutingVocabulary): fc.Arbitrary<ConditionScalar> {
  return fc.oneof({ arbitrary: fc.constantFrom(...vocabulary.hotScalars), weight: 2 }, { arbitrary: fc.constantFrom(...vocabulary.scalars), weight: 3 });
}

/** A target, valid per type, as a rule file writes it. */
export function targetArbitrary(): fc.Arbitrary<TargetJson> {
  const name = fc.constantFrom('general', 'billing', 'vip', 'voice', 'callback');
  return fc.oneof(
    fc.record(
      { queue: name, skills: fc.array(fc.constantFrom('voice', 'refunds', 'french'), { minLength: 1, maxLength: 2 }), priority: fc.integer({ min: 0, max: 10 }) },
      { requiredKeys: ['queue'] },
    ).map((params): TargetJson => ({ type: 'agentTransfer', params })),
    name.map((agent): TargetJson => ({ type: 'agent', params: { agent } })),
    name.map((workflow): TargetJson => ({ type: 'workflow', params: { workflow } })),
  );
}

/** A leaf condition over the vocabulary: every operator, with and without paths, dynamic facts if allowed. */
export function factConditionArbitrary(options: RoutingArbitraryOptions = {}): fc.Arbitrary<FactCondition> {
  const vocabulary = options.vocabulary ?? defaultRoutingVocabulary;
  const scalar = conditionScalarArbitrary(vocabulary);
  const plain = fc
    .record({
      fact: fc.constantFrom(...vocabulary.facts),
      path: fc.option(fc.constantFrom(...vocabulary.paths), { nil: undefined }),
      operator: fc.constantFrom(...conditionOperators),
      scalar,
      list: fc.array(scalar, { maxLength: 12 }),
      number: fc.constantFrom(...vocabulary.scalars.filter((s): s is number => typeof s === 'number')),
    })
    .map(({ fact, path, operator, scalar: s, list, number }) => leaf(fact, operator, { path, scalar: s, list, number }));
  if (options.dynamicFacts === false) return plain;
  const query: fc.Arbitrary<AgentAvailabilityQuery> = fc.oneof(
    fc.constantFrom(...vocabulary.queues).map((queue) => ({ queue })),
    fc.constantFrom(...vocabulary.queues).map((skill) => ({ skills: [skill] })),
  );
  const dynamic = fc.oneof(
    fc.boolean().map((value): FactCondition => ({ fact: withinBusinessHoursFact, operator: 'equal', value })),
    fc
      .record({ params: query, value: fc.boolean(), operator: fc.constantFrom<ConditionOperator>('equal', 'notEqual', 'exists') })
      .map(({ params, value, operator }): FactCondition =>
        operator === 'exists' ? { fact: agentsAvailableFact, params, operator } : { fact: agentsAvailableFact, params, operator, value },
      ),
  );
  return fc.oneof({ arbitrary: plain, weight: 4 }, { arbitrary: dynamic, weight: 1 });
}

function leaf(
  fact: string,
  operator: ConditionOperator,
  values: { path: string | undefined; scalar: ConditionScalar; list: ConditionScalar[]; number: number },
): FactCondition {
  const base = values.path === undefined ? { fact, operator } : { fact, operator, path: values.path };
  if (isValueless(operator)) return base;
  if (isListOperator(operator)) return { ...base, value: values.list };
  if (isNumericOperator(operator)) return { ...base, value: values.number };
  return { ...base, value: values.scalar };
}

/** A condition tree of bounded depth: nested `all` (possibly empty), `any` (never empty), `not`, leaves. */
export function conditionArbitrary(options: RoutingArbitraryOptions = {}, depth: number = options.depth ?? 2): fc.Arbitrary<Condition> {
  const fact = factConditionArbitrary(options);
  if (depth <= 0) return fact;
  const nested = conditionArbitrary(options, depth - 1);
  return fc.oneof(
    { arbitrary: fact, weight: 3 },
    { arbitrary: booleanOf(nested), weight: 2 },
  );
}

/** The root of a rule's conditions: `all`, `any` or `not` over conditions of bounded depth. */
export function rootConditionArbitrary(options: RoutingArbitraryOptions = {}): fc.Arbitrary<BooleanCondition> {
  return booleanOf(conditionArbitrary(options, Math.max(0, (options.depth ?? 2) - 1)));
}

function booleanOf(nested: fc.Arbitrary<Condition>): fc.Arbitrary<BooleanCondition> {
  return fc.oneof(
    fc.array(nested, { maxLength: 3 }).map((all): BooleanCondition => ({ all })),
    fc.array(nested, { minLength: 1, maxLength: 3 }).map((any): BooleanCondition => ({ any })),
    nested.map((not): BooleanCondition => ({ not })),
  );
}

/** A whole rule set as a file writes it: unique names, priorities 1–3 (so ties are common), a default. */
export function connectionRulesArbitrary(options: RoutingArbitraryOptions = {}): fc.Arbitrary<ConnectionRulesJson> {
  const vocabulary = options.vocabulary ?? defaultRoutingVocabulary;
  const shared = options.equalityOn;
  const root = rootConditionArbitrary(options);
  const conditions: fc.Arbitrary<BooleanCondition> =
    shared === undefined
      ? root
      : fc.oneof(
          { arbitrary: root, weight: 1 },
          {
            arbitrary: fc
              .tuple(conditionScalarArbitrary(vocabulary), fc.array(conditionArbitrary(options, Math.max(0, (options.depth ?? 2) - 1)), { maxLength: 2 }), fc.nat(2))
              .map(([value, others, at]): BooleanCondition => {
                const all: Condition[] = [...others];
                all.splice(Math.min(at, all.length), 0, { fact: shared, operator: 'equal', value });
                return { all };
              }),
            weight: 4,
          },
        );
  const rule = fc.record(
    { priority: fc.integer({ min: 1, max: 3 }), conditions, event: targetArbitrary() },
    { requiredKeys: ['conditions', 'event'] },
  );
  return fc.record({ rules: fc.array(rule, { maxLength: options.maxRules ?? 8 }), default: targetArbitrary() }).map(
    ({ rules, default: fallback }): ConnectionRulesJson => ({
      rules: rules.map((r, i): ConnectionRuleJson => ({ name: `rule-${i}`, ...r })),
      default: fallback,
    }),
  );
}

/** A JSON value (as `JSON.parse` builds it) from the vocabulary: scalars, lists, objects with the vocabulary's keys. */
export function factValueArbitrary(vocabulary: RoutingVocabulary = defaultRoutingVocabulary): fc.Arbitrary<unknown> {
  const scalar = conditionScalarArbitrary(vocabulary);
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true, maxDepth: 3 },
      { arbitrary: scalar, weight: 4 },
      { arbitrary: fc.array(scalar, { minLength: 1, maxLength: 4 }), weight: 4 },
      { arbitrary: fc.array(tie('value'), { maxLength: 3 }), weight: 1 },
      { arbitrary: someKeysOf(vocabulary.keys, tie('value')), weight: 3 },
    ),
  }));
  return value;
}

// An object with a random subset of `keys`, each present about half the time.
function someKeysOf(keys: readonly string[], value: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) model[key] = value;
  return fc.record(model, { requiredKeys: [], noNullPrototype: true });
}

/** A facts object over the vocabulary: some facts missing, some given, now and then a dynamic fact given directly. */
export function routingFactsArbitrary(options: RoutingArbitraryOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  const vocabulary = options.vocabulary ?? defaultRoutingVocabulary;
  const plain = someKeysOf(vocabulary.facts, factValueArbitrary(vocabulary));
  if (options.dynamicFacts === false) return plain;
  return fc
    .record({ plain, open: fc.option(fc.boolean(), { freq: 4 }), agents: fc.option(fc.boolean(), { freq: 4 }) })
    .map(({ plain: facts, open, agents }) => {
      const out: Record<string, unknown> = { ...facts };
      if (open !== null) out[withinBusinessHoursFact] = open;
      if (agents !== null) out[agentsAvailableFact] = agents;
      return out;
    });
}
