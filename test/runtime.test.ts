// The runtime end to end with its defaults, and its edges: typed errors, redelivery, notifications.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHandoffConfig } from '../src/config/load-config.js';
import type { SimulatedDesk } from '../src/runtime/live-agents/simulated-desk-options.js';
import { createSimulatedDesk } from '../src/runtime/live-agents/simulated-desk.js';
import type { UserMessageOut } from '../src/runtime/notifications.js';
import { createHandoffRuntime, type HandoffRuntime } from '../src/runtime/runtime.js';
import type { HandoffRuntimeOptions } from '../src/runtime/runtime-options.js';
import { createMemoryStore } from '../src/runtime/store/memory-store.js';
import type { ConversationStore, ConversationWrite } from '../src/runtime/store/store.js';
import { errorShape, rejectedHandoffError } from './support/catch-handoff-error.js';
import { projectRoot } from './support/built-cli.js';
import { enabledConfigInput } from './support/handoff-config.js';
import { chat, config, countingNode, createTestClock, defaultRules, forwardingStore, invoke, messagesOf, recorder, T0 } from './runtime/support.js';

const runtimes: HandoffRuntime[] = [];
const nested = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
const cyclic = (): Record<string, unknown> => {
  const value: Record<string, unknown> = { summary: 'x' };
  value.again = value;
  return value;
};
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

/** One rule on the `agentsAvailable` fact, so a test can count how often the router asks the host. */
const staffedRules = {
  rules: [{ name: 'staffed', conditions: { all: [{ fact: 'agentsAvailable', params: { queue: 'general' }, operator: 'equal', value: true }] }, event: { type: 'agentTransfer', params: { queue: 'general' } } }],
  default: { type: 'agentTransfer', params: { queue: 'general' } },
} as const;

function runtimeWith(options: Partial<HandoffRuntimeOptions> = {}) {
  const clock = createTestClock();
  const store = createMemoryStore();
  const runtime = createHandoffRuntime({ config: config(), rules: defaultRules(), clock, store, ...options });
  runtimes.push(runtime);
  return { runtime, clock, store, ...recorder(runtime) };
}

describe('a full lifecycle with the defaults', () => {
  it('goes from the AI to a live agent and back, with typed notifications and rendered messages', async () => {
    const received: [string, UserMessageOut][] = [];
    const runtime = createHandoffRuntime({
      config: config(),
      rules: defaultRules(),
      clock: createTestClock(),
      onUserMessage: (conversationId, message) => {
        received.push([conversationId, message]);
      },
    });
    runtimes.push(runtime);
    const { notifications, types } = recorder(runtime);

    const started = await runtime.start('c1', chat());
    expect(started).toMatchObject({ state: 'aiHandling', aiMayRespond: true, version: 1, sequence: 0, owner: 'ai' });

    const queued = await runtime.send('c1', invoke());
    expect(queued).toMatchObject({
      state: 'queued.waiting',
      aiMayRespond: false,
      sequence: 1,
      rule: 'asked-for-a-person',
      target: { type: 'agentTransfer', params: { queue: 'general', priority: 4 } },
      queue: { scope: 'queue', position: 1 },
      timestamps: { updatedAt: T0, queuedAt: T0 },
    });

    // The simulated desk's agent takes the conversation as soon as it is queued.
    await runtime.idle();
    expect(await runtime.get('c1')).toMatchObject({ state: 'liveAgent', owner: 'liveAgent', agentId: 'agent', aiMayRespond: false });

    const desk = runtime.liveAgents as SimulatedDesk;
    await runtime.send('c1', { type: 'user.message', text: 'Are you a person?' });
    expect(desk.inspect('c1')?.userMessages).toEqual(['Are you a person?']);
    desk.agentMessage('c1', 'Yes, I am Ana. Let me look at the charge.');
    desk.endChat('c1', 'resolved');
    await runtime.idle();

    const back = await runtime.get('c1');
    expect(back).toMatchObject({ state: 'aiHandling', aiMayRespond: true, returned: { reason: 'agentEnded', agentReason: 'resolved' } });
    expect(types()).toEqual([
      'handoffRequested',
      'userMessage',
      'delegated',
      'routed',
      'userMessage',
      'queued',
      'agentOffered',
      'agentConnected',
      'userMessage',
      'returnedToAi',
    ]);
    const routed = notifications.find((n) => n.type === 'routed');
    expect(routed).toMatchObject({ conversationId: 'c1', sequence: 1, decision: { rule: 'asked-for-a-person' }, explanation: { decision: { rule: 'asked-for-a-person' } } });
    expect(received.map(([id, m]) => `${id} ${m.kind}: ${m.text ?? ''}`)).toEqual([
      'c1 handoff: Thanks Ada, I am connecting you with a member of our team now.',
      'c1 queueInitial: Connecting you to an agent. You are number 1 in the queue.',
      'c1 agent: Yes, I am Ana. Let me look at the charge.',
    ]);
  });

  it('ends an idle chat on its timeout, from the one scheduler, with nothing kept in memory', async () => {
    const { runtime, clock, types } = runtimeWith({ maxLiveActors: 0 });
    await runtime.start('c1', chat());
    await clock.advance(29 * 60_000, () => runtime.idle());
    expect((await runtime.get('c1')).state).toBe('aiHandling');
    await clock.advance(60_000, () => runtime.idle());
    expect(await runtime.get('c1')).toMatchObject({ state: 'ended', status: 'done', ended: { reason: 'idle', at: T0 + 30 * 60_000 }, aiMayRespond: false });
    expect(types()).toEqual(['ended']);
  });

  it('does not load a conversation again when a deadline it had before it ended passes', async () => {
    const memory = createMemoryStore();
    let loads = 0;
    const store = forwardingStore(memory, {
      load: (conversationId) => {
        loads += 1;
        return memory.load(conversationId);
      },
    });
    // A poll every minute looks two minutes ahead: the queue's 60 s periodic message is held in memory.
    const { runtime, clock } = runtimeWith({ store, maxLiveActors: 0, deadlines: { pollIntervalMs: 60_000 } });
    await runtime.start('c1', chat());
    expect((await runtime.send('c1', invoke())).state).toBe('queued.waiting');
    expect((await runtime.send('c1', { type: 'user.left', how: 'left' })).state).toBe('ended');
    loads = 0;
    await clock.advance(5 * 60_000, () => runtime.idle());
    expect(loads).toBe(0);
  });

  it('reports a failed send nobody awaits as an unhandled rejection, as any promise would', () => {
    const script = `
      import { createHandoffRuntime, defaultHandoffConfig, loadConnectionRules } from './dist/src/index.js';
      const reported = [];
      process.on('unhandledRejection', (error) => reported.push(error.code));
      const runtime = createHandoffRuntime({ config: defaultHandoffConfig(), rules: loadConnectionRules({ rules: [], default: { type: 'agentTransfer', params: { queue: 'general' } } }) });
      void runtime.send('nobody', { type: 'user.message', text: 'hi' });
      void runtime.send('nobody', { type: 'no.such.event' });
      setTimeout(async () => {
        await runtime.close();
        console.log(JSON.stringify(reported.sort()));
      }, 100);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(['INVALID_EVENT', 'UNKNOWN_CONVERSATION']);
  });

  it('retries a conflicting save through a store whose promises come from a promise library', async () => {
    /** A thenable whose `then` gives another, as Bluebird's promises are: not a native Promise. */
    class LibraryPromise<T> implements PromiseLike<T> {
      constructor(private readonly inner: Promise<T>) {}
      then<A = T, B = never>(ok?: ((value: T) => A | PromiseLike<A>) | null, ko?: ((error: unknown) => B | PromiseLike<B>) | null): LibraryPromise<A | B> {
        return new LibraryPromise(this.inner.then(ok, ko));
      }
    }
    const memory = createMemoryStore();
    const libraryPromiseSave = (conversationId: string, version: number, write: ConversationWrite) => new LibraryPromise(memory.save(conversationId, version, write));
    const store = forwardingStore(memory, { save: libraryPromiseSave as unknown as ConversationStore['save'] });
    const a = runtimeWith({ store }).runtime;
    const b = runtimeWith({ store }).runtime;
    await a.start('c1', chat());
    await b.send('c1', { type: 'user.message', text: 'one' });
    await a.send('c1', { type: 'user.message', text: 'two' });
    // b's conversation in memory is a version behind: its save conflicts, and it applies the event again on fresh state.
    expect(await b.send('c1', { type: 'user.message', text: 'three' })).toMatchObject({ version: 4, state: 'aiHandling' });
  });

  it('gives the same views whether actors stay in memory or are rehydrated for every event', async () => {
    const script = async (runtime: HandoffRuntime) => {
      const views = [await runtime.start('c1', chat())];
      views.push(await runtime.send('c1', { type: 'user.message', text: 'I need a human' }));
      views.push(await runtime.send('c1', invoke()));
      await runtime.idle();
      views.push(await runtime.get('c1'));
      views.push(await runtime.send('c1', { type: 'user.left', how: 'left' }));
      return views;
    };
    const kept = await script(runtimeWith({ maxLiveActors: 10 }).runtime);
    const evicted = await script(runtimeWith({ maxLiveActors: 0 }).runtime);
    expect(evicted).toEqual(kept);
    expect(kept.at(-1)).toMatchObject({ state: 'ended', ended: { reason: 'userLeft', detail: 'left' } });
  });

  it('keeps a disabled event from ever firing and says why', async () => {
    const { runtime, types } = runtimeWith({ config: loadHandoffConfig(enabledConfigInput({ enabled: false })) });
    await runtime.start('c1', chat());
    const view = await runtime.send('c1', invoke());
    expect(view).toMatchObject({ state: 'aiHandling', sequence: 0, ignored: { event: 'handoff.invoke', reason: 'disabled' } });
    expect(types()).toEqual(['ignored']);
  });

  it('reports an unmet prerequisite of the conversation’s channel as the reason nothing happened', async () => {
    const { runtime } = runtimeWith();
    await runtime.start('c1', { ...chat(), channel: 'email' });
    const view = await runtime.send('c1', invoke());
    expect(view.ignored).toMatchObject({ reason: 'prerequisiteUnmet', names: ['no_channel_flow'] });
  });

  it('hands a conversation to a workflow through handOver, once, and takes it back when the target completes', async () => {
    const handed: string[] = [];
    const rules = { rules: [], default: { type: 'workflow', params: { workflow: 'schedule-callback' } } } as const;
    const { runtime, types } = runtimeWith({
      rules,
      handOver: async (request) => {
        handed.push(`${request.idempotencyKey} ${request.target.type}`);
        return Promise.resolve();
      },
    });
    await runtime.start('c1', chat());
    expect(await runtime.send('c1', invoke())).toMatchObject({ state: 'withTarget.active', owner: 'target', target: { type: 'workflow' } });
    expect(await runtime.send('c1', { type: 'target.completed', result: { booked: true } })).toMatchObject({ state: 'aiHandling', returned: { reason: 'targetCompleted' } });
    expect(handed).toEqual(['c1:1:handover workflow']);
    expect(types()).toContain('handedOver');
  });

  it('sends the routing explanation with the routed notification and keeps it out of the stored snapshot', async () => {
    const { runtime, store, notifications } = runtimeWith({ maxLiveActors: 0 });
    await runtime.start('c1', chat());
    await runtime.send('c1', invoke());
    const routed = notifications.find((n) => n.type === 'routed');
    expect(routed).toMatchObject({ type: 'routed', decision: { rule: 'asked-for-a-person' }, explanation: { decision: { rule: 'asked-for-a-person' } } });
    const stored = JSON.stringify((await store.load('c1'))?.snapshot);
    expect(stored).toContain('"rule":"asked-for-a-person"');
    expect(stored).toContain('"explanation":null');
    expect(stored).not.toContain('"why"');
  });

  it('builds the explanation only while a listener could see it: nothing else reads it', async () => {
    let asked = 0;
    const agentsAvailable = () => {
      asked += 1;
      return true;
    };
    const runtime = createHandoffRuntime({ config: config(), rules: staffedRules, clock: createTestClock(), routing: { agentsAvailable } });
    runtimes.push(runtime);
    await runtime.start('unheard', chat(1));
    await runtime.send('unheard', invoke());
    // Routing asked once; an explanation would have asked again.
    expect(asked).toBe(1);
    const explanations: unknown[] = [];
    runtime.subscribe((notification) => {
      if (notification.type === 'routed') explanations.push(notification.explanation);
    });
    await runtime.start('heard', chat(2));
    await runtime.send('heard', invoke());
    expect(asked).toBe(3);
    expect(explanations).toMatchObject([{ decision: { rule: 'staffed' } }]);
  });

  it('routes the same whoever listens: an explanation that fails is left out, not the routing', async () => {
    let asked = 0;
    // Answers the routing, then fails: the explanation asks again.
    const agentsAvailable = () => {
      asked += 1;
      if (asked > 1) throw new Error('availability service down');
      return true;
    };
    const warnings: string[] = [];
    const { runtime, notifications } = runtimeWith({ rules: staffedRules, routing: { agentsAvailable }, logger: { warn: (message) => warnings.push(message) } });
    await runtime.start('c1', chat());
    const view = await runtime.send('c1', invoke());
    expect(view).toMatchObject({ rule: 'staffed', failure: null });
    expect(notifications.filter((notification) => notification.type === 'routed')).toMatchObject([{ decision: { rule: 'staffed' }, explanation: null }]);
    expect(warnings).toContain('The routing decision could not be explained: the routed notification carries none');
  });

  it('accepts raw config and rule JSON and loads them', async () => {
    const rules = { rules: [], default: { type: 'agentTransfer', params: { queue: 'general' } } } as const;
    const runtime = createHandoffRuntime({ config: enabledConfigInput(), rules, clock: createTestClock() });
    runtimes.push(runtime);
    await runtime.start('c1', chat());
    expect((await runtime.send('c1', { type: 'handoff.invoke', reason: 'policy', parameters: {} })).state).toBe('queued.waiting');
  });
});

describe('events at the edge', () => {
  it('rejects an unknown conversation with UNKNOWN_CONVERSATION', async () => {
    const { runtime } = runtimeWith();
    expect((await rejectedHandoffError(runtime.send('nobody', { type: 'user.cancel' }))).code).toBe('UNKNOWN_CONVERSATION');
    expect((await rejectedHandoffError(runtime.get('nobody'))).code).toBe('UNKNOWN_CONVERSATION');
  });

  it('rejects invalid events with INVALID_EVENT and leaves the stored snapshot exactly as it was', async () => {
    const { runtime, store } = runtimeWith();
    await runtime.start('c1', chat());
    const before = await store.load('c1');
    const bad: unknown[] = [
      { type: 'user.dance' },
      { type: 'user.message' },
      { type: 'user.message', text: 42 },
      { type: 'user.left', how: 'teleported' },
      { type: 'handoff.invoke', reason: 'boredom', parameters: {} },
      { type: 'queue.update', position: -1, estimatedWaitSeconds: 3 },
      { type: 'user.message', text: 'hi', extra: true },
      { id: '', type: 'user.cancel' },
      { id: 7, type: 'user.cancel' },
      'user.cancel',
      null,
      // Past the latest time a Date can hold, and JSON that contains itself.
      { type: 'user.message', text: 'hi', at: 8_640_000_000_000_001 },
      { type: 'handoff.invoke', reason: 'user_requested', parameters: cyclic() },
      { type: 'target.completed', result: [cyclic()] },
      { type: 'target.completed', result: nested(5_000) },
    ];
    for (const event of bad) {
      const error = await rejectedHandoffError(runtime.send('c1', event as never));
      expect(error.code).toBe('INVALID_EVENT');
      expect(error.issues.length).toBeGreaterThan(0);
    }
    expect(await store.load('c1')).toEqual(before);
    expect(errorShape(await rejectedHandoffError(runtime.send('c1', { type: 'user.left', how: 'teleported' } as never)))).toMatchInlineSnapshot(`
      {
        "code": "INVALID_EVENT",
        "issues": [
          {
            "code": "invalid_value",
            "message": "Invalid option: expected one of "left"|"hangup"",
            "path": "how",
          },
        ],
        "message": "Invalid handoff event: $.how: Invalid option: expected one of "left"|"hangup"",
      }
    `);
  });

  it('acknowledges a redelivered event id without applying it again, across eviction', async () => {
    const { runtime, store } = runtimeWith({ maxLiveActors: 0 });
    await runtime.start('c1', chat());
    const first = await runtime.send('c1', { id: 'evt-1', type: 'user.message', text: 'hello' });
    const again = await runtime.send('c1', { id: 'evt-1', type: 'user.message', text: 'hello' });
    expect(again).toEqual({ ...first, redelivered: true });
    expect((await store.load('c1'))?.version).toBe(first.version);
  });

  it('stamps events with the runtime clock unless they carry their own time', async () => {
    const { runtime, clock } = runtimeWith();
    await runtime.start('c1', chat());
    clock.set(T0 + 5000);
    expect((await runtime.send('c1', { type: 'user.message', text: 'a' })).timestamps.updatedAt).toBe(T0 + 5000);
    expect((await runtime.send('c1', { type: 'user.message', text: 'b', at: T0 + 9000 })).timestamps.updatedAt).toBe(T0 + 9000);
  });

  it('refuses a second start of the same id with CONVERSATION_EXISTS and a bad conversation with INVALID_INPUT', async () => {
    const { runtime } = runtimeWith();
    await runtime.start('c1', chat());
    expect((await rejectedHandoffError(runtime.start('c1', chat()))).code).toBe('CONVERSATION_EXISTS');
    expect((await rejectedHandoffError(runtime.start('c2', { ...chat(), userId: '' }))).code).toBe('INVALID_INPUT');
    expect((await rejectedHandoffError(runtime.start('', chat()))).code).toBe('INVALID_INPUT');
    // Memory that contains itself cannot be stored: refused, and nothing is left behind under the id.
    const cyclicMemory = errorShape(await rejectedHandoffError(runtime.start('c3', { ...chat(), memory: { userProfile: cyclic() as never } })));
    expect(cyclicMemory).toMatchObject({ code: 'INVALID_INPUT', message: 'Invalid conversation: $.memory.userProfile.again: expected JSON, got an object that contains itself' });
    expect((await rejectedHandoffError(runtime.get('c3'))).code).toBe('UNKNOWN_CONVERSATION');
    // Shared (not cyclic) objects are fine.
    const shared = { tier: 'gold' };
    expect((await runtime.start('c4', { ...chat(), memory: { a: shared, b: shared } })).state).toBe('aiHandling');
  });

  it('takes no events for an ended conversation, stores nothing for them, and says why', async () => {
    const { runtime, store, clock, notifications } = runtimeWith();
    await runtime.start('c1', chat());
    const ended = await runtime.send('c1', { type: 'user.left', how: 'hangup' });
    expect(ended.status).toBe('done');
    await clock.advance(5_000);
    const after = await runtime.send('c1', { type: 'user.message', text: 'still there?' });
    const ignored = {
      event: 'user.message',
      reason: 'conversationEnded',
      message: "The conversation has ended: 'user.message' changes nothing. Start a new conversation id for a new handoff.",
      at: T0 + 5_000,
    };
    expect(after).toEqual({ ...ended, ignored });
    expect(notifications.at(-1)).toEqual({ conversationId: 'c1', sequence: 0, at: T0 + 5_000, type: 'ignored', ignored });
    expect((await store.load('c1'))?.version).toBe(ended.version);
    expect(await runtime.get('c1')).toEqual(ended);
  });

  it('deletes an ended conversation so its id starts afresh, and refuses to delete one still running', async () => {
    const { runtime, store } = runtimeWith({ liveAgents: createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual' }) });
    await runtime.start('c1', chat());
    await runtime.send('c1', invoke());
    const running = await rejectedHandoffError(runtime.delete('c1'));
    expect(errorShape(running)).toMatchObject({ code: 'CONVERSATION_ACTIVE', message: 'Conversation "c1" is still running (state queued.waiting); end it first (send user.left, or wait for it to end), then delete it' });
    expect((await runtime.get('c1')).state).toBe('queued.waiting');
    await runtime.send('c1', { type: 'user.left', how: 'left' });
    expect(await runtime.delete('c1')).toBe(true);
    expect(await store.load('c1')).toBeUndefined();
    expect(errorShape(await rejectedHandoffError(runtime.get('c1'))).code).toBe('UNKNOWN_CONVERSATION');
    expect(await runtime.delete('c1')).toBe(false);
    expect(errorShape(await rejectedHandoffError(runtime.send('c1', { type: 'user.message', text: 'hello?' }))).code).toBe('UNKNOWN_CONVERSATION');
    // A new conversation under the same id, nothing of the old one kept in memory.
    expect(await runtime.start('c1', chat(2))).toMatchObject({ state: 'aiHandling', version: 1, sequence: 0 });
    expect(await runtime.send('c1', invoke())).toMatchObject({ state: 'queued.waiting', sequence: 1 });
    await runtime.close();
    expect(errorShape(await rejectedHandoffError(runtime.delete('c1'))).code).toBe('RUNTIME_CLOSED');
  });

  it('answers an event to an ended conversation from the store, so a runtime sees the id another one deleted and started again', async () => {
    const store = createMemoryStore();
    const clock = createTestClock();
    const desk = () => createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual' });
    const a = createHandoffRuntime({ config: config(), rules: defaultRules(), clock, store, liveAgents: desk() });
    const b = createHandoffRuntime({ config: config(), rules: defaultRules(), clock, store, liveAgents: desk() });
    runtimes.push(a, b);
    await a.start('c1', chat());
    await a.send('c1', { type: 'user.left', how: 'left' });
    expect(await b.delete('c1')).toBe(true);
    await b.start('c1', chat(2));
    expect(await a.send('c1', invoke())).toMatchObject({ state: 'queued.waiting', ignored: null, sequence: 1 });
  });

  it('refuses deadline options that would poll in a loop or fire timeouts late', () => {
    const make = (deadlines: HandoffRuntimeOptions['deadlines']) => () => createHandoffRuntime({ config: config(), rules: defaultRules(), deadlines });
    expect(make({ pollIntervalMs: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
    expect(make({ pollIntervalMs: 1000, lookaheadMs: 500 })).toThrow(/at least deadlines.pollIntervalMs/);
  });

  it('rejects everything with RUNTIME_CLOSED once closed, and close is idempotent', async () => {
    const { runtime } = runtimeWith();
    await runtime.start('c1', chat());
    await Promise.all([runtime.close(), runtime.close()]);
    expect((await rejectedHandoffError(runtime.send('c1', { type: 'user.cancel' }))).code).toBe('RUNTIME_CLOSED');
    expect((await rejectedHandoffError(runtime.start('c2', chat()))).code).toBe('RUNTIME_CLOSED');
    expect((await rejectedHandoffError(runtime.get('c1'))).code).toBe('RUNTIME_CLOSED');
  });
});

describe('notifications and host callbacks', () => {
  it('keeps going when a listener or the message callback throws, and reports the callback', async () => {
    const errors: string[] = [];
    const { runtime, types } = runtimeWith({
      onUserMessage: () => {
        throw new Error('chat socket closed');
      },
      logger: { error: (message) => errors.push(message), warn: (message) => errors.push(message) },
    });
    runtime.subscribe(() => {
      throw new Error('bad listener');
    });
    await runtime.start('c1', chat());
    expect((await runtime.send('c1', invoke())).state).toBe('queued.waiting');
    expect(types()).toContain('adapterFailed');
    expect(errors).toContain('A notification listener threw');
  });

  it('stops telling a listener once it unsubscribes', async () => {
    const { runtime } = runtimeWith();
    const seen: string[] = [];
    const unsubscribe = runtime.subscribe((n) => seen.push(n.type));
    await runtime.start('c1', chat());
    await runtime.send('c1', { type: 'user.left', how: 'left' });
    unsubscribe();
    await runtime.start('c2', chat(2));
    await runtime.send('c2', { type: 'user.left', how: 'left' });
    expect(seen).toEqual(['ended']);
  });

  it('renders the waiting experience with the queue values and delivers it through the host callback', async () => {
    const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual' });
    const { runtime, clock, notifications } = runtimeWith({ liveAgents: desk });
    await runtime.start('c1', chat());
    await runtime.send('c1', invoke());
    await clock.advance(60_000, () => runtime.idle());
    await clock.advance(240_000, () => runtime.idle());
    expect(messagesOf(notifications)).toEqual([
      'handoff: Thanks Ada, I am connecting you with a member of our team now.',
      'queueInitial: Connecting you to an agent. You are number 1 in the queue.',
      'queuePeriodic: You are number 1 in the queue; the estimated wait is 5 minutes.',
      'queuePeriodic: You are number 1 in the queue; the estimated wait is 5 minutes.',
      'queuePeriodic: You are number 1 in the queue; the estimated wait is 5 minutes.',
      'queuePeriodic: You are number 1 in the queue; the estimated wait is 5 minutes.',
      'queuePeriodic: You are number 1 in the queue; the estimated wait is 5 minutes.',
      'queueOffer: This is taking longer than usual. Would you like a callback instead? You can also keep waiting.',
    ]);
  });

  it('takes an unanswered offer back from the desk when the offer timeout passes, so the agent is free and a late accept cannot connect', async () => {
    const clock = createTestClock();
    const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual', clock });
    const { runtime, notifications } = runtimeWith({ liveAgents: desk, clock });
    await runtime.start('t', chat(1));
    await runtime.send('t', invoke());
    desk.offer('t', 'ana');
    await runtime.idle();
    expect((await runtime.get('t')).state).toBe('queued.offered');
    // The lifecycle's offer timeout (30 s by default); the desk's own offers never expire here.
    await clock.advance(30_000, () => runtime.idle());
    expect((await runtime.get('t')).state).toBe('queued.waiting');
    expect(notifications.filter((n) => n.type === 'offerExpired')).toMatchObject([{ conversationId: 't', agentId: 'ana' }]);
    expect(desk.inspect('t')).toMatchObject({ status: 'waiting', agentId: null });
    expect(desk.agents()).toEqual([{ id: 'ana', available: true, capacity: 1, conversations: [] }]);
    expect(() => {
      desk.accept('t');
    }).toThrow(/it is waiting, not offered/);
    // Ana is free for the next user.
    await runtime.start('u', chat(2));
    await runtime.send('u', invoke());
    expect(desk.offer('u')).toBe('ana');
    desk.accept('u');
    await runtime.idle();
    expect((await runtime.get('u')).state).toBe('liveAgent');
    expect(notifications.filter((n) => n.type === 'adapterFailed')).toEqual([]);
  });

  it('goes on when the desk cannot withdraw an expired offer, and reports it', async () => {
    const clock = createTestClock();
    const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual', clock });
    const failing: SimulatedDesk = { ...desk, withdrawOffer: () => Promise.reject(new Error('vendor API down')) };
    const { runtime, notifications } = runtimeWith({ liveAgents: failing, clock });
    await runtime.start('t', chat());
    await runtime.send('t', invoke());
    desk.offer('t', 'ana');
    await clock.advance(30_000, () => runtime.idle());
    expect((await runtime.get('t')).state).toBe('queued.waiting');
    expect(notifications.filter((n) => n.type === 'adapterFailed')).toMatchObject([{ conversationId: 't', operation: 'Withdrawing an expired offer', message: 'vendor API down' }]);
  });

  it('names the expired offer it withdraws, so a withdraw the desk answers late leaves the next handoff’s offer to the same agent alone', async () => {
    const clock = createTestClock();
    const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual', clock });
    const enqueueKeys: string[] = [];
    const withdraws: { args: Parameters<SimulatedDesk['withdrawOffer']>; answer: () => Promise<void> }[] = [];
    const slow: SimulatedDesk = {
      ...desk,
      enqueue: (request) => {
        enqueueKeys.push(request.idempotencyKey);
        return desk.enqueue(request);
      },
      // The vendor acts on a withdraw only when the test lets it.
      withdrawOffer: (...args) =>
        new Promise<void>((resolve) => {
          withdraws.push({ args, answer: () => desk.withdrawOffer(...args).then(resolve) });
        }),
    };
    const { runtime } = runtimeWith({ liveAgents: slow, clock });
    await runtime.start('t', chat());
    await runtime.send('t', invoke());
    desk.offer('t', 'ana');
    await clock.advance(30_000, () => runtime.idle());
    expect(withdraws.map((w) => w.args)).toEqual([['t', 'ana', { sequence: 1, enqueueIdempotencyKey: enqueueKeys[0], expiredAt: T0 + 30_000 }]]);
    // Before the withdraw lands, ana declines on the desk, the user leaves the queue and asks again,
    // and the next handoff is offered to ana.
    desk.reject('t');
    await runtime.send('t', { type: 'user.cancel' });
    expect(await runtime.send('t', invoke())).toMatchObject({ state: 'queued.waiting', sequence: 2 });
    desk.offer('t', 'ana');
    await runtime.idle();
    await withdraws[0]?.answer();
    expect(desk.inspect('t')).toMatchObject({ status: 'offered', agentId: 'ana' });
    desk.accept('t');
    await runtime.idle();
    expect((await runtime.get('t')).state).toBe('liveAgent');
  });

  it('delivers each handoff once, keyed by conversation id and handoff sequence', async () => {
    const node = countingNode();
    const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual' });
    const { runtime } = runtimeWith({ automationNode: node, liveAgents: desk });
    await runtime.start('conv:1', chat());
    await runtime.send('conv:1', invoke());
    expect((await runtime.send('conv:1', { type: 'user.cancel' })).returned).toMatchObject({ reason: 'userCancelled' });
    await runtime.send('conv:1', { type: 'user.message', text: 'back' });
    expect((await runtime.send('conv:1', invoke())).state).toBe('queued.waiting');
    expect([...node.countByKey()]).toEqual([
      ['conv%3A1:1', 1],
      ['conv%3A1:2', 1],
    ]);
  });
});
