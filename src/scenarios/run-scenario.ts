// Plays a scenario on the real runtime: a simulated clock, the simulated desk in the scenario's
// mode, an in-memory store, the default config and rules unless overridden; records the timeline.
import type { InspectionEvent } from 'xstate';
import { bundledDefaultRules } from '../package-files.js';
import type { HandoffConfig, HandoffConfigInput } from '../config/config-schema.js';
import { defaultHandoffConfig } from '../config/default-config.js';
import { loadHandoffConfig } from '../config/load-config.js';
import { HandoffError, isHandoffError } from '../errors.js';
import { loadConnectionRules } from '../rules/load-rules.js';
import type { ConnectionRules, ConnectionRulesJson } from '../rules/rule-schema.js';
import type { ConversationView } from '../runtime/conversation-view.js';
import type { SimulatedDesk } from '../runtime/live-agents/simulated-desk-options.js';
import { createSimulatedDesk } from '../runtime/live-agents/simulated-desk.js';
import { createHandoffRuntime } from '../runtime/runtime.js';
import { pendingTimeouts, stateKey, type HandoffSnapshotLike } from '../../machines/handoff.selectors.js';
import { checkExpectation } from './expectations.js';
import { createScenarioClock } from './scenario-clock.js';
import { parseScenario, type Scenario, type ScenarioInput, type ScenarioStep } from './scenario-schema.js';
import { describeStep, noticeSummary } from './step-summary.js';
import type { ExpectationFailure, ScenarioResult, TimelineEntry } from './timeline.js';

/** What a scenario runs on when the scenario itself does not say: the config and the rules. */
export interface ScenarioRunOptions {
  /** The handoff configuration the scenario's `config` changes are merged into (default: `defaultHandoffConfig()`). */
  readonly config?: HandoffConfig | HandoffConfigInput;
  /** The connection rules, unless the scenario has its own (default: the bundled `rules/default.json`). */
  readonly rules?: ConnectionRules | ConnectionRulesJson;
}

/**
 * Plays a scenario through the real handoff runtime, deterministically (the same scenario gives the
 * same timeline), and checks its expectations. A step the desk refuses (accepting what was not
 * offered, …) ends the run with a failure; invalid input fails with `INVALID_SCENARIO`.
 *
 * @example
 * ```ts
 * const { passed, timeline, failures } = await runScenario(JSON.parse(readFileSync('asks-for-a-person.json', 'utf8')));
 * ```
 */
export async function runScenario(input: Scenario | ScenarioInput, options: ScenarioRunOptions = {}): Promise<ScenarioResult> {
  const scenario = parseScenario(input);
  const config = scenarioConfig(scenario, options.config);
  const rules = scenarioRules(scenario, options.rules);
  const start = Date.parse(scenario.start);
  const clock = createScenarioClock(start);
  const desk: SimulatedDesk = createSimulatedDesk({
    agents: scenario.desk.agents,
    clock,
    offerAcceptance: scenario.desk.offerAcceptance,
    ...(scenario.desk.averageHandleSeconds === undefined ? {} : { averageHandleSeconds: scenario.desk.averageHandleSeconds }),
    ...(scenario.businessHours ? { businessHours: scenario.businessHours } : {}),
  });

  const timeline: TimelineEntry[] = [];
  const failures: ExpectationFailure[] = [];
  const userTexts: string[] = [];
  const iso = (at: number): string => new Date(at).toISOString();
  let state: string | null = null;
  let snapshot: HandoffSnapshotLike | undefined;
  const timersSeen = new Set<string>();

  // Every macrostep of the conversation's actor shows here, including the steps inside one event.
  const inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.snapshot') return;
    const seen = event.snapshot as Partial<HandoffSnapshotLike>;
    if (seen.value === undefined || typeof seen.context !== 'object' || !('deadlines' in seen.context)) return;
    snapshot = seen as HandoffSnapshotLike;
    const to = stateKey(snapshot.value);
    if (to !== state) {
      timeline.push({ kind: 'state', at: iso(clock.now()), from: state, to });
      state = to;
    }
  };
  const runtime = createHandoffRuntime({
    config,
    rules,
    clock,
    liveAgents: desk,
    inspect,
    deadlines: { pollIntervalMs: null },
    ...(scenario.businessHours ? { routing: { businessHours: scenario.businessHours } } : {}),
  });
  runtime.subscribe((n) => {
    const at = iso(n.at);
    if (n.type === 'routed') {
      const explanation = n.explanation;
      timeline.push({
        kind: 'routed',
        at,
        rule: n.decision?.rule ?? null,
        target: n.decision?.target ?? null,
        why: explanation?.why ?? '',
        rules: (explanation?.rules ?? []).map((r) => ({ rule: r.rule, priority: r.priority, outcome: r.outcome, why: r.why })),
      });
    } else if (n.type === 'userMessage') {
      const m = n.message;
      if (m.kind === 'agent') {
        timeline.push({ kind: 'agentMessage', at, agentId: m.agentId, text: m.text });
        userTexts.push(m.text);
      } else {
        const text = m.text ?? `(the AI writes it: ${m.instructions ?? ''})`;
        timeline.push({ kind: 'userMessage', at, message: m.kind, text });
        userTexts.push(text);
      }
    } else {
      timeline.push({ kind: 'notice', at, notice: n.type, summary: noticeSummary(n) });
    }
  });
  // A deadline the clock passes is a timeout the runtime fires: record it once, when it comes due.
  const noteDueTimers = (at: number): void => {
    if (!snapshot || snapshot.status !== 'active') return;
    for (const due of pendingTimeouts(snapshot)) {
      const key = `${due.timer}@${due.at}`;
      if (due.at <= at && !timersSeen.has(key)) {
        timersSeen.add(key);
        timeline.push({ kind: 'timer', at: iso(due.at), timer: due.timer });
      }
    }
  };
  const settle = () => runtime.idle();
  const id = scenario.conversationId;

  const play = async (step: ScenarioStep, index: number): Promise<void> => {
    switch (step.type) {
      case 'clock.advance':
        await clock.advance(Math.round(step.seconds * 1000), { settle, before: noteDueTimers });
        return;
      case 'desk.offer':
        desk.offer(id, step.agentId);
        break;
      case 'desk.accept':
        desk.accept(id);
        break;
      case 'desk.reject':
        desk.reject(id, step.reason);
        break;
      case 'desk.message':
        desk.agentMessage(id, step.text);
        break;
      case 'desk.endChat':
        desk.endChat(id, step.returnReason);
        break;
      case 'desk.setAvailability':
        desk.setAvailability(step.agentId, step.available);
        break;
      case 'expect': {
        const view: ConversationView = await runtime.get(id);
        const check = checkExpectation(index, step, view, userTexts);
        timeline.push({ kind: 'expect', at: iso(clock.now()), index, passed: check.failures.length === 0, checked: check.checked });
        failures.push(...check.failures);
        return;
      }
      default:
        await runtime.send(id, step);
    }
    await settle();
  };

  try {
    await runtime.start(id, scenario.conversation);
    await settle();
    for (const [index, step] of scenario.steps.entries()) {
      if (step.type !== 'expect') timeline.push({ kind: 'step', at: iso(clock.now()), index, type: step.type, summary: describeStep(step) });
      try {
        await play(step, index);
      } catch (error) {
        // The desk or the runtime refused the step: later steps would play on a state nobody meant.
        if (!isHandoffError(error)) throw error;
        timeline.push({ kind: 'error', at: iso(clock.now()), index, code: error.code, message: error.message });
        failures.push({ step: index, field: 'step', expected: `step ${index} (${step.type}) to be played`, actual: `${error.code}: ${error.message}`, message: `Step ${index} (${step.type}) could not be played` });
        break;
      }
    }
  } finally {
    await runtime.close();
    await desk.close();
  }
  return { name: scenario.name, description: scenario.description, passed: failures.length === 0, timeline, failures };
}

function scenarioConfig(scenario: Scenario, base: HandoffConfig | HandoffConfigInput | undefined): HandoffConfig {
  const config = base === undefined ? defaultHandoffConfig() : loadHandoffConfig(base);
  if (!scenario.config) return config;
  return within('config', () => loadHandoffConfig(merge(JSON.parse(JSON.stringify(config)) as unknown, scenario.config)));
}

function scenarioRules(scenario: Scenario, base: ConnectionRules | ConnectionRulesJson | undefined): ConnectionRules {
  if (scenario.rules) {
    const own = scenario.rules;
    return within('rules', () => loadConnectionRules(own));
  }
  return base === undefined ? bundledDefaultRules() : loadConnectionRules(base);
}

/** Objects merged key by key; anything else in `change` replaces what was there. */
function merge(base: unknown, change: unknown): unknown {
  if (!isRecord(base) || !isRecord(change)) return change;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(change)) out[key] = merge(base[key], value);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports a config or rules problem inside a scenario as `INVALID_SCENARIO`, paths under `$.<field>`. */
function within<T>(field: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!isHandoffError(error)) throw error;
    const issues = error.issues.map((i) => ({ ...i, path: [field, ...i.path] }));
    throw new HandoffError('INVALID_SCENARIO', `Invalid scenario ${field}: ${error.message}`, issues, { cause: error });
  }
}
