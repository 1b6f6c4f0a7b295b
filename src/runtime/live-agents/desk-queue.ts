import type { DistributiveOmit } from '../../distributive-omit.js';
import { HandoffError } from '../../errors.js';
import type { LiveAgentEvent, QueuePlacement, QueueScope } from './live-agent-desk.js';

/** A desk event as the desk builds it: the handoff's `sequence` and the time are stamped when it is sent. */
export type DeskEvent = DistributiveOmit<LiveAgentEvent, 'sequence' | 'at'>;

/** What a conversation asks of an agent: a queue, and named agents or skills. */
export interface Wanted {
  readonly queue: string;
  readonly scope: QueueScope;
  readonly skills: readonly string[];
  readonly named: readonly string[] | undefined;
}

/** One conversation on the simulated desk: waiting in its queue, offered to an agent, or connected. */
export interface Entry extends Wanted {
  readonly conversationId: string;
  readonly priority: number;
  /** Arrival order: seniority in the queue, kept across a declined offer. */
  readonly arrival: number;
  scope: QueueScope;
  status: 'waiting' | 'offered' | 'connected';
  agentId: string | null;
  /** Agents that declined it; they are not offered it again in this scope. */
  readonly rejectedBy: Set<string>;
  /** The placement last told to the runtime, to send `queue.update` only on a change. */
  told: QueuePlacement | undefined;
  /** Epoch ms it took its place in the line or last moved up in it: its estimate counts down from then. */
  waitingSince: number;
  /** The pending auto-accept or offer-timeout timer. */
  timer: unknown;
  readonly userMessages: string[];
  /** The idempotency key of the enqueue it was last queued under. */
  enqueueKey: string;
  /** The handoff it was last queued for (`EnqueueRequest.sequence`): every event the desk sends for it names it. */
  sequence: number;
  /** The enqueue its current offer came from: a withdraw naming another is late, and leaves the offer alone. */
  offerKey: string | undefined;
}

/** One agent of the simulated desk and the conversations it holds. */
export interface Agent {
  readonly id: string;
  readonly skills: ReadonlySet<string>;
  readonly capacity: number;
  readonly queues: ReadonlySet<string> | null;
  available: boolean;
  readonly holding: Set<string>;
}

/** True when `agent` is one the conversation may go to (whether free or not). */
export function serves(agent: Agent, wanted: Wanted): boolean {
  if (wanted.scope === 'namedAgents' && wanted.named) return wanted.named.includes(agent.id);
  if (agent.queues && !agent.queues.has(wanted.queue)) return false;
  return wanted.skills.every((skill) => agent.skills.has(skill));
}

/** The waiting lines of every queue, and the `queue.update`s their changes call for. */
export interface WaitingLines {
  /** Adds a waiting entry in priority-then-arrival order; returns its placement. */
  put(entry: Entry): QueuePlacement;
  take(entry: Entry): void;
  /** The current placement of a waiting entry. */
  placementOf(entry: Entry): QueuePlacement;
  /** Every waiting entry, queue by queue, each in order (a copy: safe to change lines while iterating). */
  all(): Entry[];
  /** Marks every queue an agent serves for re-telling (its estimates change with the slots on line). */
  slotsChanged(agent: Agent): void;
  /** Emits a `queue.update` for each waiting entry in a changed part of a line whose placement differs from the one it was last told. */
  tell(emit: (entry: Entry, event: DeskEvent) => void): void;
  clear(): void;
}

/**
 * Creates the waiting lines. An estimate is what a user would see: position × average handle time ÷
 * slots on line (a slot frees that often on average), less the time waited since the conversation
 * took its place or last moved up, never below 0. Moving up is the progress the estimate counted
 * on, so the time waited before it is not subtracted again; moving down (someone of a higher
 * priority joined ahead) keeps the time waited.
 */
export function createWaitingLines(agents: ReadonlyMap<string, Agent>, averageHandleSeconds: number, now: () => number): WaitingLines {
  const lines = new Map<string, Entry[]>();
  /** Per queue, the lowest index whose entries may have moved since they were told. */
  const dirty = new Map<string, number>();
  const lineOf = (queue: string): Entry[] => {
    let line = lines.get(queue);
    if (!line) lines.set(queue, (line = []));
    return line;
  };
  const markDirty = (queue: string, from: number): void => {
    dirty.set(queue, Math.min(from, dirty.get(queue) ?? from));
  };
  const slots = (queue: string): number => {
    let total = 0;
    for (const agent of agents.values()) if (agent.available && (!agent.queues || agent.queues.has(queue))) total += agent.capacity;
    return total;
  };
  const placement = (entry: Entry, position: number, slotsOnLine: number): QueuePlacement => {
    const waitedSeconds = (now() - entry.waitingSince) / 1000;
    return { position, estimatedWaitSeconds: Math.max(0, Math.ceil((position * averageHandleSeconds) / Math.max(1, slotsOnLine) - waitedSeconds)) };
  };

  return {
    put(entry) {
      entry.waitingSince = now();
      const index = insertByPriority(lineOf(entry.queue), entry);
      markDirty(entry.queue, index);
      return placement(entry, index + 1, slots(entry.queue));
    },
    take(entry) {
      const line = lineOf(entry.queue);
      const index = line.indexOf(entry);
      if (index < 0) return;
      line.splice(index, 1);
      if (line.length === 0) lines.delete(entry.queue);
      // Everyone behind moved up: their estimates count down from now.
      const at = now();
      for (let i = index; i < line.length; i++) {
        const behind = line[i];
        if (behind) behind.waitingSince = at;
      }
      markDirty(entry.queue, index);
    },
    placementOf(entry) {
      return placement(entry, lineOf(entry.queue).indexOf(entry) + 1, slots(entry.queue));
    },
    all() {
      return [...lines.values()].flat();
    },
    slotsChanged(agent) {
      for (const queue of lines.keys()) if (!agent.queues || agent.queues.has(queue)) markDirty(queue, 0);
    },
    tell(emit) {
      for (const [queue, from] of dirty) {
        const line = lines.get(queue) ?? [];
        const slotsOnLine = slots(queue);
        for (let index = from; index < line.length; index++) {
          const entry = line[index];
          if (!entry) continue;
          const current = placement(entry, index + 1, slotsOnLine);
          if (entry.told?.position === current.position && entry.told.estimatedWaitSeconds === current.estimatedWaitSeconds) continue;
          entry.told = current;
          emit(entry, { type: 'queue.update', ...current });
        }
      }
      dirty.clear();
    },
    clear() {
      lines.clear();
      dirty.clear();
    },
  };
}

/** Inserts `entry` in a line kept ordered by priority (0 first), then arrival; returns its index. */
export function insertByPriority(line: Entry[], entry: Entry): number {
  let low = 0;
  let high = line.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const other = line[middle];
    if (!other) break;
    const before = other.priority < entry.priority || (other.priority === entry.priority && other.arrival < entry.arrival);
    if (before) low = middle + 1;
    else high = middle;
  }
  line.splice(low, 0, entry);
  return low;
}

/** The error of a desk call for a conversation the desk does not hold. */
export function unknownConversation(conversationId: string): HandoffError {
  return new HandoffError('UNKNOWN_CONVERSATION', `The simulated desk holds no conversation "${conversationId}": enqueue it first`);
}

/** The error of a scenario step that does not fit the conversation's state. */
export function invalidAction(conversationId: string, action: string, why: string): HandoffError {
  return new HandoffError('INVALID_INPUT', `Cannot ${action} conversation "${conversationId}" on the simulated desk: ${why}`);
}

/** The error of every call after `close()`. */
export function deskClosedError(): HandoffError {
  return new HandoffError('RUNTIME_CLOSED', 'The simulated desk is closed; create a new one to keep going');
}
