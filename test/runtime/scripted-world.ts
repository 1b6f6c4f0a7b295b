// A runtime whose dependencies answer from a script: each adapter call is answered as the plan says
// for that step and call (succeed, fail, hang, not acknowledge, closed, nobody available), never by
// the clock, and everything that leaves the runtime is recorded in order. Two worlds made from the
// same script see the same answers: test/runtime/direct-path.property.test.ts compares them.
import fc from 'fast-check';
import type { HandoffConfig } from '../../src/config/config-schema.js';
import { isHandoffError } from '../../src/errors.js';
import { loadConnectionRules } from '../../src/rules/load-rules.js';
import type { AutomationNodeAdapter } from '../../src/runtime/delivery/automation-node.js';
import type { LiveAgentDesk } from '../../src/runtime/live-agents/live-agent-desk.js';
import { createHandoffRuntime, type HandoffRuntime } from '../../src/runtime/runtime.js';
import { createMemoryStore } from '../../src/runtime/store/memory-store.js';
import type { ConversationStore, ConversationWrite } from '../../src/runtime/store/store.js';
import { config, createTestClock, settleMicrotasks, type TestClock } from './support.js';

/** The intent a handoff names picks the target: a workflow, another agent, named agents, a skills queue, or the default queue. */
export const rules = loadConnectionRules({
  rules: [
    { name: 'billing-bot', priority: 40, conditions: { all: [{ fact: 'parameters', path: '$.intent', operator: 'equal', value: 'billing' }] }, event: { type: 'workflow', params: { workflow: 'billing-bot', input: { from: 'handoff' } } } },
    { name: 'account-agent', priority: 30, conditions: { all: [{ fact: 'parameters', path: '$.intent', operator: 'equal', value: 'account' }] }, event: { type: 'agent', params: { agent: 'account-assistant' } } },
    { name: 'named-agents', priority: 20, conditions: { all: [{ fact: 'parameters', path: '$.intent', operator: 'equal', value: 'refund' }] }, event: { type: 'agentTransfer', params: { queue: 'billing', agents: ['ana', 'bo'], waitForAgentSeconds: 10 } } },
    { name: 'tech', priority: 10, conditions: { all: [{ fact: 'parameters', path: '$.intent', operator: 'equal', value: 'technical' }] }, event: { type: 'agentTransfer', params: { queue: 'tech', skills: ['it'] } } },
  ],
  default: { type: 'agentTransfer', params: { queue: 'general' } },
});

/** `answer` most of the time, each of `others` now and then. */
export const mostly = <T>(answer: T, ...others: T[]): fc.Arbitrary<T> =>
  fc.oneof({ weight: 3 * others.length, arbitrary: fc.constant(answer) }, ...others.map((other) => ({ weight: 1, arbitrary: fc.constant(other) })));

/** A conversation's channel; email has no channel flow, so the handoff's prerequisites are unmet there. */
export const channels = fc.oneof({ weight: 9, arbitrary: fc.constantFrom('chat', 'voice') }, { weight: 1, arbitrary: fc.constant('email') });

// Most fallbacks go back to the AI, so a conversation lives on for the next handoff.
const fallbacks = fc.oneof({ weight: 3, arbitrary: fc.constant('returnToAi' as const) }, { weight: 1, arbitrary: fc.constantFrom('end' as const, 'callback' as const, 'voicemail' as const) });
const thenAi = mostly<'returnToAi' | 'end'>('returnToAi', 'end');

/** The configuration choices a script samples. */
export const variants = fc.record({
  enabled: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  session: mostly<'keepAlive' | 'terminate'>('keepAlive', 'terminate'),
  message: fc.constantFrom('off', 'custom', 'aiGenerated'),
  /** The first two conversations' channels. */
  channels: fc.tuple(channels, channels),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  onFailure: thenAi,
  outOfHours: fallbacks,
  noAgents: fallbacks,
  onMaxQueueWait: fallbacks,
  offerAfterSeconds: fc.constantFrom(null, 20),
  afterAgent: fc.constantFrom('returnToAi', 'end', 'dialog'),
  afterDialog: fc.constantFrom('returnToAi', 'end'),
  voiceTransferMode: fc.constantFrom('refer', 'invite'),
  targetOnComplete: thenAi,
  targetOnFailure: thenAi,
  transcriptExcerptSize: fc.constantFrom(0, 2, 20),
  /** 0: every event restores the conversation from the store. */
  maxLiveActors: fc.constantFrom(0, 1, 1000),
  explain: fc.boolean(),
});
export type Variant = typeof variants extends fc.Arbitrary<infer V> ? V : never;

/** The variant's config; every timeout is seconds long, so a few clock moves reach each one. */
function configOf(v: Variant): HandoffConfig {
  return config((c) => {
    c.event.enabled = v.enabled;
    c.event.session = v.session;
    c.event.message =
      v.message === 'off' ? { mode: 'off' } : v.message === 'custom' ? { mode: 'custom', text: 'Connecting you now, {{memory.userProfile.firstName}}.' } : { mode: 'aiGenerated', instructions: 'Say a colleague takes over.' };
    const l = c.lifecycle;
    l.delivery.maxAttempts = v.maxAttempts;
    l.delivery.ackTimeoutMs = 2000;
    l.delivery.initialBackoffMs = 500;
    l.delivery.maxBackoffMs = 1000;
    l.delivery.onFailure.then = v.onFailure;
    l.steps.timeoutMs = 3000;
    l.agentTransfer.offerTimeoutSeconds = 5;
    l.agentTransfer.maxQueueWaitSeconds = 60;
    l.agentTransfer.onMaxQueueWait.then = v.onMaxQueueWait;
    l.agentTransfer.outOfHours.then = v.outOfHours;
    l.agentTransfer.noAgents.then = v.noAgents;
    l.agentTransfer.waitingExperience.periodicIntervalSeconds = 10;
    l.agentTransfer.waitingExperience.offerAfterSeconds = v.offerAfterSeconds;
    l.agentTransfer.afterAgent = { then: v.afterAgent, dialog: 'feedback', afterDialog: v.afterDialog, dialogTimeoutSeconds: 20 };
    l.agentTransfer.voiceTransferMode = v.voiceTransferMode;
    l.target.timeoutSeconds = 30;
    l.target.onComplete = v.targetOnComplete;
    l.target.onFailure.then = v.targetOnFailure;
    l.session.chatIdleTimeoutSeconds = 300;
    l.session.transcriptExcerptSize = v.transcriptExcerptSize;
  });
}

/**
 * How each step answers its n-th call; past the end of its list, the happy answer (the first). An
 * answer `@ms` comes that long after the call, by the world's clock: `@1500` within the step's
 * deadline (the runtime stamps the time it arrived), `@3000` (`@2000` for a delivery's ack) right at
 * it, `@4000` after it (too late: the step timed out).
 */
export const plans = fc.record({
  processor: fc.array(mostly('ok', 'reject', 'hang', 'ok@1500', 'ok@3000', 'ok@4000'), { maxLength: 3 }),
  deliver: fc.array(mostly('ack', 'noAck', 'noAck', 'reject', 'hang', 'ack@1500', 'noAck@1500', 'reject@1500', 'ack@2000', 'ack@4000'), { maxLength: 3 }),
  hours: fc.array(mostly('open', 'closed', 'reject', 'hang', 'open@1500', 'closed@1500', 'open@3000', 'open@4000'), { maxLength: 3 }),
  availability: fc.array(mostly('available', 'none', 'reject', 'hang', 'available@1500', 'available@3000', 'available@4000'), { maxLength: 3 }),
  enqueue: fc.array(mostly('ok', 'reject', 'hang', 'ok@1500', 'reject@1500', 'ok@3000', 'ok@4000'), { maxLength: 3 }),
  cancel: fc.array(mostly('ok', 'reject', 'hang', 'ok@1500', 'ok@3000', 'ok@4000'), { maxLength: 3 }),
  handOver: fc.array(mostly('ok', 'reject', 'hang', 'ok@1500', 'ok@3000', 'ok@4000'), { maxLength: 3 }),
  relay: fc.array(mostly('ok', 'reject', 'reject@1500'), { maxLength: 3 }),
});
export type Plan = typeof plans extends fc.Arbitrary<infer P> ? P : never;
type Step = keyof Plan;

const happy: Readonly<Record<Step, string>> = { processor: 'ok', deliver: 'ack', hours: 'open', availability: 'available', enqueue: 'ok', cancel: 'ok', handOver: 'ok', relay: 'ok' };

/** A runtime on its own clock and store, with scripted adapters. */
export interface World {
  readonly runtime: HandoffRuntime;
  readonly clock: TestClock;
  readonly store: ConversationStore;
  /** Everything that left the runtime since the last look, in order: saves, adapter calls, notifications, user messages, log lines. */
  readonly out: unknown[];
  /** The snapshot of every save since the last look, as the text a store keeps (key order included). */
  readonly saves: string[];
  /** The abort signals the adapters were given, in call order. */
  readonly signals: AbortSignal[];
}

export function createWorld(variant: Variant, plan: Plan, directPath: boolean): World {
  const clock = createTestClock();
  const out: unknown[] = [];
  const saves: string[] = [];
  const signals: AbortSignal[] = [];
  const memory = createMemoryStore();
  // Every save, not only the last: a step that writes is preceded by a save of its intent.
  const store = Object.assign(Object.create(memory) as ConversationStore, {
    save: (conversationId: string, version: number, write: ConversationWrite) => {
      const json = JSON.stringify(write.snapshot);
      saves.push(json);
      out.push(['save', conversationId, version, JSON.parse(json), write.nextDeadline]);
      return memory.save(conversationId, version, write);
    },
  });

  const calls = new Map<Step, number>();
  /** Records the call, then answers it as planned: `value` makes the answer of a call that succeeds. */
  const answer = <T>(step: Step, args: unknown, value: (answer: string, n: number) => T): Promise<T> => {
    const n = calls.get(step) ?? 0;
    calls.set(step, n + 1);
    const [planned = happy[step], after] = (plan[step][n] ?? happy[step]).split('@');
    out.push(['call', step, args]);
    if (planned === 'hang') return new Promise<T>(() => undefined);
    const settle = (): Promise<T> => (planned === 'reject' ? Promise.reject(new Error(`${step} call ${n} refused`)) : Promise.resolve(value(planned, n)));
    if (after === undefined) return settle();
    return new Promise<T>((resolve) => {
      clock.setTimeout(() => {
        resolve(settle());
      }, Number(after));
    });
  };

  const automationNode: AutomationNodeAdapter = {
    deliver: ({ signal, ...request }) => {
      if (signal) signals.push(signal);
      return answer('deliver', request, (a) => ({ attempts: 1, acknowledged: a === 'ack' }));
    },
  };
  const liveAgents: LiveAgentDesk = {
    enqueue: (request) => answer('enqueue', request, (_, n) => ({ position: n + 1, estimatedWaitSeconds: 60 * (n + 1) })),
    cancel: (conversationId, reason) => answer('cancel', { conversationId, reason }, () => undefined),
    relayUserMessage: (conversationId, text) => answer('relay', { conversationId, text }, () => undefined),
    checkBusinessHours: (check) => answer('hours', check, (a) => ({ open: a === 'open' })),
    checkAvailability: (check) => answer('availability', check, (a) => ({ available: a === 'available', agentsOnline: a === 'available' ? 2 : 0 })),
    // The desk's events come as commands of the script (runtime.send).
    subscribe: () => () => undefined,
  };
  const runtime = createHandoffRuntime({
    config: configOf(variant),
    rules,
    clock,
    store,
    automationNode,
    liveAgents,
    handOver: ({ signal, ...request }) => {
      signals.push(signal);
      return answer('handOver', request, () => ({ accepted: true }));
    },
    processor: (parameters) => answer('processor', parameters, () => undefined),
    onUserMessage: (conversationId, message) => {
      out.push(['onUserMessage', conversationId, message]);
    },
    logger: {
      warn: (message, fields) => out.push(['warn', message, fields.conversationId]),
      error: (message, fields) => out.push(['error', message, fields.conversationId, fields.code]),
    },
    // Timeouts fire from the runtime's own timers on the test clock, never from a poll.
    deadlines: { pollIntervalMs: null },
    maxLiveActors: variant.maxLiveActors,
    routing: { explain: variant.explain },
    directPath,
  });
  runtime.subscribe((notification) => out.push(['notification', notification]));
  return { runtime, clock, store, out, saves, signals };
}

// ---- Acting on a world, and looking at it ---------------------------------------------------------

/** How a call ended: its value, the code of the error it rejected with, or that it never settled. */
export type Outcome = { readonly value: unknown } | { readonly rejected: string } | { readonly pending: true };

const codeOf = (error: unknown): string => (isHandoffError(error) ? error.code : `not a HandoffError: ${String(error)}`);

/** Waits for `promise`, moving the clock a second at a time while it waits (for a step that hangs until its deadline). */
async function untilSettled(clock: TestClock, promise: Promise<unknown>): Promise<{ readonly outcome: Outcome; readonly waited: number }> {
  let outcome: Outcome | undefined;
  promise.then(
    (value: unknown) => (outcome = { value }),
    (error: unknown) => (outcome = { rejected: codeOf(error) }),
  );
  await settleMicrotasks();
  let waited = 0;
  while (outcome === undefined && waited < 300_000) {
    await clock.advance(1000);
    waited += 1000;
  }
  return { outcome: outcome ?? { pending: true }, waited };
}

/** Moves the clock by `ms`: the runtime's timers fire on the way, each at its own time. */
async function passTime(clock: TestClock, ms: number): Promise<{ readonly outcome: Outcome; readonly waited: number }> {
  await clock.advance(ms);
  return { outcome: { value: `${ms} ms later` }, waited: 0 };
}

/** What a command does to a world: a call to the runtime, or time passing. */
export type Action = ((world: World) => Promise<unknown>) | { readonly advance: number };

/** Does `action` to the world, then looks at everything observable: the outcome, the views and stored rows of `conversationIds`, and what left the runtime meanwhile. */
export async function observe(world: World, action: Action, conversationIds: readonly string[]) {
  const done = typeof action === 'function' ? await untilSettled(world.clock, action(world)) : await passTime(world.clock, action.advance);
  const idle = await untilSettled(world.clock, world.runtime.idle());
  const views: Outcome[] = [];
  const stored = [];
  for (const id of conversationIds) {
    views.push((await untilSettled(world.clock, world.runtime.get(id))).outcome);
    const row = await world.store.load(id);
    stored.push(row && { version: row.version, nextDeadline: row.nextDeadline, snapshot: row.snapshot });
  }
  return {
    outcome: done.outcome,
    /** How long the clock moved while the runtime waited for a deadline. */
    waited: done.waited + idle.waited,
    now: world.clock.now(),
    out: world.out.splice(0),
    aborted: world.signals.map((signal) => signal.aborted),
    views,
    stored,
    json: [...world.saves.splice(0), ...stored.map((row) => JSON.stringify(row?.snapshot))],
  };
}
