import { HandoffError } from '../../errors.js';
import { businessHoursChecker } from '../../routing/business-hours.js';
import { systemClock } from '../clock.js';
import { createWaitingLines, deskClosedError, invalidAction, serves, unknownConversation, type Agent, type DeskEvent, type Entry } from './desk-queue.js';
import { effectiveScope, type LiveAgentEvent, type LiveAgentListener } from './live-agent-desk.js';
import { parseSimulatedDeskSettings, type SimulatedDesk, type SimulatedDeskOptions } from './simulated-desk-options.js';

/**
 * Creates the in-process simulated desk, the runtime's default: queues per queue name ordered by
 * priority (0 first) then arrival, matching by skills or named agents, a capacity per agent (an
 * offer holds a slot, so no conversation is ever with two agents), and a `queue.update` whenever
 * a waiting conversation moves in its line or the agents on line change. Wait estimates count down
 * with the time waited since the conversation took its place or last moved up (never below 0), in
 * placements and updates alike. Every event names the handoff it belongs
 * to (`sequence`, from the enqueue), so one that arrives late is not taken for the next handoff's.
 * Deterministic: its only sources of time are the injected clock and the `at` of checks. Its state
 * lives in this process only.
 *
 * @example
 * const desk = createSimulatedDesk({ agents: [{ id: 'ana', skills: ['billing'], capacity: 2 }], offerAcceptance: 'manual' });
 * desk.subscribe((conversationId, event) => void runtime.send(conversationId, event));
 */
export function createSimulatedDesk(options: SimulatedDeskOptions): SimulatedDesk {
  const settings = parseSimulatedDeskSettings(options);
  const clock = options.clock ?? systemClock;
  const isOpen = businessHoursOf(options.businessHours);
  const agents = new Map<string, Agent>(
    settings.agents.map((a) => [
      a.id,
      { id: a.id, skills: new Set(a.skills), capacity: a.capacity, queues: a.queues ? new Set(a.queues) : null, available: a.available, holding: new Set() },
    ]),
  );
  const entries = new Map<string, Entry>();
  const lines = createWaitingLines(agents, settings.averageHandleSeconds, () => clock.now());
  const listeners = new Set<LiveAgentListener>();
  const outbox: [string, LiveAgentEvent][] = [];
  let flushScheduled = false;
  let arrivals = 0;
  let closed = false;

  // Events are queued and delivered in a microtask, so no listener ever runs inside a desk call.
  const flush = (): void => {
    for (const [conversationId, event] of outbox) {
      for (const listener of listeners) {
        try {
          listener(conversationId, event);
        } catch (error) {
          options.onListenerError?.(error, conversationId, event);
        }
      }
    }
    outbox.length = 0;
    flushScheduled = false;
  };
  /** Sends an event about `entry`, naming the handoff it was enqueued for, so a late one cannot land on the next handoff. */
  const emit = (entry: Entry, event: DeskEvent): void => {
    const stamped: LiveAgentEvent = { ...event, sequence: entry.sequence, at: clock.now() };
    outbox.push([entry.conversationId, stamped]);
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flush);
    }
  };

  const canTake = (agent: Agent, entry: Entry): boolean =>
    agent.available && agent.holding.size < agent.capacity && !entry.rejectedBy.has(agent.id) && serves(agent, entry);
  const bestAgentFor = (entry: Entry): Agent | undefined => {
    let best: Agent | undefined;
    for (const agent of agents.values()) {
      // Least loaded relative to capacity first; configuration order breaks ties.
      if (canTake(agent, entry) && (!best || agent.holding.size / agent.capacity < best.holding.size / best.capacity)) best = agent;
    }
    return best;
  };
  const holder = (entry: Entry): string => {
    if (entry.agentId === null) throw invalidAction(entry.conversationId, 'find the agent of', 'no agent holds it');
    return entry.agentId;
  };

  const clearTimer = (entry: Entry): void => {
    if (entry.timer !== undefined) clock.clearTimeout(entry.timer);
    entry.timer = undefined;
  };
  const release = (entry: Entry): void => {
    clearTimer(entry);
    if (entry.agentId !== null) agents.get(entry.agentId)?.holding.delete(entry.conversationId);
  };
  const acceptEntry = (entry: Entry): void => {
    clearTimer(entry);
    entry.status = 'connected';
    emit(entry, { type: 'agent.accepted', agentId: holder(entry) });
  };
  /** An offer ends unaccepted: the agent is free again and the conversation waits with its seniority. */
  const requeue = (entry: Entry): void => {
    release(entry);
    entry.status = 'waiting';
    entry.agentId = null;
  };
  const rejectEntry = (entry: Entry, reason: string | undefined): void => {
    const agentId = holder(entry);
    requeue(entry);
    entry.rejectedBy.add(agentId);
    emit(entry, reason === undefined ? { type: 'agent.rejected', agentId } : { type: 'agent.rejected', agentId, reason });
    lines.put(entry);
  };
  const offerTo = (entry: Entry, agent: Agent): void => {
    lines.take(entry);
    entry.status = 'offered';
    entry.agentId = agent.id;
    entry.told = undefined;
    entry.offerKey = entry.enqueueKey;
    agent.holding.add(entry.conversationId);
    emit(entry, { type: 'agent.offered', agentId: agent.id });
    if (settings.offerAcceptance === 'auto') {
      if (settings.autoAcceptAfterMs === 0) acceptEntry(entry);
      else
        entry.timer = after(settings.autoAcceptAfterMs, () => {
          acceptEntry(entry);
        });
    } else if (settings.offerTimeoutSeconds !== null) {
      entry.timer = after(settings.offerTimeoutSeconds * 1000, () => {
        rejectEntry(entry, 'timeout');
      });
    }
  };
  const dispatch = (): void => {
    const anyFree = () => [...agents.values()].some((a) => a.available && a.holding.size < a.capacity);
    if (!anyFree()) return;
    for (const entry of lines.all()) {
      const agent = bestAgentFor(entry);
      if (agent) {
        offerTo(entry, agent);
        if (!anyFree()) return;
      }
    }
  };
  /** Every change goes through here: apply it, let free agents take work (auto), then tell positions. */
  const step = <T>(change: () => T): T => {
    if (closed) throw deskClosedError();
    const result = change();
    if (settings.offerAcceptance === 'auto') dispatch();
    lines.tell(emit);
    return result;
  };
  /** A timer that applies `change` as a step, unless the desk closed meanwhile. */
  function after(ms: number, change: () => void): unknown {
    return clock.setTimeout(() => {
      if (!closed) step(change);
    }, ms);
  }
  const entryOf = (conversationId: string, status?: Entry['status'], action = ''): Entry => {
    const entry = entries.get(conversationId);
    if (!entry) throw unknownConversation(conversationId);
    if (status && entry.status !== status) throw invalidAction(conversationId, action, `it is ${entry.status}, not ${status}`);
    return entry;
  };
  const later = <T>(operation: () => T): Promise<T> => {
    try {
      return Promise.resolve(operation());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new HandoffError('ADAPTER_FAILED', String(error)));
    }
  };
  const ifOpen = <T>(operation: () => T): Promise<T> =>
    later(() => {
      if (closed) throw deskClosedError();
      return operation();
    });

  return {
    enqueue: (request) =>
      later(() =>
        step(() => {
          const scope = effectiveScope(request);
          const existing = entries.get(request.conversationId);
          if (existing) {
            existing.enqueueKey = request.idempotencyKey;
            // A later handoff's enqueue takes over an entry the desk still holds: its events name that handoff now.
            existing.sequence = request.sequence;
            // Idempotent: a retry keeps its place; `queue` after `namedAgents` widens the wait.
            if (scope === 'queue' && existing.scope === 'namedAgents') {
              existing.scope = 'queue';
              existing.rejectedBy.clear();
            }
            return existing.status === 'waiting' ? (existing.told = lines.placementOf(existing)) : { position: 0, estimatedWaitSeconds: 0 };
          }
          const { params } = request;
          const entry: Entry = {
            conversationId: request.conversationId,
            queue: params.queue,
            priority: params.priority,
            arrival: arrivals++,
            scope,
            skills: params.skills ?? [],
            named: params.agents,
            status: 'waiting',
            agentId: null,
            rejectedBy: new Set(),
            told: undefined,
            waitingSince: clock.now(),
            timer: undefined,
            userMessages: [],
            enqueueKey: request.idempotencyKey,
            offerKey: undefined,
            sequence: request.sequence,
          };
          entries.set(entry.conversationId, entry);
          return (entry.told = lines.put(entry));
        }),
      ),

    cancel: (conversationId) =>
      later(() => {
        step(() => {
          const entry = entries.get(conversationId);
          if (!entry) return;
          if (entry.status === 'waiting') lines.take(entry);
          else release(entry);
          entries.delete(conversationId);
        });
      }),

    // The runtime gave up on the offer, so no event goes back. The agent let it lapse: like a decline,
    // she is not offered it again in this scope (an auto-accepting desk would otherwise re-offer at once, forever).
    withdrawOffer: (conversationId, agentId, offer) =>
      later(() => {
        step(() => {
          const entry = entries.get(conversationId);
          if (entry?.status !== 'offered' || entry.agentId !== agentId) return;
          // The enqueue key is enough here, without `expiredAt`: within one enqueue this desk never
          // offers a conversation again to an agent who let it lapse.
          if (offer !== undefined && entry.offerKey !== offer.enqueueIdempotencyKey) return;
          requeue(entry);
          entry.rejectedBy.add(agentId);
          lines.put(entry);
        });
      }),

    relayUserMessage: (conversationId, text) =>
      ifOpen(() => {
        entryOf(conversationId).userMessages.push(text);
      }),

    checkBusinessHours: (check) => ifOpen(() => ({ open: isOpen(check.params.queue, check.at) })),

    checkAvailability: (check) =>
      ifOpen(() => {
        const wanted = { queue: check.params.queue, scope: effectiveScope(check), skills: check.params.skills ?? [], named: check.params.agents };
        const agentsOnline = [...agents.values()].filter((agent) => agent.available && serves(agent, wanted)).length;
        return { available: agentsOnline > 0, agentsOnline };
      }),

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    offer: (conversationId, agentId) =>
      step(() => {
        const entry = entryOf(conversationId, 'waiting', 'offer');
        const agent = agentId === undefined ? bestAgentFor(entry) : agents.get(agentId);
        if (!agent) throw invalidAction(conversationId, 'offer', agentId === undefined ? 'no eligible agent is free' : `there is no agent "${agentId}"`);
        if (!canTake(agent, entry)) throw invalidAction(conversationId, 'offer', `agent "${agent.id}" cannot take it (off line, at capacity, declined it, or not eligible)`);
        offerTo(entry, agent);
        return agent.id;
      }),

    accept(conversationId) {
      step(() => {
        acceptEntry(entryOf(conversationId, 'offered', 'accept'));
      });
    },

    reject(conversationId, reason) {
      step(() => {
        rejectEntry(entryOf(conversationId, 'offered', 'reject'), reason);
      });
    },

    agentMessage(conversationId, text) {
      step(() => {
        const entry = entryOf(conversationId, 'connected', 'send an agent message to');
        emit(entry, { type: 'agent.message', agentId: holder(entry), text });
      });
    },

    endChat(conversationId, returnReason) {
      step(() => {
        const entry = entryOf(conversationId, 'connected', 'end the chat of');
        const agentId = holder(entry);
        release(entry);
        entries.delete(conversationId);
        emit(entry, returnReason === undefined ? { type: 'agent.ended', agentId } : { type: 'agent.ended', agentId, returnReason });
      });
    },

    setAvailability(agentId, available) {
      step(() => {
        const agent = agents.get(agentId);
        if (!agent) throw new HandoffError('INVALID_INPUT', `There is no agent "${agentId}" on the simulated desk`);
        agent.available = available;
        lines.slotsChanged(agent);
      });
    },

    inspect(conversationId) {
      const entry = entries.get(conversationId);
      if (!entry) return undefined;
      const { queue, scope, priority, status, agentId } = entry;
      const position = status === 'waiting' ? lines.placementOf(entry).position : null;
      return { conversationId, queue, scope, priority, status, agentId, position, userMessages: [...entry.userMessages] };
    },

    agents: () => [...agents.values()].map((a) => ({ id: a.id, available: a.available, capacity: a.capacity, conversations: [...a.holding] })),

    close() {
      closed = true;
      for (const entry of entries.values()) clearTimer(entry);
      entries.clear();
      lines.clear();
      listeners.clear();
      outbox.length = 0;
      return Promise.resolve();
    },
  };
}

function businessHoursOf(hours: SimulatedDeskOptions['businessHours']): (queue: string, at: number) => boolean {
  if (hours === undefined) return () => true;
  if (typeof hours === 'function') return hours;
  const open = businessHoursChecker(hours);
  return (_queue, at) => open(at);
}
