// The memory store keeps the runtime's latest states unencoded; what a caller loads must not tell.
import { describe, expect, it } from 'vitest';
import { isHandoffError } from '../src/errors.js';
import { createMemoryStore, deferredRowLimit } from '../src/runtime/store/memory-store.js';
import { sealSnapshot } from '../src/runtime/snapshot-envelope.js';
import { deferredSaveOf, type StateSave } from '../src/runtime/store/deferred-save.js';
import type { ConversationStore, JsonValue, SaveResult } from '../src/runtime/store/store.js';

const runtimeSnapshot = (n: number, extra: Record<string, JsonValue> = {}) => sealSnapshot({ n, nested: { list: [n, { deep: `v${n}` }] }, ...extra });
const asPlainJson = (snapshot: JsonValue): JsonValue => JSON.parse(JSON.stringify(snapshot)) as JsonValue;

/** Saves as the runtime does (deferred when the store offers it, else through save); counts how often each state was encoded. */
function runtimeSaver(store: ConversationStore) {
  const deferred: StateSave | undefined = deferredSaveOf(store);
  // Async, so a deferred save's synchronous throw (a bad version, a closed store) is a rejection here too.
  const save = async (id: string, version: number, encode: () => JsonValue, nextDeadline: number | null, last: boolean): Promise<SaveResult> =>
    deferred ? deferred(id, version, encode, nextDeadline, last) : store.save(id, version, { snapshot: encode(), nextDeadline });
  const encoded: number[] = [];
  return {
    encoded,
    save: (id: string, version: number, n: number, nextDeadline: number | null = null, extra: Record<string, JsonValue> = {}, last = false) =>
      save(id, version, () => {
        encoded.push(n);
        return runtimeSnapshot(n, extra);
      }, nextDeadline, last),
  };
}

describe('memory store with the runtime’s deferred saves', () => {
  it('encodes a state only when it is loaded or pushed out, so overwritten saves are never encoded', async () => {
    const store = createMemoryStore();
    const runtime = runtimeSaver(store);
    for (let version = 0; version < 5; version++) expect(await runtime.save('c1', version, version)).toEqual({ ok: true, version: version + 1 });
    expect(runtime.encoded).toEqual([]);
    expect((await store.load('c1'))?.snapshot).toEqual(asPlainJson(runtimeSnapshot(4)));
    expect(runtime.encoded).toEqual([4]);
    await store.load('c1');
    expect(runtime.encoded).toEqual([4]);
  });

  it('encodes the last save of an ended conversation at once: no later save replaces it', async () => {
    const store = createMemoryStore();
    const runtime = runtimeSaver(store);
    await runtime.save('c1', 0, 1);
    await runtime.save('c1', 1, 2, null, {}, true);
    expect(runtime.encoded).toEqual([2]);
    expect((await store.load('c1'))?.snapshot).toEqual(asPlainJson(runtimeSnapshot(2)));
    expect(runtime.encoded).toEqual([2]);
  });

  it('gives other stores, and a wrapper around a memory store, the encoded JSON through save', async () => {
    const inner = createMemoryStore();
    const writes: JsonValue[] = [];
    const wrapper: ConversationStore = {
      ...inner,
      save: (id, version, write) => {
        writes.push(write.snapshot);
        return inner.save(id, version, write);
      },
    };
    expect(deferredSaveOf(inner)).toBeTypeOf('function');
    expect(deferredSaveOf(wrapper)).toBeUndefined();
    const runtime = runtimeSaver(wrapper);
    await runtime.save('c1', 0, 1, 7);
    expect(writes).toEqual([runtimeSnapshot(1)]);
    expect(runtime.encoded).toEqual([1]);
    expect(await inner.load('c1')).toMatchObject({ snapshot: asPlainJson(runtimeSnapshot(1)), version: 1, nextDeadline: 7 });
  });

  it('checks a deferred save as any other: compare-and-set, version and deadline', async () => {
    const store = createMemoryStore();
    const runtime = runtimeSaver(store);
    await runtime.save('c1', 0, 1);
    expect(await runtime.save('c1', 0, 2)).toEqual({ ok: false, code: 'VERSION_CONFLICT', expectedVersion: 0 });
    await expect(runtime.save('c1', -1, 2)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runtime.save('c1', 1, 2, Number.NaN)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await store.load('c1'))?.snapshot).toEqual(asPlainJson(runtimeSnapshot(1)));
  });

  it('loads every runtime snapshot back as saved, kept as an object or pushed out to JSON', async () => {
    const store = createMemoryStore();
    const runtime = runtimeSaver(store);
    const count = deferredRowLimit * 3;
    for (let n = 0; n < count; n++) expect(await runtime.save(`c${n}`, 0, n, n)).toEqual({ ok: true, version: 1 });
    // Overwrite every other one, so some rows hold their second state unencoded, some as text.
    for (let n = 0; n < count; n += 2) await runtime.save(`c${n}`, 1, n + 1000);
    for (let n = 0; n < count; n++) {
      const overwritten = n % 2 === 0;
      const loaded = await store.load(`c${n}`);
      expect(loaded).toEqual({
        conversationId: `c${n}`,
        snapshot: asPlainJson(runtimeSnapshot(overwritten ? n + 1000 : n)),
        version: overwritten ? 2 : 1,
        nextDeadline: overwritten ? null : n,
      });
    }
    expect(store.size).toBe(count);
    // Each state encoded at most once, however it left the deferred rows (pushed out, or loaded).
    expect(new Set(runtime.encoded).size).toBe(runtime.encoded.length);
  });

  it('gives a fresh copy of a state still kept unencoded', async () => {
    const store = createMemoryStore();
    await runtimeSaver(store).save('c1', 0, 1);
    const first = (await store.load('c1'))?.snapshot as { state: { nested: { list: unknown[] } } };
    first.state.nested.list.push('changed');
    expect((await store.load('c1'))?.snapshot).toEqual(asPlainJson(runtimeSnapshot(1)));
  });

  it('reports a runtime state that is not JSON for that conversation alone, losing no other', async () => {
    const store = createMemoryStore();
    const runtime = runtimeSaver(store);
    await runtime.save('broken', 0, 0, 5, { big: 1n as unknown as JsonValue });
    // Enough later saves to push the broken row out of the unencoded ones: that must not fail them.
    for (let n = 1; n <= deferredRowLimit + 1; n++) expect((await runtime.save(`c${n}`, 0, n)).ok).toBe(true);
    const error = await store.load('broken').then(() => undefined, (reason: unknown) => reason);
    expect(isHandoffError(error, 'CORRUPT_SNAPSHOT')).toBe(true);
    expect((error as Error).message).toContain('"broken"');
    expect(await store.listDue(10)).toEqual([{ conversationId: 'broken', nextDeadline: 5 }]);
    expect((await store.load(`c${deferredRowLimit}`))?.snapshot).toEqual(asPlainJson(runtimeSnapshot(deferredRowLimit)));
  });

  it('forgets a deleted conversation and takes no more calls once closed', async () => {
    const store = createMemoryStore();
    const runtime = runtimeSaver(store);
    await runtime.save('c1', 0, 1);
    expect(await store.delete('c1', 1)).toBe(true);
    expect(await store.load('c1')).toBeUndefined();
    expect((await runtime.save('c1', 0, 2)).ok).toBe(true);
    await store.close();
    const error = await store.load('c1').then(() => undefined, (reason: unknown) => reason);
    expect(isHandoffError(error, 'RUNTIME_CLOSED')).toBe(true);
  });
});
