import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the tests use: `DATABASE_URL`, or the project machines' local server. */
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True under CI, where a missing server fails the PostgreSQL tests instead of skipping them. */
export const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** Tries one connection; resolves to an error message when the server does not answer, else `undefined`. */
export async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Decides whether PostgreSQL tests run: they run when the server answers, and under CI they also
 * run (and fail on connecting) when it does not; locally they are skipped with a message.
 */
export async function postgresTestsShouldSkip(suite: string): Promise<boolean> {
  const problem = await probePostgres();
  if (problem === undefined || inCi) return false;
  console.warn(
    `${suite}: skipped, no PostgreSQL at ${databaseUrl} (${problem}). Start it with ` +
      '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set DATABASE_URL; under CI=true this fails instead.',
  );
  return true;
}

/** A pool on the test database. */
export function createTestPool(max = 4): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5000 });
}

/** A table name no other test run uses. */
export function uniqueTable(prefix = 'handoff_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}
