// The memory store encodes the runtime's state when it gets to it, not when it is saved: that is only
// sound if nothing changes a state once saved. Every save here is encoded twice, at the save and after
// the whole lifecycle, and the two must match.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveAgentDesk } from '../src/runtime/live-agents/live-agent-desk.js';
import { createHandoffRuntime, type HandoffRuntime } from '../src/runtime/runtime.js';
import { deferredSaveOf, offerDeferredSave } from '../src/runtime/store/deferred-save.js';
import { createMemoryStore } from '../src/runtime/store/memory-store.js';
import type { ConversationStore, JsonValue } from '../src/runtime/store/store.js';
import { chat, config, createTestClock, defaultRules, invoke } from './runtime/support.js';

const runtimes: HandoffRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

/** A desk that takes every call at once and sends nothing: the test sends the agent's events. */
const quietDesk: LiveAgentDesk = {
  enqueue: () => Promise.resolve({ position: 2, estimatedWaitSeconds: 90 }),
  cancel: () => Promise.resolve(),
  relayUserMessage: () => Promise.resolve(),
  checkBusinessHours: () => Promise.resolve({ open: true }),
  checkAvailability: () => Promise.resolve({ available: true, agentsOnline: 1 }),
  subscribe: () => () => undefined,
};

/** A memory store whose deferred saves also record each state's JSON as it was at the save. */
function witnessedStore() {
  const inner = createMemoryStore();
  const deferred = deferredSaveOf(inner);
  if (!deferred) throw new Error('the memory store offers deferred saves');
  const saves: { readonly encode: () => JsonValue; readonly atSave: string }[] = [];
  const store: ConversationStore = {
    load: (id) => inner.load(id),
    save: (id, version, write) => inner.save(id, version, write),
    listDue: (before, options) => inner.listDue(before, options),
    delete: (id, version) => inner.delete(id, version),
    close: () => inner.close(),
  };
  offerDeferredSave(store, (id, version, encode, nextDeadline, last) => {
    saves.push({ encode, atSave: JSON.stringify(encode()) });
    return deferred(id, version, encode, nextDeadline, last);
  });
  return { store, saves };
}

describe('deferred saves', () => {
  it.each([true, false])('encode a saved state to the same JSON later as at the save (direct path: %s)', async (directPath) => {
    const { store, saves } = witnessedStore();
    const runtime = createHandoffRuntime({ config: config(), rules: defaultRules(), clock: createTestClock(), store, liveAgents: quietDesk, directPath });
    runtimes.push(runtime);
    const listened: string[] = [];
    runtime.subscribe((notification) => listened.push(notification.type));
    await runtime.start('c1', chat());
    await runtime.send('c1', { type: 'user.message', text: 'I want a person' });
    await runtime.send('c1', invoke());
    await runtime.send('c1', { type: 'queue.update', position: 1, estimatedWaitSeconds: 30 });
    await runtime.send('c1', { type: 'agent.offered', agentId: 'ana' });
    await runtime.send('c1', { type: 'agent.accepted', agentId: 'ana' });
    await runtime.send('c1', { type: 'agent.message', agentId: 'ana', text: 'Hello, I am Ana' });
    await runtime.send('c1', { type: 'user.message', text: 'Thanks' });
    await runtime.send('c1', { type: 'agent.ended', agentId: 'ana' });
    await runtime.idle();

    expect(saves.length).toBeGreaterThanOrEqual(10);
    expect(saves.map((save) => JSON.stringify(save.encode()))).toEqual(saves.map((save) => save.atSave));
    // The lifecycle went where the test says, with its notifications built and handed out.
    expect(listened).toContain('agentConnected');
    expect(JSON.parse(saves.at(-1)?.atSave ?? '{}')).toMatchObject({ state: { machine: { status: 'active' } } });
  });
});
