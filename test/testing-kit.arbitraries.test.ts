import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadHandoffConfig } from '../src/config/load-config.js';
import { handoffEventSchema } from '../src/events/event-schema.js';
import { handoffPayloadSchema } from '../src/payload/payload-schema.js';
import { handoffPayloadFor, lifecycleEventsFor, lifecycleJourneys, type LifecycleJourney } from '../src/testing/index.js';
import type { HandoffEvent } from '../machines/handoff.types.js';
import { createHarness, queueTarget } from './machines/harness.js';
import { createSimulatedDesk } from '../src/runtime/live-agents/simulated-desk.js';
import { createHandoffRuntime } from '../src/runtime/runtime.js';
import { chat, config, createTestClock, defaultRules } from './runtime/support.js';
import { enabledConfigInput } from './support/handoff-config.js';

const configInput = enabledConfigInput({
  llmParameters: [
    { name: 'intent', description: 'What the user wants', type: 'string', enum: ['refund', 'billing', 'other'], required: true },
    { name: 'amount', description: 'The amount in question', type: 'number' },
  ],
});

describe('handoffPayloadFor', () => {
  it('gives payloads valid under the config: its node, its channels, its required parameters', () => {
    const config = loadHandoffConfig(configInput);
    fc.assert(
      fc.property(handoffPayloadFor(configInput), (payload) => {
        expect(handoffPayloadSchema.parse(payload)).toEqual(payload);
        expect(payload.automationNode).toBe('LiveAgentHandoff');
        expect(config.integration.serviceApp.channelFlows).toContain(payload.channel);
        expect(['refund', 'billing', 'other']).toContain(payload.parameters.intent);
      }),
      { numRuns: 50, seed: 1 },
    );
  });

  it('gives any valid payload without a config, and rejects an invalid config', () => {
    for (const payload of fc.sample(handoffPayloadFor(), { numRuns: 20, seed: 2 })) expect(handoffPayloadSchema.safeParse(payload).success).toBe(true);
    expect(() => handoffPayloadFor({ event: {} } as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});

const types = (events: readonly HandoffEvent[]): string[] => events.map((e) => e.type);

describe('lifecycleEventsFor', () => {
  it('gives host events that pass the event schema, stamped in rising order', () => {
    fc.assert(
      fc.property(lifecycleEventsFor({ config: configInput }), (events) => {
        expect(events.length).toBeGreaterThan(0);
        for (const event of events) expect(handoffEventSchema.parse(event)).toEqual(event);
        const stamps = events.map((e) => e.at ?? 0);
        expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  it('keeps valid orders without noise: one handoff per journey, acknowledged with its sequence, the user leaving only last', () => {
    fc.assert(
      fc.property(lifecycleEventsFor({ noise: 0, maxHandoffs: 3 }), (events) => {
        const invokes = events.filter((e) => e.type === 'handoff.invoke').length;
        const sequences = events.flatMap((e) => (e.type === 'automation.ack' && e.sequence !== undefined ? [e.sequence] : []));
        expect(sequences.every((s) => s >= 1 && s <= invokes)).toBe(true);
        expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
        expect(types(events).slice(0, -1)).not.toContain('user.left');
      }),
      { numRuns: 100, seed: 4 },
    );
  });

  it('names the handoff on the desk’s events now and then: always the current one in valid orders, an earlier one in noise (a late event)', () => {
    const desk = new Set(['agent.offered', 'agent.accepted', 'agent.rejected', 'agent.message', 'agent.ended', 'queue.update']);
    /** Each desk event's sequence (or undefined) beside the handoff under way when it comes. */
    const named = (events: readonly HandoffEvent[]): [number | undefined, number][] => {
      let handoff = 0;
      return events.flatMap((event): [number | undefined, number][] => {
        if (event.type === 'handoff.invoke') handoff++;
        return desk.has(event.type) ? [['sequence' in event ? event.sequence : undefined, handoff]] : [];
      });
    };
    const journeys: LifecycleJourney[] = ['liveAgent', 'agentRejected', 'cancelInQueue'];
    const clean = fc.sample(lifecycleEventsFor({ journeys, noise: 0, maxHandoffs: 3 }), { numRuns: 100, seed: 9 }).flatMap(named);
    expect(clean.filter(([sequence, handoff]) => sequence !== undefined && sequence !== handoff)).toEqual([]);
    expect(clean.some(([sequence]) => sequence === undefined)).toBe(true);
    expect(clean.some(([sequence]) => sequence !== undefined)).toBe(true);
    const noisy = fc.sample(lifecycleEventsFor({ journeys, noise: 1, maxHandoffs: 3 }), { numRuns: 100, seed: 10 }).map(named);
    expect(noisy.filter((events) => events.some(([sequence, handoff]) => sequence !== undefined && sequence < handoff)).length).toBeGreaterThan(10);
  });

  it('draws only the journeys asked for', () => {
    const live = fc.sample(lifecycleEventsFor({ journeys: ['liveAgent'], noise: 0, maxHandoffs: 1 }), { numRuns: 20, seed: 5 });
    for (const events of live) {
      const order = types(events).filter((t) => ['handoff.invoke', 'automation.ack', 'agent.offered', 'agent.accepted', 'agent.ended'].includes(t));
      expect(order).toEqual(['handoff.invoke', 'automation.ack', 'agent.offered', 'agent.accepted', 'agent.ended']);
    }
  });

  it('puts out-of-order noise in the share of sequences asked for', () => {
    const journeys: LifecycleJourney[] = ['liveAgent'];
    const clean = fc.sample(lifecycleEventsFor({ journeys, noise: 0, maxHandoffs: 1 }), { numRuns: 50, seed: 6 });
    const noisy = fc.sample(lifecycleEventsFor({ journeys, noise: 1, maxHandoffs: 1 }), { numRuns: 50, seed: 6 });
    const canonical = (events: HandoffEvent[]): boolean => types(events).filter((t) => t.startsWith('agent.') && t !== 'agent.message').join() === 'agent.offered,agent.accepted,agent.ended';
    expect(clean.every(canonical)).toBe(true);
    expect(noisy.filter((events) => !canonical(events)).length).toBeGreaterThan(10);
    expect(lifecycleJourneys).toContain('offerAccepted');
  });

  it('drives the lifecycle machine without an error, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(lifecycleEventsFor({ noise: 0.5 }), fc.constantFrom(queueTarget(), { type: 'workflow' as const, params: { workflow: 'callback' } }), async (events, target) => {
        const harness = createHarness({ responders: { routeHandoff: () => ({ decision: { target, rule: null }, explanation: null }) } });
        for (const event of events) {
          await harness.advance(Math.max(0, (event.at ?? 0) - harness.clock.now()));
          // A timeout on the way may have ended the conversation.
          if (harness.actor.getSnapshot().status !== 'active') break;
          await harness.send(event);
        }
        expect(harness.actor.getSnapshot().status).not.toBe('error');
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it('feeds the runtime as generated (no cast): every event is accepted and no conversation fails', async () => {
    await fc.assert(
      fc.asyncProperty(lifecycleEventsFor({ noise: 0.5 }), async (events) => {
        const clock = createTestClock();
        const runtime = createHandoffRuntime({ config: config(), rules: defaultRules(), clock, liveAgents: createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual', clock }) });
        try {
          await runtime.start('c1', chat());
          for (const event of events) {
            await clock.advance(Math.max(0, (event.at ?? 0) - clock.now()), () => runtime.idle());
            expect((await runtime.send('c1', event)).status).not.toBe('error');
          }
        } finally {
          await runtime.close();
        }
      }),
      { numRuns: 25, seed: 8 },
    );
  });
});
