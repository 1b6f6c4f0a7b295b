// The memory store encodes the runtime's state when it gets to it, not when it is saved: that is only
// sound if nothing changes a state once saved. Every save here is encoded twice, at the save and after
// the whole lifecycle, and the two must match.
import { afterEach, describe, expect, it } from 'vitest';
import type { HandoffRuntime } from '../src/runtime/runtime.js';
import { deferredSaveOf, offerDeferredSave } from '../src/runtime/store/deferred-save.js';
import { createMemoryStore } from '../src/runtime/store/memory-store.js';
import type { ConversationStore, JsonValue } from '../src/runtime/store/store.js';
import { chat, invoke, manualDeskRuntime } from './runtime/support.js';

const runtimes: HandoffRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

/** A memory store whose deferred saves also record each state's JSON as it was at the save. */
function witnessedStore() {
  const inner = createMemoryStore();
  const deferred = deferredSaveOf(inner);
  if (!deferred) throw new Error('the memory store offers deferred saves');
  const saves: { readonly encode: () => JsonValue; readonly atSave: string }[] = [];
  // Another object, so the deferred save below is the wrapper's own.
  const store: ConversationStore = { ...inner };
  offerDeferredSave(store, (id, version, encode, nextDeadline, last) => {
    saves.push({ encode, atSave: JSON.stringify(encode()) });
    return deferred(id, version, encode, nextDeadline, last);
  });
  return { store, saves };
}

describe('deferred saves', () => {
  it.each([true, false])('encode a saved state to the same JSON later as at the save (direct path: %s)', async (directPath) => {
    const { store, saves } = witnessedStore();
    // The desk offers nothing on its own (manual offers): the test sends the agent's events.
    const { runtime, types, logged } = manualDeskRuntime(runtimes, { store, directPath });
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
    expect(types()).toContain('agentConnected');
    expect(JSON.parse(saves.at(-1)?.atSave ?? '{}')).toMatchObject({ state: { machine: { status: 'active' } } });
    // After the agent, the default settings return the conversation to the AI; nothing failed on the way.
    expect(await runtime.get('c1')).toMatchObject({ status: 'active', state: 'aiHandling' });
    expect(logged).toEqual([]);
  });
});
