// Event ids through the runtime: a redelivery is acknowledged, an id reused for a different event is
// EVENT_ID_REUSED, in memory, after eviction, in a new runtime, and for ids read from a schema-2 snapshot.
import { afterEach, describe, expect, it } from 'vitest';
import { eventFingerprintLength } from '../src/runtime/event-fingerprint.js';
import { createHandoffRuntime, type HandoffRuntime } from '../src/runtime/runtime.js';
import type { HandoffRuntimeOptions } from '../src/runtime/runtime-options.js';
import { createMemoryStore } from '../src/runtime/store/memory-store.js';
import type { ConversationStore, JsonValue } from '../src/runtime/store/store.js';
import { errorShape, rejectedHandoffError } from './support/catch-handoff-error.js';
import { chat, config, createTestClock, defaultRules, invoke, recorder, T0 } from './runtime/support.js';

const runtimes: HandoffRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

function runtimeOn(store: ConversationStore, options: Partial<HandoffRuntimeOptions> = {}) {
  const runtime = createHandoffRuntime({ config: config(), rules: defaultRules(), clock: createTestClock(), store, deadlines: { pollIntervalMs: null }, ...options });
  runtimes.push(runtime);
  return { runtime, store, ...recorder(runtime) };
}

const runtimeWith = (options: Partial<HandoffRuntimeOptions> = {}) => runtimeOn(createMemoryStore(), options);

/** The stored recent event ids of a conversation, and the schema version they were written with. */
async function storedIds(store: ConversationStore, conversationId: string) {
  const snapshot = (await store.load(conversationId))?.snapshot as { schemaVersion: number; state: { recentEventIds: JsonValue[] } };
  return { schemaVersion: snapshot.schemaVersion, recentEventIds: snapshot.state.recentEventIds };
}

const fingerprint = expect.stringMatching(new RegExp(`^[\\w-]{${String(eventFingerprintLength)}}$`)) as unknown as string;

describe('event ids', () => {
  it('refuses an id reused for another event type with EVENT_ID_REUSED, applying and storing nothing', async () => {
    const { runtime, store, notifications } = runtimeWith();
    await runtime.start('c1', chat());
    const first = await runtime.send('c1', { id: 'evt-1', type: 'user.message', text: 'hello' });
    const before = await store.load('c1');
    const heard = notifications.length;

    const error = await rejectedHandoffError(runtime.send('c1', { id: 'evt-1', ...invoke() }));
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "EVENT_ID_REUSED",
        "issues": [
          {
            "code": "event_id_reused",
            "message": "Event id "evt-1" was first used for a different event: expected a new id for a new event, or the identical event to retry",
            "path": "id",
          },
        ],
        "message": "Event id "evt-1" of conversation "c1" was first used for a different event; this 'handoff.invoke' was not applied. Send a new event with a new id; to retry an event, resend it exactly as first sent (same fields, parameters and at, or no at).",
      }
    `);
    expect(error.issues[0]?.path).toEqual(['id']);
    expect(await store.load('c1')).toEqual(before);
    expect(notifications).toHaveLength(heard);
    expect(await runtime.get('c1')).toEqual(first);
    // The conversation goes on: the first event is still a redelivery, a new id is applied.
    expect(await runtime.send('c1', { id: 'evt-1', type: 'user.message', text: 'hello' })).toEqual({ ...first, redelivered: true });
    expect(await runtime.send('c1', { id: 'evt-2', ...invoke() })).toMatchObject({ state: 'queued.waiting', redelivered: false });
  });

  it('refuses an id reused with other parameters or another at, and takes the same parameters in another key order as a redelivery', async () => {
    const { runtime, store } = runtimeWith();
    await runtime.start('c1', chat());
    const parameters = { interactionSummary: 'Disputes a charge.', sentiment: 'negative', order: { id: 'A-1', lines: [{ sku: 'x', qty: 1 }] } };
    const first = await runtime.send('c1', { id: 'evt-1', type: 'handoff.invoke', reason: 'user_requested', parameters });
    expect(first.sequence).toBe(1);

    const reordered = { order: { lines: [{ qty: 1, sku: 'x' }], id: 'A-1' }, sentiment: 'negative', interactionSummary: 'Disputes a charge.' };
    const again = await runtime.send('c1', { parameters: reordered, reason: 'user_requested', type: 'handoff.invoke', id: 'evt-1' });
    expect(again).toEqual({ ...first, redelivered: true });

    const changed = { ...parameters, order: { id: 'A-1', lines: [{ sku: 'x', qty: 2 }] } };
    expect((await rejectedHandoffError(runtime.send('c1', { id: 'evt-1', type: 'handoff.invoke', reason: 'user_requested', parameters: changed }))).code).toBe('EVENT_ID_REUSED');
    expect((await rejectedHandoffError(runtime.send('c1', { id: 'evt-1', type: 'handoff.invoke', reason: 'policy', parameters }))).code).toBe('EVENT_ID_REUSED');

    // An `at` the host sent is part of the event; one the runtime stamps is not.
    const stamped = await runtime.send('c1', { id: 'evt-2', type: 'user.message', text: 'still there?', at: T0 + 1_000 });
    expect(await runtime.send('c1', { id: 'evt-2', type: 'user.message', text: 'still there?', at: T0 + 1_000 })).toEqual({ ...stamped, redelivered: true });
    expect((await rejectedHandoffError(runtime.send('c1', { id: 'evt-2', type: 'user.message', text: 'still there?', at: T0 + 2_000 }))).code).toBe('EVENT_ID_REUSED');
    expect((await rejectedHandoffError(runtime.send('c1', { id: 'evt-2', type: 'user.message', text: 'still there?' }))).code).toBe('EVENT_ID_REUSED');
    expect(await storedIds(store, 'c1')).toEqual({ schemaVersion: 3, recentEventIds: [['evt-1', fingerprint], ['evt-2', fingerprint]] });
  });

  it('remembers what each id came with across eviction, in a new runtime on the same store, and after the end', async () => {
    const store = createMemoryStore();
    const a = runtimeOn(store, { maxLiveActors: 0 }).runtime;
    await a.start('c1', chat());
    const first = await a.send('c1', { id: 'evt-1', type: 'user.message', text: 'hello' });
    expect((await rejectedHandoffError(a.send('c1', { id: 'evt-1', type: 'user.message', text: 'bye' }))).code).toBe('EVENT_ID_REUSED');
    await a.close();

    const b = runtimeOn(store).runtime;
    expect((await rejectedHandoffError(b.send('c1', { id: 'evt-1', type: 'user.cancel' }))).code).toBe('EVENT_ID_REUSED');
    expect(await b.send('c1', { id: 'evt-1', type: 'user.message', text: 'hello' })).toEqual({ ...first, redelivered: true });

    const ended = await b.send('c1', { id: 'evt-2', type: 'user.left', how: 'left' });
    expect(ended.status).toBe('done');
    expect((await rejectedHandoffError(b.send('c1', { id: 'evt-2', type: 'user.left', how: 'hangup' }))).code).toBe('EVENT_ID_REUSED');
    expect(await b.send('c1', { id: 'evt-2', type: 'user.left', how: 'left' })).toEqual({ ...ended, redelivered: true });
  });

  it('reads a schema-2 snapshot back: its ids take any event as a redelivery, and new ids are kept with fingerprints as schema 3', async () => {
    const store = createMemoryStore();
    // Written by the library before fingerprints: two messages with ids, in `aiHandling`.
    const v2 = JSON.parse(
      '{"schemaVersion":2,"state":{"machine":{"status":"active","value":"aiHandling","context":{"conversation":{"sessionId":"session-1","userId":"user-1","channel":"chat","language":"en","memory":{"userProfile":{"firstName":"Ada","tier":"silver"}}},"now":1748854800000,"deadlines":{"chatIdle":1748856600000},"sequence":0,"transcript":[{"role":"user","text":"hello","at":"2025-06-02T09:00:00.000Z"},{"role":"user","text":"are you there?","at":"2025-06-02T09:00:00.000Z"}],"aiMayRespond":true,"aiSessionTerminated":false}},"recentEventIds":["evt-1","evt-2"]}}',
    ) as JsonValue;
    await store.save('c1', 0, { snapshot: v2, nextDeadline: T0 + 30 * 60_000 });
    const { runtime } = runtimeOn(store);

    const stored = await runtime.get('c1');
    expect(stored).toMatchObject({ state: 'aiHandling', aiMayRespond: true, version: 1 });
    expect(await runtime.send('c1', { id: 'evt-1', type: 'user.message', text: 'something else' })).toEqual({ ...stored, redelivered: true });

    const next = await runtime.send('c1', { id: 'evt-3', ...invoke() });
    expect(next).toMatchObject({ state: 'queued.waiting', sequence: 1, redelivered: false });
    expect(await storedIds(store, 'c1')).toEqual({ schemaVersion: 3, recentEventIds: ['evt-1', 'evt-2', ['evt-3', fingerprint]] });
    expect((await rejectedHandoffError(runtime.send('c1', { id: 'evt-3', type: 'user.cancel' }))).code).toBe('EVENT_ID_REUSED');
    expect((await runtime.send('c1', { id: 'evt-2', type: 'user.cancel' })).redelivered).toBe(true);
  });

  it('reports a schema-3 snapshot whose ids are neither ids nor [id, fingerprint] pairs as CORRUPT_SNAPSHOT', async () => {
    const store = createMemoryStore();
    const { runtime } = runtimeOn(store);
    await runtime.start('c1', chat());
    const snapshot = (await store.load('c1'))?.snapshot as { schemaVersion: number; state: Record<string, JsonValue> };
    await store.save('bad-pair', 0, { snapshot: { ...snapshot, state: { ...snapshot.state, recentEventIds: [['evt-1']] } }, nextDeadline: null });
    await store.save('v2-pair', 0, { snapshot: { schemaVersion: 2, state: { ...snapshot.state, recentEventIds: [['evt-1', 'abc']] } }, nextDeadline: null });
    const bad = await rejectedHandoffError(runtime.get('bad-pair'));
    expect(bad.code).toBe('CORRUPT_SNAPSHOT');
    expect(bad.message).toBe('Stored snapshot of conversation "bad-pair" is corrupt: $.state.recentEventIds: expected an array of event ids, each an id or an [id, fingerprint] pair');
    expect((await rejectedHandoffError(runtime.get('v2-pair'))).message).toContain('$.state.recentEventIds: expected an array of event ids');
  });
});
