import { z } from 'zod';
import { HandoffError } from '../../errors.js';
import type { BusinessHoursInput } from '../../routing/business-hours.js';
import type { RuntimeClock } from '../clock.js';
import type { AgentReturnReason, ExpiredOffer, LiveAgentDesk, LiveAgentEvent, QueueScope } from './live-agent-desk.js';

const agentSchema = z.strictObject({
  id: z.string().min(1),
  skills: z.array(z.string().min(1)).default([]),
  /** How many conversations the agent handles at once; an offer holds a slot. */
  capacity: z.number().int().min(1).default(1),
  /** The queues the agent serves; all of them when omitted. */
  queues: z.array(z.string().min(1)).optional(),
  available: z.boolean().default(true),
});

const settingsSchema = z.strictObject({
  agents: z.array(agentSchema).refine((agents) => new Set(agents.map((a) => a.id)).size === agents.length, 'Expected unique agent ids'),
  offerAcceptance: z.enum(['auto', 'manual']).default('auto'),
  autoAcceptAfterMs: z.number().int().min(0).default(0),
  offerTimeoutSeconds: z.number().int().min(1).nullable().default(null),
  averageHandleSeconds: z.number().int().min(1).default(300),
});

/** One agent of the simulated desk, as configured: skills default to none, capacity to 1, queues to all. */
export type SimulatedAgent = z.input<typeof agentSchema>;

/** The validated data options of the simulated desk, defaults applied. */
export type SimulatedDeskSettings = z.output<typeof settingsSchema>;

/** Options of `createSimulatedDesk`. */
export interface SimulatedDeskOptions {
  readonly agents: readonly SimulatedAgent[];
  /** Drives timers and stamps events (default the system clock); XState's `SimulatedClock` fits. */
  readonly clock?: RuntimeClock;
  /** `auto` (default): free agents take waiting conversations at once; `manual`: the scenario calls `offer`/`accept`/`reject`. */
  readonly offerAcceptance?: 'auto' | 'manual';
  /** In `auto` mode, how long an offered agent takes to accept (default 0: in the same step). */
  readonly autoAcceptAfterMs?: number;
  /** In `manual` mode, an offer not accepted within this many seconds is rejected with reason `timeout` (default: never). */
  readonly offerTimeoutSeconds?: number | null;
  /** The handling time behind wait estimates (default 300): position × this ÷ slots on line, less the time waited since the conversation last moved up. */
  readonly averageHandleSeconds?: number;
  /** Opening hours: one weekly schedule (the router's format) for every queue, or a function per queue (default: always open). */
  readonly businessHours?: BusinessHoursInput | ((queue: string, at: number) => boolean);
  /** Receives what a listener throws (default: dropped), so one bad listener never stops the desk. */
  readonly onListenerError?: (error: unknown, conversationId: string, event: LiveAgentEvent) => void;
}

/** Validates the data options, reporting problems as `INVALID_CONFIG` with their paths. */
export function parseSimulatedDeskSettings(options: SimulatedDeskOptions): SimulatedDeskSettings {
  const { agents, offerAcceptance, autoAcceptAfterMs, offerTimeoutSeconds, averageHandleSeconds } = options;
  const parsed = settingsSchema.safeParse({ agents, offerAcceptance, autoAcceptAfterMs, offerTimeoutSeconds, averageHandleSeconds });
  if (!parsed.success) throw HandoffError.fromZod('INVALID_CONFIG', 'simulated desk options', parsed.error);
  return parsed.data;
}

/** A conversation as the simulated desk holds it, for tests and demos. */
export interface SimulatedConversation {
  readonly conversationId: string;
  readonly queue: string;
  readonly scope: QueueScope;
  readonly priority: number;
  readonly status: 'waiting' | 'offered' | 'connected';
  readonly agentId: string | null;
  /** The position while waiting, else `null`. */
  readonly position: number | null;
  readonly userMessages: readonly string[];
}

/** An agent of the simulated desk and the conversations it holds (offered or connected). */
export interface SimulatedAgentState {
  readonly id: string;
  readonly available: boolean;
  readonly capacity: number;
  readonly conversations: readonly string[];
}

/**
 * The simulated desk: the adapter interface plus the agents' side, which a test or a demo drives.
 * The agents' methods throw `UNKNOWN_CONVERSATION` for a conversation the desk does not hold and
 * `INVALID_INPUT` for a step that does not fit its state (accepting what was not offered, …).
 */
export interface SimulatedDesk extends LiveAgentDesk {
  /** Offers a waiting conversation to `agentId` (or the best eligible free agent) and returns the agent's id. */
  offer(conversationId: string, agentId?: string): string;
  /** The offered agent accepts. */
  accept(conversationId: string): void;
  /** The offered agent declines; the conversation waits again with its original seniority. */
  reject(conversationId: string, reason?: string): void;
  /**
   * Takes an offer back from `agentId` (the runtime calls it when its offer timeout passes), who then
   * counts as having declined it; no event follows. With `offer`, only when the agent's offer came
   * from the enqueue `offer.enqueueIdempotencyKey` names: a late withdraw leaves a newer offer alone.
   */
  withdrawOffer(conversationId: string, agentId: string, offer?: ExpiredOffer): Promise<void>;
  /** The connected agent writes to the user. */
  agentMessage(conversationId: string, text: string): void;
  /** The connected agent ends the chat. */
  endChat(conversationId: string, returnReason?: AgentReturnReason): void;
  /** Takes an agent on or off line; an agent off line gets no offers but keeps its chats. */
  setAvailability(agentId: string, available: boolean): void;
  inspect(conversationId: string): SimulatedConversation | undefined;
  agents(): readonly SimulatedAgentState[];
  close(): Promise<void>;
}
