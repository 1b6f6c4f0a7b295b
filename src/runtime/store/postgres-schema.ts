import { HandoffError } from '../../errors.js';

/** The table the PostgreSQL store uses when none is named. */
export const defaultPostgresTable = 'handoff_conversations';

// Lower-case identifiers only, so a name never needs quoting and cannot carry SQL; an optional
// schema prefix. 48 characters leave room for the index suffix within PostgreSQL's 63.
const tablePattern = /^(?:[a-z_][a-z0-9_]{0,47}\.)?[a-z_][a-z0-9_]{0,47}$/;

/** Checks a table name before it is written into SQL: `[schema.]name`, lower-case identifiers of at most 48 characters. */
export function validatePostgresTable(table: string): string {
  if (!tablePattern.test(table)) {
    throw new HandoffError(
      'INVALID_CONFIG',
      `Invalid PostgreSQL table name ${JSON.stringify(table)}: expected [schema.]name, each a lower-case identifier (a-z, 0-9, _; not starting with a digit) of at most 48 characters`,
      [{ code: 'invalid_table', path: ['table'], message: 'Expected a lower-case SQL identifier, optionally schema-qualified' }],
    );
  }
  return table;
}

/**
 * The SQL that creates the store's table and its deadline index; idempotent, so it runs on every
 * start or once from a migration tool. Conversation ids sort in byte order (`COLLATE "C"`) so
 * paging by (deadline, id) is stable whatever the database's locale.
 *
 * @example
 * await pool.query(postgresStoreMigration()); // or: await createPostgresStore({ pool }).migrate()
 */
export function postgresStoreMigration(table: string = defaultPostgresTable): string {
  const name = validatePostgresTable(table);
  const bare = name.slice(name.lastIndexOf('.') + 1);
  return `-- agent-handoff conversation store, schema 1
SELECT pg_advisory_xact_lock(hashtext('agent-handoff:${name}'));
CREATE TABLE IF NOT EXISTS ${name} (
  conversation_id text COLLATE "C" PRIMARY KEY,
  version integer NOT NULL CHECK (version > 0),
  snapshot jsonb NOT NULL,
  next_deadline bigint,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ${bare}_next_deadline_idx
  ON ${name} (next_deadline, conversation_id)
  WHERE next_deadline IS NOT NULL;
`;
}
