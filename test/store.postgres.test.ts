// What only the PostgreSQL store has: its migration, its table name check, and two processes on one database.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { isHandoffError } from '../src/errors.js';
import { openSnapshot, sealSnapshot } from '../src/runtime/snapshot-envelope.js';
import { postgresStoreMigration, validatePostgresTable } from '../src/runtime/store/postgres-schema.js';
import { createPostgresStore, type PostgresQueryable } from '../src/runtime/store/postgres-store.js';
import type { ConversationStore } from '../src/runtime/store/store.js';
import { createTestPool, postgresTestsShouldSkip, uniqueTable } from './support/postgres.js';

const counter = (n: number) => ({ snapshot: sealSnapshot({ n }), nextDeadline: null });

describe('PostgreSQL store without a server', () => {
  it('accepts only lower-case identifiers, optionally schema-qualified, as table names', () => {
    for (const good of ['handoff_conversations', 'app.handoff', '_t1']) expect(validatePostgresTable(good)).toBe(good);
    for (const bad of ['Robert"; DROP TABLE x; --', 'Upper', '1table', 'a.b.c', 'a-b', '', `t${'x'.repeat(48)}`]) {
      expect(() => validatePostgresTable(bad)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
    }
    expect(() => createPostgresStore({ pool: { query: () => Promise.reject(new Error('unused')) }, table: 'x; drop' })).toThrow(
      /Invalid PostgreSQL table name/,
    );
  });

  it('documents its migration as plain, idempotent SQL', () => {
    expect(postgresStoreMigration()).toMatchInlineSnapshot(`
      "-- agent-handoff conversation store, schema 1
      SELECT pg_advisory_xact_lock(hashtext('agent-handoff:handoff_conversations'));
      CREATE TABLE IF NOT EXISTS handoff_conversations (
        conversation_id text COLLATE "C" PRIMARY KEY,
        version integer NOT NULL CHECK (version > 0),
        snapshot jsonb NOT NULL,
        next_deadline bigint,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS handoff_conversations_next_deadline_idx
        ON handoff_conversations (next_deadline, conversation_id)
        WHERE next_deadline IS NOT NULL;
      "
    `);
  });

  it('reports a failing pool as ADAPTER_FAILED with the driver error as cause', async () => {
    const cause = new Error('Connection terminated unexpectedly');
    const store = createPostgresStore({ pool: { query: () => Promise.reject(cause) } });
    const error: unknown = await store.load('c1').catch((e: unknown) => e);
    expect(isHandoffError(error, 'ADAPTER_FAILED')).toBe(true);
    expect((error as Error).message).toBe('PostgreSQL store: loading conversation "c1" failed: Connection terminated unexpectedly');
    expect((error as Error).cause).toBe(cause);
  });

  it('reports an unreadable row as CORRUPT_SNAPSHOT for that conversation', async () => {
    const pool: PostgresQueryable = { query: () => Promise.resolve({ rows: [{ version: 1, snapshot: '{not json', next_deadline: null }], rowCount: 1 }) };
    const error: unknown = await createPostgresStore({ pool }).load('c9').catch((e: unknown) => e);
    expect(isHandoffError(error, 'CORRUPT_SNAPSHOT')).toBe(true);
    expect((error as Error).message).toMatch(/^Stored conversation "c9" cannot be read: the snapshot is not JSON/);
  });

  it('waits in close() for the queries in flight', async () => {
    let release!: () => void;
    const pool: PostgresQueryable = {
      query: () =>
        new Promise((resolve) => {
          release = () => {
            resolve({ rows: [], rowCount: 1 });
          };
        }),
    };
    const store = createPostgresStore({ pool });
    const saving = store.save('c1', 0, counter(1));
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    release();
    expect(await saving).toEqual({ ok: true, version: 1 });
    await closing;
    expect(closed).toBe(true);
  });

  it('never imports pg at runtime: the host brings its own client', async () => {
    const source = await readFile(new URL('../src/runtime/store/postgres-store.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from ['"]pg['"]|import\(['"]pg['"]\)|require\(['"]pg['"]\)/);
  });
});

const skipPostgres = await postgresTestsShouldSkip('PostgreSQL store');

describe.skipIf(skipPostgres)('PostgreSQL store on a real server', () => {
  let poolA: pg.Pool;
  let poolB: pg.Pool;
  const tables: string[] = [];
  const fresh = async (): Promise<[ConversationStore, ConversationStore, string]> => {
    const table = uniqueTable();
    tables.push(table);
    const a = createPostgresStore({ pool: poolA, table });
    await a.migrate();
    return [a, createPostgresStore({ pool: poolB, table }), table];
  };
  beforeAll(() => {
    // Two pools stand for two processes: their connections never share a session.
    poolA = createTestPool();
    poolB = createTestPool();
  });
  afterEach(async () => {
    for (const table of tables.splice(0)) await poolA.query(`DROP TABLE IF EXISTS ${table}`);
  });
  afterAll(async () => {
    await Promise.all([poolA.end(), poolB.end()]);
  });

  it('migrates idempotently, even from several processes at once', async () => {
    const table = uniqueTable();
    tables.push(table);
    const stores = [createPostgresStore({ pool: poolA, table }), createPostgresStore({ pool: poolB, table }), createPostgresStore({ pool: poolA, table })];
    await Promise.all(stores.map((store) => store.migrate()));
    await stores[0]!.migrate();
    const columns = await poolA.query<{ column_name: string; data_type: string }>(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
      [table],
    );
    expect(columns.rows.map((c) => `${c.column_name} ${c.data_type}`)).toEqual([
      'conversation_id text',
      'version integer',
      'snapshot jsonb',
      'next_deadline bigint',
      'updated_at timestamp with time zone',
    ]);
    const indexes = await poolA.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [table]);
    expect(indexes.rows.map((i) => i.indexdef).join('\n')).toContain('(next_deadline, conversation_id) WHERE (next_deadline IS NOT NULL)');
  });

  it('lets exactly one of two processes win each round of saves at the same version, with no lost update', async () => {
    const [a, b] = await fresh();
    await a.save('shared', 0, counter(0));
    const wins = { a: 0, b: 0 };
    for (let round = 1; round <= 60; round++) {
      const [seenByA, seenByB] = await Promise.all([a.load('shared'), b.load('shared')]);
      expect(seenByA?.version).toBe(round);
      expect(seenByB?.version).toBe(round);
      const [resultA, resultB] = await Promise.all([
        a.save('shared', seenByA!.version, counter(round * 10 + 1)),
        b.save('shared', seenByB!.version, counter(round * 10 + 2)),
      ]);
      expect(Number(resultA.ok) + Number(resultB.ok)).toBe(1);
      if (resultA.ok) wins.a++;
      else wins.b++;
      const stored = await a.load('shared');
      expect(openSnapshot('shared', stored!.snapshot)).toEqual({ n: round * 10 + (resultA.ok ? 1 : 2) });
    }
    expect(wins.a + wins.b).toBe(60);
  });

  it('counts every increment when two processes retry conflicting saves on fresh state', async () => {
    const [a, b] = await fresh();
    await a.save('counter', 0, counter(0));
    let conflicts = 0;
    const increment = async (store: ConversationStore): Promise<void> => {
      for (;;) {
        const current = await store.load('counter');
        const { n } = openSnapshot<{ n: number }>('counter', current!.snapshot);
        const result = await store.save('counter', current!.version, counter(n + 1));
        if (result.ok) return;
        conflicts++;
      }
    };
    const worker = async (store: ConversationStore) => {
      for (let i = 0; i < 25; i++) await increment(store);
    };
    await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
    const final = await b.load('counter');
    expect(openSnapshot('counter', final!.snapshot)).toEqual({ n: 100 });
    expect(final!.version).toBe(101);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('reports a row edited into an unknown schema for that conversation while the others still load', async () => {
    const [a, , table] = await fresh();
    await a.save('fine', 0, { snapshot: sealSnapshot({ n: 1 }), nextDeadline: 5 });
    await a.save('edited', 0, { snapshot: sealSnapshot({ n: 2 }), nextDeadline: 5 });
    await poolA.query(`UPDATE ${table} SET snapshot = '{"schemaVersion": 99, "machine": {}}' WHERE conversation_id = 'edited'`);
    const edited = await a.load('edited');
    expect(() => openSnapshot('edited', edited!.snapshot)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_SNAPSHOT_VERSION' }) as Error);
    expect(openSnapshot('fine', (await a.load('fine'))!.snapshot)).toEqual({ n: 1 });
    expect(await a.listDue(5)).toHaveLength(2);
  });

  it('stores snapshots as jsonb a query can read', async () => {
    const [a, , table] = await fresh();
    await a.save('c1', 0, { snapshot: sealSnapshot({ state: 'queued', position: 3 }), nextDeadline: null });
    const row = await poolA.query<{ position: number }>(`SELECT (snapshot->'state'->>'position')::int AS position FROM ${table}`);
    expect(row.rows[0]?.position).toBe(3);
  });
});

describe('PostgreSQL store types', () => {
  it('accepts a pg.Pool as its pool', () => {
    const accepts = (pool: pg.Pool): PostgresQueryable => pool;
    expect(typeof accepts).toBe('function');
    expect(isHandoffError(new Error('x'))).toBe(false);
  });
});
