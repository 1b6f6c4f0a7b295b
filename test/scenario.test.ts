// Scenarios: the file format at the edge, the runner on the real runtime, and every bundled scenario
// with its expectations.
import { describe, expect, it } from 'vitest';
import { defaultHandoffConfig } from '../src/config/default-config.js';
import { runScenario } from '../src/scenarios/run-scenario.js';
import { bundledScenarios } from '../src/scenarios/scenario-files.js';
import { parseScenario, scenarioJsonSchema, type ScenarioInput } from '../src/scenarios/scenario-schema.js';
import { catchHandoffError, errorShape, rejectedHandoffError } from './support/catch-handoff-error.js';

/** A small scenario: a chat user asks for a person and waits; `steps` replaces its steps. */
function scenario(steps: ScenarioInput['steps'], extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'small',
    start: '2025-06-02T09:00:00Z',
    conversation: { sessionId: 's-1', userId: 'u-1', channel: 'chat', language: 'en', memory: { userProfile: { firstName: 'Ada' } } },
    desk: { agents: [{ id: 'ana', capacity: 2 }] },
    steps,
    ...extra,
  };
}

const invoke = { type: 'handoff.invoke', reason: 'user_requested', parameters: { interactionSummary: 'Wants a person.', sentiment: 'neutral' } } as const;

describe('every bundled scenario', () => {
  const files = bundledScenarios();

  it('covers the stories of the demo', () => {
    expect(files.map((f) => f.scenario.name)).toEqual([
      'asks-for-a-person',
      'billing-capability-gap',
      'vip-on-voice',
      'out-of-hours',
      'no-agents',
      'cancels-while-waiting',
      'agent-returns-to-ai',
    ]);
  });

  it.each(files.map((f) => [f.scenario.name, f] as const))('%s passes its expectations', async (_name, file) => {
    const result = await runScenario(file.scenario);
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.timeline.filter((e) => e.kind === 'expect').length).toBeGreaterThan(0);
  });

  it('gives the same timeline every time', async () => {
    for (const file of files) {
      const [a, b] = [await runScenario(file.scenario), await runScenario(file.scenario)];
      expect(b).toEqual(a);
    }
  });
});

describe('the timeline', () => {
  it('records states, the routing decision with every rule’s why, messages and the timeouts a clock advance passes', async () => {
    const result = await runScenario(scenario([invoke, { type: 'clock.advance', seconds: 61 }, { type: 'user.cancel' }]));
    const kinds = result.timeline.map((e) => e.kind);
    expect(kinds).toContain('routed');
    const routed = result.timeline.find((e) => e.kind === 'routed');
    expect(routed).toMatchObject({ rule: 'asked-for-a-person', target: { type: 'agentTransfer', params: { queue: 'general', priority: 4 } } });
    expect(routed?.kind === 'routed' && routed.rules.map((r) => r.outcome)).toEqual(['did-not-hold', 'did-not-hold', 'did-not-hold', 'did-not-hold', 'did-not-hold', 'did-not-hold', 'did-not-hold', 'did-not-hold', 'won']);
    expect(result.timeline.filter((e) => e.kind === 'timer')).toEqual([{ kind: 'timer', at: '2025-06-02T09:01:00.000Z', timer: 'periodicMessage' }]);
    expect(result.timeline.flatMap((e) => (e.kind === 'userMessage' ? [e.message] : []))).toEqual(['handoff', 'queueInitial', 'queuePeriodic']);
    const states = result.timeline.flatMap((e) => (e.kind === 'state' ? [e.to] : []));
    expect(states[0]).toBe('aiHandling');
    expect(states).toContain('queued.waiting');
    expect(states.at(-1)).toBe('aiHandling');
  });

  it('records what the live agent writes and passes the user’s words to the desk', async () => {
    const result = await runScenario(
      scenario([invoke, { type: 'desk.offer' }, { type: 'desk.accept' }, { type: 'desk.message', text: 'Hello, Ana here.' }, { type: 'expect', userMessages: ['Ana here'], agentId: 'ana' }]),
    );
    expect(result.passed).toBe(true);
    expect(result.timeline).toContainEqual({ kind: 'agentMessage', at: '2025-06-02T09:00:00.000Z', agentId: 'ana', text: 'Hello, Ana here.' });
  });
});

describe('expectations', () => {
  it('reports each failed field with what was expected and what happened, and keeps playing', async () => {
    const result = await runScenario(
      scenario([invoke, { type: 'expect', state: 'liveAgent', rule: 'vip', aiMayRespond: false, userMessages: ['no such text'] }, { type: 'user.cancel' }, { type: 'expect', state: 'aiHandling' }]),
    );
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      { step: 1, field: 'state', expected: 'liveAgent', actual: 'queued.waiting', message: 'Expected the conversation in state "liveAgent"' },
      { step: 1, field: 'rule', expected: 'vip', actual: 'asked-for-a-person', message: 'Expected rule "vip" to route the handoff' },
      {
        step: 1,
        field: 'userMessages',
        expected: 'no such text',
        actual: ['Thanks Ada, I am connecting you with a member of our team now.', 'Connecting you to an agent. You are number 1 in the queue.'],
        message: 'Expected a message to the user containing "no such text"',
      },
    ]);
    expect(result.timeline.flatMap((e) => (e.kind === 'expect' ? [e.passed] : []))).toEqual([false, true]);
  });

  it('matches a state by its prefix and a target by the fields given', async () => {
    const result = await runScenario(scenario([invoke, { type: 'expect', state: 'queued', target: { params: { queue: 'general' } }, owner: 'automation' }]));
    expect(result.failures).toEqual([]);
  });

  it('stops at a step the desk refuses, as a failure naming the step', async () => {
    const result = await runScenario(scenario([invoke, { type: 'desk.accept' }, { type: 'expect', state: 'liveAgent' }]));
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ step: 1, field: 'step', actual: expect.stringContaining('INVALID_INPUT') as unknown });
    expect(result.timeline.at(-1)).toMatchObject({ kind: 'error', index: 1, code: 'INVALID_INPUT' });
  });
});

describe('config and rules', () => {
  it('merges the scenario’s config changes into the default config', async () => {
    const result = await runScenario(
      scenario([invoke, { type: 'expect', userMessages: ['Hold on, Ada'] }], { config: { event: { message: { mode: 'custom', text: 'Hold on, {{memory.userProfile.firstName}}.' } } } }),
    );
    expect(result.failures).toEqual([]);
  });

  it('uses the rules and config it is given, and the scenario’s own rules before them', async () => {
    const toBilling = { rules: [], default: { type: 'agentTransfer', params: { queue: 'billing' } } } as const;
    const config = defaultHandoffConfig();
    const given = await runScenario(scenario([invoke, { type: 'expect', rule: null, target: { params: { queue: 'billing' } } }]), { rules: toBilling, config });
    expect(given.failures).toEqual([]);
    const own = { rules: [], default: { type: 'workflow', params: { workflow: 'own' } } };
    const scenarioRules = await runScenario(scenario([invoke, { type: 'expect', state: 'withTarget' }], { rules: own }), { rules: toBilling });
    expect(scenarioRules.failures).toEqual([]);
  });

  it('reports invalid config changes and rules as INVALID_SCENARIO under their field', async () => {
    const badConfig = await rejectedHandoffError(runScenario(scenario([invoke], { config: { event: { session: 'forever' } } })));
    expect(badConfig.code).toBe('INVALID_SCENARIO');
    expect(badConfig.issues.map((i) => i.path.join('.'))).toEqual(['config.event.session']);
    const badRules = await rejectedHandoffError(runScenario(scenario([invoke], { rules: { rules: [] } })));
    expect(badRules.code).toBe('INVALID_SCENARIO');
    expect(badRules.issues.map((i) => i.path.join('.'))).toEqual(['rules.default']);
  });
});

describe('the scenario file', () => {
  it('rejects a bad scenario with INVALID_SCENARIO, the file named and every issue with its path', () => {
    const bad = { ...scenario([{ type: 'user.mesage', text: 'hi' } as never, { type: 'expect' }, { type: 'clock.advance', seconds: -1 }]), start: 'Monday', extra: 1 };
    expect(errorShape(catchHandoffError(() => parseScenario(bad, 'mine.json')))).toMatchInlineSnapshot(`
      {
        "code": "INVALID_SCENARIO",
        "issues": [
          {
            "code": "invalid_format",
            "message": "Expected an ISO 8601 date-time such as 2025-06-02T09:00:00Z",
            "path": "start",
          },
          {
            "code": "invalid_union",
            "message": "Unknown step type "user.mesage": expected one of handoff.invoke, user.message, user.cancel, user.left, user.acceptOffer, automation.ack, automation.error, agent.offered, agent.accepted, agent.rejected, agent.message, agent.ended, queue.update, target.completed, target.failed, dialog.completed, clock.tick, clock.advance, desk.offer, desk.accept, desk.reject, desk.message, desk.endChat, desk.setAvailability, expect",
            "path": "steps.0.type",
          },
          {
            "code": "custom",
            "message": "Expected at least one expectation beside "type" (state, aiMayRespond, rule, …)",
            "path": "steps.1",
          },
          {
            "code": "too_small",
            "message": "Too small: expected number to be >0",
            "path": "steps.2.seconds",
          },
          {
            "code": "unrecognized_keys",
            "message": "Unrecognized key: "extra"",
            "path": "",
          },
        ],
        "message": "Invalid scenario mine.json: $.start: Expected an ISO 8601 date-time such as 2025-06-02T09:00:00Z (and 4 more)",
      }
    `);
  });

  it('validates host events with the event schema', () => {
    const error = catchHandoffError(() => parseScenario(scenario([{ type: 'user.left', how: 'teleported' } as never]), 'x.json'));
    expect(error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['steps.0.how', 'Invalid option: expected one of "left"|"hangup"']]);
  });

  it('has a JSON Schema that lists every step type', () => {
    const schema = scenarioJsonSchema();
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: expect.arrayContaining(['name', 'start', 'conversation', 'steps']) as unknown });
    const text = JSON.stringify(schema);
    for (const type of ['handoff.invoke', 'user.cancel', 'clock.advance', 'desk.offer', 'desk.setAvailability', 'expect']) expect(text).toContain(`"const":"${type}"`);
  });
});
