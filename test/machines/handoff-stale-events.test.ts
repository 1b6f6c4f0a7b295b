// The desk's and the automation node's events may name their handoff with `sequence`. One that names
// another handoff than the current (a late event of a handoff the user cancelled) is ignored as
// `staleSequence` wherever it lands; one that names the current handoff, or none, is taken as before.
import { describe, expect, it } from 'vitest';
import type { HandoffEvent } from '../../machines/handoff.types.js';
import type { DistributiveOmit } from '../../src/distributive-omit.js';
import { createHarness, expectIgnoredAsStale, invoke, withSequence, type Harness } from './harness.js';

type Where = 'aiHandling' | 'queued.waiting' | 'queued.offered' | 'liveAgent';

/** Handoff #1 is cancelled in the queue, the user asks again: handoff #2 is at `where`, offered to or with `ana`. */
async function secondHandoffAt(where: Where): Promise<Harness> {
  const h = createHarness();
  await h.send(invoke);
  await h.send({ type: 'user.cancel' });
  await h.send(invoke);
  expect([h.state(), h.actor.getSnapshot().context.sequence]).toEqual(['queued.waiting', 2]);
  if (where === 'aiHandling') await h.send({ type: 'user.cancel' });
  if (where === 'queued.offered' || where === 'liveAgent') await h.send({ type: 'agent.offered', agentId: 'ana' });
  if (where === 'liveAgent') await h.send({ type: 'agent.accepted', agentId: 'ana' });
  expect(h.state()).toBe(where);
  return h;
}

/** A desk or automation event without its sequence. */
type Unnamed = DistributiveOmit<Extract<HandoffEvent, { readonly sequence?: number }>, 'sequence' | 'at'>;

interface Case {
  readonly where: Where;
  readonly event: Unnamed;
  /** Where the event leads when it names the current handoff or none. */
  readonly then: string;
  /** Why it changes nothing even then, when it does not. */
  readonly ignoredAs?: string;
}

const cases: readonly Case[] = [
  { where: 'queued.waiting', event: { type: 'queue.update', position: 1, estimatedWaitSeconds: 30 }, then: 'queued.waiting' },
  { where: 'queued.waiting', event: { type: 'agent.offered', agentId: 'ana' }, then: 'queued.offered' },
  { where: 'queued.waiting', event: { type: 'agent.accepted', agentId: 'ana' }, then: 'liveAgent' },
  { where: 'queued.waiting', event: { type: 'agent.rejected', agentId: 'ana' }, then: 'queued.waiting', ignoredAs: 'unexpected' },
  { where: 'queued.offered', event: { type: 'queue.update', position: 2, estimatedWaitSeconds: 60 }, then: 'queued.offered' },
  { where: 'queued.offered', event: { type: 'agent.accepted', agentId: 'ana' }, then: 'liveAgent' },
  { where: 'queued.offered', event: { type: 'agent.rejected', agentId: 'ana', reason: 'busy' }, then: 'queued.waiting' },
  { where: 'queued.offered', event: { type: 'agent.offered', agentId: 'ana' }, then: 'queued.offered', ignoredAs: 'duplicate' },
  { where: 'queued.offered', event: { type: 'agent.offered', agentId: 'bob' }, then: 'queued.offered', ignoredAs: 'agentMismatch' },
  { where: 'liveAgent', event: { type: 'agent.message', agentId: 'ana', text: 'Hi, Ana here.' }, then: 'liveAgent' },
  { where: 'liveAgent', event: { type: 'agent.ended', agentId: 'ana', returnReason: 'handBack' }, then: 'aiHandling' },
  { where: 'liveAgent', event: { type: 'agent.offered', agentId: 'bob' }, then: 'liveAgent', ignoredAs: 'agentAlreadyConnected' },
  { where: 'liveAgent', event: { type: 'agent.accepted', agentId: 'bob' }, then: 'liveAgent', ignoredAs: 'agentAlreadyConnected' },
  { where: 'liveAgent', event: { type: 'queue.update', position: 1, estimatedWaitSeconds: 30 }, then: 'liveAgent', ignoredAs: 'unexpected' },
  { where: 'aiHandling', event: { type: 'agent.message', agentId: 'ana', text: 'Still there?' }, then: 'aiHandling', ignoredAs: 'unexpected' },
  { where: 'aiHandling', event: { type: 'agent.ended', agentId: 'ana' }, then: 'aiHandling', ignoredAs: 'unexpected' },
  { where: 'aiHandling', event: { type: 'automation.ack' }, then: 'aiHandling', ignoredAs: 'unexpected' },
  { where: 'queued.waiting', event: { type: 'automation.error', message: 'late' }, then: 'queued.waiting', ignoredAs: 'unexpected' },
];

/** The event names handoff #1 or #3 while #2 is under way: it changes nothing but says it is stale. */
async function expectStale(where: Where, event: Unnamed): Promise<void> {
  for (const stale of [1, 3]) {
    const h = await secondHandoffAt(where);
    const before = h.actor.getSnapshot();
    const [actions, calls] = [h.actions.length, h.calls.length];
    await h.send(withSequence(event, stale));
    expectIgnoredAsStale(h, before, event, actions);
    expect(h.state()).toBe(where);
    expect(h.actor.getSnapshot().context.ignored).toEqual({
      event: event.type,
      reason: 'staleSequence',
      message: `'${event.type}' is for handoff #${stale}, not the current #2.`,
      at: h.clock.now(),
    });
    expect(h.calls).toHaveLength(calls);
  }
}

/** The event names handoff #2, the current one: it does exactly what it does naming none (as before `sequence`). */
async function expectTaken(where: Where, event: Unnamed, then: string, ignoredAs: string | undefined): Promise<void> {
  const current = await secondHandoffAt(where);
  const unnamed = await secondHandoffAt(where);
  await current.send(withSequence(event, 2));
  await unnamed.send(withSequence(event, undefined));
  expect(current.state()).toBe(then);
  expect(current.actor.getSnapshot().context.ignored?.reason ?? null).toBe(ignoredAs ?? null);
  expect(current.actor.getSnapshot().value).toEqual(unnamed.actor.getSnapshot().value);
  expect(current.actor.getSnapshot().context).toEqual(unnamed.actor.getSnapshot().context);
  expect(current.actions).toEqual(unnamed.actions);
  expect(current.calls.map((c) => [c.name, c.input])).toEqual(unnamed.calls.map((c) => [c.name, c.input]));
}

describe('a desk or automation event after a cancelled handoff, handoff #2 under way', () => {
  it.each(cases)('in $where, $event.type naming #2 or no handoff is taken as before, and naming #1 or #3 changes nothing but says it is stale', async ({ where, event, then, ignoredAs }) => {
    await expectTaken(where, event, then, ignoredAs);
    await expectStale(where, event);
  });
});
