import fc from 'fast-check';
import type { HandoffConfig, HandoffConfigInput } from '../config/config-schema.js';
import type { DistributiveOmit } from '../distributive-omit.js';
import { loadHandoffConfig } from '../config/load-config.js';
import { handoffReasons, type JsonValue } from '../payload/payload-schema.js';
import { agentReturnReasons, type HandoffEvent } from '../../machines/handoff.types.js';
import { arbitraryParameterName } from './arbitraries/config.arbitrary.js';
import { arbitraryInvocation } from './arbitraries/handoff.arbitrary.js';
import { arbitraryJsonValue } from './arbitraries/json.arbitrary.js';

/**
 * The journeys `lifecycleEventsFor` strings together, each a valid order of host events:
 * - `aiOnly`: the user talks to the AI;
 * - `liveAgent`: handoff, acknowledgement, queue updates, an agent offered and accepted, a chat, the agent ends (sometimes a post-agent dialog completes);
 * - `agentRejected`: an offered agent rejects, another accepts and ends;
 * - `cancelInQueue`: the user cancels while waiting;
 * - `offerAccepted`: the wait passes the offer time and the user accepts the callback or voicemail;
 * - `deliveryRetry`: the automation node reports a retryable error, time passes, it acknowledges;
 * - `otherTarget` / `targetFailed`: another agent or a workflow completes, or fails;
 * - `stalled`: nothing answers and an hour passes, so timeouts fire;
 * - `userLeaves`: the user leaves (only ever last).
 */
export const lifecycleJourneys = [
  'aiOnly',
  'liveAgent',
  'agentRejected',
  'cancelInQueue',
  'offerAccepted',
  'deliveryRetry',
  'otherTarget',
  'targetFailed',
  'stalled',
  'userLeaves',
] as const;

/** One journey of `lifecycleJourneys`. */
export type LifecycleJourney = (typeof lifecycleJourneys)[number];

/** Options of `lifecycleEventsFor`. */
export interface LifecycleEventsOptions {
  /** The handoff configuration: `handoff.invoke` then carries parameters valid under it. */
  readonly config?: HandoffConfig | HandoffConfigInput;
  /** The journeys to draw from (default all). */
  readonly journeys?: readonly LifecycleJourney[];
  /** The share of sequences, from 0 to 1, with out-of-order noise (default 0.25). */
  readonly noise?: number;
  /** Handoffs per conversation at most (default 2). */
  readonly maxHandoffs?: number;
  /** Epoch ms of the first event (default 2025-06-02T09:00:00Z); every event carries a later `at`. */
  readonly startAt?: number;
}

// An event before it is stamped: how long after the previous event it happens.
interface Draft {
  readonly event: DraftEvent;
  readonly advance: number;
}
type DraftEvent = DistributiveOmit<HandoffEvent, 'at'>;

const second = 1000;
const minute = 60 * second;
const agentIds = ['agent-1', 'agent-2', 'agent-3'] as const;

/**
 * A fast-check arbitrary of host event sequences for the handoff lifecycle: journeys in valid
 * orders (see `lifecycleJourneys`) strung into one conversation with rising `at` stamps and, now and
 * then, the handoff sequence numbers the automation node would echo and the desk would send with its
 * events (or none, as from a desk that does not send them), and, in a share of sequences, noise:
 * events inserted out of place, duplicated, swapped, dropped, from the wrong agent, or a desk event
 * of an earlier handoff arriving late, after the next one began (usually stale, so the machine ignores
 * it; other noise can shift the count of handoffs, and then it names the current one). A
 * machine or host must take every such sequence without throwing and end in a state it can explain.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(lifecycleEventsFor({ config }), (events) => {
 *   const actor = createActor(machine, { input }).start();
 *   for (const event of events) actor.send(event);
 *   return actor.getSnapshot().status !== 'error';
 * }));
 * ```
 */
export function lifecycleEventsFor(options: LifecycleEventsOptions = {}): fc.Arbitrary<HandoffEvent[]> {
  const config = options.config === undefined ? undefined : loadHandoffConfig(options.config);
  const chosen = options.journeys && options.journeys.length > 0 ? options.journeys : lifecycleJourneys;
  const middle = chosen.filter((j) => j !== 'userLeaves');
  const invoke = invokeArbitrary(config);
  const startAt = options.startAt ?? Date.UTC(2025, 5, 2, 9);
  const noiseShare = Math.min(1, Math.max(0, options.noise ?? 0.25));
  const journey = (name: LifecycleJourney): fc.Arbitrary<(sequence: number) => Draft[]> => journeyArbitrary(name, invoke);

  const journeys = fc.tuple(
    middle.length > 0 ? fc.array(fc.constantFrom(...middle).chain(journey), { minLength: 1, maxLength: Math.max(1, options.maxHandoffs ?? 2) }) : fc.constant([]),
    chosen.includes('userLeaves') ? fc.option(journey('userLeaves'), { nil: undefined }) : fc.constant(undefined),
  );
  const clean = journeys.map(([list, last]) => {
    let sequence = 0;
    const drafts: Draft[] = [];
    for (const build of last ? [...list, last] : list) {
      const steps = build(sequence + 1);
      if (steps.some((s) => s.event.type === 'handoff.invoke')) sequence++;
      drafts.push(...steps);
    }
    return drafts;
  });
  const noisy = fc.tuple(clean, fc.array(noiseArbitrary(invoke), { minLength: 1, maxLength: 3 })).map(([drafts, operations]) => {
    let out = drafts;
    for (const operation of operations) out = operation(out);
    return out;
  });
  const drafts =
    noiseShare === 0 ? clean : noiseShare === 1 ? noisy : fc.oneof({ arbitrary: clean, weight: Math.round((1 - noiseShare) * 100) }, { arbitrary: noisy, weight: Math.round(noiseShare * 100) });
  return drafts.map((list) => stamp(list, startAt));
}

function stamp(drafts: readonly Draft[], startAt: number): HandoffEvent[] {
  let at = startAt;
  return drafts.map(({ event, advance }) => {
    at += advance;
    const stamped: HandoffEvent = { ...event, at };
    return stamped;
  });
}

type InvokeEvent = Extract<DraftEvent, { type: 'handoff.invoke' }>;

function invokeArbitrary(config: HandoffConfig | undefined): fc.Arbitrary<InvokeEvent> {
  if (config) {
    return arbitraryInvocation(config).map((invocation): InvokeEvent => ({ type: 'handoff.invoke', reason: invocation.reason, parameters: invocation.parameters ?? {} }));
  }
  return fc
    .record({
      reason: fc.constantFrom(...handoffReasons),
      parameters: fc.dictionary(arbitraryParameterName(), arbitraryJsonValue(1), { maxKeys: 3, noNullPrototype: true }),
    })
    .map(({ reason, parameters }): InvokeEvent => ({ type: 'handoff.invoke', reason, parameters }));
}

const pause = (): fc.Arbitrary<number> => fc.integer({ min: second / 2, max: 30 * second });
const text = (): fc.Arbitrary<string> => fc.constantFrom('hello', 'I need a person', 'my card was charged twice', 'thanks', 'still there?', '');

// Each journey draws its randomness up front and returns a builder that takes the handoff
// sequence number, which depends on the journeys before it.
function journeyArbitrary(name: LifecycleJourney, invoke: fc.Arbitrary<InvokeEvent>): fc.Arbitrary<(sequence: number) => Draft[]> {
  const chat = fc.array(fc.tuple(fc.boolean(), text(), pause()), { maxLength: 3 });
  const updates = fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 900 }), pause()), { maxLength: 2 });
  const ack = fc.tuple(fc.boolean(), pause());
  const handoffStart = fc.tuple(invoke, pause(), ack);
  const opening = ([call, wait, [echo, ackWait]]: [InvokeEvent, number, [boolean, number]], sequence: number): Draft[] => [
    { event: call, advance: wait },
    { event: echo ? { type: 'automation.ack', sequence } : { type: 'automation.ack' }, advance: ackWait },
  ];
  // Whether the desk names the handoff on its events: a desk that sends `sequence`, or one that does not.
  const named = fc.boolean();
  const queueUpdates = (list: [number, number, number][], sequence: number | undefined): Draft[] =>
    list.map(([position, estimatedWaitSeconds, wait]) => ({ event: desk({ type: 'queue.update', position, estimatedWaitSeconds }, sequence), advance: wait }));
  const conversation = (list: [boolean, string, number][], agentId: string, sequence: number | undefined): Draft[] =>
    list.map(([fromUser, words, wait]) => ({ event: fromUser ? { type: 'user.message', text: words } : desk({ type: 'agent.message', agentId, text: words }, sequence), advance: wait }));
  const agents = fc.uniqueArray(fc.constantFrom(...agentIds), { minLength: 2, maxLength: 2 });
  const ending = fc.tuple(fc.option(fc.constantFrom(...agentReturnReasons), { nil: undefined }), fc.boolean(), fc.option(arbitraryJsonValue(1), { nil: undefined }));
  const agentEnds = (agentId: string, [reason, dialog, result]: [string | undefined, boolean, JsonValue | undefined], sequence: number | undefined): Draft[] => [
    {
      event: desk(reason === undefined ? { type: 'agent.ended', agentId } : { type: 'agent.ended', agentId, returnReason: reason as (typeof agentReturnReasons)[number] }, sequence),
      advance: minute,
    },
    ...(dialog ? [{ event: result === undefined ? { type: 'dialog.completed' as const } : { type: 'dialog.completed' as const, result }, advance: minute }] : []),
  ];

  switch (name) {
    case 'aiOnly':
      return fc.array(fc.tuple(text(), pause()), { minLength: 1, maxLength: 3 }).map((list) => () => list.map(([words, wait]) => ({ event: { type: 'user.message', text: words }, advance: wait })));
    case 'liveAgent':
      return fc.tuple(handoffStart, updates, agents, chat, ending, named).map(([start, list, [agentId = 'agent-1'], talk, end, naming]) => (sequence: number) => {
        const s = naming ? sequence : undefined;
        return [
          ...opening(start, sequence),
          ...queueUpdates(list, s),
          { event: desk({ type: 'agent.offered', agentId }, s), advance: 5 * second },
          { event: desk({ type: 'agent.accepted', agentId }, s), advance: 3 * second },
          ...conversation(talk, agentId, s),
          ...agentEnds(agentId, end, s),
        ];
      });
    case 'agentRejected':
      return fc.tuple(handoffStart, agents, fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), ending, named).map(([start, [first = 'agent-1', next = 'agent-2'], reason, end, naming]) => (sequence: number) => {
        const s = naming ? sequence : undefined;
        return [
          ...opening(start, sequence),
          { event: desk({ type: 'agent.offered', agentId: first }, s), advance: 5 * second },
          { event: desk(reason === undefined ? { type: 'agent.rejected', agentId: first } : { type: 'agent.rejected', agentId: first, reason }, s), advance: 4 * second },
          { event: desk({ type: 'agent.offered', agentId: next }, s), advance: 5 * second },
          { event: desk({ type: 'agent.accepted', agentId: next }, s), advance: 3 * second },
          ...agentEnds(next, end, s),
        ];
      });
    case 'cancelInQueue':
      return fc.tuple(handoffStart, updates, pause(), named).map(([start, list, wait, naming]) => (sequence: number) => [
        ...opening(start, sequence),
        ...queueUpdates(list, naming ? sequence : undefined),
        { event: { type: 'user.cancel' }, advance: wait },
      ]);
    case 'offerAccepted':
      return fc.tuple(handoffStart, fc.integer({ min: 2, max: 15 })).map(([start, minutes]) => (sequence: number) => [
        ...opening(start, sequence),
        { event: { type: 'clock.tick' }, advance: minutes * minute },
        { event: { type: 'user.acceptOffer' }, advance: 10 * second },
      ]);
    case 'deliveryRetry':
      return fc.tuple(invoke, fc.constantFrom('503 Service Unavailable', 'connection reset'), fc.integer({ min: 1, max: 60 })).map(([call, message, seconds]) => (sequence: number) => [
        { event: call, advance: second },
        { event: { type: 'automation.error', message, retryable: true, sequence }, advance: second },
        { event: { type: 'clock.tick' }, advance: seconds * second },
        { event: { type: 'automation.ack', sequence }, advance: 2 * second },
      ]);
    case 'otherTarget':
      return fc.tuple(handoffStart, fc.option(arbitraryJsonValue(1), { nil: undefined }), pause()).map(([start, result, wait]) => (sequence: number) => [
        ...opening(start, sequence),
        { event: result === undefined ? { type: 'target.completed' } : { type: 'target.completed', result }, advance: wait },
      ]);
    case 'targetFailed':
      return fc.tuple(handoffStart, pause()).map(([start, wait]) => (sequence: number) => [...opening(start, sequence), { event: { type: 'target.failed', message: 'workflow step failed' }, advance: wait }]);
    case 'stalled':
      return fc.tuple(invoke, fc.integer({ min: 30, max: 120 })).map(([call, minutes]) => () => [
        { event: call, advance: second },
        { event: { type: 'clock.tick' }, advance: minutes * minute },
      ]);
    case 'userLeaves':
      return fc.tuple(fc.option(handoffStart, { nil: undefined }), fc.constantFrom('left' as const, 'hangup' as const), pause()).map(([start, how, wait]) => (sequence: number) => [
        ...(start ? opening(start, sequence) : []),
        { event: { type: 'user.left', how }, advance: wait },
      ]);
  }
}

type Operation = (drafts: readonly Draft[]) => Draft[];

// One out-of-order change to a sequence: an event that does not belong, repeated, swapped, lost, or from the wrong agent.
function noiseArbitrary(invoke: fc.Arbitrary<InvokeEvent>): fc.Arbitrary<Operation> {
  const position = fc.nat();
  return fc.oneof(
    fc.tuple(position, anyEventArbitrary(invoke), pause()).map(([at, event, advance]): Operation => (drafts) => {
      const out = [...drafts];
      out.splice(at % (out.length + 1), 0, { event, advance });
      return out;
    }),
    position.map((at): Operation => (drafts) => {
      const out = [...drafts];
      const picked = out[at % Math.max(1, out.length)];
      if (picked) out.splice(at % out.length, 0, { ...picked, advance: 0 });
      return out;
    }),
    position.map((at): Operation => (drafts) => {
      const out = [...drafts];
      if (out.length < 2) return out;
      const i = at % (out.length - 1);
      const [a, b] = [out[i], out[i + 1]];
      if (a && b) [out[i], out[i + 1]] = [{ event: b.event, advance: a.advance }, { event: a.event, advance: b.advance }];
      return out;
    }),
    position.map((at): Operation => (drafts) => drafts.filter((_, i) => i !== at % drafts.length)),
    position.map((at): Operation => (drafts) => {
      const agentEvents = drafts.flatMap((d, i) => ('agentId' in d.event ? [i] : []));
      const i = agentEvents[at % Math.max(1, agentEvents.length)];
      if (i === undefined) return [...drafts];
      return drafts.map((d, k) => (k === i && 'agentId' in d.event ? { ...d, event: { ...d.event, agentId: 'agent-stranger' } } : d));
    }),
    // A desk event of one handoff arrives late, after the next handoff began, naming its own handoff.
    fc.tuple(position, position).map(([pick, later]): Operation => (drafts) => {
      const candidates: { readonly index: number; readonly event: DeskDraftEvent; readonly handoff: number }[] = [];
      let handoff = 0;
      for (const [index, { event }] of drafts.entries()) {
        if (event.type === 'handoff.invoke') handoff++;
        else if (handoff > 0 && isDeskEvent(event) && drafts.slice(index + 1).some((d) => d.event.type === 'handoff.invoke')) candidates.push({ index, event, handoff });
      }
      const chosen = candidates[pick % Math.max(1, candidates.length)];
      if (!chosen) return [...drafts];
      const next = drafts.findIndex((d, k) => k > chosen.index && d.event.type === 'handoff.invoke');
      const out = [...drafts];
      out.splice(next + 1 + (later % (drafts.length - next)), 0, { event: { ...chosen.event, sequence: chosen.handoff }, advance: 0 });
      return out;
    }),
  );
}

/** The desk's events: the ones that may name their handoff with `sequence`. */
type DeskDraftEvent = Extract<DraftEvent, { type: 'agent.offered' | 'agent.accepted' | 'agent.rejected' | 'agent.message' | 'agent.ended' | 'queue.update' }>;

function isDeskEvent(event: DraftEvent): event is DeskDraftEvent {
  return event.type.startsWith('agent.') || event.type === 'queue.update';
}

/** A desk event naming its handoff, or not (`sequence` undefined: a desk that does not send it). */
function desk<E extends DeskDraftEvent>(event: E, sequence: number | undefined): E {
  return sequence === undefined ? event : { ...event, sequence };
}

/** Any host event, with plausible fields: the raw material of noise. */
function anyEventArbitrary(invoke: fc.Arbitrary<InvokeEvent>): fc.Arbitrary<DraftEvent> {
  const agentId = fc.constantFrom(...agentIds);
  const sequence = fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined });
  return fc.oneof(
    invoke,
    text().map((t): DraftEvent => ({ type: 'user.message', text: t })),
    fc.constant<DraftEvent>({ type: 'user.cancel' }),
    fc.constantFrom<DraftEvent>({ type: 'user.left', how: 'left' }, { type: 'user.left', how: 'hangup' }),
    fc.constant<DraftEvent>({ type: 'user.acceptOffer' }),
    sequence.map((s): DraftEvent => (s === undefined ? { type: 'automation.ack' } : { type: 'automation.ack', sequence: s })),
    fc.tuple(fc.boolean(), sequence).map(([retryable, s]): DraftEvent => (s === undefined ? { type: 'automation.error', message: 'failed', retryable } : { type: 'automation.error', message: 'failed', retryable, sequence: s })),
    fc.tuple(agentId, sequence).map(([id, s]): DraftEvent => desk({ type: 'agent.offered', agentId: id }, s)),
    fc.tuple(agentId, sequence).map(([id, s]): DraftEvent => desk({ type: 'agent.accepted', agentId: id }, s)),
    fc.tuple(agentId, sequence).map(([id, s]): DraftEvent => desk({ type: 'agent.rejected', agentId: id }, s)),
    fc.tuple(agentId, text(), sequence).map(([id, t, s]): DraftEvent => desk({ type: 'agent.message', agentId: id, text: t }, s)),
    fc.tuple(agentId, sequence).map(([id, s]): DraftEvent => desk({ type: 'agent.ended', agentId: id }, s)),
    fc.tuple(fc.nat(20), fc.nat(900), sequence).map(([position, wait, s]): DraftEvent => desk({ type: 'queue.update', position, estimatedWaitSeconds: wait }, s)),
    fc.constant<DraftEvent>({ type: 'target.completed' }),
    fc.constant<DraftEvent>({ type: 'target.failed', message: 'failed' }),
    fc.constant<DraftEvent>({ type: 'dialog.completed' }),
    fc.constant<DraftEvent>({ type: 'clock.tick' }),
  );
}
