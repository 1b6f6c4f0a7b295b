// Adapters that fail in every way, and stored snapshots that cannot be read: each ends in the machine's
// documented fallback or a typed error for that one conversation, never in a crashed runtime.
import { afterEach, describe, expect, it } from 'vitest';
import { HandoffError } from '../src/errors.js';
import type { DeliveryRequest } from '../src/runtime/delivery/automation-node.js';
import type { LiveAgentDesk } from '../src/runtime/live-agents/live-agent-desk.js';
import { createSimulatedDesk } from '../src/runtime/live-agents/simulated-desk.js';
import type { HandoffRuntime } from '../src/runtime/runtime.js';
import type { HandoffRuntimeOptions } from '../src/runtime/runtime-options.js';
import { sealSnapshot } from '../src/runtime/snapshot-envelope.js';
import { rejectedHandoffError } from './support/catch-handoff-error.js';
import { chat, config, countingNode, defaultRules, invoke, manualDeskRuntime, messagesOf, settleMicrotasks, T0 } from './runtime/support.js';

const runtimes: HandoffRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

const failureText = "failure: Sorry, I couldn't reach a colleague just now. Let's keep going together.";

const setup = (options: Partial<HandoffRuntimeOptions> = {}) => manualDeskRuntime(runtimes, options);

describe('delivery failures end in the automation node’s error handling', () => {
  const never = () => new Promise<{ acknowledged: boolean }>(() => undefined);
  const kinds: [string, (request: DeliveryRequest) => Promise<{ acknowledged: boolean }>][] = [
    ['rejects with DELIVERY_FAILED', () => Promise.reject(new HandoffError('DELIVERY_FAILED', 'HTTP 503 three times'))],
    ['throws synchronously', () => {
      throw new TypeError('socket is not a function');
    }],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the point: adapters written in JavaScript reject with anything
    ['rejects with something that is not an Error', () => Promise.reject('ECONNRESET')],
    ['never answers', never],
    ['accepts for later (202) and never acknowledges', () => Promise.resolve({ acknowledged: false })],
  ];

  for (const [kind, answer] of kinds) {
    it(`retries a node that ${kind}, then tells the user and returns to the AI`, async () => {
      const node = countingNode(answer);
      const { runtime, clock, notifications } = setup({ automationNode: node });
      await runtime.start('c1', chat());
      const sent = runtime.send('c1', invoke());
      // Attempts 1-3, backoff 1 s then 2 s, each attempt waiting at most its 10 s ack timeout.
      await clock.advance(40_000, settleMicrotasks);
      await sent;
      await runtime.idle();
      const view = await runtime.get('c1');
      expect(view).toMatchObject({ state: 'aiHandling', aiMayRespond: true, returned: { reason: 'failed' }, failure: { stage: 'delivery' } });
      expect(node.countByKey()).toEqual(new Map([['c1:1', 3]]));
      expect(notifications.filter((n) => n.type === 'deliveryRetry')).toHaveLength(2);
      expect(notifications.filter((n) => n.type === 'failed')).toHaveLength(1);
      expect(messagesOf(notifications).at(-1)).toBe(failureText);
    });
  }

  it('times out a delivery that never answers at its 10 s ack timeout, earlier than the 15 s step deadline before it', async () => {
    const node = countingNode(never);
    const { runtime, clock } = setup({ automationNode: node });
    await runtime.start('c1', chat());
    let settled = false;
    const sent = runtime.send('c1', invoke()).finally(() => {
      settled = true;
    });
    await clock.advance(9_999, settleMicrotasks);
    expect(settled).toBe(false);
    await clock.advance(1, settleMicrotasks);
    expect(settled).toBe(true);
    expect((await sent).state).toBe('delivering.backoff');
    expect(node.requests).toHaveLength(1);
  });

  it('fails at once on a non-retryable automation.error from the node', async () => {
    const node = countingNode(() => Promise.resolve({ acknowledged: false }));
    const { runtime } = setup({ automationNode: node });
    await runtime.start('c1', chat());
    expect((await runtime.send('c1', invoke())).state).toBe('delivering.attempt.awaitingAck');
    const view = await runtime.send('c1', { type: 'automation.error', message: 'no such flow', retryable: false, sequence: 1 });
    expect(view).toMatchObject({ state: 'aiHandling', failure: { stage: 'delivery', code: 'AUTOMATION_ERROR', message: 'no such flow' } });
    expect(node.requests).toHaveLength(1);
  });

  it('retries after a retryable automation.error and ignores an error for an older handoff', async () => {
    const node = countingNode(() => Promise.resolve({ acknowledged: false }));
    const { runtime, clock } = setup({ automationNode: node });
    await runtime.start('c1', chat());
    await runtime.send('c1', invoke());
    expect((await runtime.send('c1', { type: 'automation.error', message: 'busy', sequence: 1 })).state).toBe('delivering.backoff');
    await clock.advance(1000, () => runtime.idle());
    expect((await runtime.send('c1', { type: 'automation.error', message: 'old', sequence: 7 })).ignored).toMatchObject({ reason: 'staleSequence' });
    expect((await runtime.send('c1', { type: 'automation.ack', sequence: 1 })).state).toBe('queued.waiting');
    expect(node.requests.map((r) => r.idempotencyKey)).toEqual(['c1:1', 'c1:1']);
  });

  it('ends the conversation instead when the error handling says so', async () => {
    const node = countingNode(() => Promise.reject(new Error('down')));
    const { runtime, clock, types } = setup({
      automationNode: node,
      config: config((c) => {
        c.lifecycle.delivery.maxAttempts = 1;
        c.lifecycle.delivery.onFailure.then = 'end';
      }),
    });
    await runtime.start('c1', chat());
    await runtime.send('c1', invoke());
    await clock.advance(1000, () => runtime.idle());
    expect(await runtime.get('c1')).toMatchObject({ state: 'ended', ended: { reason: 'failed' }, failure: { stage: 'delivery', code: 'ADAPTER_FAILED' } });
    expect(types()).toEqual(['handoffRequested', 'userMessage', 'userMessage', 'failed', 'ended']);
  });
});

describe('live-agent desk failures end in the failure path with its fallback', () => {
  const faulty = (change: Partial<LiveAgentDesk>) => {
    const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual' });
    const cancels: string[] = [];
    const wrapped: LiveAgentDesk = {
      enqueue: (r) => desk.enqueue(r),
      cancel: (id, reason) => {
        cancels.push(`${id}:${reason ?? ''}`);
        return desk.cancel(id, reason);
      },
      relayUserMessage: (id, text) => desk.relayUserMessage(id, text),
      checkBusinessHours: (c) => desk.checkBusinessHours(c),
      checkAvailability: (c) => desk.checkAvailability(c),
      subscribe: (l) => desk.subscribe(l),
      ...change,
    };
    return { desk, wrapped, cancels };
  };

  const cases: [string, Partial<LiveAgentDesk>, string][] = [
    ['enqueue rejects', { enqueue: () => Promise.reject(new Error('Genesys 500')) }, 'enqueue'],
    ['enqueue throws synchronously', { enqueue: () => {
      throw new Error('not connected');
    } }, 'enqueue'],
    ['the business-hours check rejects', { checkBusinessHours: () => Promise.reject(new Error('calendar API down')) }, 'businessHours'],
    ['the availability check rejects', { checkAvailability: () => Promise.reject(new Error('presence API down')) }, 'availability'],
    // Its answer would go into the stored state, which must stay JSON.
    ['enqueue answers a position that is not a whole number', { enqueue: () => Promise.resolve({ position: Number.NaN, estimatedWaitSeconds: 60 }) }, 'enqueue'],
    ['enqueue answers a BigInt estimate', { enqueue: () => Promise.resolve({ position: 1, estimatedWaitSeconds: 60n as unknown as number }) }, 'enqueue'],
  ];
  for (const [what, change, stage] of cases) {
    it(`returns to the AI with the failure message when ${what}`, async () => {
      const { wrapped } = faulty(change);
      const { runtime, notifications } = setup({ liveAgents: wrapped });
      await runtime.start('c1', chat());
      const view = await runtime.send('c1', invoke());
      expect(view).toMatchObject({ state: 'aiHandling', returned: { reason: 'failed' }, failure: { stage, code: 'ADAPTER_FAILED' } });
      expect(messagesOf(notifications).at(-1)).toBe(failureText);
    });
  }

  it('times out an enqueue that never answers, and takes the user out of the desk in case it got there', async () => {
    const { wrapped, cancels } = faulty({ enqueue: () => new Promise(() => undefined) });
    const { runtime, clock } = setup({ liveAgents: wrapped });
    await runtime.start('c1', chat());
    const sent = runtime.send('c1', invoke());
    await clock.advance(15_000, settleMicrotasks);
    expect(await sent).toMatchObject({ state: 'aiHandling', failure: { stage: 'enqueue', code: 'TIMEOUT' } });
    expect(cancels).toEqual(['c1:enqueueFailed']);
  });

  it('lets the user leave the queue even when the desk fails to cancel', async () => {
    const { wrapped } = faulty({ cancel: () => Promise.reject(new Error('already gone?')) });
    const { runtime } = setup({ liveAgents: wrapped });
    await runtime.start('c1', chat());
    await runtime.send('c1', invoke());
    expect(await runtime.send('c1', { type: 'user.cancel' })).toMatchObject({
      state: 'aiHandling',
      returned: { reason: 'userCancelled' },
      failure: { stage: 'cancelQueue' },
    });
  });

  const refusals: [string, LiveAgentDesk['relayUserMessage']][] = [
    ['rejects', () => Promise.reject(new Error('agent socket closed'))],
    ['throws', () => {
      throw new Error('agent socket closed');
    }],
  ];
  for (const [how, relayUserMessage] of refusals) {
    it(`reports a relay the desk ${how} on and keeps the user with the agent`, async () => {
      const { desk, wrapped } = faulty({ relayUserMessage });
      const { runtime, notifications } = setup({ liveAgents: wrapped });
      await runtime.start('c1', chat());
      await runtime.send('c1', invoke());
      desk.offer('c1', 'ana');
      desk.accept('c1');
      await runtime.idle();
      expect((await runtime.send('c1', { type: 'user.message', text: 'hello?' })).state).toBe('liveAgent');
      await runtime.idle();
      expect(notifications.at(-1)).toMatchObject({ type: 'adapterFailed', operation: 'Relaying a user message to the live agent', message: 'agent socket closed' });
    });
  }

  it('logs desk events for conversations it does not know and goes on', async () => {
    const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual' });
    const { runtime, logged } = setup({ liveAgents: desk });
    await runtime.start('c1', chat());
    await desk.enqueue({ conversationId: 'stranger', params: { queue: 'general', priority: 5, waitForAgentSeconds: 0 }, payload: {} as never, sequence: 1, idempotencyKey: 'k' });
    desk.offer('stranger', 'ana');
    await runtime.idle();
    expect(logged).toContainEqual({ message: "The desk event 'agent.offered' could not be processed", code: 'UNKNOWN_CONVERSATION' });
    expect((await runtime.send('c1', invoke())).state).toBe('queued.waiting');
  });
});

describe('stored snapshots that cannot be read', () => {
  async function plant() {
    const s = setup({ rules: defaultRules(), deadlines: { pollIntervalMs: 1000 } });
    const { runtime, store } = s;
    await runtime.start('healthy', chat());
    const good = await store.load('healthy');
    if (!good) throw new Error('unreachable');
    const machine = (good.snapshot as { state: { machine: Record<string, unknown> } }).state.machine;
    await store.save('garbage', 0, { snapshot: sealSnapshot({ nonsense: true }), nextDeadline: T0 + 500 });
    await store.save('future', 0, { snapshot: { schemaVersion: 99, state: { whatever: 1 } }, nextDeadline: null });
    await store.save('unknown-state', 0, { snapshot: sealSnapshot({ machine: { ...machine, value: 'dancing' } as never, recentEventIds: [] }), nextDeadline: null });
    await store.save('not-json-object', 0, { snapshot: 'hello', nextDeadline: null });
    return s;
  }

  it('reports each with a typed error for that conversation alone', async () => {
    const { runtime } = await plant();
    const codes = async (id: string) => [
      (await rejectedHandoffError(runtime.send(id, { type: 'user.cancel' }))).code,
      (await rejectedHandoffError(runtime.get(id))).code,
    ];
    expect(await codes('garbage')).toEqual(['CORRUPT_SNAPSHOT', 'CORRUPT_SNAPSHOT']);
    expect(await codes('future')).toEqual(['UNSUPPORTED_SNAPSHOT_VERSION', 'UNSUPPORTED_SNAPSHOT_VERSION']);
    expect((await rejectedHandoffError(runtime.send('unknown-state', { type: 'user.cancel' }))).code).toBe('CORRUPT_SNAPSHOT');
    expect(await codes('not-json-object')).toEqual(['CORRUPT_SNAPSHOT', 'CORRUPT_SNAPSHOT']);
    const error = await rejectedHandoffError(runtime.get('garbage'));
    expect(error.message).toContain('"garbage"');
    expect(error.issues[0]?.path).toEqual(['state', 'recentEventIds']);
    expect((await runtime.send('healthy', invoke())).state).toBe('queued.waiting');
  });

  it('keeps timing out the other conversations when a corrupt one comes due', async () => {
    const { runtime, clock, logged } = await plant();
    await clock.advance(30 * 60_000, () => runtime.idle());
    expect(logged).toContainEqual({ message: 'A timeout could not be processed', code: 'CORRUPT_SNAPSHOT' });
    expect(await runtime.get('healthy')).toMatchObject({ state: 'ended', ended: { reason: 'idle' } });
  });
});
