import type { HandoffEvent, QueueScope } from '../../../machines/handoff.types.js';
import type { HandoffPayload, TranscriptEntry } from '../../payload/payload-schema.js';
import type { AgentTransferParams } from '../../routing/target-schema.js';

/** Why a live agent handed the conversation back: the lifecycle machine's union. */
export type { AgentReturnReason, QueueScope } from '../../../machines/handoff.types.js';

/**
 * What the desk tells the runtime about one conversation: exactly the lifecycle machine's host
 * events of the live-agent side, each stamped with `at`, the epoch-ms time it happened on the desk,
 * and `sequence`, the `EnqueueRequest.sequence` of the enqueue it belongs to. `sequence` is optional
 * so that desks written before it keep working, but without it an event that arrives after the user
 * cancelled and asked again is taken for the new handoff; with it, the runtime ignores it
 * (`staleSequence`).
 */
export type LiveAgentEvent = Extract<
  HandoffEvent,
  { readonly type: 'agent.offered' | 'agent.accepted' | 'agent.rejected' | 'agent.message' | 'agent.ended' | 'queue.update' }
>;

/** A conversation to queue for a live agent: the Agent Transfer node's parameters and the handoff payload. */
export interface EnqueueRequest {
  readonly conversationId: string;
  readonly params: AgentTransferParams;
  /** Defaults to `namedAgents` when `params.agents` is set, else `queue`; enqueueing again with `queue` widens a named-agent wait. */
  readonly scope?: QueueScope;
  readonly payload: HandoffPayload;
  readonly transcript?: readonly TranscriptEntry[];
  /** The handoff's number within the conversation: every event about this enqueue carries it back as `sequence`. */
  readonly sequence: number;
  /** The same on every retry of this enqueue: a connector passes it on so the desk creates one interaction. */
  readonly idempotencyKey: string;
}

/**
 * Where the conversation waits when `enqueue` is called: 1 is next, 0 when an agent already holds
 * it; the estimate is in whole seconds. A free agent may take it right after (events follow).
 */
export interface QueuePlacement {
  readonly position: number;
  readonly estimatedWaitSeconds: number;
}

/**
 * The offer `withdrawOffer` takes back, so a withdraw that arrives late leaves a newer offer to the
 * same agent alone: the handoff and the enqueue the conversation was queued under, and when the
 * runtime gave up on it.
 */
export interface ExpiredOffer {
  /** The handoff's number within the conversation, as in `EnqueueRequest.sequence`. */
  readonly sequence: number;
  /** `EnqueueRequest.idempotencyKey` of the enqueue the offer came from: the key a connector keeps its vendor interaction under. */
  readonly enqueueIdempotencyKey: string;
  /** Epoch ms the runtime's offer timeout passed: an offer the desk made after it is a newer one. */
  readonly expiredAt: number;
}

/** A business-hours or availability question about a target, at a given time. */
export interface DeskCheck {
  readonly params: AgentTransferParams;
  /** Defaults as in `EnqueueRequest`. */
  readonly scope?: QueueScope;
  /** Epoch ms the answer is for. */
  readonly at: number;
}

/** The answer of the Check Business Hours node. */
export interface BusinessHoursAnswer {
  readonly open: boolean;
}

/** The answer of the Check Agent Availability node: `available` when at least one eligible agent is online. */
export interface AvailabilityAnswer {
  readonly available: boolean;
  readonly agentsOnline: number;
}

/** Receives every desk event with the conversation it belongs to. */
export type LiveAgentListener = (conversationId: string, event: LiveAgentEvent) => void;

/**
 * The live-agent desk: where a handed-off conversation queues, meets an agent and talks to them.
 *
 * Error contract (the runtime relies on it, a connector must keep it):
 * - Every method returns a promise; failure is a rejection, never a synchronous throw, and
 *   preferably a `HandoffError` with code `ADAPTER_FAILED` (transport, vendor API) or
 *   `UNKNOWN_CONVERSATION` (relaying to a conversation the desk does not hold). The runtime
 *   still treats any rejection, of any type, as a failure of that step for that conversation: it
 *   moves the conversation to the machine's failure state with its fallback and goes on with
 *   the others. The machine bounds each step with its step timeout, so a call that never
 *   settles is a failure too.
 * - `enqueue` is idempotent per conversation (a retry after a crash returns the current
 *   placement, never a second interaction); `cancel` of a conversation the desk no longer holds
 *   resolves.
 * - Events: the listener is called asynchronously, never from inside a desk method, in the order
 *   things happened for each conversation; a listener that throws is the desk's to contain. Each
 *   event carries `sequence`: the `EnqueueRequest.sequence` the conversation was enqueued with
 *   (the latest enqueue's, when it was enqueued again), so an event that arrives after the handoff
 *   it belongs to was cancelled is recognised as stale and ignored instead of landing on the next.
 *   After `agent.offered`, the conversation is held by exactly that agent until `agent.rejected`,
 *   `agent.ended` or `withdrawOffer`: a desk never offers one conversation to two agents at once.
 * - `withdrawOffer` of an offer the desk no longer holds (accepted, declined, withdrawn, or
 *   replaced by a newer offer to the same agent, which `offer` tells apart) resolves and changes
 *   nothing.
 *
 * How a vendor connector implements it:
 * - Genesys Cloud: `enqueue` starts an Open Messaging conversation for the user, routed by an
 *   inbound message flow whose Transfer to ACD uses the queue, skills and priority (the payload
 *   travels as participant data); `relayUserMessage` posts the user's next inbound message;
 *   `cancel` disconnects the interaction. Events come from the Notifications API (WebSocket)
 *   conversation topics: the agent participant alerting → `agent.offered`, connected →
 *   `agent.accepted`, disconnected before connecting → `agent.rejected`, the agent's outbound
 *   messages → `agent.message`, disconnected after connecting → `agent.ended`; position and
 *   estimated wait come from the queue's estimated-wait-time and observation data. Business hours
 *   are Architect schedule groups; availability is the queue members' routing status.
 * - Salesforce Service Cloud: `enqueue` creates the messaging session (Messaging for In-App and
 *   Web, or Bring Your Own Channel) and routes it with an Omni-Channel flow (queue or
 *   skills-based routing, priority); Omni-Channel AgentWork drives the events: assigned →
 *   `agent.offered`, opened/accepted → `agent.accepted`, declined → `agent.rejected`, closed →
 *   `agent.ended`. Business hours are the org's BusinessHours records; availability is agents'
 *   presence statuses for the channel.
 * - ServiceNow: `enqueue` escalates through the Virtual Agent Bot Integration API
 *   (`POST /api/sn_va_as_service/bot/integration` with a live-agent transfer), whose responses
 *   arrive on the configured callback; Advanced Work Assignment queues, skills and capacity
 *   route the work item, whose offer states map to `agent.offered` / `agent.accepted` /
 *   `agent.rejected`, agent chat messages to `agent.message` and the interaction's close to
 *   `agent.ended`. Business hours are schedules on the queue; availability is agent presence.
 * A connector keeps vendor ids (interaction, work item) keyed by conversation id in its own
 * storage, so it survives a runtime restart, and turns each vendor callback into one event. It
 * keeps the `sequence` it was enqueued with beside the vendor id (Genesys: in the participant data
 * it sets on the conversation; Salesforce: on the messaging session or AgentWork record it creates;
 * ServiceNow: in the work item's context) and passes that sequence in every event it makes from that
 * interaction's callbacks: a callback from an interaction an earlier enqueue created names the
 * earlier handoff, however late it comes. Noting
 * each interaction's enqueue idempotency key, and when each offer (alert, assignment) started, lets
 * `withdrawOffer` take back only the offer it names: the interaction of `offer.enqueueIdempotencyKey`,
 * offered no later than `offer.expiredAt`.
 */
export interface LiveAgentDesk {
  /** Queues the conversation (or returns its current placement when it is already queued). */
  enqueue(request: EnqueueRequest): Promise<QueuePlacement>;
  /** Takes the conversation out of the queue, or away from its agent; no event follows. */
  cancel(conversationId: string, reason?: string): Promise<void>;
  /**
   * The runtime's offer timeout passed with no answer: take the offer back from `agentId`, free the
   * agent for other work and keep the conversation queued; no event follows. `offer` names the
   * offer, so a withdraw that arrives after the agent got a newer offer of the conversation (in a
   * later enqueue or handoff) leaves that one alone; the runtime always passes it, and the parameter
   * is optional only so that desks and callers written before it keep working. The method itself is
   * optional: leave it out when the desk's own offers expire first (then it sends `agent.rejected`).
   * Without it, the desk keeps holding an offer the runtime has given up on.
   */
  withdrawOffer?(conversationId: string, agentId: string, offer?: ExpiredOffer): Promise<void>;
  /** Passes a user message to the agent handling (or about to handle) the conversation. */
  relayUserMessage(conversationId: string, text: string): Promise<void>;
  checkBusinessHours(check: DeskCheck): Promise<BusinessHoursAnswer>;
  checkAvailability(check: DeskCheck): Promise<AvailabilityAnswer>;
  /** Registers a listener for every conversation's events; returns the function that removes it. */
  subscribe(listener: LiveAgentListener): () => void;
  /** Releases connections and timers; the runtime calls it when it closes, if present. */
  close?(): Promise<void>;
}

/** The scope a request or check means: its own, else `namedAgents` when agents are named, else `queue`. */
export function effectiveScope(request: { readonly params: AgentTransferParams; readonly scope?: QueueScope }): QueueScope {
  if (request.scope) return request.params.agents ? request.scope : 'queue';
  return request.params.agents ? 'namedAgents' : 'queue';
}
