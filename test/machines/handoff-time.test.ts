// Time and restore: deadlines in context are the truth the runtime re-arms from, and the machine
// never reads a clock of its own.
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { defaultLifecycleSettings } from '../../src/config/lifecycle-schema.js';
import { handoffMachine } from '../../machines/handoff.machine.js';
import { missingProvisions, nextDeadline, pendingTimeouts } from '../../machines/handoff.selectors.js';
import { chat, createHarness, flush, payloadFor, T0 } from './harness.js';

const invoke = { type: 'handoff.invoke', reason: 'user_requested', parameters: {} } as const;
const persist = (h: ReturnType<typeof createHarness>) => JSON.parse(JSON.stringify(h.actor.getPersistedSnapshot())) as never;

describe('time', () => {
  it('keeps the deadline of every pending timeout as an epoch-ms timestamp', async () => {
    const h = createHarness();
    expect(pendingTimeouts(h.actor.getSnapshot())).toEqual([{ timer: 'chatIdle', at: T0 + 1_800_000 }]);
    await h.send(invoke);
    expect(pendingTimeouts(h.actor.getSnapshot())).toEqual([
      { timer: 'periodicMessage', at: T0 + 60_000 },
      { timer: 'queueOffer', at: T0 + 300_000 },
      { timer: 'maxQueueWait', at: T0 + 900_000 },
    ]);
  });

  it('takes the time from stamped events, never from a clock: an unstamped event keeps the last known time', () => {
    const h = createHarness();
    h.clock.set(T0 + 5000);
    h.actor.send({ type: 'user.message', text: 'no stamp' });
    expect(h.actor.getSnapshot().context.now).toBe(T0);
    h.actor.send({ type: 'user.message', text: 'stamped', at: T0 + 7000 });
    expect(h.actor.getSnapshot().context.now).toBe(T0 + 7000);
    expect(h.actor.getSnapshot().context.deadlines.chatIdle).toBe(T0 + 7000 + 1_800_000);
    // Time never runs backwards.
    h.actor.send({ type: 'user.message', text: 'late', at: T0 });
    expect(h.actor.getSnapshot().context.now).toBe(T0 + 7000);
  });

  it('fires a timeout from a clock.tick at its deadline in an actor restored without timers', async () => {
    const first = createHarness();
    await first.send(invoke);
    await first.advance(30_000);
    const snapshot = persist(first);
    first.actor.stop();

    const restored = createHarness({ snapshot, now: T0 + 30_000 });
    expect(restored.state()).toBe('queued.waiting');
    // XState does not restore pending timers (statelyai/xstate#5331): the clock alone fires nothing.
    restored.clock.set(T0 + 120_000);
    expect(restored.actionsOf('sendMessageToUser')).toEqual([]);
    const due = nextDeadline(restored.actor.getSnapshot());
    expect(due).toEqual({ timer: 'periodicMessage', at: T0 + 60_000 });
    await restored.send({ type: 'clock.tick', at: due!.at });
    expect(restored.actionsOf('sendMessageToUser')).toEqual([expect.objectContaining({ kind: 'queuePeriodic' })]);
    expect(nextDeadline(restored.actor.getSnapshot())).toEqual({ timer: 'periodicMessage', at: T0 + 120_000 });
  });

  it('replays every overdue timeout in deadline order from one late tick', async () => {
    const first = createHarness();
    await first.send(invoke);
    const snapshot = persist(first);
    first.actor.stop();

    const restored = createHarness({ snapshot, now: T0 + 1_000_000 });
    await restored.send({ type: 'clock.tick', at: T0 + 1_000_000 });
    expect(restored.actionsOf('sendMessageToUser').map((m) => (m as { kind: string }).kind)).toEqual(['queuePeriodic', 'queueOffer', 'maxQueueWait']);
    expect(restored.callsOf('cancelQueue')[0]!.input.reason).toBe('maxQueueWait');
    expect(restored.actor.getSnapshot().context.ended).toMatchObject({ reason: 'callback', at: T0 + 1_000_000 });
  });

  it('re-runs a step that was in flight when persisted, with the same input and idempotency key', async () => {
    const first = createHarness({ mode: 'manual' });
    await first.send(invoke);
    const build = first.callsOf('buildPayload')[0]!;
    build.resolve(payloadFor(build.input));
    await flush();
    const snapshot = persist(first);
    first.actor.stop();

    const restored = createHarness({ mode: 'manual', snapshot });
    await flush();
    expect(restored.state()).toBe('delivering.attempt.sending');
    expect(restored.callsOf('deliverToAutomationNode').map((c) => c.input)).toEqual(first.callsOf('deliverToAutomationNode').map((c) => c.input));
  });

  it('ignores a stale tick: nothing fires before its deadline', async () => {
    const h = createHarness();
    await h.send(invoke);
    await h.send({ type: 'clock.tick', at: T0 + 59_999 });
    expect(h.actionsOf('sendMessageToUser').map((m) => (m as { kind: string }).kind)).toEqual(['handoff', 'queueInitial']);
    expect(h.actor.getSnapshot().context.now).toBe(T0 + 59_999);
  });
});

describe('provisions', () => {
  it('lists every actor and action still on its failing default', () => {
    expect(missingProvisions(handoffMachine)).toHaveLength(12);
    expect(missingProvisions(createHarness().machine)).toEqual([]);
  });

  it('records the error of an actor that was not provided, naming how to provide it', async () => {
    const machine = handoffMachine.provide({ actions: { notify: () => undefined, sendMessageToUser: () => undefined } });
    const actor = createActor(machine, {
      input: { conversation: chat, settings: defaultLifecycleSettings(), event: { enabled: true, session: 'keepAlive', sendsMessage: false, unmetPrerequisites: [] }, startedAt: T0 },
    }).start();
    actor.send(invoke);
    await new Promise((resolve) => setImmediate(resolve));
    expect(actor.getSnapshot().context.ignored?.message).toMatch(/actor 'buildPayload' is not provided: pass it with handoffMachine\.provide/);
    actor.stop();
  });

  it('fails the actor loudly when an action was not provided', () => {
    const actor = createActor(handoffMachine, {
      input: { conversation: chat, settings: defaultLifecycleSettings(), event: { enabled: false, session: 'keepAlive', sendsMessage: false, unmetPrerequisites: [] }, startedAt: T0 },
    });
    const errors: unknown[] = [];
    actor.subscribe({ error: (error) => errors.push(error) });
    actor.start();
    actor.send(invoke);
    expect(actor.getSnapshot().status).toBe('error');
    expect(String(errors[0])).toMatch(/action 'notify' is not provided/);
  });
});
