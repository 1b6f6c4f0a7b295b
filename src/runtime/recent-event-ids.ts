/** How many recent event ids a conversation remembers when no other bound is given. */
export const defaultRecentEventIdLimit = 16;

/**
 * The ids of the last events a conversation processed, oldest first. It is plain data, kept in
 * the conversation's snapshot, so redelivery is detected across restarts and across processes.
 */
export type RecentEventIds = readonly string[];

/** True when `id` is among the recent ids: the event is a redelivery, to acknowledge and ignore. */
export function isRedelivery(recent: RecentEventIds, id: string): boolean {
  return recent.includes(id);
}

/**
 * Returns a new list with `id` appended and the oldest ids dropped beyond `limit`; the input is
 * not changed. The limit trades snapshot size (each id is stored) for the redelivery window.
 */
export function rememberEventId(recent: RecentEventIds, id: string, limit: number = defaultRecentEventIdLimit): RecentEventIds {
  if (limit < 1) return [];
  const kept = recent.length >= limit ? recent.slice(recent.length - limit + 1) : recent;
  return [...kept, id];
}
