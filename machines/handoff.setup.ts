// The handoff machine's named guards, actions, actors and delays. The actors and the four host
// actions (sendMessageToUser, relayToAgent, relayToUser, notify) are the runtime's to provide; their
// defaults fail loudly so a missing `.provide()` cannot pass unnoticed.
import { assign, enqueueActions, fromPromise, raise, setup, type ParameterizedObject } from 'xstate';
import { HandoffError } from '../src/errors.js';
import type { HandoffPayload } from '../src/payload/payload-schema.js';
import {
  afterAgentIs,
  agentConnected,
  agentEndRecorded,
  agentOffered,
  attemptCounted,
  botLeftTheCall,
  deliveryAcknowledged,
  endRecorded,
  handoffBegun,
  handoffEnabled,
  ignoredEvent,
  isConnectedAgent,
  isOfferedAgent,
  isStaleSequence,
  messageRecorded,
  prerequisitesMet,
  queueEntered,
  queueUpdated,
  returnRecorded,
  sendsHandoffMessage,
  timersStarted,
  timersStopped,
  wasEscalated,
} from './handoff.logic.js';
import { handoffOf, patchHandoff } from './handoff.parts.js';
import { eventTime, isDue, remainingMs } from './handoff.time.js';
import type {
  AgentCheckInput,
  AvailabilityResult,
  BuildPayloadInput,
  BusinessHoursResult,
  CancelQueueInput,
  DeliveryInput,
  DeliveryReceipt,
  EndReason,
  EnqueueInput,
  EnqueueResult,
  FailureStage,
  HandoffContext,
  HandoffEvent,
  HandoffFailure,
  HandoffInput,
  HandoffOutput,
  HandOverInput,
  IgnoreReason,
  Notice,
  QueueExitReason,
  RelayedMessage,
  ReturnToAiReason,
  RouteInput,
  RouteResult,
  TimerName,
  UserMessage,
} from './handoff.types.js';

/** State tags: `waiting` marks every state the clock is guaranteed to leave. */
export type HandoffTag = 'waiting';

/** The fallbacks of the Agent Transfer node, each a message then back to the AI, end, callback or voicemail. */
export type FallbackName = 'outOfHours' | 'noAgents' | 'maxQueueWait';

/** The error a default (unprovided) actor rejects with, and a default action throws. */
export function notProvidedError(kind: 'actor' | 'action', name: string): HandoffError {
  return new HandoffError(
    'ADAPTER_FAILED',
    `The handoff machine's ${kind} '${name}' is not provided: pass it with handoffMachine.provide({ ${kind}s: { ${name} } }).`,
  );
}

const unprovided = <TOutput, TInput>(name: string) =>
  fromPromise<TOutput, TInput>(() => Promise.reject(notProvidedError('actor', name)));

/** The signature of an action the runtime provides: the machine's context and event, and typed params. */
export type HostAction<TParams> = (args: { readonly context: HandoffContext; readonly event: HandoffEvent }, params: TParams) => void;

function unprovidedAction<TParams>(name: string): HostAction<TParams> {
  return () => {
    throw notProvidedError('action', name);
  };
}

/** The fallback settings of the Agent Transfer node by fallback name. */
export function fallbackSettings(context: HandoffContext, name: FallbackName): { readonly message: string; readonly then: string } {
  const a = context.settings.agentTransfer;
  return name === 'outOfHours' ? a.outOfHours : name === 'noAgents' ? a.noAgents : a.onMaxQueueWait;
}

const errorOf = (event: { readonly type: string }): unknown => (event as { readonly error?: unknown }).error;

function describeError(error: unknown): { code: string; message: string } {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return { code: typeof code === 'string' ? code : 'ERROR', message: typeof message === 'string' ? message : JSON.stringify(error) };
  }
  return { code: 'ERROR', message: String(error) };
}

/** The missing parameter names of a `MISSING_PARAMETERS` error: the last segment of each missing issue's path. */
function missingNames(error: unknown): string[] {
  const issues = (error as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown) => {
    const { code, path } = issue as { code?: unknown; path?: unknown };
    if (code !== 'missing_parameter' || !Array.isArray(path)) return [];
    const last: unknown = path[path.length - 1];
    return typeof last === 'string' || typeof last === 'number' ? [String(last)] : [];
  });
}

function failureOf(context: HandoffContext, event: HandoffEvent | { readonly type: string }, stage: FailureStage): HandoffFailure {
  const at = eventTime(context, event);
  const e = event as HandoffEvent;
  if (e.type === 'clock.tick') return { stage, code: 'TIMEOUT', message: `The ${stage} step timed out`, at };
  if (e.type === 'automation.error') return { stage, code: 'AUTOMATION_ERROR', message: e.message, at };
  if (e.type === 'target.failed') return { stage, code: 'TARGET_FAILED', message: e.message, at };
  return { stage, ...describeError(errorOf(event)), at };
}

const base = setup({
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- xstate's documented way to declare types; removing it breaks inference
  types: {} as {
    context: HandoffContext;
    events: HandoffEvent;
    input: HandoffInput;
    output: HandoffOutput;
    tags: HandoffTag;
  },
  actors: {
    buildPayload: unprovided<HandoffPayload, BuildPayloadInput>('buildPayload'),
    deliverToAutomationNode: unprovided<DeliveryReceipt, DeliveryInput>('deliverToAutomationNode'),
    routeHandoff: unprovided<RouteResult, RouteInput>('routeHandoff'),
    checkBusinessHours: unprovided<BusinessHoursResult, AgentCheckInput>('checkBusinessHours'),
    checkAgentAvailability: unprovided<AvailabilityResult, AgentCheckInput>('checkAgentAvailability'),
    enqueueForAgent: unprovided<EnqueueResult, EnqueueInput>('enqueueForAgent'),
    cancelQueue: unprovided<unknown, CancelQueueInput>('cancelQueue'),
    handOverToTarget: unprovided<unknown, HandOverInput>('handOverToTarget'),
  },
  actions: {
    // Provided by the runtime.
    sendMessageToUser: unprovidedAction<UserMessage>('sendMessageToUser'),
    relayToAgent: unprovidedAction<RelayedMessage>('relayToAgent'),
    relayToUser: unprovidedAction<RelayedMessage>('relayToUser'),
    notify: unprovidedAction<Notice>('notify'),

    // Time.
    syncClock: assign({ now: ({ context, event }) => eventTime(context, event) }),
    // One assign for all of a state's timers: every assign copies the context and the snapshot.
    startTimer: assign(({ context, event }, params: { timers: readonly TimerName[] }) => timersStarted(context, event, params.timers)),
    stopTimer: assign(({ context, event }, params: { timers: readonly TimerName[] }) => timersStopped(context, event, params.timers)),
    /** An `after` timer only turns into a `clock.tick` at its own deadline: the tick handlers decide. */
    raiseTick: raise(({ context }, params: { timer: TimerName }) => ({
      type: 'clock.tick' as const,
      at: context.deadlines[params.timer] ?? context.now,
    })),
    /** Re-sends a late tick so every other overdue timeout fires too, in deadline order. */
    continueTick: raise(({ context, event }) => ({ type: 'clock.tick' as const, at: eventTime(context, event) })),

    // Bookkeeping.
    recordIgnored: assign(({ context, event }, params: { reason: IgnoreReason }) => {
      return { now: eventTime(context, event), ignored: ignoredEvent(context, event, params.reason) };
    }),
    recordBuildError: assign(({ context, event }) => {
      const at = eventTime(context, event);
      if (event.type === 'clock.tick') {
        return { ignored: { event: 'handoff.invoke', reason: 'invalidParameters' as const, code: 'TIMEOUT', message: 'Building the payload timed out.', at } };
      }
      const error = errorOf(event);
      const { code, message } = describeError(error);
      const missing = code === 'MISSING_PARAMETERS' ? missingNames(error) : [];
      const reason: IgnoreReason =
        code === 'MISSING_PARAMETERS' ? 'missingParameters' : code === 'PREREQUISITE_FAILED' ? 'prerequisiteUnmet' : 'invalidParameters';
      return { ignored: { event: 'handoff.invoke', reason, code, message, at, ...(missing.length > 0 ? { names: missing } : {}) } };
    }),
    beginHandoff: assign(({ context, event }) => handoffBegun(context, event)),
    appendUserMessage: assign(({ context, event }) => messageRecorded(context, event)),
    appendAgentMessage: assign(({ context, event }) => messageRecorded(context, event)),
    countAttempt: assign(({ context }) => attemptCounted(context)),
    recordFailure: assign(({ context, event }, params: { stage: FailureStage }) => ({
      now: eventTime(context, event),
      failure: failureOf(context, event, params.stage),
    })),
    enterQueue: assign(({ context, event }) => queueEntered(context, event)),
    escalateToQueue: assign(({ context }) => (context.queue ? { queue: { ...context.queue, scope: 'queue' as const } } : {})),
    updateQueue: assign(({ context, event }) => queueUpdated(context, event)),
    markOfferMade: assign(({ context }) => (context.queue ? { queue: { ...context.queue, offerMade: true } } : {})),
    setQueueExit: assign(({ context }, params: { reason: QueueExitReason }) =>
      context.queue ? { queue: { ...context.queue, exitReason: params.reason } } : {},
    ),
    offerAgent: assign(({ event }) => agentOffered(event)),
    clearOffer: assign({ offeredAgentId: null }),
    connectAgent: assign(({ context, event }) => agentConnected(context, event)),
    recordAgentEnd: assign(({ context, event }) => agentEndRecorded(context, event)),
    recordTargetResult: assign(({ context, event }) =>
      patchHandoff(context, { targetResult: event.type === 'target.completed' ? (event.result ?? null) : null }),
    ),
    allowAi: assign({ aiMayRespond: true }),
    silenceAi: assign({ aiMayRespond: false }),
  },
  guards: {
    handoffEnabled: ({ context }) => handoffEnabled(context),
    prerequisitesMet: ({ context }) => prerequisitesMet(context),
    sendsHandoffMessage: ({ context }) => sendsHandoffMessage(context),
    isDue: ({ context, event }, params: { timer: TimerName }) =>
      event.type === 'clock.tick' && isDue(context.deadlines, params.timer, eventTime(context, event)),
    isPending: ({ context }, params: { timer: TimerName }) => context.deadlines[params.timer] !== undefined,
    isStale: ({ context, event }) => isStaleSequence(context, event),
    canRetryDelivery: ({ context, event }) =>
      handoffOf(context).deliveryAttempts < context.settings.delivery.maxAttempts && !(event.type === 'automation.error' && event.retryable === false),
    canReturnToAi: ({ context }) => !context.aiSessionTerminated,
    errorHandlingReturnsToAi: ({ context }) => !context.aiSessionTerminated && context.settings.delivery.onFailure.then === 'returnToAi',
    targetFailureReturnsToAi: ({ context }) => !context.aiSessionTerminated && context.settings.target.onFailure.then === 'returnToAi',
    targetCompletionReturnsToAi: ({ context }) => !context.aiSessionTerminated && context.settings.target.onComplete === 'returnToAi',
    fallbackReturnsToAi: ({ context }, params: { fallback: FallbackName }) =>
      !context.aiSessionTerminated && fallbackSettings(context, params.fallback).then === 'returnToAi',
    fallbackOffers: ({ context }, params: { fallback: FallbackName; offer: 'callback' | 'voicemail' }) =>
      fallbackSettings(context, params.fallback).then === params.offer,
    isHostEvent: ({ event }) => !event.type.startsWith('xstate.'),
    inNamedAgentScope: ({ context }) => context.queue?.scope === 'namedAgents',
    wasEscalated: ({ context }) => wasEscalated(context),
    offerMade: ({ context }) => context.queue?.offerMade === true,
    isOfferedAgent: ({ context, event }) => isOfferedAgent(context, event),
    isConnectedAgent: ({ context, event }) => isConnectedAgent(context, event),
    botLeftTheCall: ({ context }) => botLeftTheCall(context),
    afterAgentIs: ({ context }, params: { then: 'returnToAi' | 'dialog' | 'end' }) => afterAgentIs(context, params.then),
    afterDialogReturnsToAi: ({ context }) =>
      !context.aiSessionTerminated && context.settings.agentTransfer.afterAgent.afterDialog === 'returnToAi',
  },
  delays: {
    chatIdle: ({ context, event }) => remainingMs(context, event, 'chatIdle'),
    stepTimeout: ({ context, event }) => remainingMs(context, event, 'stepTimeout'),
    ackTimeout: ({ context, event }) => remainingMs(context, event, 'ackTimeout'),
    retryBackoff: ({ context, event }) => remainingMs(context, event, 'retryBackoff'),
    maxQueueWait: ({ context, event }) => remainingMs(context, event, 'maxQueueWait'),
    queueOffer: ({ context, event }) => remainingMs(context, event, 'queueOffer'),
    namedAgentWait: ({ context, event }) => remainingMs(context, event, 'namedAgentWait'),
    periodicMessage: ({ context, event }) => remainingMs(context, event, 'periodicMessage'),
    offerTimeout: ({ context, event }) => remainingMs(context, event, 'offerTimeout'),
    targetTimeout: ({ context, event }) => remainingMs(context, event, 'targetTimeout'),
    dialogTimeout: ({ context, event }) => remainingMs(context, event, 'dialogTimeout'),
  },
});

/** The named actions a composite action enqueues (typed by hand: xstate cannot infer them inside setup, statelyai/xstate#4820). */
type Enqueued =
  | { type: 'notify'; params: Notice }
  | { type: 'sendMessageToUser'; params: UserMessage }
  | { type: 'recordIgnored'; params: { reason: IgnoreReason } }
  | { type: 'returnToAi'; params: { reason: ReturnToAiReason } }
  | { type: 'end'; params: { reason: EndReason; detail?: string } };

const composite = <TParams extends ParameterizedObject['params'] | undefined>(
  collect: Parameters<typeof enqueueActions<HandoffContext, HandoffEvent, TParams, HandoffEvent, never, Enqueued, never>>[0],
) => enqueueActions<HandoffContext, HandoffEvent, TParams, HandoffEvent, never, Enqueued, never>(collect);

const withNotices = base.extend({
  actions: {
    /** Records why an event changed nothing, and tells the host. */
    ignore: composite(({ enqueue }, params: { reason: IgnoreReason }) => {
      enqueue({ type: 'recordIgnored', params: { reason: params.reason } });
      enqueue({ type: 'notify', params: { kind: 'ignored' } });
    }),
    /** Marks the payload delivered; `session: 'terminate'` ends the AI session here. */
    markDelivered: composite(({ enqueue, context, event }) => {
      const { update, terminates } = deliveryAcknowledged(context, event);
      enqueue.assign(update);
      enqueue({ type: 'notify', params: { kind: 'delivered' } });
      if (terminates) enqueue({ type: 'notify', params: { kind: 'aiSessionTerminated' } });
    }),
    /** Records why the conversation is back with the AI, and tells the host. */
    returnToAi: composite(({ enqueue, context, event }, params: { reason: ReturnToAiReason }) => {
      enqueue.assign(returnRecorded(context, event, params.reason));
      enqueue({ type: 'notify', params: { kind: 'returnedToAi' } });
    }),
    /** Records why the conversation ended, and tells the host. */
    end: composite(({ enqueue, context, event }, params: { reason: EndReason; detail?: string }) => {
      enqueue.assign(endRecorded(context, event, params));
      enqueue({ type: 'notify', params: { kind: 'ended' } });
    }),
  },
});

/** The typed XState setup of the handoff machine: named guards, actions, actors and delays. */
export const handoffSetup = withNotices.extend({
  actions: {
    /** An Agent Transfer fallback that returns to the AI: its message, then the return. */
    fallbackToAi: composite(({ enqueue, context }, params: { fallback: FallbackName }) => {
      enqueue({ type: 'sendMessageToUser', params: { kind: params.fallback, text: fallbackSettings(context, params.fallback).message } });
      enqueue({ type: 'returnToAi', params: { reason: params.fallback } });
    }),
    /** An Agent Transfer fallback that ends: its message, then a callback, a voicemail, or the end. */
    fallbackToEnd: composite(({ enqueue, context }, params: { fallback: FallbackName }) => {
      const { message, then } = fallbackSettings(context, params.fallback);
      enqueue({ type: 'sendMessageToUser', params: { kind: params.fallback, text: message } });
      const reason: EndReason = then === 'callback' || then === 'voicemail' ? then : params.fallback;
      enqueue({ type: 'end', params: reason === params.fallback ? { reason } : { reason, detail: params.fallback } });
    }),
    /** Out of the queue and back to the AI: the user cancelled, or the maximum wait's fallback says so. */
    leaveQueueToAi: composite(({ enqueue, context }) => {
      if (context.queue?.exitReason === 'maxQueueWait') {
        enqueue({ type: 'sendMessageToUser', params: { kind: 'maxQueueWait', text: fallbackSettings(context, 'maxQueueWait').message } });
        enqueue({ type: 'returnToAi', params: { reason: 'maxQueueWait' } });
        return;
      }
      enqueue({ type: 'notify', params: { kind: 'handoffCancelled' } });
      enqueue({ type: 'returnToAi', params: { reason: 'userCancelled' } });
    }),
    /** Out of the queue and ended: per the exit reason. */
    leaveQueueToEnd: composite(({ enqueue, context }) => {
      const exit = context.queue?.exitReason ?? 'userLeft';
      if (exit === 'userLeft') enqueue({ type: 'end', params: { reason: 'abandoned' } });
      else if (exit === 'offerAccepted') enqueue({ type: 'end', params: { reason: context.settings.agentTransfer.waitingExperience.offer, detail: 'queueOffer' } });
      else if (exit === 'userCancelled') {
        enqueue({ type: 'notify', params: { kind: 'handoffCancelled' } });
        enqueue({ type: 'end', params: { reason: 'userCancelled', detail: 'aiSessionTerminated' } });
      } else {
        const { message, then } = fallbackSettings(context, 'maxQueueWait');
        enqueue({ type: 'sendMessageToUser', params: { kind: 'maxQueueWait', text: message } });
        enqueue({ type: 'end', params: then === 'callback' || then === 'voicemail' ? { reason: then, detail: 'maxQueueWait' } : { reason: 'maxQueueWait' } });
      }
    }),
  },
  guards: {
    queueExitReturnsToAi: ({ context }) => {
      if (context.aiSessionTerminated) return false;
      const exit = context.queue?.exitReason;
      return exit === 'userCancelled' || (exit === 'maxQueueWait' && fallbackSettings(context, 'maxQueueWait').then === 'returnToAi');
    },
  },
});
