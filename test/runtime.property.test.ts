// Property: events for many conversations, posted in any interleaving and with adapters answering in
// any order, end each conversation exactly as processing its events alone, one at a time, would; and
// event ids, redelivered or reused for other events, mean what a tiny model says.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HandoffError } from '../src/errors.js';
import type { ConversationView } from '../src/runtime/conversation-view.js';
import type { AutomationNodeAdapter } from '../src/runtime/delivery/automation-node.js';
import type { LiveAgentDesk } from '../src/runtime/live-agents/live-agent-desk.js';
import type { HandoffNotification } from '../src/runtime/notifications.js';
import { createHandoffRuntime, type HandoffRuntime } from '../src/runtime/runtime.js';
import type { RuntimeEventInput } from '../src/runtime/runtime-event.js';
import { errorShape } from './support/catch-handoff-error.js';
import { reversedKeys } from './support/reversed-keys.js';
import { chat, config, createTestClock, defaultRules, invoke, T0 } from './runtime/support.js';

/** Adapters whose answers do not depend on other conversations; with a scheduler, they answer in its order. */
function adapters(s?: fc.Scheduler): { desk: LiveAgentDesk; node: AutomationNodeAdapter } {
  const later = <T>(value: T): Promise<T> => (s ? s.schedule(Promise.resolve(value)) : Promise.resolve(value));
  return {
    desk: {
      enqueue: () => later({ position: 2, estimatedWaitSeconds: 120 }),
      cancel: () => later(undefined),
      relayUserMessage: () => later(undefined),
      checkBusinessHours: () => later({ open: true }),
      checkAvailability: () => later({ available: true, agentsOnline: 1 }),
      subscribe: () => () => undefined,
    },
    node: { deliver: () => later({ attempts: 1, acknowledged: true }) },
  };
}

function runtimeWith(s?: fc.Scheduler): { runtime: HandoffRuntime; notifications: HandoffNotification[] } {
  const { desk, node } = adapters(s);
  const runtime = createHandoffRuntime({
    config: config(),
    rules: defaultRules(),
    // Time only moves with the events' own `at`: no timer ever fires behind the test's back.
    clock: createTestClock(),
    liveAgents: desk,
    automationNode: node,
    deadlines: { pollIntervalMs: null },
    maxLiveActors: 2,
  });
  const notifications: HandoffNotification[] = [];
  runtime.subscribe((n) => notifications.push(n));
  return { runtime, notifications };
}

const events: fc.Arbitrary<RuntimeEventInput> = fc.oneof(
  fc.constantFrom<RuntimeEventInput>(
    { type: 'user.message', text: 'is anyone there?' },
    invoke(),
    { type: 'handoff.invoke', reason: 'policy', parameters: {} },
    { type: 'user.cancel' },
    { type: 'user.left', how: 'left' },
    { type: 'user.acceptOffer' },
    { type: 'automation.ack', sequence: 1 },
    { type: 'automation.error', message: 'busy', sequence: 1 },
    { type: 'agent.offered', agentId: 'ana' },
    { type: 'agent.accepted', agentId: 'ana' },
    { type: 'agent.rejected', agentId: 'ana' },
    { type: 'agent.accepted', agentId: 'bo' },
    { type: 'agent.message', agentId: 'ana', text: 'hello' },
    { type: 'agent.ended', agentId: 'ana', returnReason: 'handBack' },
    { type: 'queue.update', position: 1, estimatedWaitSeconds: 30 },
    { type: 'target.completed' },
    { type: 'dialog.completed' },
  ),
  fc.integer({ min: 1, max: 40 }).map((minutes): RuntimeEventInput => ({ type: 'clock.tick', at: T0 + minutes * 60_000 })),
);

/** What a step does with ids: a new event, the last one again (as sent, or its keys reordered), or its id on another event. */
type IdUse = 'new' | 'redeliver' | 'reorder' | 'reuse';
type ScriptStep = RuntimeEventInput & { readonly id: string };

/** Each conversation's script: events with ids, some redelivered (the last new event again), some reusing its id. */
const scripts = fc
  .array(fc.array(fc.record({ event: events, use: fc.constantFrom<IdUse>('new', 'new', 'redeliver', 'reorder', 'reuse') }), { maxLength: 10 }), { minLength: 1, maxLength: 5 })
  .map((convs) =>
    convs.map((steps, c) => {
      let last: ScriptStep | undefined;
      return steps.map(({ event, use }, i): ScriptStep => {
        if (!last || use === 'new') return (last = { ...event, id: `c${c}-e${i}` });
        if (use === 'redeliver') return last;
        if (use === 'reorder') return reversedKeys(last);
        return { ...event, id: last.id };
      });
    }),
  );

/** A send's outcome: its view, or the HandoffError it was refused with. */
const settled = (sent: Promise<ConversationView>): Promise<unknown> =>
  sent.catch((error: unknown) => {
    if (!(error instanceof HandoffError)) throw error;
    return { error: errorShape(error) };
  });

/**
 * What ids mean, alone: an id a running conversation took is a redelivery of the same event in any
 * key order, and EVENT_ID_REUSED for any other; an ended conversation remembers no new id.
 */
function expectIdModel(steps: readonly ScriptStep[], views: readonly unknown[]): void {
  const remembered = new Map<string, unknown>();
  let active = true;
  steps.forEach(({ id, ...event }, i) => {
    const outcome = views[i] as Partial<ConversationView> & { error?: { code: string } };
    const first = remembered.get(id);
    if (!remembered.has(id)) {
      expect(outcome.redelivered).toBe(false);
      if (active) remembered.set(id, event);
    } else if (isDeepStrictEqual(first, event)) {
      expect(outcome.redelivered).toBe(true);
    } else {
      expect(outcome.error?.code).toBe('EVENT_ID_REUSED');
    }
    if (outcome.status !== undefined) active = outcome.status === 'active';
  });
}

interface Outcome {
  readonly views: unknown[][];
  readonly finals: unknown[];
  readonly notifications: HandoffNotification[][];
}

async function outcome(runtime: HandoffRuntime, notifications: HandoffNotification[], count: number, views: unknown[][]): Promise<Outcome> {
  await runtime.idle();
  const finals = [];
  for (let c = 0; c < count; c++) finals.push(await runtime.get(`c${c}`));
  await runtime.close();
  return { views, finals, notifications: Array.from({ length: count }, (_, c) => notifications.filter((n) => n.conversationId === `c${c}`)) };
}

describe('runtime interleavings', () => {
  it('end every conversation as sequential processing does', async () => {
    await fc.assert(
      fc.asyncProperty(scripts, fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), fc.scheduler(), async (convs, picks, s) => {
        // Sequential: one conversation after another, each event awaited.
        const alone = runtimeWith();
        const aloneViews: unknown[][] = convs.map(() => []);
        for (const [c, steps] of convs.entries()) {
          await alone.runtime.start(`c${c}`, chat(c));
          for (const event of steps) aloneViews[c]?.push(await settled(alone.runtime.send(`c${c}`, event)));
          expectIdModel(steps, aloneViews[c] ?? []);
        }
        const expected = await outcome(alone.runtime, alone.notifications, convs.length, aloneViews);

        // Interleaved: every event posted at once in a random merge, adapters answering in the scheduler's order.
        const mixed = runtimeWith(s);
        const mixedViews: unknown[][] = convs.map(() => []);
        const sends: Promise<unknown>[] = convs.map((_, c) => mixed.runtime.start(`c${c}`, chat(c)));
        const cursors = convs.map(() => 0);
        for (let k = 0; ; k++) {
          const open = convs.flatMap((steps, c) => ((cursors[c] ?? 0) < steps.length ? [c] : []));
          if (open.length === 0) break;
          const c = open[(picks[k % picks.length] ?? 0) % open.length] ?? 0;
          const event = convs[c]?.[cursors[c] ?? 0];
          cursors[c] = (cursors[c] ?? 0) + 1;
          const slot = mixedViews[c]?.length ?? 0;
          mixedViews[c]?.push(undefined);
          if (event) sends.push(settled(mixed.runtime.send(`c${c}`, event)).then((view) => ((mixedViews[c] ?? [])[slot] = view)));
        }
        // The runtime reaches its next adapter call a few promise turns after the last one answered.
        do {
          await s.waitIdle();
          await new Promise((resolve) => setImmediate(resolve));
        } while (s.count() > 0);
        await Promise.all(sends);
        const actual = await outcome(mixed.runtime, mixed.notifications, convs.length, mixedViews);

        expect(actual.finals).toEqual(expected.finals);
        expect(actual.views).toEqual(expected.views);
        expect(actual.notifications).toEqual(expected.notifications);
      }),
      { numRuns: 60 },
    );
  });
});
