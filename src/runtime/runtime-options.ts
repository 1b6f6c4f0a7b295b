// The options of `createHandoffRuntime`, and their defaults: every dependency is swappable, and
// everything has an in-process default so a runtime runs with a config and rules alone.
import type { InspectionEvent, Observer } from 'xstate';
import type { HandOverTarget } from '../../machines/handoff.types.js';
import type { HandoffConfig, HandoffConfigInput } from '../config/config-schema.js';
import type { HandoffEventProcessor } from '../payload/build-payload.js';
import type { HandoffPayload, TranscriptEntry } from '../payload/payload-schema.js';
import type { BusinessHoursInput } from '../routing/business-hours.js';
import type { AgentsAvailableFunction } from '../routing/dynamic-fact-sources.js';
import type { RouteDecision } from '../routing/target-schema.js';
import type { ConnectionRules, ConnectionRulesJson } from '../rules/rule-schema.js';
import type { RuntimeClock } from './clock.js';
import type { AutomationNodeAdapter } from './delivery/automation-node.js';
import type { LiveAgentDesk } from './live-agents/live-agent-desk.js';
import type { SimulatedDeskOptions } from './live-agents/simulated-desk-options.js';
import type { UserMessageOut } from './notifications.js';
import type { ConversationStore } from './store/store.js';

/** Structured fields of a log entry. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger; every level is optional, and the runtime never writes to the console. */
export interface RuntimeLogger {
  debug?(message: string, fields: LogFields): void;
  info?(message: string, fields: LogFields): void;
  warn?(message: string, fields: LogFields): void;
  error?(message: string, fields: LogFields): void;
}

/** What `handOver` receives: a handoff to another conversational agent or a workflow. */
export interface HandOverRequest {
  readonly conversationId: string;
  readonly target: HandOverTarget;
  readonly payload: HandoffPayload;
  readonly decision: RouteDecision;
  readonly transcript: readonly TranscriptEntry[];
  readonly sequence: number;
  /** The same on every retry of this hand-over, in every process. */
  readonly idempotencyKey: string;
  readonly signal: AbortSignal;
}

/** Routing options: where the router's dynamic facts come from, and whether decisions are explained. */
export interface RuntimeRoutingOptions {
  /** The schedule behind the `withinBusinessHours` fact (the router's format). */
  readonly businessHours?: BusinessHoursInput;
  /** The host function behind `agentsAvailable` (default: ask the live-agent desk). */
  readonly agentsAvailable?: AgentsAvailableFunction;
  /**
   * Explain every decision rule by rule in the `routed` notification (default true); off saves a
   * rules-engine run per handoff. Only a notification listener (or an `inspect` observer) sees an
   * explanation, so it is built only while one is subscribed, even when this is true.
   */
  readonly explain?: boolean;
}

/** How timeouts find their way back to conversations that are not in memory. */
export interface RuntimeDeadlineOptions {
  /**
   * How often the store is asked for deadlines coming due (default 5 000 ms): this is how a runtime
   * times out conversations another process (or a crashed one) left waiting. `null` asks only at start.
   */
  readonly pollIntervalMs?: number | null;
  /** How far ahead each poll looks (default twice the poll interval); deadlines further out wait for a later poll. */
  readonly lookaheadMs?: number;
}

/** Options of `createHandoffRuntime`. */
export interface HandoffRuntimeOptions {
  /** The handoff configuration: loaded with `loadHandoffConfig`, or the raw JSON to load. */
  readonly config: HandoffConfig | HandoffConfigInput;
  /** The connection rules: loaded with `loadConnectionRules`, or the raw JSON to load. */
  readonly rules: ConnectionRules | ConnectionRulesJson;
  /** Where snapshots live (default: a new in-memory store). */
  readonly store?: ConversationStore;
  /** Delivers payloads to the automation node (default: in-process, acknowledges at once). */
  readonly automationNode?: AutomationNodeAdapter;
  /** The live-agent desk, or the options of the simulated desk to create (default: one agent, `agent`, capacity 100, always open). */
  readonly liveAgents?: LiveAgentDesk | SimulatedDeskOptions;
  /** Time and timers (default the system clock); XState's `SimulatedClock` fits, for tests. */
  readonly clock?: RuntimeClock;
  /** Passed to every XState actor the runtime creates; with it, every conversation runs in an actor (no direct path). */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Take the machine's common transitions directly on the snapshot, without an XState actor
   * (default true): the same snapshots, actions and invocations, many times faster. An event the
   * direct path does not cover moves the conversation into an actor. `false` runs every event in an actor.
   */
  readonly directPath?: boolean;
  readonly logger?: RuntimeLogger;
  /** Receives every message for the user: lifecycle messages and the live agent's messages. */
  readonly onUserMessage?: (conversationId: string, message: UserMessageOut) => void | Promise<void>;
  /** Hands a conversation to another agent or a workflow (default: accepted at once; the host then sends `target.completed` or `target.failed`). */
  readonly handOver?: (request: HandOverRequest) => Promise<unknown>;
  /** The Agent Handoff Event's processor, run on the parameters before masking and delivery. */
  readonly processor?: HandoffEventProcessor;
  readonly routing?: RuntimeRoutingOptions;
  /** How many idle actors stay in memory beside their stored snapshot (default 1 000; 0 evicts every actor after each event). */
  readonly maxLiveActors?: number;
  readonly deadlines?: RuntimeDeadlineOptions;
  /** How many times an event is re-applied on fresh state after a conflicting save (default 8). */
  readonly maxConflictRetries?: number;
  /** How many event ids each conversation remembers to detect redelivery (default 16). */
  readonly recentEventIdLimit?: number;
}

/** The simulated desk the runtime creates when `liveAgents` is not given. */
export const defaultSimulatedDesk: SimulatedDeskOptions = { agents: [{ id: 'agent', capacity: 100 }] };

/** True when `liveAgents` is a desk rather than the options of a simulated one. */
export function isLiveAgentDesk(value: LiveAgentDesk | SimulatedDeskOptions): value is LiveAgentDesk {
  return typeof (value as Partial<LiveAgentDesk>).enqueue === 'function';
}
