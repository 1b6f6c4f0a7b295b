// Two runtimes on one PostgreSQL database (two pools: two processes), sending interleaved events for
// the same conversations: every update lands, and every handoff is delivered and queued once.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { decodeConversation } from '../src/runtime/conversation-record.js';
import { createSimulatedDesk } from '../src/runtime/live-agents/simulated-desk.js';
import type { SimulatedDesk } from '../src/runtime/live-agents/simulated-desk-options.js';
import { createHandoffRuntime, type HandoffRuntime } from '../src/runtime/runtime.js';
import { createPostgresStore, type PostgresConversationStore } from '../src/runtime/store/postgres-store.js';
import { createTestPool, postgresTestsShouldSkip, uniqueTable } from './support/postgres.js';
import { chat, config, countingNode, createTestClock, defaultRules, deskViews, invoke, type CountingNode } from './runtime/support.js';

const skip = await postgresTestsShouldSkip('Runtime on PostgreSQL');

describe.skipIf(skip)('two runtimes on one PostgreSQL database', () => {
  let poolA: pg.Pool;
  let poolB: pg.Pool;
  let table: string;
  let store: PostgresConversationStore;
  let runtimes: [HandoffRuntime, HandoffRuntime];
  let node: CountingNode;
  let desk: SimulatedDesk;
  let enqueues: Map<string, number>;
  let conflicts: string[];
  const settings = config();

  beforeAll(() => {
    poolA = createTestPool(8);
    poolB = createTestPool(8);
  });
  afterAll(async () => {
    await Promise.all([poolA.end(), poolB.end()]);
  });

  beforeEach(async () => {
    table = uniqueTable('handoff_runtime');
    store = createPostgresStore({ pool: poolA, table });
    await store.migrate();
    const clock = createTestClock();
    node = countingNode(async () => {
      // A little real latency, so the two runtimes' steps interleave.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      return { acknowledged: true };
    });
    desk = createSimulatedDesk({ agents: [{ id: 'ana', capacity: 100 }], offerAcceptance: 'manual', clock });
    enqueues = new Map();
    conflicts = [];
    // Desk events reach one runtime or the other, as a load-balanced webhook would.
    const views = deskViews(desk, 'one', (n) => Math.floor(Math.random() * n));
    const make = (pool: pg.Pool): HandoffRuntime => {
      const view = views();
      return createHandoffRuntime({
        config: settings,
        rules: defaultRules(),
        clock: clock.fork(),
        store: createPostgresStore({ pool, table }),
        automationNode: node,
        liveAgents: {
          ...view,
          enqueue: (request) => {
            enqueues.set(request.conversationId, (enqueues.get(request.conversationId) ?? 0) + 1);
            return view.enqueue(request);
          },
        },
        maxLiveActors: 50,
        maxConflictRetries: 50,
        logger: { debug: (_message, fields) => conflicts.push(String(fields.replaying)) },
      });
    };
    runtimes = [make(poolA), make(poolB)];
  });

  afterEach(async () => {
    await Promise.all(runtimes.map((r) => r.close()));
    await poolA.query(`DROP TABLE IF EXISTS ${table}`);
  });

  const idle = () => Promise.all(runtimes.map((r) => r.idle()));
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
  const either = (i: number): HandoffRuntime => runtimes[i % 2] as HandoffRuntime;
  const stored = async (id: string) => {
    const row = await store.load(id);
    if (!row) throw new Error(`no row for ${id}`);
    return { version: row.version, context: decodeConversation(id, row.snapshot, { settings: settings.lifecycle, eventFor: () => ({ enabled: true, session: 'keepAlive', sendsMessage: true, unmetPrerequisites: [] }) }).snapshot.context };
  };

  it('delivers and queues each handoff once when both runtimes take the same handoff at once', async () => {
    const conversations = ids(16);
    await Promise.all(conversations.map((id, i) => either(i).start(id, chat(id))));
    const views = await Promise.all(conversations.flatMap((id) => runtimes.map((r) => r.send(id, invoke()))));
    await idle();
    expect([...node.countByKey().values()]).toEqual(conversations.map(() => 1));
    expect([...node.countByKey().keys()].sort()).toEqual(conversations.map((id) => `${id}:1`).sort());
    expect([...enqueues.values()]).toEqual(conversations.map(() => 1));
    // The race was real: saves conflicted, and were re-applied on fresh state.
    expect(conflicts.length).toBeGreaterThan(0);
    for (const id of conversations) {
      expect(await either(0).get(id)).toMatchObject({ state: 'queued.waiting', sequence: 1 });
      expect(desk.inspect(id)?.status).toBe('waiting');
    }
    // Of each pair of sends, the one that lost the race saw the handoff already under way (and the
    // winner may see that record too, when it re-read the conversation after the loser's save).
    for (const id of conversations) {
      const pair = views.filter((v) => v.conversationId === id);
      expect(pair.some((v) => v.ignored?.reason === 'duplicate')).toBe(true);
    }
  });

  it('applies an event id once when both runtimes receive it', async () => {
    const conversations = ids(12);
    await Promise.all(conversations.map((id, i) => either(i).start(id, chat(id))));
    const views = await Promise.all(conversations.flatMap((id) => runtimes.map((r) => r.send(id, { id: `evt-${id}`, ...invoke() }))));
    await idle();
    expect(views.filter((v) => v.redelivered)).toHaveLength(conversations.length);
    expect(views.filter((v) => v.ignored !== null)).toHaveLength(0);
    expect([...node.countByKey().values()]).toEqual(conversations.map(() => 1));
  });

  it('loses no update when both runtimes send interleaved messages for the same conversations', async () => {
    const conversations = ids(10);
    await Promise.all(conversations.map((id, i) => either(i).start(id, chat(id))));
    const messages = (id: string) => Array.from({ length: 12 }, (_, m) => `${id} message ${m}`);
    await Promise.all(conversations.flatMap((id) => messages(id).map((text, m) => either(m + Math.floor(Math.random() * 2)).send(id, { type: 'user.message', text }))));
    expect(conflicts.length).toBeGreaterThan(0);
    for (const id of conversations) {
      const { version, context } = await stored(id);
      expect(version).toBe(1 + 12);
      expect(context.transcript.map((entry) => entry.text).sort()).toEqual(messages(id).sort());
    }
  });

  it('runs whole lifecycles with every event sent to both runtimes, applying each once', async () => {
    const conversations = ids(8);
    const both = (id: string, event: Parameters<HandoffRuntime['send']>[1]) => Promise.all(runtimes.map((r) => r.send(id, event)));
    await Promise.all(conversations.map((id, i) => either(i).start(id, chat(id))));
    await Promise.all(conversations.map((id) => both(id, { id: `${id}-invoke`, ...invoke() })));
    await idle();
    for (const id of conversations) desk.offer(id, 'ana');
    for (const id of conversations) desk.accept(id);
    await idle();
    await Promise.all(conversations.map((id) => both(id, { id: `${id}-hello`, type: 'user.message', text: `hello from ${id}` })));
    for (const id of conversations) desk.agentMessage(id, `hi ${id}`);
    await idle();
    for (const id of conversations) desk.endChat(id, 'resolved');
    await idle();
    await Promise.all(conversations.map((id) => both(id, { id: `${id}-bye`, type: 'user.left', how: 'left' })));
    for (const id of conversations) {
      expect(await either(1).get(id)).toMatchObject({ state: 'ended', ended: { reason: 'userLeft' }, returned: { reason: 'agentEnded' } });
      const { context } = await stored(id);
      expect(context.transcript.map((e) => `${e.role}: ${e.text}`)).toEqual([`user: hello from ${id}`, `agent: hi ${id}`]);
    }
    expect([...node.countByKey().values()]).toEqual(conversations.map(() => 1));
    expect([...enqueues.values()]).toEqual(conversations.map(() => 1));
  });
});
