// The memory store keeps the runtime's latest states unencoded, and its deadlines in an index that
// lags behind the latest saves; what a caller loads or lists must not tell.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHandoffError } from '../src/errors.js';
import { createMemoryStore, deferredRowLimit, type MemoryConversationStore } from '../src/runtime/store/memory-store.js';
import { deadlineLagLimit } from '../src/runtime/store/deadline-index.js';
import { sealSnapshot } from '../src/runtime/snapshot-envelope.js';
import { deferredSaveOf, type StateSave } from '../src/runtime/store/deferred-save.js';
import type { ConversationStore, DueConversation, JsonValue, SaveResult } from '../src/runtime/store/store.js';
import { allPages, byDue, deadlinesOf, naiveDue, trackedRows, type TrackedRow } from './support/due-order.js';

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

describe('memory store listDue over its deadline index', () => {
  it('lists the few due conversations among many waiting and many with no deadline', async () => {
    const store = createMemoryStore();
    const now = 1_767_225_600_000;
    const deadlines = new Map<string, number | null>();
    const save = async (id: string, deadline: number | null) => {
      deadlines.set(id, deadline);
      await store.save(id, 0, { snapshot: 1, nextDeadline: deadline });
    };
    for (let i = 0; i < 5000; i++) await save(`ended-${i}`, null);
    for (let i = 0; i < 5000; i++) await save(`waiting-${i}`, now + 1 + ((i * 7919) % 1_800_000));
    for (let i = 0; i < 40; i++) await save(`due-${i}`, now - ((i * 7919) % 20_000));
    const due = naiveDue(deadlines, now, Number.MAX_SAFE_INTEGER);
    expect(due).toHaveLength(40);
    expect(await store.listDue(now, { limit: 1000 })).toEqual(due);
    expect((await allPages(store, now, 7)).flat()).toEqual(due);
    expect(await store.listDue(now + 60_000, { limit: 1000 })).toEqual(naiveDue(deadlines, now + 60_000, 1000));
  });

  it('pages by a small limit through thousands due in one second, as a scan would, while rows join, move and leave between pages', async () => {
    const store = createMemoryStore();
    const { rows, put, remove: forget, deadlines } = trackedRows(store, (result, version) => {
      expect(result).toEqual({ ok: true, version });
    });
    const remove = async (id: string) => {
      expect(await forget(id)).toBe(true);
    };
    // 3 000 in second 7, on nine deadlines (about 330 tied on each), ids whose code-unit order is not
    // numeric order; a few in the seconds around it.
    for (let i = 0; i < 3000; i++) await put(`r${(i * 7919) % 3000}`, 7000 + (i % 9) * 111);
    for (const [id, deadline] of [['early', 6999], ['late', 8000], ['later', 9500]] as const) await put(id, deadline);
    // Between pages, one change, as when the scheduler fires what it listed and new conversations start;
    // the next page is the first read to meet it. `far` is one not listed yet, `next` the first of those,
    // `later` the ones in a later second.
    interface Between {
      readonly page: number;
      readonly cursor: DueConversation;
      readonly next: DueConversation | undefined;
      readonly far: DueConversation | undefined;
      readonly later: readonly DueConversation[];
    }
    const farMovesToStartOfSecond = async ({ far }: Between) => {
      if (far) await put(far.conversationId, 7000);
    };
    const farMovesToCursorDeadline = async ({ far, cursor }: Between) => {
      if (far) await put(far.conversationId, cursor.nextDeadline);
    };
    const joinsTiedJustAfterCursor = ({ cursor }: Between) => put(`${cursor.conversationId}+`, cursor.nextDeadline);
    // R sorts before r in code units, not in locale order.
    const joinsTiedBeforeCursor = ({ page, cursor }: Between) => put(`R${page}`, cursor.nextDeadline);
    const nextLeavesForLaterSecond = async ({ next }: Between) => {
      if (next) await put(next.conversationId, 8500);
    };
    const cursorMovesOneMsLater = ({ cursor }: Between) => put(cursor.conversationId, cursor.nextDeadline + 1);
    const cursorLeaves = ({ cursor }: Between) => remove(cursor.conversationId);
    const nextIsDeleted = async ({ next }: Between) => {
      if (next) await remove(next.conversationId);
    };
    const laterMovesInAfterCursor = async ({ page, later, cursor }: Between) => {
      const mover = later[page % Math.max(1, later.length)];
      if (mover) await put(mover.conversationId, Math.min(7999, cursor.nextDeadline + 50));
    };
    const changes = [
      farMovesToStartOfSecond,
      joinsTiedJustAfterCursor,
      nextLeavesForLaterSecond,
      cursorMovesOneMsLater,
      nextIsDeleted,
      laterMovesInAfterCursor,
      farMovesToCursorDeadline,
      joinsTiedBeforeCursor,
      nextLeavesForLaterSecond,
      cursorLeaves,
      nextIsDeleted,
      laterMovesInAfterCursor,
    ];
    for (const before of [7999, 7000 + 4 * 111]) {
      let after: DueConversation | undefined;
      let listed = 0;
      for (let page = 0; ; page++) {
        const expected = naiveDue(deadlines(), before, 9, after);
        expect(await store.listDue(before, after ? { limit: 9, after } : { limit: 9 })).toEqual(expected);
        if (expected.length === 0) break;
        listed += expected.length;
        after = expected.at(-1)!;
        const cursor = after;
        const ahead = [...rows].flatMap(([conversationId, row]) =>
          row.deadline !== null && row.deadline >= 7000 && byDue({ conversationId, nextDeadline: row.deadline }, cursor) > 0 ? [{ conversationId, nextDeadline: row.deadline }] : [],
        );
        const next = ahead.reduce<DueConversation | undefined>((first, row) => (first && byDue(first, row) < 0 ? first : row), undefined);
        const far = ahead[(page * 13) % Math.max(1, ahead.length)];
        const later = ahead.filter((row) => row.nextDeadline >= 8000);
        await changes[page % changes.length]!({ page, cursor, next, far, later });
      }
      expect(listed).toBeGreaterThan(before === 7999 ? 2500 : 1000);
    }
    // Every row still due, in one page, after all that.
    expect(await store.listDue(7999, { limit: 10_000 })).toEqual(naiveDue(deadlines(), 7999, 10_000));
  });

  it('lists the deadlines the runtime saved, also when more conversations changed than the index lags behind', async () => {
    const store = createMemoryStore();
    const runtime = runtimeSaver(store);
    const deadlines = new Map<string, number | null>();
    const count = 2 * deadlineLagLimit + 10;
    // Every conversation moves its deadline three times, the last save of some ending it (encoded at once).
    for (let n = 0; n < count; n++) {
      await runtime.save(`c${n}`, 0, n, 10_000 + n);
      await runtime.save(`c${n}`, 1, n, 5000 - n);
      const ended = n % 5 === 0;
      const deadline = ended ? null : n % 2 === 0 ? 3 * n : 4 * n + 1;
      await runtime.save(`c${n}`, 2, n, deadline, {}, ended);
      deadlines.set(`c${n}`, deadline);
      // A read half-way, after newer changes pushed out older ones: the index catches up on both.
      if (n === deadlineLagLimit + 100) expect(await store.listDue(2000, { limit: 3 })).toEqual(naiveDue(deadlines, 2000, 3));
    }
    for (const before of [0, 1000, 2999, 3000, 20_000]) expect(await store.listDue(before, { limit: count })).toEqual(naiveDue(deadlines, before, count));
    expect((await allPages(store, 20_000, 100)).flat()).toEqual(naiveDue(deadlines, 20_000, count));
  });

  it('lists what a scan of every conversation lists, through any saves, runtime saves and deletes', async () => {
    interface Model {
      /** Per stored conversation: its version and deadline. */
      readonly rows: Map<string, TrackedRow>;
    }
    interface Real {
      readonly store: MemoryConversationStore;
      readonly runtime: ReturnType<typeof runtimeSaver>;
    }
    type DueCommand = fc.AsyncCommand<Model, Real>;
    const command = (label: string, run: (model: Model, real: Real) => Promise<void>): DueCommand => ({ check: () => true, run, toString: () => label });

    // Ids whose code-unit order is not locale order, and some of the crowd's, so single saves and deletes
    // also change a crowded second; deadlines bunched around second boundaries, negative ones too.
    const id = fc.oneof(fc.constantFrom('a', 'B', 'b', 'a10', 'a9', 'ä', 'c'), fc.constantFrom('crowd-0', 'crowd-7', 'crowd-512', 'crowd-1024'));
    const deadline = fc.option(fc.oneof(fc.constantFrom(-1000, -1, 0, 999, 1000, 1001, 1999, 2000), fc.integer({ min: -2500, max: 4500 })), { nil: null });
    const before = fc.oneof(fc.integer({ min: -3000, max: 5000 }), fc.constant(Number.MAX_SAFE_INTEGER));
    const limit = fc.integer({ min: 1, max: 6 });
    // A page, or all of a crowd at once: rows a change left stale in a sorted copy are rarely among a few.
    const listLimit = fc.oneof(limit, fc.constant(2000));
    // A cursor anywhere, or the row a page ended on: the n-th due one (wrapping), taken when listing.
    const after = fc.option(
      fc.oneof(fc.record({ conversationId: fc.constantFrom('', 'a', 'a9', 'b', 'ä', 'zz', 'crowd-5'), nextDeadline: fc.integer({ min: -2500, max: 4500 }) }), fc.nat({ max: 1100 })),
      { nil: undefined },
    );

    const save = fc
      .tuple(id, deadline, fc.constantFrom('save', 'runtime', 'runtime, last'))
      .map(([conversationId, nextDeadline, how]) =>
        command(`${how} ${conversationId} @${nextDeadline}`, async (model, real) => {
          const version = model.rows.get(conversationId)?.version ?? 0;
          const result =
            how === 'save'
              ? await real.store.save(conversationId, version, { snapshot: version, nextDeadline })
              : await real.runtime.save(conversationId, version, version, nextDeadline, {}, how === 'runtime, last');
          expect(result).toEqual({ ok: true, version: version + 1 });
          model.rows.set(conversationId, { version: version + 1, deadline: nextDeadline });
        }),
      );
    const remove = id.map((conversationId) =>
      command(`delete ${conversationId}`, async (model, real) => {
        expect(await real.store.delete(conversationId)).toBe(model.rows.has(conversationId));
        model.rows.delete(conversationId);
      }),
    );
    // More conversations change than the index lags behind, so it catches up during saves; spread over
    // 3 s, or crowded into one second or two: all on one deadline, or tied in groups of about 150.
    const crowd = fc.tuple(fc.integer({ min: -3000, max: 3000 }), fc.constantFrom(3000, 7, 1), fc.boolean()).map(([base, spread, clear]) =>
      command(`crowd @${base} over ${spread} ms${clear ? ', then cleared' : ''}`, async (model, real) => {
        for (let n = 0; n <= deadlineLagLimit; n++) {
          const conversationId = `crowd-${n}`;
          const version = model.rows.get(conversationId)?.version ?? 0;
          const nextDeadline = clear && n % 3 === 0 ? null : base + ((n * 37) % spread);
          expect((await real.runtime.save(conversationId, version, n, nextDeadline)).ok).toBe(true);
          model.rows.set(conversationId, { version: version + 1, deadline: nextDeadline });
        }
      }),
    );
    // A deadline pushed back or brought forward a little, mostly within its second.
    const nudge = fc.tuple(id, fc.integer({ min: -40, max: 40 })).map(([conversationId, by]) =>
      command(`nudge ${conversationId} by ${by}`, async (model, real) => {
        const row = model.rows.get(conversationId);
        if (!row || row.deadline === null) return;
        const nextDeadline = row.deadline + by;
        expect(await real.runtime.save(conversationId, row.version, row.version, nextDeadline)).toEqual({ ok: true, version: row.version + 1 });
        model.rows.set(conversationId, { version: row.version + 1, deadline: nextDeadline });
      }),
    );
    const list = fc.tuple(before, listLimit, after).map(([until, pageSize, cursor]) =>
      command(`listDue(${until}, ${pageSize}, ${typeof cursor === 'number' ? `due row #${cursor}` : cursor ? `${cursor.conversationId}@${cursor.nextDeadline}` : '-'})`, async (model, real) => {
        const due = typeof cursor === 'number' ? naiveDue(deadlinesOf(model.rows), Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) : [];
        const from = typeof cursor === 'number' ? due[cursor % Math.max(1, due.length)] : cursor;
        const expected = naiveDue(deadlinesOf(model.rows), until, pageSize, from);
        const options = from ? { limit: pageSize, after: from } : { limit: pageSize };
        expect(await real.store.listDue(until, options)).toEqual(expected);
        expect(await real.store.listDue(until, options)).toEqual(expected);
      }),
    );
    const page = fc.tuple(before, limit).map(([until, pageSize]) =>
      command(`page through listDue(${until}) by ${pageSize}`, async (model, real) => {
        expect((await allPages(real.store, until, pageSize)).flat()).toEqual(naiveDue(deadlinesOf(model.rows), until, Number.MAX_SAFE_INTEGER));
      }),
    );

    // Left to its default size, fc.commands makes about five commands a run (ten at most), too few for
    // a crowd, a read that sorts it, a change to it and a read that meets the change.
    await fc.assert(
      fc.asyncProperty(fc.commands([save, save, save, nudge, remove, crowd, list, list, page], { size: '+1', maxCommands: 30 }), async (steps) => {
        const store = createMemoryStore();
        await fc.asyncModelRun(() => ({ model: { rows: new Map() }, real: { store, runtime: runtimeSaver(store) } }), steps);
        await store.close();
      }),
      { numRuns: 80 },
    );
  });
});
