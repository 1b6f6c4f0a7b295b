// What the host reads about one conversation: who owns it, whether the AI may answer, where it is
// going, where it waits, and why the last event changed nothing.
import type { StateValue } from 'xstate';
import { aiMayRespond, conversationOwner, nextDeadline, stateKey, type ConversationOwner, type HandoffSnapshotLike } from '../../machines/handoff.selectors.js';
import type { HandoffEnd, HandoffFailure, IgnoredEvent, QueueScope, ReturnToAi, TimerName } from '../../machines/handoff.types.js';
import type { Target } from '../routing/target-schema.js';
import { deepFreeze } from '../deep-freeze.js';

/** The user's place in the live-agent queue, while queued. */
export interface QueueView {
  readonly scope: QueueScope;
  readonly position: number | null;
  readonly estimatedWaitSeconds: number | null;
  /** Whether the callback or voicemail offer was made (`user.acceptOffer` takes it). */
  readonly offerMade: boolean;
}

/** Epoch-ms times of the conversation. */
export interface ConversationTimestamps {
  /** The machine's clock: the time of the last event it processed. */
  readonly updatedAt: number;
  /** When the user joined the live-agent queue, while queued or connected. */
  readonly queuedAt: number | null;
  /** The earliest pending timeout, or `null`. */
  readonly nextDeadline: { readonly timer: TimerName; readonly at: number } | null;
}

/** Whether a conversation runs or has ended: XState's snapshot status. */
export type ConversationStatus = 'active' | 'done' | 'error' | 'stopped';

/** A conversation as the host sees it after an event, or on `runtime.get`. */
export interface ConversationView {
  readonly conversationId: string;
  /** The stored version this view was read from (grows by one per saved change). */
  readonly version: number;
  /** The state as a dotted path, such as `queued.waiting`. */
  readonly state: string;
  /** The state value as XState reports it. */
  readonly value: StateValue;
  /** `active` while the conversation runs, `done` once it ended; `error` only if the machine itself failed (a bug to report). */
  readonly status: ConversationStatus;
  readonly owner: ConversationOwner;
  /** Check it before letting the AI answer the user: true only while the AI owns the conversation. */
  readonly aiMayRespond: boolean;
  /** The handoff sequence number (0 before the first handoff). */
  readonly sequence: number;
  /** Where the current (or last) handoff was routed, and by which rule (`null` for the default). */
  readonly target: Target | null;
  readonly rule: string | null;
  readonly agentId: string | null;
  readonly queue: QueueView | null;
  readonly timestamps: ConversationTimestamps;
  /** The last event that changed nothing, and why. */
  readonly ignored: IgnoredEvent | null;
  readonly failure: HandoffFailure | null;
  readonly returned: ReturnToAi | null;
  readonly ended: HandoffEnd | null;
  /** True when this `send` carried an event id already processed: acknowledged, nothing applied. */
  readonly redelivered: boolean;
}

/**
 * Builds the view of a snapshot (live or persisted). What it shares with the conversation's state is
 * frozen here, where it leaves the runtime, so a host that edits a view fails at the edit instead of
 * rewriting the conversation (src/deep-freeze.ts).
 */
export function conversationView(conversationId: string, version: number, snapshot: HandoffSnapshotLike, redelivered = false): ConversationView {
  const { context } = snapshot;
  const queue = context.queue;
  return {
    conversationId,
    version,
    state: stateKey(snapshot.value),
    value: deepFreeze(snapshot.value),
    status: snapshot.status as ConversationStatus,
    owner: conversationOwner(snapshot),
    aiMayRespond: aiMayRespond(snapshot),
    sequence: context.sequence,
    target: deepFreeze(context.handoff?.decision?.target ?? null),
    rule: context.handoff?.decision?.rule ?? null,
    agentId: context.agentId,
    queue: queue ? { scope: queue.scope, position: queue.position, estimatedWaitSeconds: queue.estimatedWaitSeconds, offerMade: queue.offerMade } : null,
    timestamps: { updatedAt: context.now, queuedAt: queue?.enteredAt ?? null, nextDeadline: snapshot.status === 'active' ? nextDeadline(snapshot) : null },
    ignored: deepFreeze(context.ignored),
    failure: deepFreeze(context.failure),
    returned: deepFreeze(context.returned),
    ended: deepFreeze(context.ended),
    redelivered,
  };
}
