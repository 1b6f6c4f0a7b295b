// Crash at every step: run a lifecycle, drop the runtime after step k (no close: its timers and its
// desk connection die with it), start a new runtime on the same store and finish. Every k must end
// exactly as the uninterrupted run, with one delivery and one enqueue per handoff and no lost timeout.
import { describe, expect, it } from 'vitest';
import type { ConversationView } from '../src/runtime/conversation-view.js';
import { createSimulatedDesk } from '../src/runtime/live-agents/simulated-desk.js';
import type { HandoffNotification } from '../src/runtime/notifications.js';
import { createHandoffRuntime, type HandoffRuntime } from '../src/runtime/runtime.js';
import { createMemoryStore } from '../src/runtime/store/memory-store.js';
import { chat, config, countingNode, createTestClock, defaultRules, deskViews, invoke, settleMicrotasks, type ClockView, type DeskView } from './runtime/support.js';

/** One world: a store, a desk and an automation node that outlive the runtimes that use them. */
function world(answer?: Parameters<typeof countingNode>[0]) {
  const clock = createTestClock();
  const store = createMemoryStore();
  const desk = createSimulatedDesk({ agents: [{ id: 'ana' }, { id: 'bo' }], offerAcceptance: 'manual', clock });
  const views = deskViews(desk);
  const node = countingNode(answer);
  const enqueues = new Map<string, number>();
  const notifications: HandoffNotification[] = [];
  let current: { runtime: HandoffRuntime; clock: ClockView; desk: DeskView } | undefined;

  const boot = (): HandoffRuntime => {
    const clockView = clock.fork();
    const deskView = views();
    const counted: DeskView = {
      ...deskView,
      enqueue: (request) => {
        enqueues.set(request.conversationId, (enqueues.get(request.conversationId) ?? 0) + 1);
        return deskView.enqueue(request);
      },
    };
    const runtime = createHandoffRuntime({
      config: config(),
      rules: defaultRules(),
      clock: clockView,
      store,
      liveAgents: counted,
      automationNode: node,
      deadlines: { pollIntervalMs: 5000 },
    });
    runtime.subscribe((n) => notifications.push(n));
    current = { runtime, clock: clockView, desk: deskView };
    return runtime;
  };
  const runtime = (): HandoffRuntime => {
    if (!current) throw new Error('no runtime');
    return current.runtime;
  };
  /** The process dies: no close, no flush; its timers and desk connection are gone. */
  const crash = (): void => {
    current?.clock.kill();
    current?.desk.kill();
    current = undefined;
  };
  const advance = (ms: number) => clock.advance(ms, () => runtime().idle());
  return { clock, store, desk, node, enqueues, notifications, boot, runtime, crash, advance };
}

type World = ReturnType<typeof world>;

/** A lifecycle of two conversations: c1 reaches an agent (after a rejected offer) and idles out; c2 waits, takes the callback offer. */
const steps: readonly [string, (w: World) => unknown][] = [
  ['start c1', (w) => w.runtime().start('c1', chat(1))],
  ['start c2', (w) => w.runtime().start('c2', chat(2))],
  ['c1 says it needs a person', (w) => w.runtime().send('c1', { id: 'm1', type: 'user.message', text: 'I was charged twice, I want a person' })],
  ['c1 hands off', (w) => w.runtime().send('c1', { id: 'h1', ...invoke() })],
  ['c2 hands off', (w) => w.runtime().send('c2', { id: 'h2', ...invoke({ sentiment: 'negative' }) })],
  ['a minute in the queue', (w) => w.advance(60_000)],
  ['c1 offered to ana', (w) => w.desk.offer('c1', 'ana')],
  ['ana rejects', (w) => {
    w.desk.reject('c1', 'busy');
  }],
  ['c1 offered to bo', (w) => w.desk.offer('c1', 'bo')],
  ['bo accepts', (w) => {
    w.desk.accept('c1');
  }],
  ['c1 writes to bo', (w) => w.runtime().send('c1', { id: 'm2', type: 'user.message', text: 'Hi, the charge is from May 3rd' })],
  ['bo answers', (w) => {
    w.desk.agentMessage('c1', 'I see it, refunding now.');
  }],
  ['the same message is redelivered', (w) => w.runtime().send('c1', { id: 'm2', type: 'user.message', text: 'Hi, the charge is from May 3rd' })],
  ['bo ends the chat', (w) => {
    w.desk.endChat('c1', 'resolved');
  }],
  ['five minutes pass', (w) => w.advance(5 * 60_000)],
  ['c2 takes the callback', (w) => w.runtime().send('c2', { id: 'o2', type: 'user.acceptOffer' })],
  ['c1 idles out', (w) => w.advance(31 * 60_000)],
];

interface Outcome {
  readonly views: ConversationView[];
  readonly notifications: HandoffNotification[];
  readonly deliveries: [string, number][];
  readonly enqueues: [string, number][];
}

async function run(crashAfter: number | null): Promise<Outcome> {
  const w = world();
  w.boot();
  for (const [index, [, step]] of steps.entries()) {
    await step(w);
    await w.runtime().idle();
    if (index === crashAfter) {
      w.crash();
      w.boot();
    }
  }
  const views = [await w.runtime().get('c1'), await w.runtime().get('c2')];
  await w.runtime().close();
  return { views, notifications: w.notifications, deliveries: [...w.node.countByKey()], enqueues: [...w.enqueues] };
}

describe('a runtime that crashes after any step', () => {
  it('runs the lifecycle to the expected end without a crash', async () => {
    const outcome = await run(null);
    expect(outcome.views.map((v) => [v.state, v.ended?.reason, v.ended?.detail])).toEqual([
      ['ended', 'idle', undefined],
      ['ended', 'callback', 'queueOffer'],
    ]);
    expect(outcome.deliveries).toEqual([
      ['c1:1', 1],
      ['c2:1', 1],
    ]);
    expect(outcome.enqueues).toEqual([
      ['c1', 1],
      ['c2', 1],
    ]);
    expect(outcome.notifications.map((n) => `${n.conversationId} ${n.type}`)).toContain('c1 returnedToAi');
  });

  it.each(steps.map(([name], index) => [index, name] as const))('ends the same after a crash after step %i (%s)', async (index) => {
    const expected = await run(null);
    const crashed = await run(index);
    expect(crashed.views).toEqual(expected.views);
    expect(crashed.notifications).toEqual(expected.notifications);
    expect(crashed.deliveries).toEqual(expected.deliveries);
    expect(crashed.enqueues).toEqual(expected.enqueues);
  });
});

describe('a runtime that crashes while the user waits', () => {
  it('times the user out on schedule once a new runtime starts, even when the deadline passed while nothing ran', async () => {
    const w = world();
    w.boot();
    await w.runtime().start('c1', chat(1));
    await w.runtime().send('c1', invoke());
    w.crash();
    // Twenty minutes with no runtime: the 15-minute maximum queue wait passes unseen.
    await w.clock.advance(20 * 60_000, settleMicrotasks);
    w.boot();
    await w.runtime().idle();
    expect(await w.runtime().get('c1')).toMatchObject({ state: 'ended', ended: { reason: 'callback', detail: 'maxQueueWait' } });
    expect(w.desk.inspect('c1')).toBeUndefined();
    await w.runtime().close();
  });

  it('redelivers a handoff whose delivery was in flight, with the same idempotency key, after the ack timeout', async () => {
    let calls = 0;
    const w = world(() => (++calls === 1 ? new Promise(() => undefined) : Promise.resolve({ acknowledged: true })));
    w.boot();
    await w.runtime().start('c1', chat(1));
    void w.runtime().send('c1', invoke());
    await settleMicrotasks();
    w.crash();
    w.boot();
    expect((await w.runtime().get('c1')).state).toBe('delivering.attempt.sending');
    await w.advance(11_000);
    expect(await w.runtime().get('c1')).toMatchObject({ state: 'queued.waiting', sequence: 1 });
    // At least once across a crash; the key makes the second delivery the same handoff at the node.
    expect([...w.node.countByKey()]).toEqual([['c1:1', 2]]);
    expect(w.enqueues.get('c1')).toBe(1);
    await w.runtime().close();
  });
});
