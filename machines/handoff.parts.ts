// Small builders and context readers shared by the handoff machine's state definitions, so each
// state reads as a list of events and where they lead.
import { and } from 'xstate';
import type { HandoffPayload } from '../src/payload/payload-schema.js';
import type { AgentTransferParams, RouteDecision } from '../src/routing/target-schema.js';
import type { FallbackName } from './handoff.setup.js';
import type { FailureStage, HandoffContext, HandoffRecord, HandOverTarget, NoticeKind, TimerName, UserMessage } from './handoff.types.js';

/** The target of every return to the AI. */
export const AI = '#handoff.aiHandling';
/** The target of every end. */
export const ENDED = '#handoff.ended';

/** The guard of a `clock.tick` transition that fires when `timer` is due. */
export const due = (timer: TimerName) => ({ type: 'isDue', params: { timer } }) as const;
/** Starts `timers`: sets their deadlines from the event's time. */
export const start = (...timers: TimerName[]) => ({ type: 'startTimer', params: { timers } }) as const;
/** Stops `timers`: removes their deadlines. */
export const stop = (...timers: TimerName[]) => ({ type: 'stopTimer', params: { timers } }) as const;
/** An XState timer only raises a `clock.tick` at its deadline; the tick handlers take the transition. */
export const timer = (t: TimerName) => ({ guard: { type: 'isPending', params: { timer: t } }, actions: { type: 'raiseTick', params: { timer: t } } }) as const;
/** Tells the host what happened. */
export const notify = (kind: NoticeKind) => ({ type: 'notify', params: { kind } }) as const;
/** Sends the user a message computed from the context. */
export const say = (message: (context: HandoffContext) => UserMessage) =>
  ({ type: 'sendMessageToUser', params: ({ context }: { context: HandoffContext }) => message(context) }) as const;
/** Records the failure of a step from the event that reported it. */
export const failed = (stage: FailureStage) => ({ type: 'recordFailure', params: { stage } }) as const;

/** The automation node's error message to the user. */
export const failureMessage = say((c) => ({ kind: 'failure', text: c.settings.delivery.onFailure.message }));
/** The message to the user when a target fails. */
export const targetFailedMessage = say((c) => ({ kind: 'targetFailed', text: c.settings.target.onFailure.message }));
/** The template values of the waiting-experience messages. */
export function queueValues(c: HandoffContext): Record<string, string | number> {
  // Assigned, not spread from conditional objects: V8 copies such spreads on a slow path.
  const values: Record<string, string | number> = {};
  if (c.queue?.position != null) values['queue.position'] = c.queue.position;
  if (c.queue?.estimatedWaitSeconds != null) values['queue.waitTime'] = c.queue.estimatedWaitSeconds;
  values['queue.offer'] = c.settings.agentTransfer.waitingExperience.offer;
  return values;
}

/** The automation node's error handling: a message to the user, then back to the AI or end. */
export const errorHandling = (stage: FailureStage, tick = false) =>
  [
    {
      guard: tick ? and([due(stepTimerOf(stage)), 'errorHandlingReturnsToAi']) : 'errorHandlingReturnsToAi',
      target: AI,
      actions: [failed(stage), failureMessage, notify('failed'), { type: 'returnToAi', params: { reason: 'failed' } }, ...(tick ? (['continueTick'] as const) : [])],
    },
    {
      ...(tick ? { guard: due(stepTimerOf(stage)) } : {}),
      target: ENDED,
      actions: [failed(stage), failureMessage, notify('failed'), { type: 'end', params: { reason: 'failed' } }],
    },
  ] as const;

/** The timer whose expiry counts as the stage's failure. */
export function stepTimerOf(stage: FailureStage): TimerName {
  return stage === 'delivery' ? 'ackTimeout' : stage === 'target' ? 'targetTimeout' : 'stepTimeout';
}

/** A target's failure: its own message, then back to the AI or end. */
export const targetFailure = (stage: 'handover' | 'target', tick = false) =>
  [
    {
      guard: tick ? and([due(stepTimerOf(stage)), 'targetFailureReturnsToAi']) : 'targetFailureReturnsToAi',
      target: AI,
      actions: [failed(stage), targetFailedMessage, notify('failed'), { type: 'returnToAi', params: { reason: 'targetFailed' } }, ...(tick ? (['continueTick'] as const) : [])],
    },
    {
      ...(tick ? { guard: due(stepTimerOf(stage)) } : {}),
      target: ENDED,
      actions: [failed(stage), targetFailedMessage, notify('failed'), { type: 'end', params: { reason: 'failed' } }],
    },
  ] as const;

/** An Agent Transfer fallback: its message, then back to the AI, or a callback, a voicemail, or the end. */
export const fallback = (name: FallbackName) =>
  [
    { guard: { type: 'fallbackReturnsToAi', params: { fallback: name } }, target: AI, actions: { type: 'fallbackToAi', params: { fallback: name } } },
    { target: ENDED, actions: { type: 'fallbackToEnd', params: { fallback: name } } },
  ] as const;

/** Out of the queue (or failing to get out of it: the user leaves either way), per the exit reason. */
export const queueExit = (extra: readonly ('continueTick' | ReturnType<typeof failed>)[] = [], when?: ReturnType<typeof due>) =>
  [
    { guard: when ? and([when, 'queueExitReturnsToAi']) : 'queueExitReturnsToAi', target: AI, actions: [...extra, 'leaveQueueToAi'] },
    { ...(when ? { guard: when } : {}), target: ENDED, actions: [...extra, 'leaveQueueToEnd'] },
  ] as const;

/** The user cancels waiting: back to the AI, or end when the AI session was terminated. */
export const userCancels = [
  { guard: 'canReturnToAi', target: AI, actions: [notify('handoffCancelled'), { type: 'returnToAi', params: { reason: 'userCancelled' } }] },
  { target: ENDED, actions: [notify('handoffCancelled'), { type: 'end', params: { reason: 'userCancelled', detail: 'aiSessionTerminated' } }] },
] as const;

/**
 * An event for another handoff (its `sequence` is not the current one) changes nothing: the first
 * transition on every event that may carry a `sequence`, so it is checked before any other guard.
 */
export const staleIgnored = { guard: 'isStale', actions: { type: 'ignore', params: { reason: 'staleSequence' } } } as const;

/** The user left while waiting for a handoff. */
export const abandoned = { target: ENDED, actions: { type: 'end', params: { reason: 'abandoned' } } } as const;

/** A context value a state relies on; a missing one is a bug in the machine. */
export function required<T>(value: T | null | undefined, what: string): T {
  // Unreachable by construction (the states that read these are only entered once they are set).
  if (value === null || value === undefined) throw new Error(`handoff machine: ${what} is not set in this state`);
  return value;
}

/** The current handoff. */
export const handoffOf = (c: HandoffContext): HandoffRecord => required(c.handoff, 'the handoff');

/** The context patch that changes fields of the current handoff. */
export const patchHandoff = (c: HandoffContext, patch: Partial<HandoffRecord>): { handoff: HandoffRecord } => ({ handoff: { ...handoffOf(c), ...patch } });

/** The validated payload. */
export const payloadOf = (c: HandoffContext): HandoffPayload => required(c.handoff?.payload, 'the payload');

/** The routing decision. */
export const decisionOf = (c: HandoffContext): RouteDecision => required(c.handoff?.decision, 'the routing decision');

/** The Agent Transfer parameters of the routing decision. */
export function agentTransferOf(c: HandoffContext): AgentTransferParams {
  const target = decisionOf(c).target;
  if (target.type !== 'agentTransfer') throw new Error(`handoff machine: expected an agentTransfer target, got '${target.type}'`);
  return target.params;
}

/** The agent or workflow target of the routing decision. */
export function handOverTargetOf(c: HandoffContext): HandOverTarget {
  const target = decisionOf(c).target;
  if (target.type === 'agentTransfer') throw new Error('handoff machine: an agentTransfer target is queued, not handed over');
  return target;
}

/** The idempotency key of a step of the current handoff: `<sessionId>:<sequence>:<step>`. */
export const key = (c: HandoffContext, step: string): string => `${c.conversation.sessionId}:${c.sequence}:${step}`;

/** The queue position fields a desk reported, without undefined keys. */
export function positionOf(output: { readonly position?: number; readonly estimatedWaitSeconds?: number }): {
  position?: number;
  estimatedWaitSeconds?: number;
} {
  const fields: { position?: number; estimatedWaitSeconds?: number } = {};
  if (output.position !== undefined) fields.position = output.position;
  if (output.estimatedWaitSeconds !== undefined) fields.estimatedWaitSeconds = output.estimatedWaitSeconds;
  return fields;
}
