// `runtime.delete` of a record no runtime can read: a corrupt one goes (it cannot be running), at the
// version the store holds; one of another schema version stays (a newer runtime may be running it).
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '../src/runtime/json-value.js';
import type { HandoffRuntime } from '../src/runtime/runtime.js';
import { sealSnapshot } from '../src/runtime/snapshot-envelope.js';
import { deferredSaveOf } from '../src/runtime/store/deferred-save.js';
import { createMemoryStore } from '../src/runtime/store/memory-store.js';
import type { ConversationStore } from '../src/runtime/store/store.js';
import { errorShape, rejectedHandoffError } from './support/catch-handoff-error.js';
import { chat, forwardingStore, manualDeskRuntime, T0 } from './runtime/support.js';

const runtimes: HandoffRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

/** A memory store that records the version each delete was asked to delete at. */
function recordingStore() {
  const store = createMemoryStore();
  const deletes: [string, number | undefined][] = [];
  const recording = forwardingStore(store, {
    delete: (id, expectedVersion) => {
      deletes.push([id, expectedVersion]);
      return store.delete(id, expectedVersion);
    },
  });
  return { memory: store, store: recording, deletes };
}

/** Saves `snapshot` as the record of `conversationId`, `saves` times over, so it ends at version `saves`. */
async function plant(store: ConversationStore, conversationId: string, snapshot: JsonValue, saves = 1, nextDeadline: number | null = null): Promise<void> {
  for (let version = 0; version < saves; version++) {
    const result = await store.save(conversationId, version, { snapshot, nextDeadline });
    if (!result.ok) throw new Error(`could not plant ${conversationId}`);
  }
}

describe('runtime.delete of a record that cannot be read', () => {
  it('deletes a record whose snapshot is corrupt, at the version the store holds, so its id can start again', async () => {
    const { store, memory, deletes } = recordingStore();
    const { runtime } = manualDeskRuntime(runtimes, { store });
    await plant(store, 'garbage', sealSnapshot({ nonsense: true }), 3);
    await plant(store, 'not-an-envelope', 'hello');
    expect(errorShape(await rejectedHandoffError(runtime.get('garbage'))).code).toBe('CORRUPT_SNAPSHOT');

    expect(await runtime.delete('garbage')).toBe(true);
    expect(await runtime.delete('not-an-envelope')).toBe(true);
    expect(deletes).toEqual([
      ['garbage', 3],
      ['not-an-envelope', 1],
    ]);
    expect(memory.size).toBe(0);
    expect(await runtime.delete('garbage')).toBe(false);
    expect(await runtime.start('garbage', chat())).toMatchObject({ state: 'aiHandling', version: 1 });
  });

  it('deletes a corrupt record even when the store cannot hand back its row, without an expected version', async () => {
    const { store, memory, deletes } = recordingStore();
    const { runtime } = manualDeskRuntime(runtimes, { store });
    // The runtime's own deferred save of a state that is not JSON: the memory store's load rejects it.
    const save = deferredSaveOf(memory);
    if (!save) throw new Error('the memory store offers deferred saves');
    save('unparsable', 0, () => ({ big: 1n as unknown as JsonValue }), null, false);
    expect(errorShape(await rejectedHandoffError(store.load('unparsable'))).code).toBe('CORRUPT_SNAPSHOT');

    expect(await runtime.delete('unparsable')).toBe(true);
    expect(deletes).toEqual([['unparsable', undefined]]);
    expect(memory.size).toBe(0);
  });

  it('keeps a record of another snapshot schema version and says why, since a newer runtime may be running it', async () => {
    const { store, memory, deletes } = recordingStore();
    const { runtime } = manualDeskRuntime(runtimes, { store });
    await plant(store, 'future', { schemaVersion: 99, state: { whatever: 1 } });

    const error = await rejectedHandoffError(runtime.delete('future'));
    expect(errorShape(error).code).toBe('UNSUPPORTED_SNAPSHOT_VERSION');
    expect(deletes).toEqual([]);
    expect(memory.size).toBe(1);
  });

  it('stops timing out a corrupt record once it is deleted', async () => {
    const { store } = recordingStore();
    const { runtime, clock, logged } = manualDeskRuntime(runtimes, { store, deadlines: { pollIntervalMs: 1000 } });
    await plant(store, 'garbage', sealSnapshot({ nonsense: true }), 1, T0 + 2_500);
    // The scheduler has seen its deadline before it is deleted.
    await clock.advance(1_000, () => runtime.idle());

    expect(await runtime.delete('garbage')).toBe(true);
    await clock.advance(60_000, () => runtime.idle());
    expect(logged).toEqual([]);
  });

  it('forgets the host it kept in memory for a conversation whose record turned corrupt, so a new conversation under the id is not answered from it', async () => {
    const { store } = recordingStore();
    const a = manualDeskRuntime(runtimes, { store }).runtime;
    const b = manualDeskRuntime(runtimes, { store }).runtime;
    await a.start('c1', chat(1));
    await a.send('c1', { id: 'evt-1', type: 'user.message', text: 'hi' });
    const { version } = await a.get('c1');
    // Another writer breaks the record under the running runtime.
    await store.save('c1', version, { snapshot: sealSnapshot({ nonsense: true }), nextDeadline: null });

    expect(await a.delete('c1')).toBe(true);
    await b.start('c1', chat(2));
    // The new conversation has not seen evt-1: it is no redelivery, whatever the old one saw.
    expect(await a.send('c1', { id: 'evt-1', type: 'user.message', text: 'hi' })).toMatchObject({ redelivered: false, version: 2 });
  });
});
