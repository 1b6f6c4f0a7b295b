import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { loadConnectionRules } from '../src/rules/load-rules.js';
import type { AgentAvailabilityQuery } from '../src/rules/dynamic-facts.js';
import { jsonRulesEngineReference } from '../src/routing/json-rules-engine.js';
import { dynamicFactSources } from '../src/routing/dynamic-fact-sources.js';
import { explainWithJsonRulesEngine } from '../src/routing/reference-explanation.js';
import { createRouter, type RouterOptions } from '../src/routing/router.js';
import { connectionRulesArbitrary, routingFactsArbitrary, type RoutingArbitraryOptions } from '../src/testing/arbitraries/routing.js';

// The host's world for one run: is it open now, and which queries find agents (some answers async).
const worldArbitrary = fc.record({
  open: fc.boolean(),
  agents: fc.dictionary(fc.constantFrom('{"queue":"billing"}', '{"queue":"general"}', '{"skills":["billing"]}', '{"skills":["general"]}'), fc.boolean()),
  async: fc.boolean(),
});

type World = { open: boolean; agents: Record<string, boolean>; async: boolean };

function optionsFor(world: World): RouterOptions {
  const answer = (query: AgentAvailabilityQuery): boolean => world.agents[JSON.stringify(query)] ?? false;
  return {
    // A schedule open all week, or closed all week, so the clock does not matter here.
    businessHours: { timeZone: 'UTC', weekly: world.open ? { monday: [{ from: '00:00', to: '24:00' }], tuesday: [{ from: '00:00', to: '24:00' }], wednesday: [{ from: '00:00', to: '24:00' }], thursday: [{ from: '00:00', to: '24:00' }], friday: [{ from: '00:00', to: '24:00' }], saturday: [{ from: '00:00', to: '24:00' }], sunday: [{ from: '00:00', to: '24:00' }] } : {} },
    agentsAvailable: world.async ? async (query) => { await Promise.resolve(); return answer(query); } : answer,
    now: () => Date.UTC(2025, 5, 2, 12),
  };
}

describe('router properties', () => {
  it.prop([connectionRulesArbitrary(), routingFactsArbitrary(), worldArbitrary])(
    'the compiled fast path decides exactly as json-rules-engine run directly',
    async (json, facts, world) => {
      const rules = loadConnectionRules(json);
      const options = optionsFor(world);
      const reference = await jsonRulesEngineReference(rules, dynamicFactSources(options)).decide(facts);
      const router = createRouter(rules, options);
      expect(await router.route(facts)).toEqual(reference);
      expect((await router.explain(facts)).decision).toEqual(reference);
    },
  );

  it.prop([connectionRulesArbitrary({ equalityOn: 'channel', maxRules: 24 }), routingFactsArbitrary(), worldArbitrary], { numRuns: 300 })(
    'the rule index (rules sharing an equal on one fact) decides exactly as json-rules-engine',
    async (json, facts, world) => {
      const rules = loadConnectionRules(json);
      const options = optionsFor(world);
      const reference = await jsonRulesEngineReference(rules, dynamicFactSources(options)).decide(facts);
      expect(await createRouter(rules, options).route(facts)).toEqual(reference);
    },
  );

  it.prop([connectionRulesArbitrary({ dynamicFacts: false }), routingFactsArbitrary({ dynamicFacts: false })])(
    'every facts object gets exactly one decision, the same every time',
    async (json, facts) => {
      const rules = loadConnectionRules(json);
      const router = createRouter(rules);
      const first = await router.route(facts);
      const names = rules.rules.map((r) => r.name);
      expect(first.rule === null || names.includes(first.rule)).toBe(true);
      if (first.rule === null) expect(first.target).toEqual(rules.default);
      else expect(first.target).toEqual(rules.rules.find((r) => r.name === first.rule)?.event);
      expect(await router.route(structuredClone(facts))).toEqual(first);
      expect(await createRouter(loadConnectionRules(structuredClone(json))).route(facts)).toEqual(first);
      const explanation = await router.explain(facts);
      expect(explanation.rules.filter((r) => r.outcome === 'won').map((r) => r.rule)).toEqual(first.rule === null ? [] : [first.rule]);
    },
  );

  it.prop([connectionRulesArbitrary({ dynamicFacts: false }), routingFactsArbitrary({ dynamicFacts: false })])(
    'the winner is the first rule that holds by priority, then by position in the file',
    async (json, facts) => {
      const rules = loadConnectionRules(json);
      const explanation = await createRouter(rules).explain(facts);
      const held = explanation.rules.filter((r) => r.held);
      const best = [...held].sort((a, b) => b.priority - a.priority || a.index - b.index)[0];
      expect(explanation.decision.rule).toBe(best?.rule ?? null);
      for (const rule of held) if (rule !== best) expect(rule.outcome).toBe('outranked');
    },
  );
});

// The host queries one explanation asked, sorted: the same set means the same conditions reached the host.
function recording(options: RouterOptions): { options: RouterOptions; asked: () => string[] } {
  const asked: string[] = [];
  const host = options.agentsAvailable;
  if (!host) return { options, asked: () => asked };
  return {
    options: { ...options, agentsAvailable: (query) => (asked.push(JSON.stringify(query)), host(query)) },
    asked: () => [...asked].sort(),
  };
}

describe('explain properties', () => {
  const agreesWithJsonRulesEngine = async (json: Parameters<typeof loadConnectionRules>[0], facts: Record<string, unknown>, world: World): Promise<void> => {
    const rules = loadConnectionRules(json);
    const reference = recording(optionsFor(world));
    const expected = await explainWithJsonRulesEngine(rules, facts, dynamicFactSources(reference.options));
    const compiled = recording(optionsFor(world));
    expect(await createRouter(rules, compiled.options).explain(facts)).toStrictEqual(expected);
    expect(compiled.asked()).toEqual(reference.asked());
  };
  const shapes: [string, RoutingArbitraryOptions][] = [
    ['the default shapes', {}],
    ['deeper trees', { depth: 4, maxRules: 4 }],
    ['routing tables sharing an equal', { equalityOn: 'channel', maxRules: 12 }],
  ];

  for (const [label, options] of shapes) {
    it.prop([connectionRulesArbitrary(options), routingFactsArbitrary(options), worldArbitrary], { numRuns: 300 })(
      `the compiled explanation equals json-rules-engine's, outcome and value seen per condition, not-evaluated included (${label})`,
      agreesWithJsonRulesEngine,
    );
  }
});
