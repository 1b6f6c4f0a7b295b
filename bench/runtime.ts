// The runtime: full lifecycles per second (invoke → delivered → routed → queued → accepted → ended)
// through `createHandoffRuntime` with the memory store, beside the bare machine doing the same
// lifecycle in the same run; p50/p99 of `send`; heap per idle (evicted) conversation; restore and
// re-arm cost; the same lifecycle on PostgreSQL. `--idle=<n>` sets the largest idle count (100 000
// by default; the documented 1 000 000 figure is `npm run bench -- --idle=1000000`).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createActor, fromPromise } from 'xstate';
import { handoffMachine } from '../dist/machines/handoff.machine.js';
import type { HandoffActorTypes } from '../dist/machines/handoff.types.js';
import { defaultHandoffConfig } from '../dist/src/config/default-config.js';
import type { HandoffConfig } from '../dist/src/config/config-schema.js';
import { buildHandoffPayload } from '../dist/src/payload/build-payload.js';
import { createRouter } from '../dist/src/routing/router.js';
import { loadConnectionRules } from '../dist/src/rules/load-rules.js';
import type { ConnectionRules } from '../dist/src/rules/rule-schema.js';
import { createHandoffRuntime, type HandoffRuntime } from '../dist/src/runtime/runtime.js';
import type { HandoffRuntimeOptions } from '../dist/src/runtime/runtime-options.js';
import { createMemoryStore } from '../dist/src/runtime/store/memory-store.js';
import { createPostgresStore } from '../dist/src/runtime/store/postgres-store.js';
import type { ConversationStore, ConversationWrite } from '../dist/src/runtime/store/store.js';
import { trivialMachineRun } from './lifecycle.js';
import { benchRuleSet, conversation, cpuMeter, endingWithTheAgent, instantDesk, invoke, lifecycle } from './runtime-workload.js';
import { heading, heapUsed, measure, printComparison, type Measurement } from './support.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const idleArg = process.argv.find((arg) => arg.startsWith('--idle='));
const largestIdle = idleArg ? Number(idleArg.slice('--idle='.length)) : 100_000;

const benchConfig = (): HandoffConfig => endingWithTheAgent(defaultHandoffConfig());

const rules: ConnectionRules = loadConnectionRules(benchRuleSet);

function runtimeOn(store: ConversationStore, extra: Partial<HandoffRuntimeOptions> = {}): HandoffRuntime {
  return createHandoffRuntime({ config: benchConfig(), rules, store, liveAgents: instantDesk, deadlines: { pollIntervalMs: 60_000 }, ...extra });
}

/** A provided step of the bare machine: answers with `answer(input)`. */
const step = <K extends keyof HandoffActorTypes>(_name: K, answer: (input: HandoffActorTypes[K]['input']) => HandoffActorTypes[K]['output'] | Promise<HandoffActorTypes[K]['output']>) =>
  fromPromise<HandoffActorTypes[K]['output'], HandoffActorTypes[K]['input']>(async ({ input }) => answer(input));

/** The bare machine doing the same lifecycle with the same payload build and routing, nothing stored. (bench/lifecycle.ts has it with canned answers.) */
function bareMachine(config: HandoffConfig): () => Promise<void> {
  const router = createRouter(rules);
  const machine = handoffMachine.provide({
    actors: {
      buildPayload: step('buildPayload', (input) => buildHandoffPayload(config, input.conversation, input.invocation)),
      deliverToAutomationNode: step('deliverToAutomationNode', () => ({ acknowledged: true })),
      routeHandoff: step('routeHandoff', async (input) => ({ decision: await router.route(input.payload), explanation: await router.explain(input.payload) })),
      checkBusinessHours: step('checkBusinessHours', () => ({ open: true })),
      checkAgentAvailability: step('checkAgentAvailability', () => ({ available: true })),
      enqueueForAgent: step('enqueueForAgent', () => ({ position: 1, estimatedWaitSeconds: 60 })),
      cancelQueue: step('cancelQueue', () => undefined),
      handOverToTarget: step('handOverToTarget', () => undefined),
    },
    actions: { sendMessageToUser: () => undefined, relayToAgent: () => undefined, relayToUser: () => undefined, notify: () => undefined },
  });
  const clock = { setTimeout: () => 0, clearTimeout: () => undefined };
  const event = { enabled: true, session: 'keepAlive', sendsMessage: true, unmetPrerequisites: [] } as const;
  let n = 0;
  return async () => {
    n += 1;
    const actor = createActor(machine, { clock, input: { conversation: conversation(n), settings: config.lifecycle, event, startedAt: Date.now() } }).start();
    actor.send({ ...invoke, at: Date.now() });
    while (!actor.getSnapshot().matches({ queued: 'waiting' })) {
      if (actor.getSnapshot().status !== 'active') throw new Error('bare lifecycle stopped early');
      await new Promise((resolve) => setImmediate(resolve));
    }
    actor.send({ type: 'agent.offered', agentId: 'ana' });
    actor.send({ type: 'agent.accepted', agentId: 'ana' });
    actor.send({ type: 'agent.ended', agentId: 'ana' });
    if (actor.getSnapshot().status !== 'done') throw new Error('bare lifecycle did not end');
  };
}

const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** Lifecycles per second, `inFlight` at a time; with `timeSends`, every send's latency too (in a run of its own, as timing slows it). */
async function lifecycles(label: string, runtime: HandoffRuntime, millis: number, inFlight: number, prefix: string, timeSends = false): Promise<{ measurement: Measurement; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const measurement = await measure(
    label,
    () => Promise.all(Array.from({ length: inFlight }, () => {
      const n = next++;
      return lifecycle(runtime, `${prefix}-${n}`, n, timeSends ? latencies : undefined);
    })),
    { millis, batch: 1 },
  );
  // measure() counts one op per batch of `inFlight` lifecycles.
  return { measurement: { ...measurement, opsPerSecond: measurement.opsPerSecond * inFlight, p50Micros: measurement.p50Micros / inFlight, p99Micros: measurement.p99Micros / inFlight }, latencies };
}

function printLatencies(label: string, latencies: number[]): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`  ${label.padEnd(44)} p50 ${fmt(percentile(sorted, 0.5)).padStart(8)} µs   p99 ${fmt(percentile(sorted, 0.99)).padStart(8)} µs   (${sorted.length.toLocaleString('en-US')} sends)`);
}

async function idleHeap(count: number): Promise<void> {
  const store = createMemoryStore();
  const runtime = runtimeOn(store);
  const before = heapUsed();
  const t0 = performance.now();
  const chunk = 1000;
  for (let i = 0; i < count; i += chunk) {
    await Promise.all(Array.from({ length: Math.min(chunk, count - i) }, (_, k) => runtime.start(`idle-${i + k}`, conversation(i + k))));
  }
  const seconds = (performance.now() - t0) / 1000;
  await runtime.idle();
  const after = heapUsed();
  const perConversation = (after - before) / count;
  const sample = await store.load('idle-1');
  const bytes = sample ? JSON.stringify(sample.snapshot).length : 0;
  console.log(
    `  ${`${count.toLocaleString('en-US')} idle conversations`.padEnd(28)} ${fmt(perConversation).padStart(7)} B heap each   (snapshot ${bytes} B of JSON; started in ${seconds.toFixed(1)} s, ${fmt(count / seconds)}/s)   target ≤ 1 024 B: ${perConversation <= 1024 ? 'met' : 'NOT met'}`,
  );
  await runtime.close();
}

async function restoreCost(): Promise<void> {
  const count = 5000;
  const store = createMemoryStore();
  const first = runtimeOn(store, { maxLiveActors: 0 });
  for (let i = 0; i < count; i++) {
    await first.start(`r-${i}`, conversation(i));
    await first.send(`r-${i}`, invoke);
  }
  await first.close();
  // A new runtime: every conversation is only a stored snapshot, queued with deadlines pending.
  const cold = runtimeOn(store, { maxLiveActors: 0 });
  let i = 0;
  const restoreSend = await measure('restore + event + save (evicted)', () => cold.send(`r-${i++ % count}`, { type: 'queue.update', position: 2, estimatedWaitSeconds: 30 }), { batch: 50 });
  const warm = runtimeOn(store, { maxLiveActors: count });
  for (let k = 0; k < count; k++) await warm.get(`r-${k}`);
  for (let k = 0; k < count; k++) await warm.send(`r-${k}`, { type: 'queue.update', position: 2, estimatedWaitSeconds: 30 });
  let j = 0;
  const cachedSend = await measure('event + save (actor in memory)', () => warm.send(`r-${j++ % count}`, { type: 'queue.update', position: 3, estimatedWaitSeconds: 30 }), { batch: 50 });
  let g = 0;
  const read = await measure('get (stored view, no actor)', () => cold.get(`r-${g++ % count}`), { batch: 50 });
  printComparison(restoreSend, [cachedSend, read]);
  await Promise.all([cold.close(), warm.close()]);

  // Re-arm after a restart: every deadline already due when a new runtime starts fires at once.
  const overdue = createMemoryStore();
  const before = runtimeOn(overdue, { clock: { now: () => Date.UTC(2025, 5, 2, 9), setTimeout: () => 0, clearTimeout: () => undefined } });
  for (let k = 0; k < count; k++) await before.start(`o-${k}`, conversation(k));
  await before.close();
  const t0 = performance.now();
  const after = runtimeOn(overdue, { maxLiveActors: 0 });
  await after.idle();
  const ms = performance.now() - t0;
  const ended = (await after.get('o-0')).state;
  console.log(`  ${`re-arm: ${count.toLocaleString('en-US')} overdue idle timeouts fired at start`.padEnd(44)} ${fmt((ms * 1000) / count).padStart(8)} µs each (${ms.toFixed(0)} ms; o-0 is ${ended})`);
  await after.close();
}

async function postgres(): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 16, connectionTimeoutMillis: 3000 });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    console.log(`  skipped: no PostgreSQL at ${databaseUrl} (${error instanceof Error ? error.message : String(error)})`);
    await pool.end().catch(() => undefined);
    return;
  }
  const table = `handoff_bench_${process.pid}`;
  const store = createPostgresStore({ pool, table });
  await store.migrate();
  const runtime = runtimeOn(store);
  try {
    const memory = runtimeOn(createMemoryStore());
    const pgRun = await lifecycles('full lifecycle on PostgreSQL, 16 in flight', runtime, 3000, 16, 'pg', true);
    const memRun = await lifecycles('full lifecycle in memory, 16 in flight', memory, 1000, 16, 'mem');
    printComparison(pgRun.measurement, [memRun.measurement]);
    printLatencies('send on PostgreSQL (16 lifecycles in flight)', pgRun.latencies);
    await memory.close();
  } finally {
    await runtime.close();
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  }
}

/** The JSON of one lifecycle's saves, as a store that serializes every save (PostgreSQL) writes it; the memory store serializes only the last. */
async function lifecycleSaves(): Promise<{ count: number; bytes: number; serialize: () => void }> {
  const store = createMemoryStore();
  const writes: ConversationWrite[] = [];
  const recording: ConversationStore = {
    ...store,
    save: (id, version, write) => {
      writes.push(write);
      return store.save(id, version, write);
    },
  };
  const runtime = runtimeOn(recording);
  await lifecycle(runtime, 'saves', 0);
  await runtime.close();
  const bytes = writes.reduce((sum, write) => sum + JSON.stringify(write.snapshot).length, 0);
  return { count: writes.length, bytes, serialize: () => writes.map((write) => JSON.stringify(write.snapshot)) };
}

/** Runs the runtime benchmarks. */
export default async function (): Promise<void> {
  heading('Runtime: full lifecycles (start, invoke → delivered → routed → queued, offered, accepted, ended), memory store');
  const runtime = runtimeOn(createMemoryStore());
  const one = await lifecycles('runtime, 1 lifecycle at a time', runtime, 2000, 1, 'seq');
  const many = await lifecycles('runtime, 64 lifecycles in flight', runtime, 2000, 64, 'par');
  const actorRuntime = runtimeOn(createMemoryStore(), { directPath: false });
  const actors = await lifecycles('same, every event in an XState actor', actorRuntime, 2000, 64, 'act');
  const bare = await measure('bare machine + same payload build + routing', bareMachine(benchConfig()), { batch: 20 });
  // How fast this machine is: XState alone, no steps, no store. The target is about its speed.
  const trivial = await measure('yardstick: trivial XState machine, 6 events', trivialMachineRun);
  printComparison(many.measurement, [one.measurement, actors.measurement, bare, trivial]);
  console.log(`  target ≥ 20 000 lifecycles/s in memory: ${many.measurement.opsPerSecond >= 20_000 ? 'met' : 'NOT met'}`);
  // The issue set the target on a machine where create+start took about 5 µs and a send 2 µs, so the
  // yardstick's start and six events ran in about 17 µs there (58 800/s). On a machine that runs the
  // yardstick slower or faster, the same target scales with it.
  const scaledTarget = (20_000 * trivial.opsPerSecond) / 58_800;
  console.log(
    `  the same target scaled to this run's machine (yardstick ${fmt(trivial.opsPerSecond)}/s here, about 58 800/s where the issue measured): ≥ ${fmt(scaledTarget)}/s: ${many.measurement.opsPerSecond >= scaledTarget ? 'met' : 'NOT met'}`,
  );
  const fresh = runtimeOn(createMemoryStore());
  console.log(`  ${'CPU per lifecycle, 64 in flight, fresh store'.padEnd(44)} ${fmt(await cpuMeter(fresh, 'cpu')(6400)).padStart(8)} µs (user + system, all threads; 50 µs would be the target)`);
  await fresh.close();
  const saves = await lifecycleSaves();
  const serialize = await measure(`JSON of all ${saves.count} saves (${(saves.bytes / 1024).toFixed(1)} KiB)`, saves.serialize, { batch: 20 });
  const share = ((serialize.p50Micros * many.measurement.opsPerSecond) / 1e4).toFixed(0);
  console.log(`  ${serialize.label.padEnd(44)} ${fmt(serialize.p50Micros).padStart(8)} µs per lifecycle = ${share}% of its time, were every save serialized (the memory store serializes the last)`);
  const oneTimed = await lifecycles('timed', runtime, 1000, 1, 'seq-timed', true);
  const manyTimed = await lifecycles('timed', runtime, 1000, 64, 'par-timed', true);
  printLatencies('send, 1 lifecycle at a time', oneTimed.latencies);
  printLatencies('send, 64 lifecycles in flight', manyTimed.latencies);
  // A host that listens: every notification built and frozen, and the routing explained for it.
  const heard = runtimeOn(createMemoryStore());
  let notified = 0;
  heard.subscribe(() => {
    notified += 1;
  });
  const listened = await lifecycles('runtime, 64 in flight, a listener subscribed', heard, 1500, 64, 'heard');
  const explainOff = runtimeOn(createMemoryStore(), { routing: { explain: false } });
  explainOff.subscribe(() => undefined);
  const unexplained = await lifecycles('same, routing.explain: false', explainOff, 1500, 64, 'nx');
  printComparison(listened.measurement, [many.measurement, unexplained.measurement]);
  console.log(`  (${notified.toLocaleString('en-US')} notifications heard; without a listener the runtime builds none, nor the routing explanation only they carry)`);
  await Promise.all([runtime.close(), actorRuntime.close(), heard.close(), explainOff.close()]);

  heading('Runtime: heap per idle conversation (evicted to its snapshot in the memory store, after a full GC)');
  for (const count of [100_000, ...(largestIdle > 100_000 ? [largestIdle] : [])]) await idleHeap(count);

  heading('Runtime: restore + re-arm (5 000 queued conversations)');
  await restoreCost();

  heading('Runtime: the same lifecycle on PostgreSQL');
  await postgres();
}
