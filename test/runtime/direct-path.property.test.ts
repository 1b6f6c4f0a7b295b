// The direct path is the actor, observably. A random script (a config, how each adapter answers each
// call, and what the host does) runs through two runtimes, each on its own store and clock: one with
// the direct path (the default) and one that runs every event in an XState actor (`directPath:
// false`, the reference). After every command both must have answered the same (the view, or the
// error code), stored the same snapshots (deep and as text, key order included, every save along
// the way), called the adapters with the same arguments and told the host the same things
// (notifications, user messages, log lines), all in the same order. The model is the reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateKey } from '../../machines/handoff.selectors.js';
import type { HandoffActorTypes, HandoffEvent } from '../../machines/handoff.types.js';
import type { DistributiveOmit } from '../../src/distributive-omit.js';
import { buildHandoffPayload } from '../../src/payload/build-payload.js';
import { conversationSchema } from '../../src/payload/payload-schema.js';
import { createRouter } from '../../src/routing/router.js';
import { createConversationHost, type ConversationHost } from '../../src/runtime/conversation-host.js';
import type { ConversationView } from '../../src/runtime/conversation-view.js';
import type { EffectName } from '../../src/runtime/effects.js';
import type { RuntimeEventInput } from '../../src/runtime/runtime-event.js';
import { channels, createWorld, mostly, observe, plans, rules, variants, type Action, type World } from './scripted-world.js';
import { chat, config, invoke, settleMicrotasks, T0 } from './support.js';

const conversationIds = ['c1', 'c2', 'c3'];

interface Model {
  /** The reference: every event in an actor. */
  readonly reference: World;
  /** Each conversation's state on the reference after the last command (`undefined`: not started). */
  readonly states: Map<string, string | undefined>;
  /** The last event sent with an id, for a redelivery. */
  last: { readonly conversationId: string; readonly event: RuntimeEventInput } | undefined;
  ids: number;
}

/** Does `action` to the reference, then to the direct path, and holds them to the same observations. */
async function compare(model: Model, direct: World, action: Action): Promise<void> {
  const expected = await observe(model.reference, action, conversationIds);
  const actual = await observe(direct, action, conversationIds);
  for (const [i, id] of conversationIds.entries()) {
    const view = expected.views[i];
    model.states.set(id, view && 'value' in view ? (view.value as ConversationView).state : undefined);
  }
  const { json: expectedJson, ...expectedRest } = expected;
  const { json: actualJson, ...actualRest } = actual;
  expect(actualRest).toEqual(expectedRest);
  expect(actualJson, 'the same snapshots, with their keys in another order').toEqual(expectedJson);
}

// ---- Commands: what the host does -----------------------------------------------------------------

type Command = fc.AsyncCommand<Model, World>;

/** A host event without its time: `at`, when it has one, is set relative to the clock as the command runs. */
type EventInput = DistributiveOmit<RuntimeEventInput, 'at' | 'id'>;

/** The events each state waits for: most sends are only sent then, so conversations get somewhere. */
const awaited: Readonly<Record<string, readonly string[]>> = {
  aiHandling: ['handoff.invoke', 'user.message'],
  'delivering.attempt.awaitingAck': ['automation.ack', 'automation.error', 'user.cancel'],
  'delivering.backoff': ['automation.ack', 'clock.tick', 'user.cancel'],
  'queued.waiting': ['agent.offered', 'agent.accepted', 'queue.update', 'user.acceptOffer', 'user.message', 'user.cancel', 'clock.tick'],
  'queued.offered': ['agent.accepted', 'agent.rejected', 'queue.update', 'user.cancel', 'clock.tick'],
  liveAgent: ['user.message', 'agent.message', 'agent.ended'],
  'withTarget.active': ['target.completed', 'target.failed'],
  postAgentDialog: ['dialog.completed', 'clock.tick'],
};

/** Sends a host event to a conversation: stamped `atOffset` ms from now (else by the runtime), with an id or not. */
class Send implements Command {
  constructor(
    readonly conversationId: string,
    readonly event: EventInput,
    readonly atOffset: number | undefined,
    readonly withId: boolean,
    /** Sent only while the conversation's state waits for this type of event. */
    readonly whenAwaited: boolean,
  ) {}
  check = (model: Readonly<Model>): boolean => !this.whenAwaited || (awaited[model.states.get(this.conversationId) ?? ''] ?? []).includes(this.event.type);
  async run(model: Model, direct: World): Promise<void> {
    const at = this.atOffset === undefined ? {} : { at: model.reference.clock.now() + this.atOffset };
    const id = this.withId ? { id: `e${model.ids++}` } : {};
    const event = { ...this.event, ...at, ...id } as RuntimeEventInput;
    if (this.withId) model.last = { conversationId: this.conversationId, event };
    await compare(model, direct, (world) => world.runtime.send(this.conversationId, event));
  }
  toString = (): string =>
    `send ${this.conversationId} ${JSON.stringify(this.event)}${this.atOffset === undefined ? '' : ` at now${this.atOffset < 0 ? '' : '+'}${this.atOffset}`}${this.withId ? ' with an id' : ''}`;
}

/** Sends the last event that had an id again, as a host that redelivers. */
class Redeliver implements Command {
  check = (model: Readonly<Model>): boolean => model.last !== undefined;
  async run(model: Model, direct: World): Promise<void> {
    const last = model.last;
    if (!last) throw new Error('unreachable: check() holds');
    await compare(model, direct, (world) => world.runtime.send(last.conversationId, last.event));
  }
  toString = (): string => 'redeliver the last event with an id';
}

/** Time passes: the runtime's own timers fire each timeout due on the way. */
class Advance implements Command {
  constructor(readonly ms: number) {}
  check = (): boolean => true;
  async run(model: Model, direct: World): Promise<void> {
    await compare(model, direct, { advance: this.ms });
  }
  toString = (): string => `advance ${this.ms} ms`;
}

/** Starts the third conversation, or the first one again (refused: it exists). */
class Start implements Command {
  constructor(
    readonly conversationId: 'c1' | 'c3',
    readonly channel: string,
  ) {}
  check = (model: Readonly<Model>): boolean => this.conversationId === 'c1' || model.states.get('c3') === undefined;
  async run(model: Model, direct: World): Promise<void> {
    await compare(model, direct, (world) => world.runtime.start(this.conversationId, { ...chat(this.conversationId), channel: this.channel }));
  }
  toString = (): string => `start ${this.conversationId} on ${this.channel}`;
}

// ---- What a script is made of ------------------------------------------------------------------------

const agentIds = fc.constantFrom('ana', 'bo');
const sequences = fc.constantFrom(undefined, 1, 2, 7);
const defined = <T extends object>(event: T): T => Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined)) as T;
/** A desk event about one of the agents that `make` builds, naming its handoff (current or stale) or not. */
const fromDesk = <T extends object>(make: (agentId: string) => T) =>
  fc.record({ agentId: agentIds, sequence: sequences }).map(({ agentId, sequence }) => defined({ ...make(agentId), sequence }));

const invocations = fc
  .record({
    reason: fc.constantFrom('user_requested' as const, 'policy' as const),
    intent: fc.constantFrom(undefined, 'technical', 'refund', 'billing', 'account'),
    // Now and then a sentiment outside the enum, or no summary: building the payload fails.
    parameters: mostly('valid', 'badSentiment', 'noSummary'),
  })
  .map(({ reason, intent, parameters }) => ({
    type: 'handoff.invoke' as const,
    reason,
    parameters: {
      sentiment: parameters === 'badSentiment' ? 'furious' : 'neutral',
      ...(parameters === 'noSummary' ? {} : { interactionSummary: 'Charged twice for one order.' }),
      ...(intent === undefined ? {} : { intent }),
    },
  }));

/** Every host event type, agents matching or not, sequences current or stale. */
const events: fc.Arbitrary<EventInput> = fc.oneof(
  { weight: 6, arbitrary: invocations },
  { weight: 2, arbitrary: fc.constantFrom('hello?', 'still there').map((text) => ({ type: 'user.message' as const, text })) },
  { weight: 1, arbitrary: fc.constant({ type: 'user.cancel' as const }) },
  { weight: 1, arbitrary: fc.constantFrom('left' as const, 'hangup' as const).map((how) => ({ type: 'user.left' as const, how })) },
  { weight: 1, arbitrary: fc.constant({ type: 'user.acceptOffer' as const }) },
  { weight: 2, arbitrary: sequences.map((sequence) => defined({ type: 'automation.ack' as const, sequence })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ sequence: sequences, retryable: fc.constantFrom(undefined, true, false) })
      .map(({ sequence, retryable }) => defined({ type: 'automation.error' as const, message: 'flow busy', sequence, retryable })),
  },
  // The desk's events name their handoff or not (a desk that does not send it): current or stale.
  { weight: 4, arbitrary: fromDesk((agentId) => ({ type: 'agent.offered' as const, agentId })) },
  { weight: 4, arbitrary: fromDesk((agentId) => ({ type: 'agent.accepted' as const, agentId })) },
  { weight: 1, arbitrary: fromDesk((agentId) => ({ type: 'agent.rejected' as const, agentId, reason: 'busy' })) },
  { weight: 2, arbitrary: fromDesk((agentId) => ({ type: 'agent.message' as const, agentId, text: 'How can I help?' })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ agentId: agentIds, returnReason: fc.constantFrom(undefined, 'resolved' as const, 'handBack' as const), sequence: sequences })
      .map(({ agentId, returnReason, sequence }) => defined({ type: 'agent.ended' as const, agentId, returnReason, sequence })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ position: fc.nat(4), sequence: sequences }).map(({ position, sequence }) => defined({ type: 'queue.update' as const, position, estimatedWaitSeconds: position * 45, sequence })),
  },
  { weight: 1, arbitrary: fc.constantFrom(undefined, { done: true }).map((result) => defined({ type: 'target.completed' as const, result })) },
  { weight: 1, arbitrary: fc.constant({ type: 'target.failed' as const, message: 'workflow crashed' }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, { rating: 5 }).map((result) => defined({ type: 'dialog.completed' as const, result })) },
  // The host's own clock tick: every timeout due by its `at` fires, in deadline order.
  { weight: 2, arbitrary: fc.constant({ type: 'clock.tick' as const }) },
  // Not a valid event: refused with INVALID_EVENT before it reaches the conversation.
  { weight: 1, arbitrary: fc.constant({ type: 'user.message' } as unknown as EventInput) },
);

const sends = fc
  .record({
    conversationId: fc.constantFrom('c1', 'c1', 'c1', 'c2', 'c3'),
    event: events,
    // Most events take the runtime's time; a clock tick always carries its own.
    atOffset: fc.constantFrom(undefined, undefined, undefined, -2000, 0, 1500, 4000, 70_000),
    withId: fc.boolean(),
    whenAwaited: mostly(true, false),
  })
  .map(({ conversationId, event, atOffset, withId, whenAwaited }): Command =>
    new Send(conversationId, event, event.type === 'clock.tick' ? (atOffset ?? 3000) : atOffset, withId, whenAwaited),
  );

/** Mostly events; now and then time passes, an event comes again, or a conversation starts. */
const commands = [
  fc.oneof(
    { weight: 12, arbitrary: sends },
    { weight: 1, arbitrary: fc.constant<Command>(new Redeliver()) },
    { weight: 3, arbitrary: fc.constantFrom(500, 1000, 2500, 3000, 6000, 11_000, 25_000, 65_000, 130_000).map((ms): Command => new Advance(ms)) },
    { weight: 1, arbitrary: fc.record({ id: mostly<'c1' | 'c3'>('c3', 'c1'), channel: channels }).map(({ id, channel }): Command => new Start(id, channel)) },
  ),
];

describe('the direct path', () => {
  it('answers, stores, calls the adapters and tells the host exactly what the actor does, in the same order', async () => {
    await fc.assert(
      fc.asyncProperty(variants, plans, fc.commands(commands, { maxCommands: 150, size: 'large' }), async (variant, plan, script) => {
        const reference = createWorld(variant, plan, false);
        const direct = createWorld(variant, plan, true);
        const model: Model = { reference, states: new Map(), last: undefined, ids: 0 };
        try {
          for (const [i, channel] of variant.channels.entries()) {
            const id = conversationIds[i] ?? 'c1';
            await compare(model, direct, (world) => world.runtime.start(id, { ...chat(id), channel }));
          }
          await fc.asyncModelRun(() => ({ model, real: direct }), script);
          await compare(model, direct, (world) => world.runtime.close());
        } finally {
          await Promise.all([reference.runtime.close(), direct.runtime.close()]);
        }
      }),
      { numRuns: 250 },
    );
  });
});

// ---- The direct path is taken (else the property would hold trivially) --------------------------

const handoffConfig = config((c) => {
  c.lifecycle.agentTransfer.afterAgent.then = 'end';
});
const router = createRouter(rules);

/** Each step answers at once as the machine's actor would: the payload built, the default queue, yes to everything. */
const instantly: { readonly [K in EffectName]: (input: HandoffActorTypes[K]['input']) => Promise<HandoffActorTypes[K]['output']> } = {
  buildPayload: (input) => buildHandoffPayload(handoffConfig, input.conversation, input.invocation, { now: () => new Date(input.firedAt) }),
  deliverToAutomationNode: () => Promise.resolve({ acknowledged: true }),
  routeHandoff: async (input) => ({ decision: await router.route(input.payload), explanation: null }),
  checkBusinessHours: () => Promise.resolve({ open: true }),
  checkAgentAvailability: () => Promise.resolve({ available: true }),
  enqueueForAgent: () => Promise.resolve({ position: 1, estimatedWaitSeconds: 30 }),
  cancelQueue: () => Promise.resolve(undefined),
  handOverToTarget: () => Promise.resolve(undefined),
};

/** Runs the steps the host's events started until none is left, as the runtime's processor does (without saving). */
async function runSteps(host: ConversationHost): Promise<void> {
  for (let round = 0; round < 20; round++) {
    for (const effect of host.effects.filter((e) => e.status === 'new')) {
      effect.status = 'running';
      effect.settle({ ok: true, value: await (instantly[effect.name] as (input: unknown) => Promise<unknown>)(effect.input) });
    }
    // An actor reacts to a step through its promise, a few microtasks later.
    await settleMicrotasks();
    const open = host.effects.filter((e) => !e.finished);
    host.effects.splice(0, host.effects.length, ...open);
    if (open.length === 0) return;
  }
  throw new Error('the steps never ran out');
}

function newHost(conversationId: string): ConversationHost {
  const input = {
    conversation: conversationSchema.parse(chat(conversationId)),
    settings: handoffConfig.lifecycle,
    event: { enabled: true, session: 'keepAlive' as const, sendsMessage: false, unmetPrerequisites: [] },
    startedAt: T0,
  };
  return createConversationHost(conversationId, { input }, { inspect: undefined, direct: true });
}

/** Where the conversation is, and which engine holds it. */
const where = (host: ConversationHost): [string, string] => [stateKey(host.snapshot().value), host.engine];

/** Sends `event`, runs the steps it started, and traces it (its type, and ` #n` when it names handoff n) with where the conversation then is. */
async function sendTraced(host: ConversationHost, trace: string[][], event: HandoffEvent): Promise<void> {
  host.send(event);
  await runSteps(host);
  trace.push([`${event.type}${'sequence' in event ? ` #${String(event.sequence)}` : ''}`, ...where(host)]);
}

describe('a conversation host with the direct path on', () => {
  it('takes desk events that name the current handoff without an actor, and leaves one that names another handoff to the actor', async () => {
    const host = newHost('c1');
    const trace: string[][] = [];
    const send = async (event: HandoffEvent) => {
      await sendTraced(host, trace, event);
      // Nothing is in flight: the next event starts on the direct path again.
      host.preferDirect();
    };
    await send(invoke());
    for (const sequence of [2, 1]) {
      await send({ type: 'queue.update', position: 2, estimatedWaitSeconds: 60, sequence });
      await send({ type: 'agent.offered', agentId: 'ana', sequence });
    }
    await send({ type: 'agent.accepted', agentId: 'ana', sequence: 2 });
    await send({ type: 'agent.accepted', agentId: 'ana', sequence: 1 });
    await send({ type: 'agent.message', agentId: 'ana', text: 'hello', sequence: 3 });
    await send({ type: 'agent.message', agentId: 'ana', text: 'hello', sequence: 1 });
    await send({ type: 'agent.ended', agentId: 'ana', sequence: 2 });
    expect(host.snapshot().context.ignored).toMatchObject({ event: 'agent.ended', reason: 'staleSequence' });
    await send({ type: 'agent.ended', agentId: 'ana', sequence: 1 });
    expect(trace).toEqual([
      ['handoff.invoke', 'queued.waiting', 'direct'],
      ['queue.update #2', 'queued.waiting', 'actor'],
      ['agent.offered #2', 'queued.waiting', 'actor'],
      ['queue.update #1', 'queued.waiting', 'direct'],
      ['agent.offered #1', 'queued.offered', 'direct'],
      ['agent.accepted #2', 'queued.offered', 'actor'],
      ['agent.accepted #1', 'liveAgent', 'direct'],
      ['agent.message #3', 'liveAgent', 'actor'],
      ['agent.message #1', 'liveAgent', 'direct'],
      ['agent.ended #2', 'liveAgent', 'actor'],
      ['agent.ended #1', 'ended', 'direct'],
    ]);
  });

  it('takes the common lifecycle without an actor, from the start to the end', async () => {
    const host = newHost('c1');
    const lifecycle: HandoffEvent[] = [
      invoke(),
      { type: 'agent.offered', agentId: 'ana' },
      { type: 'agent.accepted', agentId: 'ana' },
      { type: 'user.message', text: 'hi' },
      { type: 'agent.message', agentId: 'ana', text: 'hello' },
      { type: 'agent.ended', agentId: 'ana' },
    ];
    const trace = [['start', ...where(host)]];
    for (const event of lifecycle) await sendTraced(host, trace, event);
    expect(trace).toEqual([
      ['start', 'aiHandling', 'direct'],
      ['handoff.invoke', 'queued.waiting', 'direct'],
      ['agent.offered', 'queued.offered', 'direct'],
      ['agent.accepted', 'liveAgent', 'direct'],
      ['user.message', 'liveAgent', 'direct'],
      ['agent.message', 'liveAgent', 'direct'],
      ['agent.ended', 'ended', 'direct'],
    ]);
  });

  it('hands an event the direct path does not take to an actor, and goes back once nothing is in flight', async () => {
    const host = newHost('c2');
    host.send(invoke());
    await runSteps(host);
    expect(where(host)).toEqual(['queued.waiting', 'direct']);

    host.send({ type: 'user.cancel' });
    expect(where(host)).toEqual(['leavingQueue', 'actor']);
    // Taking the user out of the queue is in flight: the actor keeps the conversation.
    host.preferDirect();
    expect(where(host)).toEqual(['leavingQueue', 'actor']);

    await runSteps(host);
    expect(where(host)).toEqual(['aiHandling', 'actor']);
    host.preferDirect();
    expect(where(host)).toEqual(['aiHandling', 'direct']);
  });
});
