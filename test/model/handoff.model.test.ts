// Model-based test of the handoff machine: random event sequences and random timing against a real
// actor on a simulated clock, one small Command per user action, the invariants of issue 4 checked
// after every step and at the end of every run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HandoffError } from '../../src/errors.js';
import type { Target } from '../../src/routing/target-schema.js';
import { aiMayRespond, nextDeadline, stateKey, topState } from '../../machines/handoff.selectors.js';
import type { AgentReturnReason, HandoffEvent } from '../../machines/handoff.types.js';
import { chat, createHarness, expectIgnoredAsStale, payloadFor, queueTarget, voice, withSequence, type ActorIo, type Call, type Harness } from '../machines/harness.js';

interface Model {
  readonly enabled: boolean;
  readonly maxAttempts: number;
  readonly channel: 'chat' | 'voice';
  /** Handoffs accepted from aiHandling: the sequence the machine must show. */
  accepted: number;
  ended: boolean;
  pending: number;
  /** The agent connected when liveAgent was entered; it must not change while live. */
  liveAgentId: string | null;
}
interface Real {
  readonly h: Harness;
}

/** The events each top-level state expects; anything else must change no state. */
const expected: Record<string, readonly string[]> = {
  aiHandling: ['handoff.invoke', 'user.message', 'user.left', 'clock.tick'],
  handoffRequested: ['handoff.invoke', 'user.message', 'user.cancel', 'user.left', 'clock.tick'],
  delivering: ['handoff.invoke', 'user.message', 'user.cancel', 'user.left', 'automation.ack', 'automation.error', 'clock.tick'],
  delegated: ['handoff.invoke', 'user.message', 'user.cancel', 'user.left', 'clock.tick'],
  queued: ['handoff.invoke', 'user.message', 'user.cancel', 'user.left', 'user.acceptOffer', 'queue.update', 'agent.offered', 'agent.accepted', 'agent.rejected', 'clock.tick'],
  leavingQueue: ['handoff.invoke', 'user.message', 'user.left', 'clock.tick'],
  withTarget: ['handoff.invoke', 'user.message', 'user.left', 'target.completed', 'target.failed', 'clock.tick'],
  liveAgent: ['handoff.invoke', 'user.message', 'user.left', 'agent.offered', 'agent.accepted', 'agent.message', 'agent.ended', 'clock.tick'],
  postAgentDialog: ['handoff.invoke', 'user.message', 'user.left', 'dialog.completed', 'clock.tick'],
};

const payloadCarriers = ['deliverToAutomationNode', 'routeHandoff', 'checkBusinessHours', 'checkAgentAvailability', 'enqueueForAgent', 'handOverToTarget'] as const;

function checkInvariants(m: Model, h: Harness, before: ReturnType<Harness['actor']['getSnapshot']>, sent: HandoffEvent | { type: string } | null, actionsBefore: number): void {
  const after = h.actor.getSnapshot();
  // Nothing throws: an unexpected event or a failed step is a state, never an error.
  expect(after.status).not.toBe('error');
  // The AI may respond only in aiHandling, and the plain boolean agrees.
  expect(after.context.aiMayRespond).toBe(after.value === 'aiHandling');
  expect(aiMayRespond(after)).toBe(after.status === 'active' && after.value === 'aiHandling');
  // Never two live agents: the connected agent does not change while live; relays name it.
  if (after.value === 'liveAgent') {
    expect(after.context.agentId).not.toBeNull();
    if (before.value === 'liveAgent') expect(after.context.agentId).toBe(m.liveAgentId);
    m.liveAgentId = after.context.agentId;
  } else m.liveAgentId = null;
  for (const relay of h.actions.filter((a) => a.type === 'relayToUser' || a.type === 'relayToAgent')) expect(relay.state).toBe('liveAgent');
  // A duplicate invoke never starts a second handoff; each handoff is delivered at most maxAttempts times.
  if (sent?.type === 'handoff.invoke' && before.value === 'aiHandling' && m.enabled) m.accepted++;
  expect(after.context.sequence).toBe(m.accepted);
  const deliveries = h.callsOf('deliverToAutomationNode');
  for (let sequence = 1; sequence <= m.accepted; sequence++) {
    expect(deliveries.filter((d) => d.input.sequence === sequence).length).toBeLessThanOrEqual(m.maxAttempts);
  }
  expect(h.callsOf('buildPayload').length).toBe(m.accepted);
  // The payload reaching the automation node, the router, the desk and the target is the validated one, unaltered.
  const built = new Map(h.callsOf('buildPayload').filter((c) => c.output !== undefined).map((c) => [c.input.sequence, c.output]));
  for (const name of payloadCarriers) {
    for (const call of h.callsOf(name)) expect(call.input.payload).toBe(built.get(call.input.sequence));
  }
  // A disabled event never leaves aiHandling through a handoff.
  if (!m.enabled) {
    expect(['aiHandling', 'ended']).toContain(topState(after));
    expect(h.calls).toEqual([]);
  }
  // An event for another handoff (a late one from a handoff the user cancelled) changes nothing but
  // the clock and `ignored`, in every state: a late offer or acceptance never reaches the next handoff.
  const named = (sent as { readonly sequence?: number } | null)?.sequence;
  if (sent && named !== undefined && named !== before.context.sequence && before.status === 'active') {
    expectIgnoredAsStale(h, before, sent, actionsBefore);
  }
  // An event the state does not expect changes no state and is reported.
  if (sent && before.status === 'active' && !(expected[topState(before)] ?? []).includes(sent.type)) {
    expect(stateKey(after.value)).toBe(stateKey(before.value));
    expect(after.context.ignored?.event).toBe(sent.type);
  }
  // Time: the machine is never ahead of the clock, and nothing pending is overdue.
  expect(after.context.now).toBeLessThanOrEqual(h.clock.now());
  if (after.status === 'active') for (const at of Object.values(after.context.deadlines)) expect(at).toBeGreaterThan(after.context.now);
  m.ended = after.status !== 'active';
  m.pending = h.pending().length;
}

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return this.applies(m);
  }
  protected applies(m: Readonly<Model>): boolean {
    return !m.ended;
  }
  async run(m: Model, r: Real): Promise<void> {
    const before = r.h.actor.getSnapshot();
    const actionsBefore = r.h.actions.length;
    const sent = await this.act(r.h);
    checkInvariants(m, r.h, before, sent, actionsBefore);
  }
  protected abstract act(h: Harness): Promise<HandoffEvent | { type: string } | null>;
  abstract toString(): string;
}

/** A host event, sent as it is. */
abstract class HostEvent extends Step {
  protected abstract readonly event: HandoffEvent | { type: string };
  protected async act(h: Harness) {
    await h.send(this.event);
    return this.event;
  }
  toString(): string {
    return JSON.stringify(this.event);
  }
}

class InvokeHandoff extends HostEvent {
  protected readonly event = { type: 'handoff.invoke', reason: 'user_requested', parameters: { summary: 'refund' } } as const;
}
class UserSays extends HostEvent {
  protected readonly event = { type: 'user.message', text: 'hello?' } as const;
}
class UserCancels extends HostEvent {
  protected readonly event = { type: 'user.cancel' } as const;
}
class UserLeaves extends HostEvent {
  constructor(private readonly how: 'left' | 'hangup') {
    super();
  }
  protected get event() {
    return { type: 'user.left', how: this.how } as const;
  }
}
class UserAcceptsOffer extends HostEvent {
  protected readonly event = { type: 'user.acceptOffer' } as const;
}
class AutomationAcks extends HostEvent {
  constructor(private readonly sequence: number | undefined) {
    super();
  }
  protected get event() {
    return this.sequence === undefined ? ({ type: 'automation.ack' } as const) : ({ type: 'automation.ack', sequence: this.sequence } as const);
  }
}
class AutomationFails extends HostEvent {
  constructor(private readonly retryable: boolean) {
    super();
  }
  protected get event() {
    return { type: 'automation.error', message: 'busy', retryable: this.retryable } as const;
  }
}
/** One of the desk's events, naming its handoff with `sequence` when the desk sends one. */
type DeskEvent = Extract<HandoffEvent, { type: 'agent.offered' | 'agent.accepted' | 'agent.rejected' | 'agent.message' | 'agent.ended' | 'queue.update' }>;
class DeskSends extends HostEvent {
  constructor(
    private readonly sent: DeskEvent,
    private readonly sequence?: number,
  ) {
    super();
  }
  protected get event() {
    return withSequence(this.sent, this.sequence);
  }
}
class TargetCompletes extends HostEvent {
  protected readonly event = { type: 'target.completed', result: { ok: true } } as const;
}
class TargetFails extends HostEvent {
  protected readonly event = { type: 'target.failed', message: 'down' } as const;
}
class DialogCompletes extends HostEvent {
  protected readonly event = { type: 'dialog.completed' } as const;
}
class NoiseArrives extends HostEvent {
  protected readonly event = { type: 'not.an.event' } as const;
}

const routes: Target[] = [
  queueTarget(),
  queueTarget(),
  queueTarget({ agents: ['a1'], waitForAgentSeconds: 20 }),
  { type: 'agent', params: { agent: 'billing-bot' } },
  { type: 'workflow', params: { workflow: 'refund' } },
];

/** What a runtime step answers: one of the outputs its guards branch on, picked by `variant`. */
function outputFor(call: Call, variant: number): unknown {
  const pick = <T>(options: readonly T[]): T => options[variant % options.length]!;
  const outputs: { [K in keyof ActorIo]: () => ActorIo[K][1] } = {
    buildPayload: () => payloadFor((call as Call<'buildPayload'>).input),
    deliverToAutomationNode: () => ({ acknowledged: pick([true, true, true, false]) }),
    routeHandoff: () => ({ decision: { target: pick(routes), rule: null }, explanation: { variant } }),
    checkBusinessHours: () => ({ open: pick([true, true, true, false]) }),
    checkAgentAvailability: () => ({ available: pick([true, true, true, false]) }),
    enqueueForAgent: () => ({ position: 1 + (variant % 5) }),
    cancelQueue: () => undefined,
    handOverToTarget: () => undefined,
  };
  return outputs[call.name]();
}

/** The oldest pending runtime step succeeds. */
class StepSucceeds extends Step {
  constructor(private readonly variant: number) {
    super();
  }
  protected override applies(m: Readonly<Model>): boolean {
    return !m.ended && m.pending > 0;
  }
  protected async act(h: Harness) {
    const call = h.pending()[0]!;
    call.resolve(outputFor(call, this.variant));
    await h.advance(0);
    return null;
  }
  toString(): string {
    return `StepSucceeds(${this.variant})`;
  }
}

/** The runtime does its job without a pause: every step succeeds until none is pending. */
class RuntimeCatchesUp extends Step {
  constructor(private readonly variants: readonly number[]) {
    super();
  }
  protected override applies(m: Readonly<Model>): boolean {
    return !m.ended && m.pending > 0;
  }
  protected async act(h: Harness) {
    for (const variant of this.variants) {
      const call = h.pending()[0];
      if (!call) break;
      call.resolve(outputFor(call, variant));
      await h.advance(0);
    }
    return null;
  }
  toString(): string {
    return `RuntimeCatchesUp(${this.variants.join(',')})`;
  }
}

/** The oldest pending runtime step fails with a typed error. */
class StepFails extends Step {
  constructor(private readonly code: 'MISSING_PARAMETERS' | 'PREREQUISITE_FAILED' | 'DELIVERY_FAILED' | 'ADAPTER_FAILED') {
    super();
  }
  protected override applies(m: Readonly<Model>): boolean {
    return !m.ended && m.pending > 0;
  }
  protected async act(h: Harness) {
    h.pending()[0]!.reject(new HandoffError(this.code, `failed: ${this.code}`));
    await h.advance(0);
    return null;
  }
  toString(): string {
    return `StepFails(${this.code})`;
  }
}

/** Time passes, from a moment to a long wait; the harness steps from deadline to deadline. */
class TimePasses extends Step {
  constructor(private readonly ms: number) {
    super();
  }
  protected async act(h: Harness) {
    await h.advance(this.ms);
    return null;
  }
  toString(): string {
    return `TimePasses(${this.ms})`;
  }
}

const agentId = fc.constantFrom('a1', 'a2');
// Mostly no sequence (a desk that does not send it); else the handoff's, or a late one from another.
const deskSequence = fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 2 });
const w = (weight: number, arbitrary: fc.Arbitrary<Step>) => ({ weight, arbitrary });
// Weighted so that runs get deep into the lifecycle: runtime steps mostly succeed, people mostly stay.
const step = fc.oneof(
  w(24, fc.nat({ max: 11 }).map((v) => new StepSucceeds(v))),
  w(12, fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 8 }).map((vs) => new RuntimeCatchesUp(vs))),
  w(2, fc.constantFrom('MISSING_PARAMETERS', 'PREREQUISITE_FAILED', 'DELIVERY_FAILED', 'ADAPTER_FAILED').map((c) => new StepFails(c))),
  w(8, fc.constant(new InvokeHandoff())),
  w(4, fc.constant(new UserSays())),
  w(1, fc.constant(new UserCancels())),
  w(1, fc.constantFrom('left', 'hangup').map((how) => new UserLeaves(how))),
  w(2, fc.constant(new UserAcceptsOffer())),
  w(4, fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 1 }).map((s) => new AutomationAcks(s))),
  w(2, fc.boolean().map((retryable) => new AutomationFails(retryable))),
  w(8, fc.tuple(agentId, deskSequence).map(([id, s]) => new DeskSends({ type: 'agent.offered', agentId: id }, s))),
  w(8, fc.tuple(agentId, deskSequence).map(([id, s]) => new DeskSends({ type: 'agent.accepted', agentId: id }, s))),
  w(2, fc.tuple(agentId, deskSequence).map(([id, s]) => new DeskSends({ type: 'agent.rejected', agentId: id }, s))),
  w(4, fc.tuple(agentId, deskSequence).map(([id, s]) => new DeskSends({ type: 'agent.message', agentId: id, text: 'How can I help?' }, s))),
  w(3, fc.tuple(agentId, fc.constantFrom<AgentReturnReason>('resolved', 'handBack', 'unresolved'), deskSequence).map(([id, r, s]) => new DeskSends({ type: 'agent.ended', agentId: id, returnReason: r }, s))),
  w(2, fc.tuple(fc.integer({ min: 0, max: 9 }), deskSequence).map(([p, s]) => new DeskSends({ type: 'queue.update', position: p, estimatedWaitSeconds: p * 60 }, s))),
  w(2, fc.constant(new TargetCompletes())),
  w(2, fc.constant(new TargetFails())),
  w(2, fc.constant(new DialogCompletes())),
  w(1, fc.constant(new NoiseArrives())),
  w(6, fc.integer({ min: 0, max: 12_000 }).map((ms) => new TimePasses(ms))),
  w(2, fc.integer({ min: 12_000, max: 70_000 }).map((ms) => new TimePasses(ms))),
  w(1, fc.constantFrom(300_000, 900_000, 2_000_000).map((ms) => new TimePasses(ms))),
);
const commands = fc.commands([step], { maxCommands: 60, size: 'large' });

const configs = fc.record({
  channel: fc.constantFrom('chat' as const, 'voice' as const),
  enabled: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }),
  session: fc.constantFrom('keepAlive' as const, 'terminate' as const),
  afterAgent: fc.constantFrom('returnToAi' as const, 'dialog' as const, 'end' as const),
  voiceTransferMode: fc.constantFrom('refer' as const, 'invite' as const),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  fallbackThen: fc.constantFrom('returnToAi' as const, 'end' as const, 'callback' as const, 'voicemail' as const),
});

describe('handoff machine, model-based', () => {
  it('keeps every invariant over random event sequences and random timing', async () => {
    await fc.assert(
      fc.asyncProperty(configs, commands, async (config, cmds) => {
        const h = createHarness({
          mode: 'manual',
          conversation: config.channel === 'voice' ? voice : chat,
          event: { enabled: config.enabled, session: config.session },
          settings: (s) => {
            s.delivery.maxAttempts = config.maxAttempts;
            s.agentTransfer.afterAgent = { then: config.afterAgent, dialog: 'feedback', afterDialog: 'returnToAi', dialogTimeoutSeconds: 300 };
            s.agentTransfer.voiceTransferMode = config.voiceTransferMode;
            s.agentTransfer.outOfHours.then = config.fallbackThen;
            s.agentTransfer.noAgents.then = config.fallbackThen;
            s.agentTransfer.onMaxQueueWait.then = config.fallbackThen;
          },
        });
        const model: Model = { enabled: config.enabled, maxAttempts: config.maxAttempts, channel: config.channel, accepted: 0, ended: false, pending: 0, liveAgentId: null };
        await fc.asyncModelRun(() => ({ model, real: { h } }), cmds);

        // No stuck states: far enough in the future, no waiting state is left.
        await h.advance(30 * 24 * 3600_000);
        let snapshot = h.actor.getSnapshot();
        expect(snapshot.hasTag('waiting'), stateKey(snapshot.value)).toBe(false);
        expect(h.pending()).toEqual([]);
        // A live agent on a voice call is the one wait the clock does not end (calls end on hang-up).
        if (snapshot.value === 'liveAgent') {
          expect(config.channel).toBe('voice');
          await h.send({ type: 'agent.ended', agentId: snapshot.context.agentId! });
          await h.advance(30 * 24 * 3600_000);
          snapshot = h.actor.getSnapshot();
        }
        // Every run ends in ended or back with the AI (a chat also idles out of aiHandling).
        expect(config.channel === 'chat' ? ['ended'] : ['ended', 'aiHandling']).toContain(topState(snapshot));
        expect(nextDeadline(snapshot)).toBeNull();
        h.actor.stop();
      }),
      { numRuns: 300 },
    );
  });
});
