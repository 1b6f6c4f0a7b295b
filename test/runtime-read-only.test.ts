// What the runtime hands out is the conversation's own state, so it is read-only: a host, listener or
// adapter that changes it in place fails at the change, and no conversation is rewritten behind the runtime.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveAgentDesk } from '../src/runtime/live-agents/live-agent-desk.js';
import { createSimulatedDesk } from '../src/runtime/live-agents/simulated-desk.js';
import type { HandoffNotification } from '../src/runtime/notifications.js';
import type { HandoffRuntime } from '../src/runtime/runtime.js';
import type { HandoffRuntimeOptions } from '../src/runtime/runtime-options.js';
import { createMemoryStore } from '../src/runtime/store/memory-store.js';
import type { ConversationStore } from '../src/runtime/store/store.js';
import { chat, countingNode, invoke, manualDeskRuntime } from './runtime/support.js';

const runtimes: HandoffRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

const runtimeWith = (options: Partial<HandoffRuntimeOptions> = {}) => manualDeskRuntime(runtimes, options);

interface StoredMachine {
  value: unknown;
  context: Record<string, unknown>;
  children?: Record<string, { snapshot: { input: unknown } }>;
}

/** The machine part of a stored snapshot: what a store holds of a conversation's state. */
const storedMachine = async (store: ReturnType<typeof createMemoryStore>, id: string) =>
  ((await store.load(id))?.snapshot as unknown as { state: { machine: StoredMachine } }).state.machine;

describe('the state the runtime hands out is read-only', () => {
  it('refuses a change to a view, which would otherwise reach every conversation sharing the state value', async () => {
    const { runtime, store } = runtimeWith();
    await runtime.start('a', chat(1));
    await runtime.start('b', chat(2));
    const view = await runtime.send('a', invoke());
    await runtime.send('b', invoke());
    expect(() => {
      (view.value as Record<string, string>).queued = 'offered';
    }).toThrow(TypeError);
    expect(() => {
      (view.target as { type: string }).type = 'workflow';
    }).toThrow(TypeError);
    expect((await runtime.get('a')).state).toBe('queued.waiting');
    expect((await runtime.get('b')).state).toBe('queued.waiting');
    expect((await storedMachine(store, 'a')).value).toEqual({ queued: 'waiting' });
  });

  it('contains a listener that changes a notification in place, and keeps the stored state as it was', async () => {
    const { runtime, store, logged } = runtimeWith();
    runtime.subscribe((notification: HandoffNotification) => {
      if (notification.type === 'ended' && notification.ended) (notification.ended as { reason: string }).reason = 'tampered';
    });
    await runtime.start('c1', chat());
    await runtime.send('c1', { type: 'user.left', how: 'left' });
    expect(logged.map((entry) => entry.message)).toEqual(['A notification listener threw']);
    expect((await storedMachine(store, 'c1')).context.ended).toMatchObject({ reason: 'userLeft' });
    expect((await runtime.get('c1')).ended).toMatchObject({ reason: 'userLeft' });
  });

  it('gives every listener the notification as it was: one that changes it fails, the next sees the original', async () => {
    const { runtime, logged } = runtimeWith();
    const seen: string[] = [];
    runtime.subscribe((notification) => {
      (notification as { type: string }).type = 'tampered';
    });
    runtime.subscribe((notification) => seen.push(notification.type));
    await runtime.start('c1', chat());
    await runtime.send('c1', { type: 'user.left', how: 'left' });
    expect(seen).toEqual(['ended']);
    expect(logged.map((entry) => entry.message)).toEqual(['A notification listener threw']);
  });

  /** A memory store behind a wrapper (so the runtime hands it plain JSON) that runs `edit` on every snapshot while `meddling`. */
  const meddlingStore = (edit: (machine: StoredMachine) => void) => {
    const inner = createMemoryStore();
    const control = { meddling: false };
    const store: ConversationStore = {
      ...inner,
      save: (id, version, write) => {
        if (control.meddling) edit((write.snapshot as unknown as { state: { machine: StoredMachine } }).state.machine);
        return inner.save(id, version, write);
      },
    };
    return { inner, store, control };
  };

  it('refuses a store that edits a running step’s input in the snapshot it is given, so the delivery is not rewritten', async () => {
    const { store, control } = meddlingStore((machine) => {
      for (const child of Object.values(machine.children ?? {})) (child.snapshot.input as { sequence: number }).sequence = 99;
    });
    const node = countingNode();
    const { runtime } = runtimeWith({ store, automationNode: node });
    await runtime.start('c1', chat());
    control.meddling = true;
    // The save before the delivery holds the delivery's input: the edit fails there, before anything is delivered.
    await expect(runtime.send('c1', invoke())).rejects.toThrow(TypeError);
    expect(node.requests).toEqual([]);
    control.meddling = false;
    expect(await runtime.send('c1', invoke())).toMatchObject({ state: 'queued.waiting', sequence: 1 });
    expect(node.requests.map((request) => request.idempotencyKey)).toEqual(['c1:1']);
  });

  it('refuses a store that edits the state value in the snapshot it is given, on the XState path too', async () => {
    const { inner, store, control } = meddlingStore((machine) => {
      if (typeof machine.value === 'object') (machine.value as Record<string, unknown>).tampered = 'yes';
    });
    const { runtime } = runtimeWith({ store, directPath: false });
    await runtime.start('c1', chat());
    control.meddling = true;
    await expect(runtime.send('c1', invoke())).rejects.toThrow(TypeError);
    control.meddling = false;
    const view = await runtime.send('c1', invoke());
    expect(view.state).toBe('queued.waiting');
    expect((await storedMachine(inner, 'c1')).value).toEqual({ queued: 'waiting' });
  });

  it('refuses a store that edits the context in the snapshot it is given', async () => {
    const { inner, store, control } = meddlingStore((machine) => {
      (machine.context.conversation as { memory: Record<string, unknown> }).memory.injected = true;
    });
    const { runtime } = runtimeWith({ store });
    await runtime.start('c1', chat());
    control.meddling = true;
    await expect(runtime.send('c1', { type: 'user.message', text: 'hello' })).rejects.toThrow(TypeError);
    control.meddling = false;
    await runtime.send('c1', { type: 'user.message', text: 'hello again' });
    expect((await storedMachine(inner, 'c1')).context.conversation).not.toHaveProperty('memory.injected');
  });

  it('fails the step of an adapter that changes its input in place, to the machine’s fallback, with the payload intact', async () => {
    const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual' });
    const meddling: LiveAgentDesk = {
      ...desk,
      enqueue: async (request) => {
        (request.payload.parameters as Record<string, unknown>).deskNote = 'added by the desk';
        return desk.enqueue(request);
      },
    };
    const { runtime, store } = runtimeWith({ liveAgents: meddling });
    await runtime.start('c1', chat());
    const view = await runtime.send('c1', invoke());
    expect(view.failure).toMatchObject({ stage: 'enqueue', message: expect.stringContaining('object is not extensible') as unknown });
    const payload = ((await storedMachine(store, 'c1')).context.handoff as { payload: { parameters: Record<string, unknown> } }).payload;
    expect(payload.parameters).not.toHaveProperty('deskNote');
  });
});
