// Typed lifecycle notifications: what happened to a conversation, built from the machine's notices and
// the context at that moment, for the host's hooks, audit log and metrics.
import type {
  HandoffContext,
  HandoffEnd,
  HandoffFailure,
  IgnoredEvent,
  NoticeKind,
  QueueScope,
  ReturnToAi,
} from '../../machines/handoff.types.js';
import type { HandoffReason } from '../payload/payload-schema.js';
import type { RouteExplanation } from '../routing/explanation.js';
import type { RouteDecision, Target } from '../routing/target-schema.js';

/** A message for the user, rendered by the runtime and handed to the host's `onUserMessage`. */
export type UserMessageOut =
  | {
      /** Which lifecycle message this is (`handoff`, `queueInitial`, `failure`, …). */
      readonly kind: 'handoff' | 'failure' | 'outOfHours' | 'noAgents' | 'maxQueueWait' | 'queueInitial' | 'queuePeriodic' | 'queueOffer' | 'targetFailed';
      /** The text to show, templates rendered; absent when the AI writes it (see `instructions`). */
      readonly text?: string;
      /** For an AI-generated handoff message: what the AI should say. */
      readonly instructions?: string;
    }
  | { readonly kind: 'agent'; readonly agentId: string; readonly text: string };

/** The part every notification shares: which conversation, which handoff, and when (epoch ms). */
interface NotificationBase {
  readonly conversationId: string;
  /** The handoff sequence number (0 before the first handoff). */
  readonly sequence: number;
  readonly at: number;
}

/** A lifecycle notification; `type` says what happened and the fields carry the details. */
export type HandoffNotification = NotificationBase &
  (
    | { readonly type: 'handoffRequested'; readonly reason: HandoffReason | null }
    | { readonly type: 'delegated' }
    | { readonly type: 'routed'; readonly decision: RouteDecision | null; readonly explanation: RouteExplanation | null }
    | { readonly type: 'queued'; readonly scope: QueueScope | null; readonly position: number | null; readonly estimatedWaitSeconds: number | null }
    | { readonly type: 'escalatedToQueue' }
    | { readonly type: 'agentOffered'; readonly agentId: string | null }
    /** The offer to `agentId` went unanswered past the offer timeout; the user waits in the queue again. */
    | { readonly type: 'offerExpired'; readonly agentId: string | null }
    | { readonly type: 'agentConnected'; readonly agentId: string | null }
    | { readonly type: 'handedOver'; readonly target: Target | null }
    | { readonly type: 'postAgentDialog'; readonly dialog: string | null }
    | { readonly type: 'handoffCancelled' }
    | { readonly type: 'deliveryRetry'; readonly attempt: number; readonly failure: HandoffFailure | null }
    | { readonly type: 'aiSessionTerminated' }
    | { readonly type: 'failed'; readonly failure: HandoffFailure | null }
    | { readonly type: 'returnedToAi'; readonly returned: ReturnToAi | null }
    | { readonly type: 'ended'; readonly ended: HandoffEnd | null }
    | { readonly type: 'ignored'; readonly ignored: IgnoredEvent | null }
    | { readonly type: 'userMessage'; readonly message: UserMessageOut }
    | { readonly type: 'adapterFailed'; readonly operation: string; readonly code: string; readonly message: string }
  );

/** The type of one notification. */
export type HandoffNotificationType = HandoffNotification['type'];

/** Receives every notification of every conversation, after the state that caused it was saved. */
export type HandoffNotificationListener = (notification: HandoffNotification) => void;

/**
 * The notification for a machine notice, with the details read from the context it was raised in.
 * Each is one object literal, not a spread of a shared base: twenty shapes built by spreading sent
 * every copy through V8's slow generic path.
 */
export function notificationOf(conversationId: string, kind: NoticeKind, context: HandoffContext): HandoffNotification {
  const { sequence, now: at, handoff, queue } = context;
  switch (kind) {
    case 'handoffStarted':
      return { conversationId, sequence, at, type: 'handoffRequested', reason: handoff?.invocation.reason ?? null };
    case 'delivered':
      return { conversationId, sequence, at, type: 'delegated' };
    case 'routed':
      // The runtime's routeHandoff puts the router's own explanation (or null) in context.
      return { conversationId, sequence, at, type: 'routed', decision: handoff?.decision ?? null, explanation: (handoff === null ? null : handoff.explanation) as RouteExplanation | null };
    case 'queued':
      return { conversationId, sequence, at, type: 'queued', scope: queue?.scope ?? null, position: queue?.position ?? null, estimatedWaitSeconds: queue?.estimatedWaitSeconds ?? null };
    case 'offerExpired':
      return { conversationId, sequence, at, type: 'offerExpired', agentId: context.offeredAgentId };
    case 'escalatedToQueue':
    case 'handoffCancelled':
    case 'aiSessionTerminated':
      return { conversationId, sequence, at, type: kind };
    case 'agentOffered':
      return { conversationId, sequence, at, type: 'agentOffered', agentId: context.offeredAgentId };
    case 'agentConnected':
      return { conversationId, sequence, at, type: 'agentConnected', agentId: context.agentId };
    case 'handedOver':
      return { conversationId, sequence, at, type: 'handedOver', target: handoff?.decision?.target ?? null };
    case 'postAgentDialog':
      return { conversationId, sequence, at, type: 'postAgentDialog', dialog: context.settings.agentTransfer.afterAgent.dialog ?? null };
    case 'deliveryRetry':
      return { conversationId, sequence, at, type: 'deliveryRetry', attempt: handoff?.deliveryAttempts ?? 0, failure: context.failure };
    case 'failed':
      return { conversationId, sequence, at, type: 'failed', failure: context.failure };
    case 'returnedToAi':
      return { conversationId, sequence, at, type: 'returnedToAi', returned: context.returned };
    case 'ended':
      return { conversationId, sequence, at, type: 'ended', ended: context.ended };
    case 'ignored':
      return { conversationId, sequence, at, type: 'ignored', ignored: context.ignored };
  }
}
