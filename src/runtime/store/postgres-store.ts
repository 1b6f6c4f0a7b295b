import { HandoffError } from '../../errors.js';
import { defaultPostgresTable, postgresStoreMigration, validatePostgresTable } from './postgres-schema.js';
import {
  assertDeadline,
  assertExpectedVersion,
  effectiveLimit,
  serializeSnapshot,
  storeClosedError,
  type ConversationStore,
  type ConversationWrite,
  type DueConversation,
  type JsonValue,
  type ListDueOptions,
  type SaveResult,
  type StoredConversation,
} from './store.js';

/**
 * The part of a PostgreSQL client the store uses: a `pg.Pool` fits, and so does any client with
 * the same `query(text, values)` shape, so `pg` stays the host's dependency, never ours.
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ readonly rows: readonly unknown[]; readonly rowCount: number | null }>;
}

/** Options of `createPostgresStore`: the host's pool and the table (default `handoff_conversations`). */
export interface PostgresStoreOptions {
  readonly pool: PostgresQueryable;
  readonly table?: string;
}

/** The PostgreSQL store, with `migrate()` to create its table and index. */
export interface PostgresConversationStore extends ConversationStore {
  /** The validated table name the store writes to. */
  readonly table: string;
  /** Runs `postgresStoreMigration(table)`: idempotent and safe to run from several processes at once. */
  migrate(): Promise<void>;
}

/**
 * Creates the durable store on a host-provided PostgreSQL pool: one row per conversation,
 * the snapshot as `jsonb`, compare-and-set by `INSERT … ON CONFLICT DO NOTHING` (create) and
 * `UPDATE … WHERE version = $n` (replace), so two processes never both win a save. `close()`
 * waits for queries in flight and leaves the pool open: the host that made it ends it.
 *
 * @example
 * const store = createPostgresStore({ pool: new pg.Pool({ connectionString }) });
 * await store.migrate();
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresConversationStore {
  const { pool } = options;
  const table = validatePostgresTable(options.table ?? defaultPostgresTable);
  const sql = {
    load: `SELECT version, snapshot::text AS snapshot, next_deadline FROM ${table} WHERE conversation_id = $1`,
    create: `INSERT INTO ${table} (conversation_id, version, snapshot, next_deadline) VALUES ($1, 1, $2::jsonb, $3) ON CONFLICT (conversation_id) DO NOTHING`,
    update: `UPDATE ${table} SET version = version + 1, snapshot = $3::jsonb, next_deadline = $4, updated_at = now() WHERE conversation_id = $1 AND version = $2`,
    due: `SELECT conversation_id, next_deadline FROM ${table} WHERE next_deadline <= $1 ORDER BY next_deadline, conversation_id LIMIT $2`,
    dueAfter: `SELECT conversation_id, next_deadline FROM ${table} WHERE next_deadline <= $1 AND (next_deadline, conversation_id) > ($3, $4) ORDER BY next_deadline, conversation_id LIMIT $2`,
    delete: `DELETE FROM ${table} WHERE conversation_id = $1`,
    deleteAt: `DELETE FROM ${table} WHERE conversation_id = $1 AND version = $2`,
  };
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  // Every call goes through here: closed check, tracking for close(), and one error type.
  const run = <T>(what: string, operation: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(storeClosedError());
    const call = operation().catch((error: unknown) => {
      if (error instanceof HandoffError) throw error;
      throw new HandoffError('ADAPTER_FAILED', `PostgreSQL store: ${what} failed: ${messageOf(error)}`, [], { cause: error });
    });
    const tracked = call.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(tracked);
    void tracked.then(() => inFlight.delete(tracked));
    return call;
  };

  return {
    table,

    migrate(): Promise<void> {
      return run(`migrating table ${table}`, async () => {
        await pool.query(postgresStoreMigration(table));
      });
    },

    load(conversationId: string): Promise<StoredConversation | undefined> {
      return run(`loading conversation "${conversationId}"`, async () => {
        const result = await pool.query(sql.load, [conversationId]);
        const row = result.rows[0];
        return row === undefined ? undefined : readConversation(conversationId, row);
      });
    },

    save(conversationId: string, expectedVersion: number, write: ConversationWrite): Promise<SaveResult> {
      return run(`saving conversation "${conversationId}"`, async (): Promise<SaveResult> => {
        assertExpectedVersion(expectedVersion);
        assertDeadline(write.nextDeadline);
        const json = serializeSnapshot(conversationId, write.snapshot);
        const result =
          expectedVersion === 0
            ? await pool.query(sql.create, [conversationId, json, write.nextDeadline])
            : await pool.query(sql.update, [conversationId, expectedVersion, json, write.nextDeadline]);
        return result.rowCount === 1 ? { ok: true, version: expectedVersion + 1 } : { ok: false, code: 'VERSION_CONFLICT', expectedVersion };
      });
    },

    listDue(before: number, listOptions?: ListDueOptions): Promise<readonly DueConversation[]> {
      return run('listing due conversations', async () => {
        const limit = effectiveLimit(listOptions);
        const after = listOptions?.after;
        const result = after
          ? await pool.query(sql.dueAfter, [before, limit, after.nextDeadline, after.conversationId])
          : await pool.query(sql.due, [before, limit]);
        return result.rows.map(readDue);
      });
    },

    delete(conversationId: string, expectedVersion?: number): Promise<boolean> {
      return run(`deleting conversation "${conversationId}"`, async () => {
        const result =
          expectedVersion === undefined
            ? await pool.query(sql.delete, [conversationId])
            : await pool.query(sql.deleteAt, [conversationId, expectedVersion]);
        return result.rowCount === 1;
      });
    },

    async close(): Promise<void> {
      closed = true;
      await Promise.all(inFlight);
    },
  };
}

/** Reads one stored row, reporting anything unreadable as `CORRUPT_SNAPSHOT` for this conversation. */
function readConversation(conversationId: string, row: unknown): StoredConversation {
  const fields = row as { version?: unknown; snapshot?: unknown; next_deadline?: unknown };
  const version = toInteger(fields.version);
  const nextDeadline = fields.next_deadline === null ? null : toInteger(fields.next_deadline);
  if (version === undefined || version < 1 || nextDeadline === undefined || typeof fields.snapshot !== 'string') {
    throw corrupt(conversationId, 'expected an integer version >= 1, a JSON snapshot and a null or integer next_deadline');
  }
  let snapshot: JsonValue;
  try {
    snapshot = JSON.parse(fields.snapshot) as JsonValue;
  } catch (error) {
    throw corrupt(conversationId, `the snapshot is not JSON (${messageOf(error)})`);
  }
  return { conversationId, snapshot, version, nextDeadline };
}

/** Reads one `listDue` row; `pg` returns `bigint` columns as strings. */
function readDue(row: unknown): DueConversation {
  const fields = row as { conversation_id?: unknown; next_deadline?: unknown };
  const nextDeadline = toInteger(fields.next_deadline);
  if (typeof fields.conversation_id !== 'string' || nextDeadline === undefined) {
    throw new HandoffError('ADAPTER_FAILED', 'PostgreSQL store: expected listDue rows with a text conversation_id and an integer next_deadline');
  }
  return { conversationId: fields.conversation_id, nextDeadline };
}

function toInteger(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : Number.NaN;
  return Number.isSafeInteger(number) ? number : undefined;
}

function corrupt(conversationId: string, detail: string): HandoffError {
  return new HandoffError('CORRUPT_SNAPSHOT', `Stored conversation "${conversationId}" cannot be read: ${detail}`, [
    { code: 'corrupt_row', path: [conversationId], message: detail },
  ]);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
