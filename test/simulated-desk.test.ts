import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { HandoffError, isHandoffError } from '../src/errors.js';
import { createSimulatedDesk } from '../src/runtime/live-agents/simulated-desk.js';
import type { SimulatedDeskOptions } from '../src/runtime/live-agents/simulated-desk-options.js';
import type { EnqueueRequest, LiveAgentEvent } from '../src/runtime/live-agents/live-agent-desk.js';
import { agentTransferParamsSchema } from '../src/routing/target-schema.js';
import { deskPayload } from './support/desk.js';

const start = Date.parse('2026-03-02T10:00:00Z'); // a Monday

function setup(options: Partial<SimulatedDeskOptions> = {}) {
  const clock = new SimulatedClock();
  clock.set(start);
  const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], clock, ...options });
  // The handoff each conversation was last enqueued for, when the desk sends its events.
  const enqueued = new Map<string, number>();
  const enqueue = desk.enqueue.bind(desk);
  desk.enqueue = (r) => {
    enqueued.set(r.conversationId, r.sequence);
    return enqueue(r);
  };
  const events: [string, LiveAgentEvent, number | undefined][] = [];
  desk.subscribe((conversationId, event) => events.push([conversationId, event, enqueued.get(conversationId)]));
  /** Lets the desk deliver its queued events, then returns and forgets them (without `at` and `sequence`, checked here). */
  const drained = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return events.splice(0).map(([id, event, sequence]) => {
      const { at, sequence: named, ...rest } = event;
      expect(at).toBeGreaterThanOrEqual(start);
      expect(at).toBeLessThanOrEqual(clock.now());
      expect(named, `the handoff of ${id}'s ${event.type}`).toBe(sequence);
      return [id, rest] as const;
    });
  };
  return { desk, clock, drained, events };
}

function request(conversationId: string, params: Record<string, unknown> = {}, scope?: EnqueueRequest['scope']): EnqueueRequest {
  return {
    conversationId,
    params: agentTransferParamsSchema.parse({ queue: 'support', ...params }),
    payload: deskPayload,
    sequence: 1,
    idempotencyKey: `${conversationId}:1:enqueue`,
    ...(scope ? { scope } : {}),
  };
}

function thrown(action: () => void): HandoffError {
  try {
    action();
  } catch (error) {
    if (error instanceof HandoffError) return error;
    throw error;
  }
  throw new Error('expected a HandoffError');
}

describe('simulated desk, auto mode', () => {
  it('offers a waiting conversation to a free agent, who accepts at once, after the enqueue resolves', async () => {
    const { desk, drained } = setup();
    expect(await desk.enqueue(request('c1'))).toEqual({ position: 1, estimatedWaitSeconds: 300 });
    expect(await drained()).toEqual([
      ['c1', { type: 'agent.offered', agentId: 'ana' }],
      ['c1', { type: 'agent.accepted', agentId: 'ana' }],
    ]);
    expect(desk.inspect('c1')).toMatchObject({ status: 'connected', agentId: 'ana', position: null });
  });

  it('respects capacity, and gives the freed slot to the next conversation when a chat ends', async () => {
    const { desk, drained } = setup({ agents: [{ id: 'ana', capacity: 2 }] });
    for (const id of ['c1', 'c2', 'c3']) await desk.enqueue(request(id));
    expect((await drained()).map(([id, e]) => `${id} ${e.type}`)).toEqual([
      'c1 agent.offered',
      'c1 agent.accepted',
      'c2 agent.offered',
      'c2 agent.accepted',
    ]);
    expect(desk.inspect('c3')).toMatchObject({ status: 'waiting', position: 1 });
    desk.endChat('c1', 'resolved');
    expect(await drained()).toEqual([
      ['c1', { type: 'agent.ended', agentId: 'ana', returnReason: 'resolved' }],
      ['c3', { type: 'agent.offered', agentId: 'ana' }],
      ['c3', { type: 'agent.accepted', agentId: 'ana' }],
    ]);
  });

  it('matches by skills: an agent takes only conversations whose every skill it has', async () => {
    const { desk, drained } = setup({ agents: [{ id: 'bill', skills: ['billing'] }, { id: 'frida', skills: ['billing', 'fr'] }] });
    desk.setAvailability('frida', false);
    await desk.enqueue(request('fr', { skills: ['billing', 'fr'] }));
    await desk.enqueue(request('en', { skills: ['billing'] }));
    expect(await drained()).toEqual([
      ['en', { type: 'agent.offered', agentId: 'bill' }],
      ['en', { type: 'agent.accepted', agentId: 'bill' }],
    ]);
    desk.setAvailability('frida', true);
    expect((await drained()).map(([id, e]) => `${id} ${e.type} ${'agentId' in e ? e.agentId : ''}`)).toEqual([
      'fr agent.offered frida',
      'fr agent.accepted frida',
    ]);
  });

  it('waits for named agents only, until an enqueue with scope queue widens the wait', async () => {
    const { desk, drained } = setup({ agents: [{ id: 'ana' }, { id: 'bob' }] });
    await desk.enqueue(request('busy'));
    await desk.enqueue(request('c1', { agents: ['ana'] }));
    await drained();
    expect(desk.inspect('c1')).toMatchObject({ scope: 'namedAgents', status: 'waiting' });
    // The placement is the one at the time of the call; free agents take the conversation right after.
    expect(await desk.enqueue(request('c1', { agents: ['ana'] }, 'queue'))).toEqual({ position: 1, estimatedWaitSeconds: 150 });
    expect(await drained()).toEqual([
      ['c1', { type: 'agent.offered', agentId: 'bob' }],
      ['c1', { type: 'agent.accepted', agentId: 'bob' }],
    ]);
  });

  it('accepts after autoAcceptAfterMs on the injected clock', async () => {
    const { desk, clock, drained } = setup({ autoAcceptAfterMs: 5000 });
    await desk.enqueue(request('c1'));
    expect(await drained()).toEqual([['c1', { type: 'agent.offered', agentId: 'ana' }]]);
    clock.increment(4999);
    expect(await drained()).toEqual([]);
    clock.increment(1);
    expect(await drained()).toEqual([['c1', { type: 'agent.accepted', agentId: 'ana' }]]);
  });
});

describe('simulated desk, manual mode', () => {
  const manual = (options: Partial<SimulatedDeskOptions> = {}) => setup({ offerAcceptance: 'manual', agents: [{ id: 'ana' }, { id: 'bob' }], ...options });

  it('orders each queue by priority (0 first) then arrival, and tells the ones that moved', async () => {
    const { desk, drained } = manual();
    expect(await desk.enqueue(request('a'))).toMatchObject({ position: 1 });
    expect(await desk.enqueue(request('b'))).toMatchObject({ position: 2 });
    expect(await desk.enqueue(request('urgent', { priority: 0 }))).toEqual({ position: 1, estimatedWaitSeconds: 150 });
    expect(await desk.enqueue(request('other-queue', { queue: 'sales' }))).toMatchObject({ position: 1 });
    expect(await drained()).toEqual([
      ['a', { type: 'queue.update', position: 2, estimatedWaitSeconds: 300 }],
      ['b', { type: 'queue.update', position: 3, estimatedWaitSeconds: 450 }],
    ]);
    expect(['urgent', 'a', 'b'].map((id) => desk.inspect(id)?.position)).toEqual([1, 2, 3]);
  });

  it('runs offer, reject, offer, accept, messages and end as the scenario says', async () => {
    const { desk, drained } = manual();
    await desk.enqueue(request('c1'));
    await desk.enqueue(request('c2'));
    expect(desk.offer('c1', 'ana')).toBe('ana');
    desk.reject('c1', 'busy');
    expect(desk.inspect('c1')).toMatchObject({ status: 'waiting', position: 1 });
    expect(thrown(() => {
      desk.offer('c1', 'ana');
    }).message).toBe(
      'Cannot offer conversation "c1" on the simulated desk: agent "ana" cannot take it (off line, at capacity, declined it, or not eligible)',
    );
    expect(desk.offer('c1')).toBe('bob');
    desk.accept('c1');
    await desk.relayUserMessage('c1', 'hello?');
    desk.agentMessage('c1', 'Hi, Bob here.');
    desk.endChat('c1', 'handBack');
    expect(await drained()).toEqual([
      ['c1', { type: 'agent.offered', agentId: 'ana' }],
      ['c2', { type: 'queue.update', position: 1, estimatedWaitSeconds: 150 }],
      ['c1', { type: 'agent.rejected', agentId: 'ana', reason: 'busy' }],
      ['c1', { type: 'queue.update', position: 1, estimatedWaitSeconds: 150 }],
      ['c2', { type: 'queue.update', position: 2, estimatedWaitSeconds: 300 }],
      ['c1', { type: 'agent.offered', agentId: 'bob' }],
      ['c2', { type: 'queue.update', position: 1, estimatedWaitSeconds: 150 }],
      ['c1', { type: 'agent.accepted', agentId: 'bob' }],
      ['c1', { type: 'agent.message', agentId: 'bob', text: 'Hi, Bob here.' }],
      ['c1', { type: 'agent.ended', agentId: 'bob', returnReason: 'handBack' }],
    ]);
    expect(desk.inspect('c1')).toBeUndefined();
  });

  it('rejects an offer that is not accepted within offerTimeoutSeconds', async () => {
    const { desk, clock, drained } = manual({ offerTimeoutSeconds: 30 });
    await desk.enqueue(request('c1'));
    desk.offer('c1', 'ana');
    clock.increment(30_000);
    expect(await drained()).toEqual([
      ['c1', { type: 'agent.offered', agentId: 'ana' }],
      ['c1', { type: 'agent.rejected', agentId: 'ana', reason: 'timeout' }],
      ['c1', { type: 'queue.update', position: 1, estimatedWaitSeconds: 150 }],
    ]);
    expect(desk.inspect('c1')).toMatchObject({ status: 'waiting', position: 1 });
  });

  it('takes back an offer the runtime withdraws: the agent is free, the user waits with its place, no event but positions, and she counts as having declined it', async () => {
    const { desk, drained } = manual({ agents: [{ id: 'ana' }] });
    await desk.enqueue(request('c1'));
    await desk.enqueue(request('c2'));
    desk.offer('c1', 'ana');
    await drained();
    // Not ana's offer, or not offered: nothing changes.
    await desk.withdrawOffer('c1', 'bob');
    await desk.withdrawOffer('c2', 'ana');
    expect(desk.inspect('c1')).toMatchObject({ status: 'offered', agentId: 'ana' });
    await desk.withdrawOffer('c1', 'ana');
    expect(desk.inspect('c1')).toMatchObject({ status: 'waiting', agentId: null, position: 1 });
    expect(desk.agents()).toEqual([{ id: 'ana', available: true, capacity: 1, conversations: [] }]);
    expect(await drained()).toEqual([
      ['c1', { type: 'queue.update', position: 1, estimatedWaitSeconds: 300 }],
      ['c2', { type: 'queue.update', position: 2, estimatedWaitSeconds: 600 }],
    ]);
    // The late accept of the withdrawn offer is refused; ana takes other work, not this one again
    // (an auto-accepting desk would otherwise offer it to her at once, and again after each timeout).
    expect(thrown(() => {
      desk.accept('c1');
    }).code).toBe('INVALID_INPUT');
    expect(thrown(() => desk.offer('c1', 'ana')).message).toContain('declined it');
    expect(desk.offer('c2', 'ana')).toBe('ana');
  });

  it('leaves a newer offer to the same agent alone when the withdraw of an earlier handoff’s offer arrives late', async () => {
    const { desk, drained } = manual({ agents: [{ id: 'ana' }] });
    const handoff = (sequence: number): EnqueueRequest => ({ ...request('c1'), sequence, idempotencyKey: `c1:${sequence}:enqueue:queue` });
    const expired = (sequence: number) => ({ sequence, enqueueIdempotencyKey: `c1:${sequence}:enqueue:queue`, expiredAt: start });
    await desk.enqueue(handoff(1));
    desk.offer('c1', 'ana');
    // The user left the queue and asked again: the next handoff is offered to ana too.
    await desk.cancel('c1');
    await desk.enqueue(handoff(2));
    desk.offer('c1', 'ana');
    await drained();
    await desk.withdrawOffer('c1', 'ana', expired(1));
    expect(desk.inspect('c1')).toMatchObject({ status: 'offered', agentId: 'ana' });
    expect(await drained()).toEqual([]);
    await desk.withdrawOffer('c1', 'ana', expired(2));
    expect(desk.inspect('c1')).toMatchObject({ status: 'waiting', agentId: null });
  });

  it('leaves an offer made after widening a named-agent wait alone when the withdraw names the named-agent enqueue', async () => {
    const { desk } = manual({ agents: [{ id: 'ana' }] });
    const named: EnqueueRequest = { ...request('c1', { agents: ['ana'] }), idempotencyKey: 'c1:1:enqueue:namedAgents' };
    const widened: EnqueueRequest = { ...request('c1', { agents: ['ana'] }, 'queue'), idempotencyKey: 'c1:1:enqueue:queue' };
    await desk.enqueue(named);
    desk.offer('c1', 'ana');
    desk.reject('c1');
    // Widening forgets who declined, so ana gets the conversation again, from the queue-wide enqueue.
    await desk.enqueue(widened);
    desk.offer('c1', 'ana');
    await desk.withdrawOffer('c1', 'ana', { sequence: 1, enqueueIdempotencyKey: named.idempotencyKey, expiredAt: start });
    expect(desk.inspect('c1')).toMatchObject({ status: 'offered', agentId: 'ana', scope: 'queue' });
    await desk.withdrawOffer('c1', 'ana', { sequence: 1, enqueueIdempotencyKey: widened.idempotencyKey, expiredAt: start });
    expect(desk.inspect('c1')).toMatchObject({ status: 'waiting', agentId: null });
  });

  it('names in every event the handoff the conversation was enqueued for, so what an agent did before a cancel is told apart from the next handoff', async () => {
    const { desk, events } = manual();
    const handoff = (conversationId: string, sequence: number): EnqueueRequest => ({ ...request(conversationId), sequence, idempotencyKey: `${conversationId}:${sequence}:enqueue:queue` });
    await desk.enqueue(handoff('c1', 3));
    await desk.enqueue(handoff('c2', 1));
    desk.offer('c1', 'ana');
    desk.reject('c1', 'busy');
    desk.offer('c1', 'bob');
    // The user cancels while bob is being offered the conversation, and asks again: handoff #4.
    await desk.cancel('c1');
    await desk.enqueue(handoff('c1', 4));
    desk.offer('c1', 'bob');
    desk.accept('c1');
    desk.agentMessage('c1', 'Hi, Bob here.');
    desk.endChat('c1', 'resolved');
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.map(([id, event]) => `${id} ${event.type} #${String(event.sequence)}`)).toEqual([
      'c1 agent.offered #3',
      'c2 queue.update #1',
      'c1 agent.rejected #3',
      'c1 queue.update #3',
      'c2 queue.update #1',
      'c1 agent.offered #3',
      'c2 queue.update #1',
      'c1 agent.offered #4',
      'c1 agent.accepted #4',
      'c1 agent.message #4',
      'c1 agent.ended #4',
    ]);
  });

  it('refuses scenario steps that do not fit the conversation state, with typed errors', async () => {
    const { desk } = manual();
    expect(thrown(() => {
      desk.accept('nobody');
    }).code).toBe('UNKNOWN_CONVERSATION');
    await desk.enqueue(request('c1'));
    expect(thrown(() => {
      desk.accept('c1');
    }).message).toBe('Cannot accept conversation "c1" on the simulated desk: it is waiting, not offered');
    expect(thrown(() => {
      desk.endChat('c1');
    }).code).toBe('INVALID_INPUT');
    expect(thrown(() => {
      desk.offer('c1', 'zoe');
    }).message).toMatch(/there is no agent "zoe"/);
    expect(thrown(() => {
      desk.setAvailability('zoe', true);
    }).code).toBe('INVALID_INPUT');
    const relay: unknown = await desk.relayUserMessage('nobody', 'hi').catch((e: unknown) => e);
    expect(isHandoffError(relay, 'UNKNOWN_CONVERSATION')).toBe(true);
  });
});

describe('simulated desk, wait estimates', () => {
  // One agent, 300 s average handling: a slot frees every 300 s, so position n waits n × 300 s.
  const standingStill = () => setup({ offerAcceptance: 'manual', agents: [{ id: 'ana' }, { id: 'bob', available: false }] });

  it('counts a waiting conversation’s estimate down with the time it has waited, never below 0, in enqueue placements and queue updates', async () => {
    const { desk, clock, drained } = standingStill();
    expect(await desk.enqueue(request('c1'))).toEqual({ position: 1, estimatedWaitSeconds: 300 });
    clock.increment(100_000);
    // A retry of the enqueue, 100 s later, nobody ahead having left.
    expect(await desk.enqueue(request('c1'))).toEqual({ position: 1, estimatedWaitSeconds: 200 });
    expect(await desk.enqueue(request('c2'))).toEqual({ position: 2, estimatedWaitSeconds: 600 });
    clock.increment(50_500);
    // Someone urgent joins ahead: both move down, keeping the time they waited (rounded up to whole seconds).
    expect(await desk.enqueue(request('urgent', { priority: 0 }))).toEqual({ position: 1, estimatedWaitSeconds: 300 });
    expect(await drained()).toEqual([
      ['c1', { type: 'queue.update', position: 2, estimatedWaitSeconds: 450 }],
      ['c2', { type: 'queue.update', position: 3, estimatedWaitSeconds: 850 }],
    ]);
    clock.increment(1000_000);
    expect(await desk.enqueue(request('c2'))).toEqual({ position: 3, estimatedWaitSeconds: 0 });
    // An agent comes on line: all are re-told, long past their estimates (c2 was told at its retry).
    desk.setAvailability('bob', true);
    expect(await drained()).toEqual([
      ['urgent', { type: 'queue.update', position: 1, estimatedWaitSeconds: 0 }],
      ['c1', { type: 'queue.update', position: 2, estimatedWaitSeconds: 0 }],
    ]);
  });

  it('starts the count down again when the conversation moves up, since the move is the progress the estimate counted on', async () => {
    const { desk, clock, drained } = standingStill();
    await desk.enqueue(request('c1'));
    expect(await desk.enqueue(request('c2'))).toEqual({ position: 2, estimatedWaitSeconds: 600 });
    clock.increment(250_000);
    // c1 leaves after 250 s: one slot's worth of waiting is behind c2, one (300 s) is ahead.
    await desk.cancel('c1');
    expect(await drained()).toEqual([['c2', { type: 'queue.update', position: 1, estimatedWaitSeconds: 300 }]]);
    clock.increment(100_000);
    desk.setAvailability('bob', true);
    expect(await drained()).toEqual([['c2', { type: 'queue.update', position: 1, estimatedWaitSeconds: 50 }]]);
  });
});

describe('simulated desk, the adapter side', () => {
  it('is idempotent on enqueue: a retry returns the same place and creates nothing', async () => {
    const { desk, drained } = setup({ offerAcceptance: 'manual' });
    const first = await desk.enqueue(request('c1'));
    await desk.enqueue(request('c2'));
    expect(await desk.enqueue(request('c1'))).toEqual(first);
    expect(desk.inspect('c2')?.position).toBe(2);
    expect(await drained()).toEqual([]);
  });

  it('cancels a waiting or connected conversation without an event for it, moving the others up', async () => {
    const { desk, drained } = setup({ offerAcceptance: 'manual' });
    for (const id of ['c1', 'c2', 'c3']) await desk.enqueue(request(id));
    await desk.cancel('c1', 'userCancelled');
    desk.offer('c2', 'ana');
    desk.accept('c2');
    await desk.cancel('c2');
    await desk.cancel('never-queued');
    expect(desk.agents()).toEqual([{ id: 'ana', available: true, capacity: 1, conversations: [] }]);
    expect(await drained()).toEqual([
      ['c2', { type: 'queue.update', position: 1, estimatedWaitSeconds: 300 }],
      ['c3', { type: 'queue.update', position: 2, estimatedWaitSeconds: 600 }],
      ['c2', { type: 'agent.offered', agentId: 'ana' }],
      ['c3', { type: 'queue.update', position: 1, estimatedWaitSeconds: 300 }],
      ['c2', { type: 'agent.accepted', agentId: 'ana' }],
    ]);
  });

  it('answers availability with the eligible agents on line, and re-estimates waits when agents come and go', async () => {
    const { desk, drained } = setup({ offerAcceptance: 'manual', agents: [{ id: 'ana', skills: ['fr'] }, { id: 'bob', available: false }] });
    const at = start;
    const params = (p: Record<string, unknown>) => agentTransferParamsSchema.parse({ queue: 'support', ...p });
    expect(await desk.checkAvailability({ params: params({}), at })).toEqual({ available: true, agentsOnline: 1 });
    expect(await desk.checkAvailability({ params: params({ skills: ['de'] }), at })).toEqual({ available: false, agentsOnline: 0 });
    expect(await desk.checkAvailability({ params: params({ agents: ['bob'] }), at })).toEqual({ available: false, agentsOnline: 0 });
    await desk.enqueue(request('c1'));
    desk.setAvailability('bob', true);
    expect(await drained()).toEqual([['c1', { type: 'queue.update', position: 1, estimatedWaitSeconds: 150 }]]);
  });

  it('answers business hours from a weekly schedule in its time zone, with closed dates', async () => {
    const { desk } = setup({
      businessHours: {
        timeZone: 'Europe/Paris',
        weekly: {
          monday: [
            { from: '09:00', to: '12:00' },
            { from: '13:00', to: '17:30' },
          ],
          saturday: [{ from: '10:00', to: '24:00' }],
        },
        holidays: ['2026-03-09'],
      },
    });
    const params = agentTransferParamsSchema.parse({ queue: 'support' });
    const open = async (iso: string) => (await desk.checkBusinessHours({ params, at: Date.parse(iso) })).open;
    expect(await open('2026-03-02T08:00:00Z')).toBe(true); // Monday 09:00 in Paris (UTC+1)
    expect(await open('2026-03-02T07:59:00Z')).toBe(false);
    expect(await open('2026-03-02T11:30:00Z')).toBe(false); // lunch
    expect(await open('2026-03-02T16:29:00Z')).toBe(true);
    expect(await open('2026-03-03T10:00:00Z')).toBe(false); // Tuesday: closed
    expect(await open('2026-03-07T22:59:00Z')).toBe(true); // Saturday 23:59
    expect(await open('2026-03-09T10:00:00Z')).toBe(false); // a Monday holiday
  });

  it('accepts business hours as a function per queue', async () => {
    const { desk } = setup({ businessHours: (queue) => queue === 'always' });
    const check = (queue: string) => desk.checkBusinessHours({ params: agentTransferParamsSchema.parse({ queue }), at: start });
    expect(await check('always')).toEqual({ open: true });
    expect(await check('never')).toEqual({ open: false });
  });

  it('rejects bad options with INVALID_CONFIG and the path of the problem', () => {
    const bad = (options: Partial<SimulatedDeskOptions>) => thrown(() => createSimulatedDesk({ agents: [], ...options }));
    expect(bad({ agents: [{ id: 'a' }, { id: 'a' }] }).message).toBe('Invalid simulated desk options: $.agents: Expected unique agent ids');
    expect(bad({ agents: [{ id: 'a', capacity: 0 }] }).issues[0]?.path).toEqual(['agents', 0, 'capacity']);
    expect(bad({ businessHours: { timeZone: 'Mars/Olympus', weekly: {} } }).message).toMatch(/^Invalid business hours: \$\.timeZone: Expected an IANA time zone/);
    expect(bad({ businessHours: { timeZone: 'UTC', weekly: { monday: [{ from: '17:00', to: '09:00' }] } } }).issues[0]?.path).toEqual(['weekly', 'monday', 0, 'to']);
  });

  it('delivers events only after the desk call returns, and contains a throwing listener', async () => {
    const { desk, drained } = setup();
    const contained: unknown[] = [];
    const quiet = createSimulatedDesk({ agents: [{ id: 'ana' }], onListenerError: (error) => contained.push(error) });
    let insideCall = true;
    const seen: string[] = [];
    quiet.subscribe(() => {
      throw new Error('listener bug');
    });
    quiet.subscribe((_id, event) => {
      expect(insideCall).toBe(false);
      seen.push(event.type);
    });
    const placing = quiet.enqueue(request('c1'));
    insideCall = false;
    await placing;
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['agent.offered', 'agent.accepted']);
    expect(contained).toHaveLength(2);
    await quiet.close();
    await desk.close();
    expect(await drained()).toEqual([]);
  });

  it('rejects every adapter call with RUNTIME_CLOSED once closed, and fires no timer after', async () => {
    const { desk, clock, drained } = setup({ autoAcceptAfterMs: 1000 });
    await desk.enqueue(request('c1'));
    expect(await drained()).toEqual([['c1', { type: 'agent.offered', agentId: 'ana' }]]);
    await desk.close();
    clock.increment(5000);
    expect(await drained()).toEqual([]);
    const params = agentTransferParamsSchema.parse({ queue: 'support' });
    for (const call of [desk.enqueue(request('c2')), desk.cancel('c1'), desk.relayUserMessage('c1', 'x'), desk.checkAvailability({ params, at: start })]) {
      expect(isHandoffError(await call.catch((e: unknown) => e), 'RUNTIME_CLOSED')).toBe(true);
    }
  });
});
