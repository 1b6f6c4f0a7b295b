// The memory store keeps the runtime's latest snapshots as objects; what a caller loads must not tell.
import { describe, expect, it } from 'vitest';
import { isHandoffError } from '../src/errors.js';
import { createMemoryStore, objectRowLimit } from '../src/runtime/store/memory-store.js';
import { sealSnapshot } from '../src/runtime/snapshot-envelope.js';
import { isRuntimeSnapshot, markRuntimeSnapshot } from '../src/runtime/store/runtime-snapshot.js';
import type { JsonValue } from '../src/runtime/store/store.js';

const runtimeSnapshot = (n: number, extra: Record<string, JsonValue> = {}) => markRuntimeSnapshot(sealSnapshot({ n, nested: { list: [n, { deep: `v${n}` }] }, ...extra }));
const asPlainJson = (snapshot: JsonValue): JsonValue => JSON.parse(JSON.stringify(snapshot)) as JsonValue;

describe('memory store with runtime snapshots', () => {
  it('sees the mark that other stores and JSON do not: a marked snapshot is a plain JSON object to them', () => {
    const marked = runtimeSnapshot(1);
    expect(isRuntimeSnapshot(marked)).toBe(true);
    expect(Object.getPrototypeOf(marked)).toBe(Object.prototype);
    expect(Object.keys(marked)).toEqual(['schemaVersion', 'state']);
    expect(JSON.parse(JSON.stringify(marked))).toEqual({ schemaVersion: 2, state: { n: 1, nested: { list: [1, { deep: 'v1' }] } } });
    expect(isRuntimeSnapshot({ ...marked })).toBe(false);
    expect(isRuntimeSnapshot(structuredClone(marked))).toBe(false);
  });

  it('loads every runtime snapshot back as saved, kept as an object or pushed out to JSON', async () => {
    const store = createMemoryStore();
    const count = objectRowLimit * 3;
    for (let n = 0; n < count; n++) {
      expect(await store.save(`c${n}`, 0, { snapshot: runtimeSnapshot(n), nextDeadline: n })).toEqual({ ok: true, version: 1 });
    }
    // Overwrite every other one, so some rows hold their second snapshot as an object, some as text.
    for (let n = 0; n < count; n += 2) await store.save(`c${n}`, 1, { snapshot: runtimeSnapshot(n + 1000), nextDeadline: null });
    for (let n = 0; n < count; n++) {
      const overwritten = n % 2 === 0;
      const loaded = await store.load(`c${n}`);
      expect(loaded).toEqual({
        conversationId: `c${n}`,
        snapshot: asPlainJson(runtimeSnapshot(overwritten ? n + 1000 : n)),
        version: overwritten ? 2 : 1,
        nextDeadline: overwritten ? null : n,
      });
      // A plain JSON copy, not the runtime's object.
      expect(isRuntimeSnapshot(loaded?.snapshot)).toBe(false);
    }
    expect(store.size).toBe(count);
  });

  it('gives a fresh copy of a snapshot still kept as an object', async () => {
    const store = createMemoryStore();
    await store.save('c1', 0, { snapshot: runtimeSnapshot(1), nextDeadline: null });
    const first = (await store.load('c1'))?.snapshot as { state: { nested: { list: unknown[] } } };
    first.state.nested.list.push('changed');
    expect((await store.load('c1'))?.snapshot).toEqual(asPlainJson(runtimeSnapshot(1)));
  });

  it('reports a runtime snapshot that is not JSON for that conversation alone, losing no other', async () => {
    const store = createMemoryStore();
    await store.save('broken', 0, { snapshot: runtimeSnapshot(0, { big: 1n as unknown as JsonValue }), nextDeadline: 5 });
    // Enough later saves to push the broken row out of the objects: that must not fail them.
    for (let n = 1; n <= objectRowLimit + 1; n++) expect((await store.save(`c${n}`, 0, { snapshot: runtimeSnapshot(n), nextDeadline: null })).ok).toBe(true);
    const error = await store.load('broken').then(() => undefined, (reason: unknown) => reason);
    expect(isHandoffError(error, 'CORRUPT_SNAPSHOT')).toBe(true);
    expect((error as Error).message).toContain('"broken"');
    expect(await store.listDue(10)).toEqual([{ conversationId: 'broken', nextDeadline: 5 }]);
    expect((await store.load(`c${objectRowLimit}`))?.snapshot).toEqual(asPlainJson(runtimeSnapshot(objectRowLimit)));
  });

  it('forgets a deleted conversation and takes no more calls once closed', async () => {
    const store = createMemoryStore();
    await store.save('c1', 0, { snapshot: runtimeSnapshot(1), nextDeadline: null });
    expect(await store.delete('c1', 1)).toBe(true);
    expect(await store.load('c1')).toBeUndefined();
    expect((await store.save('c1', 0, { snapshot: runtimeSnapshot(2), nextDeadline: null })).ok).toBe(true);
    await store.close();
    const error = await store.load('c1').then(() => undefined, (reason: unknown) => reason);
    expect(isHandoffError(error, 'RUNTIME_CLOSED')).toBe(true);
  });
});
