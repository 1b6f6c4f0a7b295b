// The handoff machine's vocabulary: input, context, host events, and what the provided actors and
// actions exchange. Types only: the machine stays free of zod and of every other dependency.
import type { LifecycleSettings } from '../src/config/lifecycle-schema.js';
import type { Conversation, HandoffInvocation, HandoffPayload, HandoffReason, TranscriptEntry } from '../src/payload/payload-schema.js';
import type { AgentTransferParams, RouteDecision, Target } from '../src/routing/target-schema.js';

/** A JSON value, as the payload's parameters hold them. */
export type JsonValue = HandoffInvocation['parameters'][string];

/** Why a live agent handed the conversation back, as the agent desk reports it with `agent.ended`. */
export const agentReturnReasons = ['resolved', 'handBack', 'unresolved', 'userUnresponsive', 'other'] as const;
/** A typed reason a live agent ended: `resolved` when the agent omits it. */
export type AgentReturnReason = (typeof agentReturnReasons)[number];

/** How the user left: closed the chat, or hung up the call. */
export type UserLeftHow = 'left' | 'hangup';

/**
 * Every host-facing event; each may carry `at`, the epoch-ms time it happened (see `HandoffInput.startedAt`).
 * The automation node's and the live-agent desk's events may carry `sequence`, the handoff they belong
 * to (`context.sequence` when it began): one for another handoff is ignored as `staleSequence`.
 */
export type HandoffEvent =
  | { readonly type: 'handoff.invoke'; readonly reason: HandoffReason; readonly parameters: HandoffInvocation['parameters']; readonly at?: number }
  | { readonly type: 'user.message'; readonly text: string; readonly at?: number }
  | { readonly type: 'user.cancel'; readonly at?: number }
  | { readonly type: 'user.left'; readonly how: UserLeftHow; readonly at?: number }
  | { readonly type: 'user.acceptOffer'; readonly at?: number }
  | { readonly type: 'automation.ack'; readonly sequence?: number; readonly at?: number }
  | { readonly type: 'automation.error'; readonly message: string; readonly retryable?: boolean; readonly sequence?: number; readonly at?: number }
  | { readonly type: 'agent.offered'; readonly agentId: string; readonly sequence?: number; readonly at?: number }
  | { readonly type: 'agent.accepted'; readonly agentId: string; readonly sequence?: number; readonly at?: number }
  | { readonly type: 'agent.rejected'; readonly agentId: string; readonly reason?: string; readonly sequence?: number; readonly at?: number }
  | { readonly type: 'agent.message'; readonly agentId: string; readonly text: string; readonly sequence?: number; readonly at?: number }
  | { readonly type: 'agent.ended'; readonly agentId: string; readonly returnReason?: AgentReturnReason; readonly sequence?: number; readonly at?: number }
  | { readonly type: 'queue.update'; readonly position: number; readonly estimatedWaitSeconds: number; readonly sequence?: number; readonly at?: number }
  | { readonly type: 'target.completed'; readonly result?: JsonValue; readonly at?: number }
  | { readonly type: 'target.failed'; readonly message: string; readonly at?: number }
  | { readonly type: 'dialog.completed'; readonly result?: JsonValue; readonly at?: number }
  | { readonly type: 'clock.tick'; readonly at: number };

/** The type of one host event. */
export type HandoffEventType = HandoffEvent['type'];

/** The Agent Handoff Event's own settings, as the runtime reads them from the handoff config. */
export interface HandoffEventSettings {
  /** A disabled event is never invoked: `handoff.invoke` is ignored with reason `disabled`. */
  readonly enabled: boolean;
  /** `terminate` ends the AI session once the payload is delivered: nothing returns to the AI afterwards. */
  readonly session: 'keepAlive' | 'terminate';
  /** Whether the user is told when the event fires (the runtime renders the text). */
  readonly sendsMessage: boolean;
  /** Prerequisite codes the runtime found unmet; any makes `handoff.invoke` ignored with `prerequisiteUnmet`. */
  readonly unmetPrerequisites: readonly string[];
}

/** What the runtime gives the machine when it creates an actor. */
export interface HandoffInput {
  readonly conversation: Conversation;
  readonly settings: LifecycleSettings;
  readonly event: HandoffEventSettings;
  /** Epoch ms when the conversation started: the machine's clock until the first stamped event. */
  readonly startedAt: number;
}

/** Every timeout of the lifecycle; each is a named `delays` entry and a deadline in `context.deadlines`. */
export const timerNames = [
  'chatIdle',
  'stepTimeout',
  'ackTimeout',
  'retryBackoff',
  'maxQueueWait',
  'queueOffer',
  'namedAgentWait',
  'periodicMessage',
  'offerTimeout',
  'targetTimeout',
  'dialogTimeout',
] as const;
/** The name of one timeout. */
export type TimerName = (typeof timerNames)[number];
/** The epoch-ms deadline of every pending timeout; a timeout that is not pending has no key. */
export type Deadlines = Readonly<Partial<Record<TimerName, number>>>;

/** Why an event changed nothing. */
export const ignoreReasons = [
  'disabled',
  'prerequisiteUnmet',
  'duplicate',
  'missingParameters',
  'invalidParameters',
  'unexpected',
  'staleSequence',
  'agentMismatch',
  'agentAlreadyConnected',
  'noOffer',
  /** Sent to a conversation that has ended (the runtime's answer; the machine takes no events then). */
  'conversationEnded',
] as const;
/** Why an event changed nothing. */
export type IgnoreReason = (typeof ignoreReasons)[number];

/** The last event that changed nothing, and why, for the host and the language model. */
export interface IgnoredEvent {
  readonly event: string;
  readonly reason: IgnoreReason;
  readonly message: string;
  /** The error code behind it, when a provided actor rejected (`MISSING_PARAMETERS`, ...). */
  readonly code?: string;
  /** Missing parameter names, or unmet prerequisite codes. */
  readonly names?: readonly string[];
  readonly at: number;
}

/** The step of the lifecycle that failed. */
export type FailureStage =
  | 'delivery'
  | 'routing'
  | 'businessHours'
  | 'availability'
  | 'enqueue'
  | 'cancelQueue'
  | 'handover'
  | 'target';

/** The last failure of a runtime step, the target or the automation node. */
export interface HandoffFailure {
  readonly stage: FailureStage;
  /** A `HandoffError` code, `TIMEOUT` when the step's deadline passed, or `ERROR` for anything else. */
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

/** Why the conversation came back to the AI. */
export type ReturnToAiReason =
  | 'userCancelled'
  | 'agentEnded'
  | 'dialogCompleted'
  | 'targetCompleted'
  | 'targetFailed'
  | 'failed'
  | 'outOfHours'
  | 'noAgents'
  | 'maxQueueWait';

/** The last return to the AI: the reason, and the agent's typed reason when an agent ended. */
export interface ReturnToAi {
  readonly reason: ReturnToAiReason;
  readonly agentReason?: AgentReturnReason;
  readonly at: number;
}

/** Why the conversation ended. */
export type EndReason =
  | 'abandoned'
  | 'userLeft'
  | 'idle'
  | 'agentEnded'
  | 'dialogEnded'
  | 'targetEnded'
  | 'failed'
  | 'outOfHours'
  | 'noAgents'
  | 'maxQueueWait'
  | 'callback'
  | 'voicemail'
  | 'userCancelled';

/** How the conversation ended. */
export interface HandoffEnd {
  readonly reason: EndReason;
  /** `left`/`hangup` for the user leaving; the fallback's name for a callback or voicemail. */
  readonly detail?: string;
  readonly at: number;
}

/** Which queue the user waits in: the named agents first, then the target's queue. */
export type QueueScope = 'namedAgents' | 'queue';

/** The user's place in the live-agent queue. */
export interface QueueStatus {
  readonly scope: QueueScope;
  readonly position: number | null;
  readonly estimatedWaitSeconds: number | null;
  readonly enteredAt: number;
  /** Whether the callback or voicemail offer was made (the user may accept it with `user.acceptOffer`). */
  readonly offerMade: boolean;
  /** Why the user is leaving the queue, once `leavingQueue` starts. */
  readonly exitReason: QueueExitReason | null;
}

/** Why the user leaves the queue; `cancelQueue` receives it. */
export type QueueExitReason = 'userCancelled' | 'userLeft' | 'maxQueueWait' | 'offerAccepted';

/** Whether a voice transfer dropped the bot's leg (`refer`) or conferenced the agent in (`invite`). */
export type VoiceTransferMode = LifecycleSettings['agentTransfer']['voiceTransferMode'];

/** The router's explanation of its decision, kept verbatim (it must be JSON-serialisable). */
export type RouteExplanation = unknown;

/** What the current handoff was asked for and what it produced: set by `handoff.invoke`, kept until the next one. */
export interface HandoffRecord {
  readonly invocation: HandoffInvocation;
  /** The validated payload, exactly as `buildPayload` returned it. */
  readonly payload: HandoffPayload | null;
  readonly decision: RouteDecision | null;
  readonly explanation: RouteExplanation;
  readonly deliveryAttempts: number;
  readonly voiceTransfer: VoiceTransferMode | null;
  readonly agentReturnReason: AgentReturnReason | null;
  readonly targetResult: JsonValue | null;
}

/**
 * The machine's context: everything the agent needs, and everything a restored actor needs to resume.
 * Keep it at most 19 keys: every `assign` copies it with `Object.assign`, and V8 makes a copy of 20
 * keys or more a slow dictionary object (about 15x the cost per copy), so per-handoff fields that
 * change rarely live in `handoff`.
 */
export interface HandoffContext {
  readonly conversation: Conversation;
  readonly settings: LifecycleSettings;
  readonly event: HandoffEventSettings;
  /** The machine's clock (epoch ms): the latest `at` seen, or the deadline of the timeout that fired. */
  readonly now: number;
  /** The deadline of every pending timeout: the runtime re-arms timers from these after a restore. */
  readonly deadlines: Deadlines;
  /** The handoff sequence number: 0 before the first handoff; part of every idempotency key. */
  readonly sequence: number;
  /** The current (or last) handoff; `null` before the first one. */
  readonly handoff: HandoffRecord | null;
  /** The latest transcript entries (at most `session.transcriptExcerptSize`). */
  readonly transcript: readonly TranscriptEntry[];
  readonly queue: QueueStatus | null;
  readonly offeredAgentId: string | null;
  /** The one live agent, while `liveAgent` (and afterwards, until the next handoff). */
  readonly agentId: string | null;
  /** True only in `aiHandling`: the host checks it before letting the AI answer. */
  readonly aiMayRespond: boolean;
  /** Set when `session: 'terminate'` took effect: every return to the AI ends the conversation instead. */
  readonly aiSessionTerminated: boolean;
  readonly ignored: IgnoredEvent | null;
  readonly failure: HandoffFailure | null;
  readonly returned: ReturnToAi | null;
  readonly ended: HandoffEnd | null;
}

/** The machine's output once it reaches `ended`. */
export interface HandoffOutput {
  readonly ended: HandoffEnd | null;
  readonly sequence: number;
}

// ---- What the provided actors receive and return --------------------------------------------

/** Input of `buildPayload`: build and validate the payload (may reject with a `HandoffError`). */
export interface BuildPayloadInput {
  readonly invocation: HandoffInvocation;
  readonly conversation: Conversation;
  readonly sequence: number;
  /** Epoch ms when the event fired (the payload's `firedAt`). */
  readonly firedAt: number;
}

/** Input of `deliverToAutomationNode`: one delivery attempt; the key is the same across retries. */
export interface DeliveryInput {
  readonly payload: HandoffPayload;
  readonly sequence: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly idempotencyKey: string;
}

/** What one delivery attempt reports: `acknowledged` when the transport's answer is the ack itself. */
export interface DeliveryReceipt {
  readonly acknowledged: boolean;
}

/** Input of `routeHandoff`: the payload is the routing facts. */
export interface RouteInput {
  readonly payload: HandoffPayload;
  readonly sequence: number;
}

/** What `routeHandoff` returns. */
export interface RouteResult {
  readonly decision: RouteDecision;
  readonly explanation: RouteExplanation;
}

/** Input of `checkBusinessHours` and `checkAgentAvailability`. */
export interface AgentCheckInput {
  readonly target: AgentTransferParams;
  readonly payload: HandoffPayload;
  readonly sequence: number;
  /** Epoch ms the check is for. */
  readonly at: number;
}

/** What `checkBusinessHours` returns. */
export interface BusinessHoursResult {
  readonly open: boolean;
}

/** What `checkAgentAvailability` returns. */
export interface AvailabilityResult {
  readonly available: boolean;
}

/** Input of `enqueueForAgent`: everything the live agent needs. */
export interface EnqueueInput {
  readonly target: AgentTransferParams;
  readonly scope: QueueScope;
  readonly payload: HandoffPayload;
  readonly decision: RouteDecision;
  readonly explanation: RouteExplanation;
  readonly transcript: readonly TranscriptEntry[];
  readonly sequence: number;
  readonly idempotencyKey: string;
}

/** What `enqueueForAgent` returns: the first queue position, when the desk knows it. */
export interface EnqueueResult {
  readonly position?: number;
  readonly estimatedWaitSeconds?: number;
}

/** Input of `cancelQueue`. */
export interface CancelQueueInput {
  readonly target: AgentTransferParams;
  readonly sequence: number;
  readonly reason: QueueExitReason;
  readonly idempotencyKey: string;
}

/** A target that is not a live-agent queue: another conversational agent, or a workflow. */
export type HandOverTarget = Exclude<Target, { type: 'agentTransfer' }>;

/** Input of `handOverToTarget`. */
export interface HandOverInput {
  readonly target: HandOverTarget;
  readonly payload: HandoffPayload;
  readonly decision: RouteDecision;
  readonly transcript: readonly TranscriptEntry[];
  readonly sequence: number;
  readonly idempotencyKey: string;
}

// ---- What the provided actions receive as params --------------------------------------------

/** Which message the user gets. */
export type UserMessageKind =
  | 'handoff'
  | 'failure'
  | 'outOfHours'
  | 'noAgents'
  | 'maxQueueWait'
  | 'queueInitial'
  | 'queuePeriodic'
  | 'queueOffer'
  | 'targetFailed';

/**
 * A message to the user: `text` is the configured template (absent for `handoff`, whose text the
 * event's message settings decide); the runtime renders `{{queue.position}}`, `{{queue.waitTime}}`
 * and `{{queue.offer}}` from `values`.
 */
export interface UserMessage {
  readonly kind: UserMessageKind;
  readonly text?: string;
  readonly values?: Readonly<Record<string, string | number>>;
}

/** A message relayed between the user and the live agent. */
export interface RelayedMessage {
  readonly agentId: string;
  readonly text: string;
}

/** What happened, for the host's hooks, audit log and metrics; details are in the context. */
export type NoticeKind =
  | 'ignored'
  | 'handoffStarted'
  | 'deliveryRetry'
  | 'delivered'
  | 'aiSessionTerminated'
  | 'routed'
  | 'queued'
  | 'escalatedToQueue'
  | 'agentOffered'
  | 'offerExpired'
  | 'agentConnected'
  | 'handedOver'
  | 'postAgentDialog'
  | 'handoffCancelled'
  | 'failed'
  | 'returnedToAi'
  | 'ended';

/** Params of `notify`. */
export interface Notice {
  readonly kind: NoticeKind;
}

/** Every actor the runtime provides, with its input and output: `fromPromise<Output, Input>(...)` for each. */
export interface HandoffActorTypes {
  readonly buildPayload: { readonly input: BuildPayloadInput; readonly output: HandoffPayload };
  readonly deliverToAutomationNode: { readonly input: DeliveryInput; readonly output: DeliveryReceipt };
  readonly routeHandoff: { readonly input: RouteInput; readonly output: RouteResult };
  readonly checkBusinessHours: { readonly input: AgentCheckInput; readonly output: BusinessHoursResult };
  readonly checkAgentAvailability: { readonly input: AgentCheckInput; readonly output: AvailabilityResult };
  readonly enqueueForAgent: { readonly input: EnqueueInput; readonly output: EnqueueResult };
  readonly cancelQueue: { readonly input: CancelQueueInput; readonly output: unknown };
  readonly handOverToTarget: { readonly input: HandOverInput; readonly output: unknown };
}
