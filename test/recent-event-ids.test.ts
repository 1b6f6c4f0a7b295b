import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRecentEventIdLimit, recallEventId, rememberEventId, type RecentEventIds } from '../src/runtime/recent-event-ids.js';

describe('recent event ids', () => {
  it('takes a remembered id with the same fingerprint as a redelivery, with another as a reuse, and an unseen id as new', () => {
    const recent = rememberEventId(rememberEventId([], 'e1', 'fp-1'), 'e2', 'fp-2');
    expect(recallEventId(recent, 'e1', 'fp-1')).toBe('redelivery');
    expect(recallEventId(recent, 'e2', 'fp-1')).toBe('reused');
    expect(recallEventId(recent, 'e3', 'fp-1')).toBe('new');
  });

  it('takes any event under an id read from a schema-2 snapshot, which kept no fingerprint, as a redelivery', () => {
    const recent = rememberEventId(['e1'], 'e2', 'fp-2');
    expect(recallEventId(recent, 'e1', 'anything')).toBe('redelivery');
    expect(recallEventId(recent, 'e2', 'fp-3')).toBe('reused');
    expect(recent).toEqual(['e1', ['e2', 'fp-2']]);
  });

  it('keeps the last `limit` events, oldest first, frozen, without changing its input', () => {
    const before: RecentEventIds = [['a', '1'], 'b', ['c', '3']];
    const after = rememberEventId(before, 'd', '4', 3);
    expect(after).toEqual(['b', ['c', '3'], ['d', '4']]);
    expect(Object.isFrozen(after.at(-1))).toBe(true);
    expect(before).toEqual([['a', '1'], 'b', ['c', '3']]);
    expect(rememberEventId(before, 'd', '4', 0)).toEqual([]);
  });

  it('never grows past its bound and always remembers the latest events with their fingerprints', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })), { maxLength: 100 }), fc.integer({ min: 1, max: 20 }), (events, limit) => {
        let recent: RecentEventIds = [];
        for (const [id, fingerprint] of events) recent = rememberEventId(recent, id, fingerprint, limit);
        expect(recent).toEqual(events.slice(-limit));
      }),
    );
    expect(defaultRecentEventIdLimit).toBe(16);
  });
});
