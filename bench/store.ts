// Conversation store: save+load round trips per second on PostgreSQL beside the in-memory store in
// the same run, the bytes a stored snapshot takes in each, the heap an idle stored conversation costs,
// and the memory store's listDue among a million rows beside a scan of every row.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sealSnapshot } from '../dist/src/runtime/snapshot-envelope.js';
import { createMemoryStore } from '../dist/src/runtime/store/memory-store.js';
import { createPostgresStore } from '../dist/src/runtime/store/postgres-store.js';
import type { ConversationStore, DueConversation, JsonValue } from '../dist/src/runtime/store/store.js';
import { heading, heapUsed, measure, printComparison, type Measurement } from './support.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const conversations = 1000;
const inFlight = 16;

/** A snapshot shaped like a persisted handoff actor waiting in a queue, with its recent event ids. */
function snapshot(n: number): JsonValue {
  return sealSnapshot({
    machine: {
      status: 'active',
      value: { agentTransfer: 'queued' },
      historyValue: {},
      children: {},
      context: {
        conversation: { sessionId: `session-${n}`, userId: `user-${n}`, channel: 'chat', language: 'en' },
        now: 1_767_225_600_000 + n,
        deadlines: { maxQueueWait: 1_767_226_500_000 + n, periodicMessage: 1_767_225_660_000 + n, chatIdle: 1_767_227_400_000 + n },
        sequence: 1,
        decision: { rule: 'billing-gold', target: { type: 'agentTransfer', params: { queue: 'billing', priority: 2, waitForAgentSeconds: 30 } } },
        queue: { scope: 'queue', position: 3, estimatedWaitSeconds: 240, enteredAt: 1_767_225_600_000, offerMade: false, exitReason: null },
        offeredAgentId: null,
        agentId: null,
        aiMayRespond: false,
      },
    },
    recentEventIds: ['evt-0001', 'evt-0002', 'evt-0003', 'evt-0004'],
  });
}

/** Creates `conversations` rows, then measures one save (at the known version) plus one load, round-robin. */
async function roundTrips(label: string, store: ConversationStore, millis: number): Promise<Measurement> {
  const versions = new Array<number>(conversations).fill(0);
  for (let i = 0; i < conversations; i++) versions[i] = (await store.save(`c${i}`, 0, { snapshot: snapshot(i), nextDeadline: 1_767_226_500_000 + i })).ok ? 1 : 0;
  let next = 0;
  const roundTrip = async (): Promise<void> => {
    const i = next++ % conversations;
    const result = await store.save(`c${i}`, versions[i] ?? 0, { snapshot: snapshot(i), nextDeadline: 1_767_226_500_000 + i });
    if (!result.ok) throw new Error(`unexpected conflict on c${i}`);
    versions[i] = result.version;
    await store.load(`c${i}`);
  };
  return measure(label, roundTrip, { millis, batch: 20 });
}

/** The same round trips, `inFlight` at a time on distinct conversations, as a busy runtime issues them. */
async function concurrentRoundTrips(label: string, store: ConversationStore, millis: number): Promise<Measurement> {
  let round = 0;
  const versions = new Map<string, number>();
  const many = async (): Promise<void> => {
    const base = (round++ % 50) * inFlight;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, k) => {
        const id = `p${base + k}`;
        const result = await store.save(id, versions.get(id) ?? 0, { snapshot: snapshot(base + k), nextDeadline: null });
        if (!result.ok) throw new Error(`unexpected conflict on ${id}`);
        versions.set(id, result.version);
        await store.load(id);
      }),
    );
  };
  const m = await measure(label, many, { millis, batch: 5 });
  // One op is `inFlight` round trips: report round trips per second, latency per batch.
  return { ...m, opsPerSecond: m.opsPerSecond * inFlight };
}

async function memoryHeapPerConversation(count: number): Promise<number> {
  let store = createMemoryStore();
  const before = heapUsed();
  for (let i = 0; i < count; i++) await store.save(`idle-${i}`, 0, { snapshot: snapshot(i), nextDeadline: null });
  const after = heapUsed();
  const perConversation = (after - before) / store.size;
  await store.close();
  store = createMemoryStore();
  return perConversation;
}

/**
 * `listDue` as the deadline scheduler polls it (page of 1 000, due by now) among `rows` stored
 * conversations: 1 000 due, half the rest waiting on deadlines spread over the next day, half with
 * none. The reference is a scan of the same deadlines, filtered and sorted: what the store did before
 * it kept its deadlines in order.
 */
async function listDueAmong(rows: number): Promise<void> {
  const now = 1_767_225_600_000;
  const due = 1000;
  const store = createMemoryStore();
  const deadlines = new Map<string, number | null>();
  const empty = sealSnapshot({});
  for (let i = 0; i < rows; i++) {
    const id = `c${i}`;
    const deadline = i < due ? now - 1000 + (i % 997) : i % 2 === 0 ? now + 1000 + ((i * 7919) % 86_400_000) : null;
    deadlines.set(id, deadline);
    await store.save(id, 0, { snapshot: empty, nextDeadline: deadline });
  }
  const scan = (): DueConversation[] => {
    const found: DueConversation[] = [];
    for (const [conversationId, nextDeadline] of deadlines) if (nextDeadline !== null && nextDeadline <= now) found.push({ conversationId, nextDeadline });
    found.sort((a, b) => a.nextDeadline - b.nextDeadline || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0));
    return found.slice(0, due);
  };
  const listed = await store.listDue(now, { limit: due });
  if (listed.length !== due || JSON.stringify(listed) !== JSON.stringify(scan())) throw new Error('listDue and the scan disagree');
  const subject = await measure(`memory store listDue, ${due} due of ${rows.toLocaleString('en-US')}`, () => store.listDue(now, { limit: due }), { millis: 1000, batch: 1 });
  const reference = await measure(`scan of every row (the same deadlines)`, scan, { millis: 2000, batch: 1 });
  printComparison(subject, [reference]);
  await store.close();
}

/** Runs the store benchmarks; PostgreSQL figures are skipped with a note when no server answers. */
export default async function (): Promise<void> {
  heading('Conversation store: listDue as the deadline scheduler polls it, beside a scan of every row');
  await listDueAmong(1_000_000);

  heading('Conversation store: save+load round trips (compare-and-set save, then load)');
  const bytes = Buffer.byteLength(JSON.stringify(snapshot(1)));
  const memory = await roundTrips('memory store, sequential', createMemoryStore(), 1000);

  const pool = new pg.Pool({ connectionString: databaseUrl, max: inFlight, connectionTimeoutMillis: 3000 });
  const table = `handoff_bench_${randomBytes(4).toString('hex')}`;
  try {
    const store = createPostgresStore({ pool, table });
    try {
      await store.migrate();
    } catch (error) {
      printComparison(memory, []);
      console.log(`  PostgreSQL figures skipped: no server at ${databaseUrl} (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    const sequential = await roundTrips('PostgreSQL store, sequential', store, 2000);
    const concurrent = await concurrentRoundTrips(`PostgreSQL store, ${inFlight} in flight (per batch)`, store, 2000);
    printComparison(sequential, [memory]);
    printComparison(concurrent, [memory]);
    const sizes = await pool.query<{ column: number | null; per_row: number | null }>(
      `SELECT avg(pg_column_size(snapshot))::int AS column, (pg_total_relation_size('${table}') / count(*))::int AS per_row FROM ${table}`,
    );
    const row = sizes.rows[0];
    heading('Bytes per stored snapshot');
    console.log(`  JSON text (memory store)                     ${String(bytes).padStart(8)} B`);
    console.log(`  jsonb column (pg_column_size)                ${String(row?.column ?? '?').padStart(8)} B`);
    console.log(`  PostgreSQL table + indexes per conversation  ${String(row?.per_row ?? '?').padStart(8)} B`);
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await pool.end();
  }
  const heap = await memoryHeapPerConversation(100_000);
  console.log(`  memory store heap per idle conversation      ${String(Math.round(heap)).padStart(8)} B  (100k conversations)`);
  console.log(`    of which beyond the snapshot's JSON text   ${String(Math.round(heap - bytes)).padStart(8)} B  (id, Map entry, row object)`);
}
