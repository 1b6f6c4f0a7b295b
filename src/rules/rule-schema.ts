import { z } from 'zod';
import { formatPath } from '../errors.js';
import { targetSchema, type Target } from '../routing/target-schema.js';
import {
  agentAvailabilityQuerySchema,
  agentsAvailableFact,
  withinBusinessHoursFact,
  type AgentAvailabilityQuery,
} from './dynamic-facts.js';
import {
  conditionOperators,
  isListOperator,
  isNumericOperator,
  isValueless,
  type ConditionOperator,
  type ConditionValue,
} from './operators.js';
import { parsePropertyPath, propertyPathHint } from './property-path.js';

/** A leaf condition: the fact (optionally a path into it) compared by an operator with a value. */
export interface FactCondition {
  readonly fact: string;
  readonly path?: string;
  readonly operator: ConditionOperator;
  /** Absent for `exists` and `notExists`. */
  readonly value?: ConditionValue;
  /** Only for the `agentsAvailable` fact: the queue or skills to ask about. */
  readonly params?: AgentAvailabilityQuery;
}

/** Holds when every nested condition holds (an empty list always holds). */
export interface AllCondition {
  readonly all: readonly Condition[];
}

/** Holds when at least one nested condition holds (the list may not be empty). */
export interface AnyCondition {
  readonly any: readonly Condition[];
}

/** Holds when the nested condition does not. */
export interface NotCondition {
  readonly not: Condition;
}

/** The root of a rule's conditions: `all`, `any` or `not`, as json-rules-engine requires. */
export type BooleanCondition = AllCondition | AnyCondition | NotCondition;

/** Any condition, boolean or leaf. */
export type Condition = BooleanCondition | FactCondition;

/** One connection rule in json-rules-engine's rule shape, validated, with defaults applied. */
export interface ConnectionRule {
  readonly name: string;
  readonly description?: string;
  /** Higher runs first; ties are broken by order in the file. */
  readonly priority: number;
  readonly conditions: BooleanCondition;
  /** Where the conversation goes when this rule wins. */
  readonly event: Target;
}

/** A validated rule set: ordered rules and the mandatory fallback target. */
export interface ConnectionRules {
  readonly name?: string;
  readonly description?: string;
  readonly rules: readonly ConnectionRule[];
  /** The fallback (the product's Else) used when no rule holds. */
  readonly default: Target;
}

/** `T` with every list and field readonly, so literals written `as const` fit. */
type ReadonlyJson<T> = T extends readonly (infer U)[] ? readonly ReadonlyJson<U>[] : T extends object ? { readonly [K in keyof T]: ReadonlyJson<T[K]> } : T;

/** A target as written in a rule file (before defaults are applied); `as const` literals fit. */
export type TargetJson = ReadonlyJson<z.input<typeof targetSchema>>;

/** One rule as written in a rule file: `priority` may be left out (it defaults to 1). */
export interface ConnectionRuleJson {
  readonly name: string;
  readonly description?: string;
  readonly priority?: number;
  readonly conditions: BooleanCondition;
  readonly event: TargetJson;
}

/** A rule set as written in a rule file, for hosts that build rules in TypeScript. */
export interface ConnectionRulesJson {
  readonly name?: string;
  readonly description?: string;
  readonly rules: readonly ConnectionRuleJson[];
  readonly default: TargetJson;
}

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const operatorSchema = z.enum(conditionOperators, {
  error: (issue) => `Unknown operator ${JSON.stringify(issue.input)}: expected one of ${conditionOperators.join(', ')}`,
});

const factConditionShape = z.strictObject({
  fact: z.string().min(1, 'Expected a fact name: a top-level key of the facts'),
  path: z
    .string()
    .refine((path) => parsePropertyPath(path) !== undefined, { message: `Expected ${propertyPathHint}` })
    .optional(),
  operator: operatorSchema,
  value: z.unknown().optional(),
  params: z.unknown().optional(),
});

const factConditionSchema = factConditionShape.transform((raw, ctx): FactCondition => {
  const { operator } = raw;
  const hasValue = Object.hasOwn(raw, 'value');
  if (isValueless(operator)) {
    if (hasValue) ctx.issues.push(issue(['value'], `${operator} takes no value: remove "value"`, raw.value));
  } else if (!hasValue) {
    ctx.issues.push(issue(['value'], `${operator} needs a value`, undefined));
  } else if (isListOperator(operator)) {
    if (!z.array(scalarSchema).safeParse(raw.value).success) {
      ctx.issues.push(issue(['value'], `${operator} needs a list of strings, numbers, booleans or nulls`, raw.value));
    }
  } else if (isNumericOperator(operator)) {
    if (typeof raw.value !== 'number' || !Number.isFinite(raw.value)) {
      ctx.issues.push(issue(['value'], `${operator} needs a finite number`, raw.value));
    }
  } else if (!scalarSchema.safeParse(raw.value).success) {
    // An object here could never be === to a fact, and json-rules-engine would read `{ "fact": … }` as a reference.
    ctx.issues.push(issue(['value'], `${operator} needs a string, number, boolean or null`, raw.value));
  }
  let params: AgentAvailabilityQuery | undefined;
  if (raw.params !== undefined) {
    if (raw.fact === agentsAvailableFact) {
      params = delegate(agentAvailabilityQuerySchema, raw.params, ctx, ['params']) as AgentAvailabilityQuery;
    } else {
      ctx.issues.push(issue(['params'], `Only the ${agentsAvailableFact} fact takes params: remove "params" from the ${JSON.stringify(raw.fact)} condition`, raw.params));
    }
  } else if (raw.fact === agentsAvailableFact) {
    ctx.issues.push(issue(['params'], `${agentsAvailableFact} needs params: { "queue": … } or { "skills": [ … ] }`, undefined));
  }
  if (raw.fact === withinBusinessHoursFact && raw.path !== undefined) {
    ctx.issues.push(issue(['path'], `${withinBusinessHoursFact} is true or false: it has no path`, raw.path));
  }
  const condition: { -readonly [K in keyof FactCondition]: FactCondition[K] } = { fact: raw.fact, operator };
  if (raw.path !== undefined) condition.path = raw.path;
  if (hasValue) condition.value = raw.value as ConditionValue;
  if (params) condition.params = params;
  return condition;
});

const conditionListSchema = (key: 'all' | 'any') =>
  z.array(z.unknown()).transform((items, ctx): Condition[] => {
    if (key === 'any' && items.length === 0) {
      // json-rules-engine treats an empty `any` as true, which nobody means: say what they probably want.
      ctx.issues.push(issue([], 'An empty "any" always holds in json-rules-engine: write "all": [] for a rule that always holds', items));
    }
    return items.map((item, index) => delegate(conditionSchema, item, ctx, [index]));
  });

const allSchema = z.strictObject({ all: conditionListSchema('all') });
const anySchema = z.strictObject({ any: conditionListSchema('any') });
const notSchema = z.strictObject({ not: z.unknown().transform((item, ctx) => delegate(conditionSchema, item, ctx, [])) });

/** A condition at any depth: `all`, `any`, `not`, or a fact condition. */
export const conditionSchema: z.ZodType<Condition> = z.unknown().transform((input, ctx): Condition => {
  const branch = pickBranch(input);
  if (typeof branch === 'string') {
    ctx.issues.push(issue([], branch, input));
    return z.NEVER;
  }
  return delegate(branch, input, ctx, []);
});

/** The root of a rule's conditions: `all`, `any` or `not` (json-rules-engine rejects a bare fact condition). */
export const booleanConditionSchema: z.ZodType<BooleanCondition> = z.unknown().transform((input, ctx): BooleanCondition => {
  const branch = pickBranch(input);
  if (typeof branch === 'string' || branch === factConditionSchema) {
    ctx.issues.push(issue([], 'Expected conditions with "all", "any" or "not" at the root, such as { "all": [ … ] }', input));
    return z.NEVER;
  }
  return delegate(branch, input, ctx, []) as BooleanCondition;
});

/** One connection rule: json-rules-engine rule JSON whose `event` is a routing target. */
export const connectionRuleSchema = z.strictObject({
  name: z.string().min(1, 'Expected a rule name: a non-empty string, unique in the file'),
  description: z.string().optional(),
  priority: z
    .number({ error: 'Expected a priority: an integer >= 1 (higher runs first)' })
    .int('Expected a priority: an integer >= 1 (higher runs first)')
    .min(1, 'Expected a priority: an integer >= 1 (higher runs first)')
    .default(1),
  conditions: required(booleanConditionSchema, 'Expected conditions: { "all": [ … ] }, { "any": [ … ] } or { "not": … }'),
  event: required(targetSchema, 'Expected an event: the target of the rule, such as { "type": "agentTransfer", "params": { "queue": "billing" } }'),
});

// Duplicate names are found on the raw list, so they are reported beside every other issue.
const ruleListSchema = z.array(z.unknown()).transform((items, ctx): ConnectionRule[] => {
  const firstAt = new Map<string, number>();
  items.forEach((item, index) => {
    const name = item !== null && typeof item === 'object' && 'name' in item ? item.name : undefined;
    if (typeof name !== 'string' || name === '') return;
    const first = firstAt.get(name);
    if (first === undefined) firstAt.set(name, index);
    else {
      const message = `Duplicate rule name ${JSON.stringify(name)}, first used at ${formatPath(['rules', first, 'name'])}: names must be unique`;
      ctx.issues.push(issue([index, 'name'], message, name));
    }
  });
  return items.map((item, index) => delegate(connectionRuleSchema, item, ctx, [index]));
});

/** A whole rule set file: ordered rules with unique names, and a mandatory default. */
export const connectionRulesSchema: z.ZodType<ConnectionRules> = z.strictObject(
  {
    name: z.string().optional(),
    description: z.string().optional(),
    rules: required(ruleListSchema, 'Expected "rules": a list of rules (it may be empty)'),
    default: required(targetSchema, 'Expected a default: the target used when no rule holds (the product requires a fallback)'),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'Expected a rule set: an object with "rules" and "default"' : undefined) },
);

type Ctx = z.core.$RefinementCtx;

function issue(path: PropertyKey[], message: string, input: unknown): z.core.$ZodRawIssue {
  return { code: 'custom', path, message, input };
}

function pickBranch(input: unknown): z.ZodType<Condition> | string {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return 'Expected a condition: an object with "all", "any", "not", or "fact" and "operator"';
  }
  if (Object.hasOwn(input, 'all')) return allSchema;
  if (Object.hasOwn(input, 'any')) return anySchema;
  if (Object.hasOwn(input, 'not')) return notSchema;
  if (Object.hasOwn(input, 'fact')) return factConditionSchema;
  if (Object.hasOwn(input, 'condition')) {
    return 'Condition references ("condition": name) are not supported: write the condition inline';
  }
  return 'Expected a condition: an object with "all", "any", "not", or "fact" and "operator"';
}

// Parses `input` with `schema`, moving its issues under `prefix` of the current value.
function delegate<T>(schema: z.ZodType<T>, input: unknown, ctx: Ctx, prefix: PropertyKey[]): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const i of result.error.issues) ctx.issues.push({ ...i, path: [...prefix, ...i.path] } as z.core.$ZodRawIssue);
  return z.NEVER;
}

// A field that must be present, with a message that says what was expected when it is missing.
function required<T>(schema: z.ZodType<T>, missing: string) {
  return z.unknown().transform((input, ctx): T => {
    if (input === undefined) {
      ctx.issues.push(issue([], missing, input));
      return z.NEVER;
    }
    return delegate(schema, input, ctx, []);
  });
}
