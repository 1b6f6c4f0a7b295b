import { operatorPredicate, type FactPredicate } from '../rules/operator-semantics.js';
import type { ConditionOperator, ConditionScalar, ConditionValue } from '../rules/operators.js';
import { parsePropertyPath, resolvePropertyPath, type PathSegment } from '../rules/property-path.js';
import type { Condition, ConnectionRules, FactCondition } from '../rules/rule-schema.js';
import { valueAtPath } from '../routing/facts.js';
import { setOwn } from '../set-own.js';
import type { Choices } from './choices.js';

/** A place in the facts a condition reads: a fact, then the steps of its path. */
export interface FactLocation {
  readonly fact: string;
  readonly segments: readonly PathSegment[];
}

/** A fact condition that must come out `want` for a plan to reach its goal. */
export interface Literal extends FactLocation {
  /** The same for every literal on one place (see `locationKey`). */
  readonly key: string;
  readonly predicate: FactPredicate;
  readonly want: boolean;
}

/** One place in the facts, with the operators and values conditions test there, and the places below it. */
interface LocationNode {
  readonly templates: { readonly operator: ConditionOperator; readonly value: ConditionValue | undefined }[];
  readonly children: Map<string, { readonly segment: PathSegment; readonly node: LocationNode }>;
  /** Candidate values from this place's conditions, deduplicated (computed once). */
  own?: readonly unknown[];
  /** Candidate values from the conditions on places below this one (computed once). */
  below?: readonly unknown[];
}

/** Every place the rules read, as a tree per fact: what the facts builder fills in. */
export interface FactModel {
  readonly facts: ReadonlyMap<string, LocationNode>;
  /** The location and compiled predicate of every fact condition. */
  readonly leaves: ReadonlyMap<FactCondition, { readonly location: FactLocation; readonly key: string; readonly predicate: FactPredicate }>;
}

// Markers among candidate values: "leave this key out", and "an object with the places below".
const missing: unique symbol = Symbol('missing');
const container: unique symbol = Symbol('container');
type Candidate = unknown;

// Values of the wrong type or shape, mixed into every place so that rules meet what real payloads hold.
const noiseValues: readonly unknown[] = [null, true, false, 0, -1, 1.5, '', 'other', '12abc', [], {}, ['other']];

const models = new WeakMap<ConnectionRules, FactModel>();

/** The fact model of a validated rule set (cached per rule set). */
export function factModel(rules: ConnectionRules): FactModel {
  let model = models.get(rules);
  if (!model) {
    model = buildModel(rules);
    models.set(rules, model);
  }
  return model;
}

function buildModel(rules: ConnectionRules): FactModel {
  const facts = new Map<string, LocationNode>();
  const leaves = new Map<FactCondition, { location: FactLocation; key: string; predicate: FactPredicate }>();
  const visit = (condition: Condition): void => {
    if ('all' in condition) condition.all.forEach(visit);
    else if ('any' in condition) condition.any.forEach(visit);
    else if ('not' in condition) visit(condition.not);
    else {
      // Validated rules hold only parseable paths.
      const segments = condition.path === undefined ? [] : (parsePropertyPath(condition.path) ?? []);
      let node: LocationNode | undefined = facts.get(condition.fact);
      if (!node) {
        node = emptyNode();
        facts.set(condition.fact, node);
      }
      for (const segment of segments) {
        const key = String(segment);
        let child: { readonly segment: PathSegment; readonly node: LocationNode } | undefined = node.children.get(key);
        if (!child) {
          child = { segment, node: emptyNode() };
          node.children.set(key, child);
        }
        node = child.node;
      }
      node.templates.push({ operator: condition.operator, value: condition.value });
      const location = { fact: condition.fact, segments };
      leaves.set(condition, { location, key: locationKey(location), predicate: operatorPredicate(condition.operator, condition.value) });
    }
  };
  for (const rule of rules.rules) visit(rule.conditions);
  return { facts, leaves };
}

/** A key per place: literals with one key see the same value. */
function locationKey(location: FactLocation): string {
  return JSON.stringify([location.fact, ...location.segments.map(String)]);
}

/**
 * Whether `next` can hold together with `same`, the literals already planned on the very same
 * place (not counting places above or below it): some candidate value satisfies them all. Planning
 * asks this to avoid choosing, say, `intent equal "refund"` to fail for an earlier rule when the
 * goal needs it to hold.
 */
export function consistentAt(model: FactModel, same: readonly Literal[], next: Literal): boolean {
  if (same.length === 0) return true;
  let node = model.facts.get(next.fact);
  for (const segment of next.segments) node = node?.children.get(String(segment))?.node;
  const values = [undefined, ...noiseValues, ...(node ? ownCandidates(node) : [])];
  const all = [...same, next];
  return values.some((value) => all.every((l) => l.predicate(value) === l.want));
}

function emptyNode(): LocationNode {
  return { templates: [], children: new Map() };
}

/**
 * Builds a facts object in which every literal comes out as wanted when that is possible: each fact
 * the rules read is filled from candidates (values the conditions name, their neighbours, values
 * of the wrong type, nothing at all), trying them from a random start and keeping the first that
 * satisfies the literals on it, or else the one that satisfies most. Facts are independent, so the
 * facts object satisfies the plan whenever each fact can.
 */
export function buildFacts(model: FactModel, literals: readonly Literal[], choices: Choices): Record<string, unknown> {
  const byFact = new Map<string, RelativeLiteral[]>();
  for (const literal of literals) {
    const list = byFact.get(literal.fact) ?? [];
    list.push({ segments: literal.segments, predicate: literal.predicate, want: literal.want });
    byFact.set(literal.fact, list);
  }
  const facts: Record<string, unknown> = {};
  for (const [name, node] of model.facts) {
    const value = buildNode(node, byFact.get(name) ?? [], true, choices);
    if (value !== missing) setOwn(facts, name, value);
  }
  return facts;
}

interface RelativeLiteral {
  readonly segments: readonly PathSegment[];
  readonly predicate: FactPredicate;
  readonly want: boolean;
}

function buildNode(node: LocationNode, literals: readonly RelativeLiteral[], top: boolean, choices: Choices): Candidate {
  // Candidates come in groups; a weighted group and one of its members is tried first, so that a
  // fact nobody constrains still looks like a payload most of the time (an object where paths
  // reach into it, a value a condition names), and only sometimes like noise. The object is
  // built only if it is tried.
  const groups: { readonly weight: number; readonly values: readonly Candidate[] }[] = [
    { weight: 1, values: [missing] },
    { weight: 4, values: node.children.size > 0 ? [container] : [] },
    { weight: 4, values: ownCandidates(node) },
    // At the top a fact that is not an object is what every path condition on it sees (as in
    // json-rules-engine), so the values named below the fact are candidates too.
    { weight: 1, values: top ? belowCandidates(node) : [] },
    { weight: 2, values: noiseValues },
  ];
  const candidates = groups.flatMap((g) => g.values);
  const start = firstTry(groups, choices);
  let built: Candidate = missing;
  let best: Candidate = missing;
  let bestScore = -1;
  for (let k = 0; k < candidates.length; k++) {
    let candidate = candidates[(start + k) % candidates.length];
    if (candidate === container) {
      built = built === missing ? buildContainer(node, literals, choices) : built;
      candidate = built;
    }
    const score = satisfied(candidate, literals, top);
    if (score === literals.length) return fresh(candidate);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return fresh(best);
}

// The position, in the flattened candidates, of a member of a group drawn by weight.
function firstTry(groups: readonly { readonly weight: number; readonly values: readonly Candidate[] }[], choices: Choices): number {
  const present = groups.filter((g) => g.values.length > 0);
  const total = present.reduce((sum, g) => sum + g.weight, 0);
  let ticket = choices.pick(total);
  let offset = 0;
  for (const group of groups) {
    if (group.values.length > 0) {
      if (ticket < group.weight) return offset + choices.pick(group.values.length);
      ticket -= group.weight;
    }
    offset += group.values.length;
  }
  return 0;
}

// An object (or an array, when every step below is an index) holding a value for each place below.
function buildContainer(node: LocationNode, literals: readonly RelativeLiteral[], choices: Choices): Candidate {
  const entries: [PathSegment, Candidate][] = [];
  for (const [key, { segment, node: child }] of node.children) {
    const below = literals.filter((l) => l.segments.length > 0 && String(l.segments[0]) === key).map((l) => ({ ...l, segments: l.segments.slice(1) }));
    const value = buildNode(child, below, false, choices);
    if (value !== missing) entries.push([segment, value]);
  }
  const indexed = [...node.children.values()].every((c) => typeof c.segment === 'number');
  if (indexed) {
    const array: unknown[] = [];
    for (const [segment, value] of entries) {
      const index = segment as number;
      while (array.length < index) array.push(null);
      array[index] = value;
    }
    // A `contains` on the same place needs its value somewhere in the array.
    const contained = node.templates.filter((t) => t.operator === 'contains').map((t) => t.value);
    if (contained.length > 0 && choices.chance(50)) array.push(contained[choices.pick(contained.length)]);
    return array;
  }
  const object: Record<string, unknown> = {};
  for (const [segment, value] of entries) setOwn(object, String(segment), value);
  return object;
}

function ownCandidates(node: LocationNode): readonly unknown[] {
  node.own ??= unique(node.templates.flatMap((t) => valuesFor(t.operator, t.value)));
  return node.own;
}

function belowCandidates(node: LocationNode): readonly unknown[] {
  if (!node.below) {
    const out: unknown[] = [];
    for (const { node: child } of node.children.values()) out.push(...ownCandidates(child), ...belowCandidates(child));
    node.below = unique(out);
  }
  return node.below;
}

// Keeps the first of values that are the same JSON (and tells 0, "0" and [0] apart, as JSON does).
function unique(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function satisfied(candidate: Candidate, literals: readonly RelativeLiteral[], top: boolean): number {
  const value = candidate === missing ? undefined : candidate;
  let count = 0;
  for (const literal of literals) {
    const seen = top ? valueAtPath(value, literal.segments) : literal.segments.length > 0 ? resolvePropertyPath(value, literal.segments) : value;
    if (literal.predicate(seen) === literal.want) count++;
  }
  return count;
}

/** Values worth trying where a condition tests `operator` with `value`: the value, its neighbours, look-alikes of another type. */
function valuesFor(operator: ConditionOperator, value: ConditionValue | undefined): unknown[] {
  switch (operator) {
    case 'equal':
    case 'notEqual':
    case 'in':
    case 'notIn': {
      const scalars: readonly ConditionScalar[] = Array.isArray(value) ? value : [value as ConditionScalar];
      return scalars.flatMap((s) => [s, lookAlike(s)]);
    }
    case 'contains':
    case 'doesNotContain': {
      const s = value as ConditionScalar;
      return [[s], [lookAlike(s)], s];
    }
    case 'lessThan':
    case 'lessThanInclusive':
    case 'greaterThan':
    case 'greaterThanInclusive': {
      const bound = value as number;
      return [bound, bound - 1, bound + 1, bound - 0.5, bound + 0.5, String(bound)];
    }
    case 'exists':
    case 'notExists':
      return [];
  }
}

// A value close to `s` that `===` tells apart: another type, or another value of the same type.
function lookAlike(s: ConditionScalar): ConditionScalar {
  if (typeof s === 'number') return String(s);
  if (typeof s === 'boolean') return !s;
  if (s === null) return 'null';
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : `${s}-other`;
}

// Candidates are shared between facts objects: hand out copies of objects and arrays.
function fresh(candidate: Candidate): Candidate {
  return candidate !== null && typeof candidate === 'object' ? structuredClone(candidate) : candidate;
}
