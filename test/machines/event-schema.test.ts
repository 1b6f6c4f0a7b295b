import type { z } from 'zod';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isHandoffError } from '../../src/errors.js';
import { handoffEventSchema, handoffEventTypes, parseHandoffEvent } from '../../src/events/event-schema.js';
import type { HandoffEvent } from '../../machines/handoff.types.js';

describe('host event schema', () => {
  it('describes exactly the machine event type', () => {
    expectTypeOf<z.output<typeof handoffEventSchema>>().toExtend<HandoffEvent>();
    expectTypeOf<HandoffEvent>().toExtend<z.output<typeof handoffEventSchema>>();
  });

  it('lists every host event type', () => {
    expect(handoffEventTypes).toEqual([
      'handoff.invoke', 'user.message', 'user.cancel', 'user.left', 'user.acceptOffer', 'automation.ack', 'automation.error',
      'agent.offered', 'agent.accepted', 'agent.rejected', 'agent.message', 'agent.ended', 'queue.update',
      'target.completed', 'target.failed', 'dialog.completed', 'clock.tick',
    ]);
  });

  it('applies defaults and keeps the time stamp', () => {
    expect(parseHandoffEvent({ type: 'handoff.invoke', reason: 'policy', at: 5 })).toEqual({ type: 'handoff.invoke', reason: 'policy', parameters: {}, at: 5 });
  });

  it('takes the handoff a desk event belongs to, as on the automation node’s events: a whole number from 1, or none', () => {
    const desk: Extract<HandoffEvent, { type: `agent.${string}` | 'queue.update' }>[] = [
      { type: 'agent.offered', agentId: 'ana', sequence: 2 },
      { type: 'agent.accepted', agentId: 'ana', sequence: 2 },
      { type: 'agent.rejected', agentId: 'ana', reason: 'busy', sequence: 2 },
      { type: 'agent.message', agentId: 'ana', text: 'Hi', sequence: 2 },
      { type: 'agent.ended', agentId: 'ana', returnReason: 'handBack', sequence: 2 },
      { type: 'queue.update', position: 1, estimatedWaitSeconds: 30, sequence: 2 },
    ];
    for (const event of desk) {
      expect(parseHandoffEvent(event)).toEqual(event);
      const unnamed: Record<string, unknown> = { ...event };
      delete unnamed.sequence;
      expect(parseHandoffEvent(unnamed)).toEqual(unnamed);
      for (const sequence of [0, 1.5, '2']) expect(() => parseHandoffEvent({ ...event, sequence })).toThrow(expect.objectContaining({ code: 'INVALID_EVENT' }) as Error);
    }
  });

  it('rejects a malformed event with INVALID_EVENT and the zod issues', () => {
    const attempt = (value: unknown) => {
      try {
        parseHandoffEvent(value);
        return null;
      } catch (error) {
        if (!isHandoffError(error, 'INVALID_EVENT')) throw error;
        return error.issues.map((i) => ({ code: i.code, path: i.path }));
      }
    };
    expect(attempt({ type: 'agent.accepted' })).toEqual([{ code: 'invalid_type', path: ['agentId'] }]);
    expect(attempt({ type: 'user.left', how: 'vanished' })).toEqual([{ code: 'invalid_value', path: ['how'] }]);
    expect(attempt({ type: 'user.cancel', extra: 1 })).toEqual([{ code: 'unrecognized_keys', path: [] }]);
    expect(attempt({ type: 'handoff.requested' })).toEqual([{ code: 'invalid_union', path: ['type'] }]);
  });
});
