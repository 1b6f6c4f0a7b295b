// The inspector sees a whole conversation: the `inspect` option flows through to the actor system.
import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { stateKey } from '../machines/handoff.selectors.js';
import { createHarness } from './machines/harness.js';

describe('inspection', () => {
  it('captures the inspection events of a whole lifecycle', async () => {
    const events: InspectionEvent[] = [];
    const h = createHarness({ inspect: (event) => events.push(event) });
    const root = h.actor.sessionId;
    await h.send({ type: 'handoff.invoke', reason: 'user_requested', parameters: { summary: 'refund' } });
    await h.send({ type: 'agent.offered', agentId: 'agent-7' });
    await h.send({ type: 'agent.accepted', agentId: 'agent-7' });
    await h.send({ type: 'user.message', text: 'hi' });
    await h.send({ type: 'agent.ended', agentId: 'agent-7', returnReason: 'resolved' });
    await h.send({ type: 'user.left', how: 'left' });

    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@xstate.microstep', '@xstate.action']));

    // The root's snapshots walk the lifecycle, step by step.
    const walk = events
      .filter((e): e is Extract<InspectionEvent, { type: '@xstate.snapshot' }> => e.type === '@xstate.snapshot' && e.actorRef.sessionId === root)
      .map((e) => stateKey((e.snapshot as unknown as { value: Parameters<typeof stateKey>[0] }).value))
      .filter((key, i, all) => key !== all[i - 1]);
    expect(walk).toEqual([
      'aiHandling',
      'handoffRequested',
      'delivering.attempt.sending',
      'delegated.routing',
      'delegated.checkingBusinessHours',
      'delegated.checkingAvailability',
      'queued.enqueuing',
      'queued.waiting',
      'queued.offered',
      'liveAgent',
      'aiHandling',
      'ended',
    ]);

    // Every provided actor shows up as a child actor, and every provided action as an action event.
    const children = events.filter((e) => e.type === '@xstate.actor' && e.actorRef.sessionId !== root).map((e) => (e.actorRef as unknown as { id: string }).id);
    expect(children).toEqual(['buildPayload', 'deliverToAutomationNode', 'routeHandoff', 'checkBusinessHours', 'checkAgentAvailability', 'enqueueForAgent']);
    const actions = events.flatMap((e) => (e.type === '@xstate.action' ? [e.action.type] : []));
    expect(actions).toEqual(expect.arrayContaining(['sendMessageToUser', 'notify', 'relayToAgent']));
  });
});
