import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRecentEventIdLimit, isRedelivery, rememberEventId } from '../src/runtime/recent-event-ids.js';

describe('recent event ids', () => {
  it('recognises a remembered id as a redelivery and an unseen one as new', () => {
    const recent = rememberEventId(rememberEventId([], 'e1'), 'e2');
    expect(isRedelivery(recent, 'e1')).toBe(true);
    expect(isRedelivery(recent, 'e3')).toBe(false);
  });

  it('keeps the last `limit` ids, oldest first, without changing its input', () => {
    const before = ['a', 'b', 'c'];
    expect(rememberEventId(before, 'd', 3)).toEqual(['b', 'c', 'd']);
    expect(before).toEqual(['a', 'b', 'c']);
    expect(rememberEventId(before, 'd', 0)).toEqual([]);
  });

  it('never grows past its bound and always remembers the latest ids', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 100 }), fc.integer({ min: 1, max: 20 }), (ids, limit) => {
        let recent: readonly string[] = [];
        for (const id of ids) recent = rememberEventId(recent, id, limit);
        expect(recent).toEqual(ids.slice(-limit));
      }),
    );
    expect(defaultRecentEventIdLimit).toBe(16);
  });
});
