// What the store holds for one conversation: the persisted XState snapshot, compacted, and the ids of
// the last events it processed. Compaction keeps an idle conversation a few hundred bytes of JSON.
//
// Schema 3 (written): `state.recentEventIds` holds `[id, fingerprint]` pairs, and bare ids carried
// over from a schema-2 snapshot. Schema 2 (read): bare ids only; the rest of the state is the same.
import type { StateValue } from 'xstate';
import { HandoffError } from '../errors.js';
import { initialHandoffContext } from '../../machines/handoff.machine.js';
import type { HandoffContext, HandoffEventSettings } from '../../machines/handoff.types.js';
import type { LifecycleSettings } from '../config/lifecycle-schema.js';
import type { Conversation } from '../payload/payload-schema.js';
import type { RecentEventId, RecentEventIds } from './recent-event-ids.js';
import { copyContext } from './context-copy.js';
import { openSnapshot, sealSnapshot } from './snapshot-envelope.js';
import type { JsonValue } from './store/store.js';

/** A persisted XState snapshot of the handoff machine, as `getPersistedSnapshot` returns it. */
export interface PersistedHandoffSnapshot {
  readonly status: string;
  readonly value: StateValue;
  readonly context: HandoffContext;
  readonly children: Readonly<Record<string, unknown>>;
  readonly historyValue: Readonly<Record<string, unknown>>;
  readonly output?: unknown;
  readonly error?: unknown;
}

/** A conversation read back from the store: the snapshot to restore and its recent event ids. */
export interface DecodedConversation {
  readonly snapshot: PersistedHandoffSnapshot;
  readonly recentEventIds: RecentEventIds;
}

/** What every conversation of a runtime shares, so it is left out of each stored snapshot. */
export interface SharedContext {
  readonly settings: LifecycleSettings;
  /** The event settings for a conversation (they depend on its channel through the prerequisites). */
  eventFor(conversation: Conversation): HandoffEventSettings;
}

// Context keys that start as null: a null value is left out of the stored JSON and restored as null.
let nullKeys: readonly (keyof HandoffContext)[] | undefined;
function nullContextKeys(settings: LifecycleSettings): readonly (keyof HandoffContext)[] {
  nullKeys ??= (Object.entries(
    initialHandoffContext({
      conversation: { sessionId: 's', userId: 'u', channel: 'chat', language: 'en' },
      settings,
      event: { enabled: true, session: 'keepAlive', sendsMessage: false, unmetPrerequisites: [] },
      startedAt: 0,
    }),
  ) as [keyof HandoffContext, unknown][])
    .filter(([, value]) => value === null)
    .map(([key]) => key);
  return nullKeys;
}

const isEmpty = (value: unknown): boolean => typeof value !== 'object' || value === null || Object.keys(value).length === 0;

/**
 * Seals a persisted snapshot for the store: the runtime's settings and event settings are dropped
 * (they are the runtime's configuration, restored from it), so are null context fields and empty
 * `children`/`historyValue`.
 */
export function encodeConversation(snapshot: PersistedHandoffSnapshot, recentEventIds: RecentEventIds): JsonValue {
  const { context, children, historyValue } = snapshot;
  const compact: Record<string, unknown> = {};
  for (const key in context) {
    const value = context[key as keyof HandoffContext];
    if (key !== 'settings' && key !== 'event' && value !== null) compact[key] = value;
  }
  // The routing explanation went out with the 'routed' notification; nothing after routing reads it.
  if (context.handoff?.explanation != null) compact.handoff = { ...context.handoff, explanation: null };
  // The snapshot's other keys in their order, then these: assigned, as V8 copies an object rest and
  // conditional spreads on a slow path.
  const machine: Record<string, unknown> = {};
  for (const key in snapshot) {
    if (key !== 'context' && key !== 'children' && key !== 'historyValue') machine[key] = snapshot[key as keyof PersistedHandoffSnapshot];
  }
  machine.context = compact;
  if (!isEmpty(children)) machine.children = withoutExplanations(children);
  if (!isEmpty(historyValue)) machine.historyValue = historyValue;
  // The snapshot is JSON by construction (the machine's context holds only JSON data).
  const state = { machine: machine as unknown as JsonValue, recentEventIds: [...recentEventIds] };
  return sealSnapshot(state);
}

/** The running invocations, the explanation left out of their inputs (the enqueue step's carries one). */
function withoutExplanations(children: PersistedHandoffSnapshot['children']): PersistedHandoffSnapshot['children'] {
  let copy: Record<string, unknown> | undefined;
  for (const id in children) {
    const child = children[id] as { readonly snapshot?: { readonly input?: { readonly explanation?: unknown } } };
    if (child.snapshot?.input?.explanation == null) continue;
    copy ??= { ...children };
    copy[id] = { ...child, snapshot: { ...child.snapshot, input: { ...child.snapshot.input, explanation: null } } };
  }
  return copy ?? children;
}

/**
 * Opens a stored conversation: `UNSUPPORTED_SNAPSHOT_VERSION` or `CORRUPT_SNAPSHOT` (naming the
 * conversation and the path) when it cannot be read; otherwise the full snapshot with the shared
 * settings put back.
 */
export function decodeConversation(conversationId: string, stored: JsonValue, shared: SharedContext): DecodedConversation {
  return openSnapshot(conversationId, stored, { parse: (state, schemaVersion) => parseState(state, schemaVersion, shared) });
}

function parseState(state: JsonValue, schemaVersion: number, shared: SharedContext): DecodedConversation {
  const root = objectAt(state, ['state']);
  const ids = recentEventIdsAt(root.recentEventIds, schemaVersion);
  const machine = objectAt(root.machine, ['state', 'machine']);
  if (typeof machine.status !== 'string') corrupt(['state', 'machine', 'status'], 'expected a status');
  const value = machine.value;
  if (typeof value !== 'string' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    corrupt(['state', 'machine', 'value'], 'expected a state value');
  }
  const context = objectAt(machine.context, ['state', 'machine', 'context']);
  const conversation = objectAt(context.conversation, ['state', 'machine', 'context', 'conversation']);
  if (typeof conversation.sessionId !== 'string' || typeof conversation.channel !== 'string') {
    corrupt(['state', 'machine', 'context', 'conversation'], 'expected a conversation with a sessionId and a channel');
  }
  objectAt(context.deadlines, ['state', 'machine', 'context', 'deadlines']);
  if (typeof context.now !== 'number') corrupt(['state', 'machine', 'context', 'now'], 'expected the machine clock as a number');

  const full: Record<string, unknown> = {};
  for (const key of nullContextKeys(shared.settings)) full[key] = null;
  Object.assign(full, context, { settings: shared.settings, event: shared.eventFor(context.conversation as unknown as Conversation) });
  const snapshot = {
    ...machine,
    context: copyContext(full as unknown as HandoffContext),
    children: (machine.children ?? {}) as Record<string, unknown>,
    historyValue: (machine.historyValue ?? {}) as Record<string, unknown>,
  } as PersistedHandoffSnapshot;
  return { snapshot, recentEventIds: ids };
}

/**
 * Schema 2 kept bare ids; schema 3 keeps `[id, fingerprint]` pairs, copied frozen as the runtime's
 * own are (the next save shares them with the store, and the store's objects stay its own).
 */
function recentEventIdsAt(value: JsonValue | undefined, schemaVersion: number): RecentEventIds {
  const path = ['state', 'recentEventIds'];
  if (!Array.isArray(value)) corrupt(path, 'expected an array of event ids');
  const ids = value as readonly JsonValue[];
  let pairs = false;
  for (const entry of ids) {
    if (typeof entry === 'string') continue;
    if (schemaVersion === 2) corrupt(path, 'expected an array of event ids');
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
      corrupt(path, 'expected an array of event ids, each an id or an [id, fingerprint] pair');
    }
    pairs = true;
  }
  if (!pairs) return ids as readonly string[];
  // Checked above: every entry that is not an id is an [id, fingerprint] pair.
  const entries = ids as readonly (string | readonly [string, string])[];
  return entries.map((entry): RecentEventId => (typeof entry === 'string' ? entry : Object.freeze([entry[0], entry[1]] as const)));
}

function objectAt(value: JsonValue | undefined, path: readonly string[]): Record<string, JsonValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) corrupt(path, 'expected an object');
  return value as Record<string, JsonValue>;
}

function corrupt(path: readonly string[], message: string): never {
  throw new HandoffError('CORRUPT_SNAPSHOT', `$.${path.join('.')}: ${message}`, [{ code: 'corrupt_snapshot', path, message }]);
}
