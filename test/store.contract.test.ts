// One contract, every store: the in-memory store and the PostgreSQL store must be indistinguishable.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { isHandoffError } from '../src/errors.js';
import { openSnapshot, sealSnapshot } from '../src/runtime/snapshot-envelope.js';
import { createMemoryStore } from '../src/runtime/store/memory-store.js';
import { createPostgresStore } from '../src/runtime/store/postgres-store.js';
import type { ConversationStore, DueConversation, JsonValue } from '../src/runtime/store/store.js';
import { allPages, trackedRows } from './support/due-order.js';
import { createTestPool, postgresTestsShouldSkip, uniqueTable } from './support/postgres.js';

interface StoreFixture {
  readonly name: string;
  /** A fresh, empty store for one test. */
  open(): Promise<ConversationStore>;
  /** Releases what `open` made. */
  cleanup(): Promise<void>;
  /** Property runs per test: each PostgreSQL run costs real round trips. */
  readonly numRuns: number;
}

const write = (snapshot: JsonValue, nextDeadline: number | null = null) => ({ snapshot, nextDeadline });
const snapshot = (n: number): JsonValue => sealSnapshot({ value: 'skiöld ✓ 😀', n, nested: { list: [1, 2, { deep: true }] } });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function storeContract(fixture: StoreFixture): void {
  describe(`${fixture.name} store contract`, () => {
    let store: ConversationStore;
    beforeEach(async () => {
      store = await fixture.open();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('loads nothing for a conversation it never saved', async () => {
      expect(await store.load('nobody')).toBeUndefined();
    });

    it('creates at expected version 0 and loads the same snapshot, version 1 and deadline', async () => {
      expect(await store.save('c1', 0, write(snapshot(1), 1_700_000_000_000))).toEqual({ ok: true, version: 1 });
      expect(await store.load('c1')).toEqual({ conversationId: 'c1', snapshot: snapshot(1), version: 1, nextDeadline: 1_700_000_000_000 });
    });

    it('reports a second create of the same conversation as a version conflict and keeps the first', async () => {
      await store.save('c1', 0, write(snapshot(1)));
      expect(await store.save('c1', 0, write(snapshot(2)))).toEqual({ ok: false, code: 'VERSION_CONFLICT', expectedVersion: 0 });
      expect((await store.load('c1'))?.snapshot).toEqual(snapshot(1));
    });

    it('replaces only the expected version and counts versions up by one', async () => {
      await store.save('c1', 0, write(snapshot(1)));
      expect(await store.save('c1', 1, write(snapshot(2), 5))).toEqual({ ok: true, version: 2 });
      expect(await store.save('c1', 1, write(snapshot(3)))).toEqual({ ok: false, code: 'VERSION_CONFLICT', expectedVersion: 1 });
      expect(await store.save('c1', 3, write(snapshot(3)))).toEqual({ ok: false, code: 'VERSION_CONFLICT', expectedVersion: 3 });
      expect(await store.load('c1')).toEqual({ conversationId: 'c1', snapshot: snapshot(2), version: 2, nextDeadline: 5 });
    });

    it('reports an update of a conversation that does not exist as a conflict', async () => {
      expect(await store.save('ghost', 4, write(snapshot(1)))).toMatchObject({ ok: false, code: 'VERSION_CONFLICT' });
      expect(await store.load('ghost')).toBeUndefined();
    });

    it('lets exactly one of many concurrent saves at the same version win', async () => {
      await store.save('c1', 0, write(snapshot(0)));
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => store.save('c1', 1, write(snapshot(n)))));
      const winners = results.flatMap((result, i) => (result.ok ? [i + 1] : []));
      expect(winners).toHaveLength(1);
      expect(await store.load('c1')).toMatchObject({ version: 2, snapshot: snapshot(winners[0]!) });
    });

    it('returns a fresh copy on every load, never a live object', async () => {
      const original = { list: [1] };
      await store.save('c1', 0, write(original));
      original.list.push(2);
      const first = (await store.load('c1'))?.snapshot as { list: number[] };
      first.list.push(3);
      expect((await store.load('c1'))?.snapshot).toEqual({ list: [1] });
    });

    it('lists due conversations earliest first, ties by id, skipping later and empty deadlines', async () => {
      await store.save('late', 0, write(snapshot(1), 3000));
      await store.save('b', 0, write(snapshot(1), 1000));
      await store.save('a', 0, write(snapshot(1), 1000));
      await store.save('early', 0, write(snapshot(1), 500));
      await store.save('none', 0, write(snapshot(1), null));
      await store.save('exact', 0, write(snapshot(1), 2000));
      expect(await store.listDue(2000)).toEqual([
        { conversationId: 'early', nextDeadline: 500 },
        { conversationId: 'a', nextDeadline: 1000 },
        { conversationId: 'b', nextDeadline: 1000 },
        { conversationId: 'exact', nextDeadline: 2000 },
      ]);
    });

    it('pages through due conversations with limit and after, each exactly once', async () => {
      const ids = Array.from({ length: 23 }, (_, i) => `conv-${String(i).padStart(2, '0')}`);
      for (const [i, id] of ids.entries()) await store.save(id, 0, write(snapshot(i), 100 + (i % 4)));
      // allPages throws on a page that does not move past its cursor: one that would page forever.
      const pages = await allPages(store, 200, 5);
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(5);
      const seen = pages.flat().map((due) => due.conversationId);
      expect(seen.length).toBeLessThanOrEqual(ids.length);
      expect(seen).toHaveLength(ids.length);
      expect(new Set(seen)).toEqual(new Set(ids));
    });

    it('pages through ties and across seconds in deadline, then code-unit id order, each due conversation once', async () => {
      // Seconds -1, 0, 1, 2 and 5; ties at 1000 and 2000; ids whose code-unit order is not locale order.
      const deadlines: [string, number][] = [['late', 5000], ['b', 1000], ['B', 1000], ['a10', 1000], ['a9', 1000], ['ä', 1000], ['edge', 999], ['neg', -1], ['zero', 0], ['two', 2000], ['Two', 2000], ['far', 1999]];
      for (const [id, deadline] of deadlines) await store.save(id, 0, { snapshot: 1, nextDeadline: deadline });
      const expected = [
        { conversationId: 'neg', nextDeadline: -1 },
        { conversationId: 'zero', nextDeadline: 0 },
        { conversationId: 'edge', nextDeadline: 999 },
        ...['B', 'a10', 'a9', 'b', 'ä'].map((conversationId) => ({ conversationId, nextDeadline: 1000 })),
        { conversationId: 'far', nextDeadline: 1999 },
        { conversationId: 'Two', nextDeadline: 2000 },
        { conversationId: 'two', nextDeadline: 2000 },
      ];
      expect(await store.listDue(2000)).toEqual(expected);
      for (const limit of [1, 2, 3, 4]) {
        const pages = await allPages(store, 2000, limit);
        expect(pages.every((page) => page.length <= limit)).toBe(true);
        expect(pages.flat()).toEqual(expected);
      }
      // An `after` that is no stored row, in a second that holds none, or past the last: the rest in order.
      expect(await store.listDue(2000, { after: { conversationId: 'a', nextDeadline: 1000 } })).toEqual(expected.slice(4));
      expect(await store.listDue(2000, { after: { conversationId: '', nextDeadline: 1500 } })).toEqual(expected.slice(8));
      expect(await store.listDue(2000, { after: { conversationId: 'two', nextDeadline: 2000 } })).toEqual([]);
      // `before` inside a second lists that second's earlier deadlines only.
      expect(await store.listDue(1999, { limit: 3, after: { conversationId: 'ä', nextDeadline: 1000 } })).toEqual([{ conversationId: 'far', nextDeadline: 1999 }]);
      expect(await store.listDue(998)).toEqual(expected.slice(0, 2));
      // A read changes nothing: the same question, the same answer.
      expect(await store.listDue(2000, { limit: 4 })).toEqual(expected.slice(0, 4));
      expect(await store.listDue(2000, { limit: 4 })).toEqual(expected.slice(0, 4));
    });

    it('pages through ties by deadline then id while conversations join, move and leave between pages', async () => {
      const { put } = trackedRows(store, (result, version) => {
        expect(result).toEqual({ ok: true, version });
      });
      for (const id of ['l', 'k', 'j', 'i', 'h', 'g', 'f', 'e', 'd', 'c', 'b', 'a']) await put(id, 5000);
      await put('z', 4999);
      await put('y', 5001);
      const page = async (after?: string, deadline = 5000) =>
        (await store.listDue(6000, after ? { limit: 3, after: { conversationId: after, nextDeadline: deadline } } : { limit: 3 })).map(
          (due) => `${due.conversationId}@${due.nextDeadline}`,
        );
      expect(await page()).toEqual(['z@4999', 'a@5000', 'b@5000']);
      // The cursor's row leaves, and one not listed yet moves earlier.
      expect(await store.delete('b')).toBe(true);
      await put('c', 4000);
      expect(await page('b')).toEqual(['d@5000', 'e@5000', 'f@5000']);
      // One joins the tie before the cursor, one just after it.
      await put('ab', 5000);
      await put('fa', 5000);
      expect(await page('f')).toEqual(['fa@5000', 'g@5000', 'h@5000']);
      // One not listed yet moves later within the second, another leaves; one listed moves later, so it comes again.
      await put('i', 5500);
      expect(await store.delete('j')).toBe(true);
      await put('d', 5002);
      expect(await page('h')).toEqual(['k@5000', 'l@5000', 'y@5001']);
      expect(await page('y', 5001)).toEqual(['d@5002', 'i@5500']);
      expect(await page('i', 5500)).toEqual([]);
    });

    it('clears a deadline when a save writes null, so the conversation is no longer due', async () => {
      await store.save('c1', 0, write(snapshot(1), 10));
      await store.save('c1', 1, write(snapshot(2), null));
      expect(await store.listDue(Number.MAX_SAFE_INTEGER)).toEqual([]);
    });

    it('lists a conversation at its latest deadline only, after it moved later or earlier', async () => {
      await store.save('moving', 0, write(snapshot(1), 5000));
      await store.save('still', 0, write(snapshot(1), 5000));
      await store.save('moving', 1, write(snapshot(2), 9000));
      expect(await store.listDue(6000)).toEqual([{ conversationId: 'still', nextDeadline: 5000 }]);
      await store.save('moving', 2, write(snapshot(3), 100));
      expect(await store.listDue(6000)).toEqual([
        { conversationId: 'moving', nextDeadline: 100 },
        { conversationId: 'still', nextDeadline: 5000 },
      ]);
      await store.save('moving', 3, write(snapshot(4), 5000));
      expect(await store.listDue(6000, { limit: 1, after: { conversationId: 'moving', nextDeadline: 5000 } })).toEqual([{ conversationId: 'still', nextDeadline: 5000 }]);
      expect(await store.listDue(Number.MAX_SAFE_INTEGER)).toEqual([
        { conversationId: 'moving', nextDeadline: 5000 },
        { conversationId: 'still', nextDeadline: 5000 },
      ]);
    });

    it('lists a conversation at its latest deadline after it moved within its second, was cleared, or moved several times between two reads', async () => {
      await store.save('neighbour', 0, { snapshot: 1, nextDeadline: 5200 });
      await store.save('c1', 0, { snapshot: 1, nextDeadline: 5500 });
      const listed = () => store.listDue(Number.MAX_SAFE_INTEGER);
      expect(await listed()).toEqual([{ conversationId: 'neighbour', nextDeadline: 5200 }, { conversationId: 'c1', nextDeadline: 5500 }]);
      const moves: [number | null, DueConversation[]][] = [
        [5100, [{ conversationId: 'c1', nextDeadline: 5100 }, { conversationId: 'neighbour', nextDeadline: 5200 }]], // earlier, same second
        [300, [{ conversationId: 'c1', nextDeadline: 300 }, { conversationId: 'neighbour', nextDeadline: 5200 }]], // earlier, another second
        [9000, [{ conversationId: 'neighbour', nextDeadline: 5200 }, { conversationId: 'c1', nextDeadline: 9000 }]], // later
        [9999, [{ conversationId: 'neighbour', nextDeadline: 5200 }, { conversationId: 'c1', nextDeadline: 9999 }]], // later, same second
        [null, [{ conversationId: 'neighbour', nextDeadline: 5200 }]], // cleared
        [5200, [{ conversationId: 'c1', nextDeadline: 5200 }, { conversationId: 'neighbour', nextDeadline: 5200 }]], // back, tied
      ];
      for (const [version, [deadline, expected]] of moves.entries()) {
        expect(await store.save('c1', version + 1, { snapshot: 1, nextDeadline: deadline })).toMatchObject({ ok: true });
        expect(await listed()).toEqual(expected);
        expect(await store.listDue(9000)).toEqual(expected.filter((row) => row.nextDeadline <= 9000));
      }
      // Moves between reads: only the last counts.
      for (const [version, deadline] of [[7, 100], [8, null], [9, 7000], [10, 6999]] as const) await store.save('c1', version, { snapshot: 1, nextDeadline: deadline });
      expect(await listed()).toEqual([{ conversationId: 'neighbour', nextDeadline: 5200 }, { conversationId: 'c1', nextDeadline: 6999 }]);
    });

    it('no longer lists a deleted conversation, until it is created again with a deadline', async () => {
      await store.save('gone', 0, write(snapshot(1), 10));
      await store.save('kept', 0, write(snapshot(1), 20));
      await store.delete('gone');
      expect(await store.listDue(100)).toEqual([{ conversationId: 'kept', nextDeadline: 20 }]);
      await store.save('gone', 0, write(snapshot(2), 30));
      expect(await store.listDue(100)).toEqual([
        { conversationId: 'kept', nextDeadline: 20 },
        { conversationId: 'gone', nextDeadline: 30 },
      ]);
    });

    it('forgets a deleted conversation’s deadline, also when it is deleted and re-created between two reads', async () => {
      await store.save('c1', 0, { snapshot: 1, nextDeadline: 100 });
      await store.save('c2', 0, { snapshot: 1, nextDeadline: 100 });
      expect(await store.listDue(100)).toHaveLength(2);
      expect(await store.delete('c1')).toBe(true);
      expect(await store.listDue(100)).toEqual([{ conversationId: 'c2', nextDeadline: 100 }]);
      await store.save('c1', 0, { snapshot: 1, nextDeadline: null });
      expect(await store.listDue(100)).toEqual([{ conversationId: 'c2', nextDeadline: 100 }]);
      // Deleted and re-created between two reads, at another deadline.
      await store.delete('c1');
      await store.save('c1', 0, { snapshot: 1, nextDeadline: 50 });
      await store.delete('c2');
      await store.save('c2', 0, { snapshot: 1, nextDeadline: 2500 });
      expect(await store.listDue(3000)).toEqual([{ conversationId: 'c1', nextDeadline: 50 }, { conversationId: 'c2', nextDeadline: 2500 }]);
      await store.delete('c1');
      await store.delete('c2');
      expect(await store.listDue(Number.MAX_SAFE_INTEGER)).toEqual([]);
    });

    it('deletes a conversation, only at the expected version when one is given', async () => {
      await store.save('c1', 0, write(snapshot(1)));
      expect(await store.delete('c1', 7)).toBe(false);
      expect(await store.delete('c1', 1)).toBe(true);
      expect(await store.delete('c1')).toBe(false);
      expect(await store.load('c1')).toBeUndefined();
      expect(await store.save('c1', 0, write(snapshot(2)))).toEqual({ ok: true, version: 1 });
    });

    it('rejects invalid versions, deadlines, limits and non-JSON snapshots with INVALID_INPUT', async () => {
      const problems = [
        store.save('c1', -1, write(snapshot(1))),
        store.save('c1', 1.5, write(snapshot(1))),
        store.save('c1', 0, write(snapshot(1), Number.NaN)),
        store.save('c1', 0, write(undefined as unknown as JsonValue)),
        store.listDue(0, { limit: 0 }),
      ];
      for (const problem of problems) expect(isHandoffError(await rejection(problem), 'INVALID_INPUT')).toBe(true);
      expect(await store.load('c1')).toBeUndefined();
    });

    it('reports a stored snapshot of an unknown schema version or shape for that conversation only', async () => {
      await store.save('good', 0, write(snapshot(1), 10));
      await store.save('future', 0, write({ schemaVersion: 99, state: {} }, 10));
      await store.save('garbage', 0, write(['not', 'an', 'envelope'], 10));
      const open = async (id: string) => {
        const stored = await store.load(id);
        return openSnapshot(id, stored!.snapshot);
      };
      expect(await open('good')).toMatchObject({ n: 1 });
      const future = await rejection(open('future'));
      expect(isHandoffError(future, 'UNSUPPORTED_SNAPSHOT_VERSION')).toBe(true);
      expect((future as Error).message).toMatchInlineSnapshot(
        `"Stored snapshot of conversation "future" cannot be read: schema version 99 is not supported; this library reads versions 2 and 3"`,
      );
      expect(isHandoffError(await rejection(open('garbage')), 'CORRUPT_SNAPSHOT')).toBe(true);
      expect((await store.listDue(10)).map((due) => due.conversationId)).toEqual(['future', 'garbage', 'good']);
    });

    it('behaves like a map of versioned records under any sequence of loads, saves and deletes', async () => {
      type Op =
        | { kind: 'save'; id: string; versionDelta: number; n: number; deadline: number | null }
        | { kind: 'load'; id: string }
        | { kind: 'delete'; id: string; atVersion: boolean };
      const id = fc.constantFrom('a', 'b', 'c');
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.record({ kind: fc.constant('save' as const), id, versionDelta: fc.constantFrom(0, 0, 0, -1, 1), n: fc.nat(1000), deadline: fc.option(fc.nat(10_000)) }),
        fc.record({ kind: fc.constant('load' as const), id }),
        fc.record({ kind: fc.constant('delete' as const), id, atVersion: fc.boolean() }),
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
          const prefix = `run${run++}:`;
          const model = new Map<string, { version: number; n: number; deadline: number | null }>();
          for (const step of ops) {
            const key = prefix + step.id;
            const current = model.get(step.id);
            if (step.kind === 'save') {
              const expected = Math.max(0, (current?.version ?? 0) + step.versionDelta);
              const result = await store.save(key, expected, write({ n: step.n }, step.deadline));
              const shouldWin = expected === (current?.version ?? 0);
              expect(result.ok).toBe(shouldWin);
              if (shouldWin) model.set(step.id, { version: expected + 1, n: step.n, deadline: step.deadline });
            } else if (step.kind === 'load') {
              const loaded = await store.load(key);
              expect(loaded).toEqual(current && { conversationId: key, snapshot: { n: current.n }, version: current.version, nextDeadline: current.deadline });
            } else {
              const deleted = await store.delete(key, step.atVersion ? (current?.version ?? 1) : undefined);
              expect(deleted).toBe(current !== undefined);
              model.delete(step.id);
            }
          }
        }),
        { numRuns: fixture.numRuns },
      );
    });

    it('rejects every call with RUNTIME_CLOSED once closed', async () => {
      await store.save('c1', 0, write(snapshot(1)));
      await store.close();
      for (const call of [store.load('c1'), store.save('c1', 1, write(snapshot(2))), store.listDue(0), store.delete('c1')]) {
        expect(isHandoffError(await rejection(call), 'RUNTIME_CLOSED')).toBe(true);
      }
    });
  });
}

storeContract({
  name: 'memory',
  open: () => Promise.resolve(createMemoryStore()),
  cleanup: () => Promise.resolve(),
  numRuns: 200,
});

const skipPostgres = await postgresTestsShouldSkip('store contract (PostgreSQL)');

describe.skipIf(skipPostgres)('PostgreSQL', () => {
  let pool: pg.Pool;
  let table: string | undefined;
  beforeAll(() => {
    pool = createTestPool();
  });
  afterAll(async () => {
    await pool.end();
  });

  storeContract({
    name: 'PostgreSQL',
    async open() {
      table = uniqueTable();
      const store = createPostgresStore({ pool, table });
      await store.migrate();
      return store;
    },
    async cleanup() {
      if (table) await pool.query(`DROP TABLE IF EXISTS ${table}`);
      table = undefined;
    },
    numRuns: 25,
  });
});
