// Model-based: any sequence of desk calls and agent actions, in either mode, never hands one
// conversation to two agents at once, and every event agrees with who holds the conversation.
import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { HandoffError } from '../../src/errors.js';
import { createSimulatedDesk } from '../../src/runtime/live-agents/simulated-desk.js';
import type { SimulatedDesk } from '../../src/runtime/live-agents/simulated-desk-options.js';
import type { LiveAgentEvent, QueueScope } from '../../src/runtime/live-agents/live-agent-desk.js';
import { agentTransferParamsSchema } from '../../src/routing/target-schema.js';
import { deskPayload } from '../support/desk.js';

const conversations = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
const agentIds = ['ana', 'bob', 'cy'];

/** What the events say: who holds each conversation the desk has (null while it waits). */
interface Model {
  readonly holders: Map<string, string | null>;
}

interface Real {
  readonly desk: SimulatedDesk;
  readonly clock: SimulatedClock;
  readonly events: [string, LiveAgentEvent][];
  readonly capacity: ReadonlyMap<string, number>;
}

type DeskCommand = fc.AsyncCommand<Model, Real>;


/** Delivers the desk's events to the model, checking each against who holds the conversation. */
async function settle(model: Model, real: Real): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  for (const [id, event] of real.events.splice(0)) {
    const holder = model.holders.get(id);
    expect(holder, `${event.type} for ${id}, which the desk does not hold`).not.toBeUndefined();
    switch (event.type) {
      case 'agent.offered':
        expect(holder, `${id} offered to ${event.agentId} while held by ${holder ?? ''}`).toBeNull();
        model.holders.set(id, event.agentId);
        break;
      case 'agent.accepted':
      case 'agent.message':
        expect(holder).toBe(event.agentId);
        break;
      case 'agent.rejected':
        expect(holder).toBe(event.agentId);
        model.holders.set(id, null);
        break;
      case 'agent.ended':
        expect(holder).toBe(event.agentId);
        model.holders.delete(id);
        break;
      case 'queue.update':
        expect(holder, `queue.update for ${id} while with an agent`).toBeNull();
        expect(event.position).toBeGreaterThanOrEqual(1);
    }
  }
  // The desk's own books agree: nobody over capacity, no conversation with two agents.
  const heldBy = new Map<string, string>();
  for (const agent of real.desk.agents()) {
    expect(agent.conversations.length).toBeLessThanOrEqual(real.capacity.get(agent.id) ?? 0);
    for (const id of agent.conversations) {
      expect(heldBy.has(id), `${id} held by ${heldBy.get(id) ?? ''} and ${agent.id}`).toBe(false);
      heldBy.set(id, agent.id);
    }
  }
  for (const [id, holder] of model.holders) expect(heldBy.get(id) ?? null).toBe(holder);
}

const command = (label: string, run: (model: Model, real: Real) => Promise<void>): DeskCommand => ({
  check: () => true,
  run: async (model, real) => {
    await run(model, real);
    await settle(model, real);
  },
  toString: () => label,
});

/** An agent-side step; a refusal with a typed error (a step that does not fit the state) is a valid outcome. */
const agentStep = (label: string, act: (desk: SimulatedDesk) => void): DeskCommand =>
  command(label, (_model, real) => {
    try {
      act(real.desk);
    } catch (error) {
      if (!(error instanceof HandoffError && (error.code === 'INVALID_INPUT' || error.code === 'UNKNOWN_CONVERSATION'))) throw error;
    }
    return Promise.resolve();
  });

const conversation = fc.constantFrom(...conversations);
const agent = fc.constantFrom(...agentIds);

const commands = [
  fc
    .record({
      id: conversation,
      queue: fc.constantFrom('support', 'sales'),
      priority: fc.integer({ min: 0, max: 10 }),
      want: fc.oneof(fc.constant({}), fc.record({ skills: fc.subarray(['billing', 'fr'], { minLength: 1 }) }), fc.record({ agents: fc.subarray(agentIds, { minLength: 1 }) })),
      scope: fc.constantFrom<QueueScope | undefined>(undefined, 'queue'),
    })
    .map(({ id, queue, priority, want, scope }) =>
      command(`enqueue(${id}, ${queue}, p${priority}, ${JSON.stringify(want)}, ${scope ?? '-'})`, async (model, real) => {
        const params = agentTransferParamsSchema.parse({ queue, priority, ...want });
        await real.desk.enqueue({ conversationId: id, params, payload: deskPayload, sequence: 1, idempotencyKey: `${id}:1`, ...(scope ? { scope } : {}) });
        if (!model.holders.has(id)) model.holders.set(id, null);
      }),
    ),
  fc.tuple(conversation, fc.option(agent, { nil: undefined })).map(([id, to]) =>
    agentStep(`offer(${id}, ${to ?? 'best'})`, (desk) => {
      desk.offer(id, to);
    }),
  ),
  conversation.map((id) =>
    agentStep(`accept(${id})`, (desk) => {
      desk.accept(id);
    }),
  ),
  fc.tuple(conversation, fc.option(fc.constantFrom('busy', 'break'), { nil: undefined })).map(([id, why]) =>
    agentStep(`reject(${id}, ${why ?? '-'})`, (desk) => {
      desk.reject(id, why);
    }),
  ),
  conversation.map((id) =>
    agentStep(`agentMessage(${id})`, (desk) => {
      desk.agentMessage(id, 'hi');
    }),
  ),
  conversation.map((id) =>
    agentStep(`endChat(${id})`, (desk) => {
      desk.endChat(id, 'resolved');
    }),
  ),
  conversation.map((id) =>
    command(`cancel(${id})`, async (model, real) => {
      await real.desk.cancel(id);
      // The runtime asked for it: no event follows, the conversation is simply gone.
      model.holders.delete(id);
    }),
  ),
  fc.tuple(agent, fc.boolean()).map(([id, on]) =>
    agentStep(`setAvailability(${id}, ${on})`, (desk) => {
      desk.setAvailability(id, on);
    }),
  ),
  fc.integer({ min: 1, max: 40_000 }).map((ms) =>
    command(`tick(${ms})`, (_m, real) => {
      real.clock.increment(ms);
      return Promise.resolve();
    }),
  ),
];

const deskSetup = fc.record({
  offerAcceptance: fc.constantFrom('auto' as const, 'manual' as const),
  autoAcceptAfterMs: fc.constantFrom(0, 10_000),
  offerTimeoutSeconds: fc.constantFrom(null, 30),
  agents: fc.tuple(
    ...agentIds.map((id) =>
      fc.record({ id: fc.constant(id), skills: fc.subarray(['billing', 'fr']), capacity: fc.integer({ min: 1, max: 2 }), queues: fc.option(fc.subarray(['support', 'sales']), { nil: undefined }) }),
    ),
  ),
});

describe('simulated desk model', () => {
  it('never hands one conversation to two agents at once, whatever happens in whatever order', async () => {
    await fc.assert(
      fc.asyncProperty(deskSetup, fc.commands(commands, { maxCommands: 60 }), async (options, steps) => {
        const clock = new SimulatedClock();
        clock.set(Date.parse('2026-03-02T10:00:00Z'));
        const desk = createSimulatedDesk({ ...options, clock });
        const events: [string, LiveAgentEvent][] = [];
        desk.subscribe((id, event) => events.push([id, event]));
        const capacity = new Map(options.agents.map((a) => [a.id, a.capacity]));
        await fc.asyncModelRun(() => ({ model: { holders: new Map() }, real: { desk, clock, events, capacity } }), steps);
        await desk.close();
      }),
      { numRuns: 300 },
    );
  });
});
