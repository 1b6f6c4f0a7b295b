// Routing decisions per second and latency for 10, 100 and 1000-rule sets: the compiled router
// beside a hand-written JS function of the same rules and beside json-rules-engine run directly;
// then explanations: router.explain beside route and beside the explanation json-rules-engine gives.
import { isDeepStrictEqual } from 'node:util';
import { loadConnectionRules } from '../dist/src/rules/load-rules.js';
import type { ConnectionRulesJson } from '../dist/src/rules/rule-schema.js';
import { compileRules } from '../dist/src/routing/compile.js';
import { Decision, DecisionScope } from '../dist/src/routing/decision.js';
import { dynamicFactSources } from '../dist/src/routing/dynamic-fact-sources.js';
import { jsonRulesEngineReference } from '../dist/src/routing/json-rules-engine.js';
import { explainWithJsonRulesEngine } from '../dist/src/routing/reference-explanation.js';
import { runRules, type Suspended } from '../dist/src/routing/run-rules.js';
import { createRouter } from '../dist/src/routing/router.js';
import type { RouteDecision, Target } from '../dist/src/routing/target-schema.js';
import { heading, measure, printComparison } from './support.js';

const channels = ['chat', 'voice', 'email'] as const;
const tiers = ['gold', 'platinum'] as const;

// Rule i: a channel, an intent, a tier list and a score floor, as routing rules are written.
interface RuleRow {
  readonly name: string;
  readonly priority: number;
  readonly channel: string;
  readonly intent: string;
  readonly tiers: readonly string[];
  readonly minScore: number;
  readonly vipOnly: boolean;
}

function rows(size: number): RuleRow[] {
  return Array.from({ length: size }, (_, i) => ({
    name: `rule-${i}`,
    priority: i % 10 === 0 ? 2 : 1,
    channel: channels[i % channels.length] ?? 'chat',
    intent: `intent-${i}`,
    tiers: i % 4 === 0 ? [...tiers] : ['gold', 'silver', 'bronze'],
    minScore: i % 7,
    vipOnly: i % 5 === 0,
  }));
}

function ruleSet(table: readonly RuleRow[]): ConnectionRulesJson {
  return {
    rules: table.map((row) => ({
      name: row.name,
      priority: row.priority,
      conditions: {
        all: [
          { fact: 'channel', operator: 'equal', value: row.channel },
          { fact: 'parameters', path: '$.intent', operator: 'equal', value: row.intent },
          {
            any: [
              { fact: 'customer', path: '$.tier', operator: 'in', value: [...row.tiers] },
              { fact: 'customer', path: '$.score', operator: 'greaterThanInclusive', value: row.minScore },
            ],
          },
          row.vipOnly ? { fact: 'customer', path: '$.vip', operator: 'equal', value: true } : { not: { fact: 'reason', operator: 'equal', value: 'policy' } },
        ],
      },
      event: { type: 'agentTransfer', params: { queue: `queue-${row.name}` } },
    })),
    default: { type: 'agentTransfer', params: { queue: 'general' } },
  };
}

// The same rules as a developer would write them by hand: a table in priority order and a loop.
function handWritten(table: readonly RuleRow[], targets: ReadonlyMap<string, Target>, fallback: Target): (facts: Facts) => Promise<RouteDecision> {
  const ordered = table
    .map((row, index) => ({ row, index }))
    .sort((a, b) => b.row.priority - a.row.priority || a.index - b.index)
    .map(({ row }) => ({ row, decision: { target: targets.get(row.name) ?? fallback, rule: row.name } }));
  const none: RouteDecision = { target: fallback, rule: null };
  // async, like the router: both are called and awaited the same way.
  // eslint-disable-next-line @typescript-eslint/require-await
  return async (facts) => {
    const customer = facts.customer;
    const tier = customer?.tier;
    const score = customer?.score;
    const intent = facts.parameters?.intent;
    for (const { row, decision } of ordered) {
      if (facts.channel !== row.channel || intent !== row.intent) continue;
      if (!((tier !== undefined && row.tiers.includes(tier)) || (typeof score === 'number' && score >= row.minScore))) continue;
      if (row.vipOnly ? customer?.vip !== true : facts.reason === 'policy') continue;
      return decision;
    }
    return none;
  };
}

// A type alias, not an interface, so that it is assignable to the router's record of facts.
type Facts = {
  readonly channel: string;
  readonly reason: string;
  readonly parameters?: { readonly intent?: string };
  readonly customer?: { readonly tier?: string; readonly score?: number; readonly vip?: boolean };
};

// A fixed mix: matches early, in the middle, late, and no match at all (a full scan).
function factsMix(size: number): Facts[] {
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  return Array.from({ length: 64 }, (_, k) => ({
    channel: channels[next(3)] ?? 'chat',
    reason: k % 9 === 0 ? 'policy' : 'user_requested',
    parameters: { intent: k % 4 === 0 ? 'unknown' : `intent-${next(size)}` },
    customer: { tier: k % 2 === 0 ? 'gold' : 'silver', score: next(10), vip: k % 3 === 0 },
  }));
}

/** Runs the routing benchmark. */
export default async function routingBench(): Promise<void> {
  heading('Routing: decisions per second (compiled router vs hand-written JS vs json-rules-engine)');
  for (const size of [10, 100, 1000]) {
    const table = rows(size);
    const rules = loadConnectionRules(ruleSet(table));
    const targets = new Map(rules.rules.map((r) => [r.name, r.event]));
    const byHand = handWritten(table, targets, rules.default);
    const router = createRouter(rules);
    const engine = jsonRulesEngineReference(rules);
    const mix = factsMix(size);

    // The three must agree before their speed means anything.
    for (const facts of mix) {
      const [a, b, c] = await Promise.all([router.route(facts), byHand(facts), engine.decide(facts)]);
      if (a.rule !== b.rule || a.rule !== c.rule) throw new Error(`bench: disagreement on ${JSON.stringify(facts)}: ${a.rule} / ${b.rule} / ${c.rule}`);
    }

    let i = 0;
    const pick = (): Facts => mix[i++ & 63] ?? mix[0]!;
    console.log(`\n${size} rules`);
    const subject = await measure(`router.route (${size} rules)`, () => router.route(pick()));
    // The same compiled closures without the rule index: every rule is tried in order, as the
    // hand-written function does, which shows what the closures themselves cost.
    const compiled = compileRules(rules);
    const linear = { ...compiled, index: undefined };
    const scope = new DecisionScope({ withinBusinessHours: undefined, agentsAvailable: undefined });
    const decision = new Decision(compiled.loaders, scope);
    const scan = await measure(`router closures, no index (${size} rules)`, () =>
      Promise.resolve(runRules(linear, decision.reset(pick(), scope), 0) as Exclude<ReturnType<typeof runRules>, Suspended>),
    );
    const reference = await measure(`hand-written function (${size} rules)`, () => byHand(pick()));
    const direct = await measure(`json-rules-engine run (${size} rules)`, () => engine.decide(pick()), {
      millis: size >= 1000 ? 3000 : 1500,
      batch: size >= 100 ? 1 : 10,
    });
    printComparison(subject, [reference, direct]);
    printComparison(scan, [reference]);

    // Explanations: every rule's story, so the cost grows with the rule set, unlike route's.
    const sources = dynamicFactSources({});
    for (const facts of mix) {
      const [ours, theirs] = await Promise.all([router.explain(facts), explainWithJsonRulesEngine(rules, facts, sources)]);
      if (!isDeepStrictEqual(ours, theirs)) throw new Error(`bench: explanations differ on ${JSON.stringify(facts)}`);
    }
    const explained = await measure(`router.explain (${size} rules)`, () => router.explain(pick()), { batch: size >= 1000 ? 1 : size >= 100 ? 10 : 100 });
    const engineExplained = await measure(`json-rules-engine explanation (${size} rules)`, () => explainWithJsonRulesEngine(rules, pick(), sources), {
      millis: size >= 1000 ? 3000 : 1500,
      batch: size >= 100 ? 1 : 10,
    });
    printComparison(explained, [subject, engineExplained]);
  }
}
