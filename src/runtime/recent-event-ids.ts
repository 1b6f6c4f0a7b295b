import { HandoffError } from '../errors.js';

/** How many recent event ids a conversation remembers when no other bound is given. */
export const defaultRecentEventIdLimit = 16;

/**
 * One remembered event: its id and the fingerprint of the event it came with (`eventFingerprint`),
 * or the id alone when it was read from a schema-2 snapshot, which kept no fingerprints.
 */
export type RecentEventId = string | readonly [id: string, fingerprint: string];

/**
 * The last events a conversation processed, oldest first. It is plain data, kept in the
 * conversation's snapshot, so redelivery is detected across restarts and across processes.
 */
export type RecentEventIds = readonly RecentEventId[];

/**
 * What an event id is to a conversation: `new`; a `redelivery` of the event it came with (to
 * acknowledge and ignore); or `reused` for a different event (`EVENT_ID_REUSED`).
 */
export type EventIdUse = 'new' | 'redelivery' | 'reused';

/**
 * Looks `id` up among the recent events. An id remembered without a fingerprint (from a schema-2
 * snapshot) is a redelivery whatever the event, as it was before fingerprints were kept.
 */
export function recallEventId(recent: RecentEventIds, id: string, fingerprint: string): EventIdUse {
  for (const entry of recent) {
    if (typeof entry === 'string') {
      if (entry === id) return 'redelivery';
    } else if (entry[0] === id) {
      return entry[1] === fingerprint ? 'redelivery' : 'reused';
    }
  }
  return 'new';
}

/**
 * Returns a new list with the event appended and the oldest dropped beyond `limit`; the input is
 * not changed. The limit trades snapshot size (each id and fingerprint is stored) for the window.
 */
export function rememberEventId(recent: RecentEventIds, id: string, fingerprint: string, limit: number = defaultRecentEventIdLimit): RecentEventIds {
  if (limit < 1) return [];
  const kept = recent.length >= limit ? recent.slice(recent.length - limit + 1) : recent;
  // Frozen: the stored snapshot shares it, and a store must not change the conversation's state.
  return [...kept, Object.freeze([id, fingerprint] as const)];
}

/** The error for an id that came back with another event: it names the conversation, the id and what to do. */
export function eventIdReusedError(conversationId: string, id: string, type: string): HandoffError {
  const issue = `Event id ${JSON.stringify(id)} was first used for a different event: expected a new id for a new event, or the identical event to retry`;
  return new HandoffError(
    'EVENT_ID_REUSED',
    `Event id ${JSON.stringify(id)} of conversation "${conversationId}" was first used for a different event; this '${type}' was not applied. ` +
      'Send a new event with a new id; to retry an event, resend it exactly as first sent (same fields, parameters and at, or no at).',
    [{ code: 'event_id_reused', path: ['id'], message: issue }],
  );
}
