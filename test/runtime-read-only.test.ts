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
import { chat, invoke, manualDeskRuntime } from './runtime/support.js';

const runtimes: HandoffRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

const runtimeWith = (options: Partial<HandoffRuntimeOptions> = {}) => manualDeskRuntime(runtimes, options);

const storedContext = async (store: ReturnType<typeof createMemoryStore>, id: string) =>
  ((await store.load(id))?.snapshot as { state: { machine: { value: unknown; context: Record<string, unknown> } } }).state.machine;

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
    expect((await storedContext(store, 'a')).value).toEqual({ queued: 'waiting' });
  });

  it('contains a listener that changes a notification in place, and keeps the stored state as it was', async () => {
    const { runtime, store, logged } = runtimeWith();
    runtime.subscribe((notification: HandoffNotification) => {
      if (notification.type === 'ended' && notification.ended) (notification.ended as { reason: string }).reason = 'tampered';
    });
    await runtime.start('c1', chat());
    await runtime.send('c1', { type: 'user.left', how: 'left' });
    expect(logged.map((entry) => entry.message)).toEqual(['A notification listener threw']);
    expect((await storedContext(store, 'c1')).context.ended).toMatchObject({ reason: 'userLeft' });
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

  it('refuses a store that edits the snapshot it is given, so the conversation in memory stays as it was', async () => {
    const inner = createMemoryStore();
    let meddle = true;
    const meddling: ConversationStore = {
      ...inner,
      save: (id, version, write) => {
        const context = (write.snapshot as { state: { machine: { context: { conversation: { memory: Record<string, unknown> } } } } }).state.machine.context;
        if (meddle) context.conversation.memory.injected = true;
        return inner.save(id, version, write);
      },
    };
    const { runtime } = runtimeWith({ store: meddling });
    await expect(runtime.start('c1', chat())).rejects.toThrow(TypeError);
    meddle = false;
    await runtime.start('c1', chat());
    const view = await runtime.send('c1', invoke());
    expect(view.state).toBe('queued.waiting');
    expect((await storedContext(inner, 'c1')).context.conversation).not.toHaveProperty('memory.injected');
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
    const payload = ((await storedContext(store, 'c1')).context.handoff as { payload: { parameters: Record<string, unknown> } }).payload;
    expect(payload.parameters).not.toHaveProperty('deskNote');
  });
});
