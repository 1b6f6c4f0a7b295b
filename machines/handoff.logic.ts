// The handoff machine's logic as plain functions: the context updates its actions assign, the guards
// of its common transitions and the inputs of its invocations. The machine calls them through
// `setup()`; the runtime's direct path (src/runtime/direct/) calls the same functions in the same
// order, so both produce the same snapshots (test/runtime/direct-path.property.test.ts holds them to it).
import type { HandoffPayload } from '../src/payload/payload-schema.js';
import { agentTransferOf, decisionOf, handoffOf, key, patchHandoff, payloadOf, positionOf, queueValues, required } from './handoff.parts.js';
import { deadlineFor, eventTime, isVoice, withDeadline } from './handoff.time.js';
import type {
  AgentCheckInput,
  BuildPayloadInput,
  DeliveryInput,
  EndReason,
  EnqueueInput,
  EnqueueResult,
  HandoffContext,
  HandoffEvent,
  HandoffInput,
  HandoffOutput,
  HandoffRecord,
  IgnoredEvent,
  IgnoreReason,
  ReturnToAiReason,
  RouteInput,
  RouteResult,
  TimerName,
  UserMessage,
} from './handoff.types.js';

/** Any event the machine handles: a host event or one XState raises (a step's done event). */
type MachineEvent = HandoffEvent | { readonly type: string };

/** The context a new conversation starts with. */
export function initialHandoffContext(input: HandoffInput): HandoffContext {
  const size = input.settings.session.transcriptExcerptSize;
  const transcript = input.conversation.transcript ?? [];
  return {
    conversation: input.conversation,
    settings: input.settings,
    event: input.event,
    now: input.startedAt,
    deadlines: {},
    sequence: 0,
    handoff: null,
    transcript: size === 0 ? [] : transcript.slice(-size),
    queue: null,
    offeredAgentId: null,
    agentId: null,
    aiMayRespond: true,
    aiSessionTerminated: false,
    ignored: null,
    failure: null,
    returned: null,
    ended: null,
  };
}

/** What the machine outputs once it reaches `ended`. */
export function handoffOutput(context: HandoffContext): HandoffOutput {
  return { ended: context.ended, sequence: context.sequence };
}

// ---- Context updates: each returns what XState's `assign` merges into the context ----------------

/** Starts `timers` at the event's time. One update for all of a state's timers: every assign copies the context. */
export function timersStarted(context: HandoffContext, event: MachineEvent, timers: readonly TimerName[]): Pick<HandoffContext, 'now' | 'deadlines'> {
  const now = eventTime(context, event);
  let deadlines = context.deadlines;
  for (const timer of timers) deadlines = withDeadline(deadlines, timer, deadlineFor(timer, context, now));
  return { now, deadlines };
}

/** Stops `timers`. */
export function timersStopped(context: HandoffContext, event: MachineEvent, timers: readonly TimerName[]): Pick<HandoffContext, 'now' | 'deadlines'> {
  let deadlines = context.deadlines;
  for (const timer of timers) deadlines = withDeadline(deadlines, timer, null);
  return { now: eventTime(context, event), deadlines };
}

/** A new handoff from `handoff.invoke`: the next sequence number and a fresh record. */
export function handoffBegun(context: HandoffContext, event: MachineEvent): Partial<HandoffContext> {
  const e = event as HandoffEvent;
  if (e.type !== 'handoff.invoke') return {};
  return {
    now: eventTime(context, e),
    sequence: context.sequence + 1,
    handoff: {
      invocation: { reason: e.reason, parameters: e.parameters },
      payload: null,
      decision: null,
      explanation: null,
      deliveryAttempts: 0,
      voiceTransfer: null,
      agentReturnReason: null,
      targetResult: null,
    },
    queue: null,
    offeredAgentId: null,
    agentId: null,
    ignored: null,
    failure: null,
  };
}

/** The built payload, and the transcript excerpt it carries. */
export function payloadReceived(context: HandoffContext, payload: HandoffPayload): Partial<HandoffContext> {
  const size = context.settings.session.transcriptExcerptSize;
  const fromPayload = payload.transcript;
  // Assigned, not spread from a conditional object: V8 copies such spreads on a slow path.
  const update: { handoff: HandoffRecord; transcript?: HandoffContext['transcript'] } = patchHandoff(context, { payload });
  if (fromPayload !== undefined) update.transcript = size === 0 ? [] : fromPayload.slice(-size);
  return update;
}

/** Delivery starts over: no attempt made yet. */
export function deliveryStarted(context: HandoffContext): Partial<HandoffContext> {
  return patchHandoff(context, { deliveryAttempts: 0 });
}

/** One more delivery attempt. */
export function attemptCounted(context: HandoffContext): Partial<HandoffContext> {
  return patchHandoff(context, { deliveryAttempts: handoffOf(context).deliveryAttempts + 1 });
}

/** The payload reached the automation node; `terminates` when `session: 'terminate'` ends the AI session now. */
export function deliveryAcknowledged(context: HandoffContext, event: MachineEvent): { readonly update: Partial<HandoffContext>; readonly terminates: boolean } {
  const terminates = !context.aiSessionTerminated && context.event.session === 'terminate';
  return { update: { now: eventTime(context, event), aiSessionTerminated: context.aiSessionTerminated || terminates }, terminates };
}

/** A user or agent message kept in the transcript excerpt (other events change nothing). */
export function messageRecorded(context: HandoffContext, event: MachineEvent): Partial<HandoffContext> {
  const e = event as HandoffEvent;
  if (e.type !== 'user.message' && e.type !== 'agent.message') return {};
  const at = eventTime(context, e);
  const size = context.settings.session.transcriptExcerptSize;
  const next = [...context.transcript, { role: e.type === 'user.message' ? ('user' as const) : ('agent' as const), text: e.text, at: new Date(at).toISOString() }];
  return { now: at, transcript: size === 0 ? [] : next.slice(-size) };
}

/** The queue position and wait a `queue.update` reports. */
export function queueUpdated(context: HandoffContext, event: MachineEvent): Partial<HandoffContext> {
  const e = event as HandoffEvent;
  return e.type === 'queue.update' && context.queue ? { queue: { ...context.queue, position: e.position, estimatedWaitSeconds: e.estimatedWaitSeconds } } : {};
}

/** The routing decision and its explanation. */
export function routeRecorded(context: HandoffContext, output: RouteResult): Partial<HandoffContext> {
  return patchHandoff(context, { decision: output.decision, explanation: output.explanation });
}

/** Joining the queue: named agents first when the target names them. */
export function queueEntered(context: HandoffContext, event: MachineEvent): Partial<HandoffContext> {
  const target = context.handoff?.decision?.target;
  const named = target?.type === 'agentTransfer' && target.params.agents !== undefined;
  const now = eventTime(context, event);
  return {
    now,
    queue: { scope: named ? ('namedAgents' as const) : ('queue' as const), position: null, estimatedWaitSeconds: null, enteredAt: now, offerMade: false, exitReason: null },
  };
}

/** The queue position the desk reported when it took the request. */
export function queuePlaced(context: HandoffContext, output: EnqueueResult): Partial<HandoffContext> {
  // Object.assign, not a second spread: V8 copies a spread that is not first in a literal on a slow path.
  return context.queue ? { queue: Object.assign({ ...context.queue }, positionOf(output)) } : {};
}

/** The agent an `agent.offered` names. */
export function agentOffered(event: MachineEvent): Pick<HandoffContext, 'offeredAgentId'> {
  const e = event as HandoffEvent;
  return { offeredAgentId: e.type === 'agent.offered' ? e.agentId : null };
}

/** The agent an `agent.accepted` names owns the conversation; on voice, the transfer mode is recorded. */
export function agentConnected(context: HandoffContext, event: MachineEvent): Partial<HandoffContext> {
  const e = event as HandoffEvent;
  return {
    agentId: e.type === 'agent.accepted' ? e.agentId : context.agentId,
    offeredAgentId: null,
    ...patchHandoff(context, { voiceTransfer: isVoice(context) ? context.settings.agentTransfer.voiceTransferMode : null }),
  };
}

/** Why the agent ended. */
export function agentEndRecorded(context: HandoffContext, event: MachineEvent): Partial<HandoffContext> {
  const e = event as HandoffEvent;
  return patchHandoff(context, { agentReturnReason: e.type === 'agent.ended' ? (e.returnReason ?? 'resolved') : null });
}

/** Why the conversation ended. */
export function endRecorded(context: HandoffContext, event: MachineEvent, params: { readonly reason: EndReason; readonly detail?: string }): Partial<HandoffContext> {
  const e = event as HandoffEvent;
  const detail = params.detail ?? (e.type === 'user.left' ? e.how : undefined);
  const at = eventTime(context, event);
  return { now: at, ended: detail === undefined ? { reason: params.reason, at } : { reason: params.reason, at, detail } };
}

/** Why the conversation is back with the AI. */
export function returnRecorded(context: HandoffContext, event: MachineEvent, reason: ReturnToAiReason): Partial<HandoffContext> {
  return {
    now: eventTime(context, event),
    returned: {
      reason,
      at: eventTime(context, event),
      ...(reason === 'agentEnded' && context.handoff?.agentReturnReason != null ? { agentReason: context.handoff.agentReturnReason } : {}),
    },
  };
}

// ---- Guards ------------------------------------------------------------------------------------

/** The Agent Handoff Event is enabled. */
export function handoffEnabled(context: HandoffContext): boolean {
  return context.event.enabled;
}

/** Every prerequisite of the conversation's channel is met. */
export function prerequisitesMet(context: HandoffContext): boolean {
  return context.event.unmetPrerequisites.length === 0;
}

/** The event's settings send the user a handoff message. */
export function sendsHandoffMessage(context: HandoffContext): boolean {
  return context.event.sendsMessage;
}

/** A voice refer dropped the bot's call leg: nothing can resume after the agent. */
export function botLeftTheCall(context: HandoffContext): boolean {
  return context.handoff?.voiceTransfer === 'refer';
}

/** The queue was reached by escalating from named agents. */
export function wasEscalated(context: HandoffContext): boolean {
  const target = context.handoff?.decision?.target;
  return context.queue?.scope === 'queue' && target?.type === 'agentTransfer' && target.params.agents !== undefined;
}

/**
 * The event names another handoff than the current one: an automation node's or a desk's event
 * whose `sequence` is not `context.sequence`. An event without `sequence` is never stale.
 */
export function isStaleSequence(context: HandoffContext, event: MachineEvent): boolean {
  const sequence = (event as { readonly sequence?: unknown }).sequence;
  return sequence !== undefined && sequence !== context.sequence;
}

/** The event comes from the agent the conversation was offered to. */
export function isOfferedAgent(context: HandoffContext, event: MachineEvent): boolean {
  const e = event as HandoffEvent;
  return (e.type === 'agent.accepted' || e.type === 'agent.rejected' || e.type === 'agent.offered') && e.agentId === context.offeredAgentId;
}

/** The event comes from the connected agent. */
export function isConnectedAgent(context: HandoffContext, event: MachineEvent): boolean {
  const e = event as HandoffEvent;
  return (e.type === 'agent.message' || e.type === 'agent.ended') && e.agentId === context.agentId;
}

/** What follows the live agent, once the AI session's state is taken into account. */
export function afterAgentIs(context: HandoffContext, then: 'returnToAi' | 'dialog' | 'end'): boolean {
  const configured = context.settings.agentTransfer.afterAgent.then;
  return configured === then && (configured !== 'returnToAi' || !context.aiSessionTerminated);
}

// ---- Invocation inputs ---------------------------------------------------------------------------

/** What `buildPayload` gets. */
export function buildPayloadInput(context: HandoffContext): BuildPayloadInput {
  return {
    invocation: handoffOf(context).invocation,
    conversation: { ...context.conversation, transcript: [...context.transcript] },
    sequence: context.sequence,
    firedAt: context.now,
  };
}

/** What one delivery attempt gets; the idempotency key is the same across attempts. */
export function deliveryInput(context: HandoffContext): DeliveryInput {
  return { payload: payloadOf(context), sequence: context.sequence, attempt: handoffOf(context).deliveryAttempts, idempotencyKey: key(context, 'delivery') };
}

/** What `routeHandoff` gets. */
export function routeInput(context: HandoffContext): RouteInput {
  return { payload: payloadOf(context), sequence: context.sequence };
}

/** What the business-hours and availability checks get. */
export function agentCheckInput(context: HandoffContext): AgentCheckInput {
  return { target: agentTransferOf(context), payload: payloadOf(context), sequence: context.sequence, at: context.now };
}

/** What `enqueueForAgent` gets. */
export function enqueueInput(context: HandoffContext): EnqueueInput {
  const scope = required(context.queue, 'the queue').scope;
  return {
    target: agentTransferOf(context),
    scope,
    payload: payloadOf(context),
    decision: decisionOf(context),
    explanation: handoffOf(context).explanation,
    transcript: context.transcript,
    sequence: context.sequence,
    idempotencyKey: key(context, `enqueue:${scope}`),
  };
}

// ---- Messages ------------------------------------------------------------------------------------

/** The waiting experience's first message, once the user is in the queue. */
export function queueInitialMessage(context: HandoffContext): UserMessage {
  return { kind: 'queueInitial', text: context.settings.agentTransfer.waitingExperience.initialMessage, values: queueValues(context) };
}

const ignoreMessages: Record<IgnoreReason, (context: HandoffContext, event: HandoffEvent) => string> = {
  disabled: () => 'The Agent Handoff Event is disabled: a disabled event is never invoked.',
  prerequisiteUnmet: (c) => `The handoff prerequisites are not met: ${c.event.unmetPrerequisites.join(', ')}.`,
  duplicate: (c, e) =>
    e.type === 'handoff.invoke'
      ? `Handoff #${c.sequence} is already in progress: this 'handoff.invoke' is a no-op.`
      : `'${e.type}' repeats what is already under way in handoff #${c.sequence}: a no-op.`,
  missingParameters: () => 'Required parameters are missing.',
  invalidParameters: () => 'The handoff parameters are invalid.',
  unexpected: (_, e) => `'${e.type}' is not expected in the current state.`,
  staleSequence: (c, e) => `'${e.type}' is for handoff #${'sequence' in e ? String(e.sequence) : '?'}, not the current #${c.sequence}.`,
  agentMismatch: (c, e) => `'${e.type}' came from agent '${'agentId' in e ? e.agentId : '?'}', not '${c.offeredAgentId ?? c.agentId ?? 'none'}'.`,
  agentAlreadyConnected: (c, e) => `Agent '${c.agentId ?? '?'}' is already connected: '${'agentId' in e ? e.agentId : '?'}' cannot join.`,
  noOffer: () => 'No callback or voicemail offer has been made.',
  conversationEnded: (_, e) => `The conversation has ended: '${e.type}' changes nothing. Start a new conversation id for a new handoff.`,
};

/** The record of an event that changed nothing, and why, as the host and the language model read it. */
export function ignoredEvent(context: HandoffContext, event: HandoffEvent, reason: IgnoreReason): IgnoredEvent {
  const at = eventTime(context, event);
  return {
    event: event.type,
    reason,
    message: ignoreMessages[reason](context, event),
    at,
    ...(reason === 'prerequisiteUnmet' ? { names: [...context.event.unmetPrerequisites] } : {}),
  };
}
