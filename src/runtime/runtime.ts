// The embeddable runtime: one durable handoff actor per conversation, fed through a per-conversation
// mailbox, saved after every event, timed out by one deadline scheduler, wired to the adapters.
import { stateKey } from '../../machines/handoff.selectors.js';
import type { HandoffEventSettings } from '../../machines/handoff.types.js';
import { loadHandoffConfig } from '../config/load-config.js';
import { checkPrerequisites } from '../config/prerequisites.js';
import { HandoffError, isHandoffError } from '../errors.js';
import { parseConversation } from '../payload/build-payload.js';
import type { Conversation, ConversationInput } from '../payload/payload-schema.js';
import { createRouter } from '../routing/router.js';
import { loadConnectionRules } from '../rules/load-rules.js';
import { systemClock } from './clock.js';
import { createConversationProcessor, type ConversationWork } from './conversation-processor.js';
import type { SharedContext } from './conversation-record.js';
import { conversationView, type ConversationView } from './conversation-view.js';
import { createDeadlineScheduler } from './deadline-scheduler.js';
import { readForDelete } from './read-for-delete.js';
import { createEffectExecutors } from './default-actors.js';
import { createHostRegistry } from './host-registry.js';
import { createInProcessAutomationNode } from './in-process-automation-node.js';
import type { LiveAgentDesk } from './live-agents/live-agent-desk.js';
import { createSimulatedDesk } from './live-agents/simulated-desk.js';
import { createMailbox } from './mailbox.js';
import type { HandoffNotificationListener } from './notifications.js';
import { createOutbox } from './outbox.js';
import { defaultSimulatedDesk, isLiveAgentDesk, type HandoffRuntimeOptions } from './runtime-options.js';
import { parseRuntimeEvent, type RuntimeEventInput } from './runtime-event.js';
import { createMemoryStore } from './store/memory-store.js';

/** A running handoff runtime. */
export interface HandoffRuntime {
  /** Opens a conversation in `aiHandling`; `CONVERSATION_EXISTS` when the id is taken, `INVALID_INPUT` for a bad conversation. */
  start(conversationId: string, conversation: ConversationInput): Promise<ConversationView>;
  /**
   * Processes one host event, after every event already sent to that conversation, and resolves
   * with the view once the event and the steps it started have settled and the result is saved.
   * `INVALID_EVENT` (nothing changed) for a bad event, `UNKNOWN_CONVERSATION`, `CORRUPT_SNAPSHOT`
   * or `UNSUPPORTED_SNAPSHOT_VERSION` for that conversation alone, `RUNTIME_CLOSED` after `close`.
   */
  send(conversationId: string, event: RuntimeEventInput): Promise<ConversationView>;
  /** The stored view of a conversation, after every event already sent to it. */
  get(conversationId: string): Promise<ConversationView>;
  /**
   * Deletes an ended conversation from the store, after every event already sent to it, so its id
   * can start again and the store does not keep it forever. True when it was deleted, false when
   * there was no such conversation. `CONVERSATION_ACTIVE` while it still runs: a desk or automation
   * node may hold it, so end it first (`user.left`, or wait for it to end). A record whose snapshot
   * is corrupt (`CORRUPT_SNAPSHOT`) is deleted too, since no runtime can run it; one written by
   * another snapshot schema version is not (`UNSUPPORTED_SNAPSHOT_VERSION`), since a newer runtime
   * may be running it.
   */
  delete(conversationId: string): Promise<boolean>;
  /** Registers a listener for every lifecycle notification; returns the function that removes it. */
  subscribe(listener: HandoffNotificationListener): () => void;
  /** Resolves once every event sent so far, the desk's answers and the timeouts that fired are processed. */
  idle(): Promise<void>;
  /** Stops the timers and the desk subscription, waits for work in flight, and closes what the runtime created. */
  close(): Promise<void>;
  /** The live-agent desk the runtime uses (the simulated desk it created, unless one was given). */
  readonly liveAgents: LiveAgentDesk;
}

const closedError = (): HandoffError => new HandoffError('RUNTIME_CLOSED', 'The handoff runtime is closed; create a new runtime to keep going');

function checkConversationId(conversationId: unknown): asserts conversationId is string {
  if (typeof conversationId !== 'string' || conversationId.length === 0) {
    throw new HandoffError('INVALID_INPUT', `Expected a conversation id that is a non-empty string, got ${typeof conversationId === 'string' ? 'an empty string' : typeof conversationId}`);
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new HandoffError('INVALID_CONFIG', `Expected runtime option ${name} to be an integer >= 0, got ${value}`);
  return value;
}

/**
 * Creates a handoff runtime. Every dependency has an in-process default: the memory store, an
 * automation node that acknowledges at once, a simulated live-agent desk and the system clock.
 *
 * @example
 * ```ts
 * import { createHandoffRuntime, defaultHandoffConfig, loadConnectionRules } from 'agent-handoff';
 *
 * const runtime = createHandoffRuntime({
 *   config: defaultHandoffConfig(),
 *   rules: loadConnectionRules({ rules: [], default: { type: 'agentTransfer', params: { queue: 'general' } } }),
 *   onUserMessage: (conversationId, message) => chat.post(conversationId, message.text ?? ''),
 * });
 * await runtime.start('c-1', { sessionId: 's-1', userId: 'u-1', channel: 'chat', language: 'en' });
 * const view = await runtime.send('c-1', {
 *   id: 'evt-1',
 *   type: 'handoff.invoke',
 *   reason: 'user_requested',
 *   parameters: { interactionSummary: 'Wants to dispute a charge', sentiment: 'negative' },
 * });
 * view.state; // 'queued.waiting': the payload is delivered, routed, and the user waits for an agent
 * view.aiMayRespond; // false until the conversation comes back to the AI
 * await runtime.close();
 * ```
 */
export function createHandoffRuntime(options: HandoffRuntimeOptions): HandoffRuntime {
  const config = loadHandoffConfig(options.config);
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const ownsStore = options.store === undefined;
  const store = options.store ?? createMemoryStore();
  const ownsDesk = options.liveAgents === undefined || !isLiveAgentDesk(options.liveAgents);
  const given = options.liveAgents ?? defaultSimulatedDesk;
  const desk: LiveAgentDesk = isLiveAgentDesk(given) ? given : createSimulatedDesk({ ...given, clock: given.clock ?? clock });
  const pollIntervalMs = options.deadlines?.pollIntervalMs === undefined ? 5000 : options.deadlines.pollIntervalMs;
  if (pollIntervalMs !== null && (!Number.isSafeInteger(pollIntervalMs) || pollIntervalMs < 1)) {
    throw new HandoffError('INVALID_CONFIG', `Expected deadlines.pollIntervalMs to be an integer >= 1 (or null to poll only at start), got ${pollIntervalMs}`);
  }
  const lookaheadMs = options.deadlines?.lookaheadMs ?? 2 * (pollIntervalMs ?? 0);
  // A deadline is in memory before it comes due only when each poll looks at least one interval ahead.
  if (pollIntervalMs !== null && !(lookaheadMs >= pollIntervalMs)) {
    throw new HandoffError('INVALID_CONFIG', `Expected deadlines.lookaheadMs (${lookaheadMs}) to be at least deadlines.pollIntervalMs (${pollIntervalMs}), or timeouts could fire late`);
  }

  const router = createRouter(loadConnectionRules(options.rules), {
    now: () => clock.now(),
    ...(options.routing?.businessHours ? { businessHours: options.routing.businessHours } : {}),
    // By default the router's `agentsAvailable` fact asks the desk, as the Check Agent Availability node would.
    agentsAvailable:
      options.routing?.agentsAvailable ??
      (async (query) => {
        const params = { queue: query.queue ?? '', priority: 5, waitForAgentSeconds: 0, ...(query.skills ? { skills: [...query.skills] } : {}) };
        return (await desk.checkAvailability({ params, at: clock.now() })).available;
      }),
  });

  // The event settings depend on the conversation only through its channel (the channel-flow prerequisite).
  const eventSettings = new Map<string, HandoffEventSettings>();
  const eventFor = (conversation: Pick<Conversation, 'channel'>): HandoffEventSettings => {
    let settings = eventSettings.get(conversation.channel);
    if (!settings) {
      settings = {
        enabled: config.event.enabled,
        session: config.event.session,
        sendsMessage: config.event.message.mode !== 'off',
        // `event_disabled` is the machine's own `enabled` check, reported as `disabled`.
        unmetPrerequisites: checkPrerequisites(config, { channel: conversation.channel })
          .map((finding) => finding.code)
          .filter((code) => code !== 'event_disabled'),
      };
      eventSettings.set(conversation.channel, settings);
    }
    return settings;
  };

  const outbox = createOutbox({ config, desk, onUserMessage: options.onUserMessage, logger });
  const shared: SharedContext = { settings: config.lifecycle, eventFor };
  const registry = createHostRegistry({
    store,
    shared,
    maxLiveActors: nonNegative('maxLiveActors', options.maxLiveActors ?? 1000),
    inspect: options.inspect,
    // The inspector watches actors: with it, every conversation runs in one.
    direct: (options.directPath ?? true) && options.inspect === undefined,
  });
  const mailbox = createMailbox();
  const background = new Set<Promise<unknown>>();
  let closed = false;
  let closing: Promise<void> | undefined;

  const scheduler = createDeadlineScheduler({
    store,
    clock,
    pollIntervalMs,
    lookaheadMs,
    fire: (conversationId, at) => {
      // The scheduler keeps a deadline it has seen until it fires: a conversation deleted since (a
      // corrupt one can be deleted with deadlines pending) has nothing left to time out.
      const tick = post(conversationId, { kind: 'tick', at }).catch((error: unknown) => {
        if (!isHandoffError(error, 'UNKNOWN_CONVERSATION')) throw error;
      });
      track(tick, 'A timeout', conversationId);
    },
    logger,
  });

  const explain = options.routing?.explain ?? true;
  const processor = createConversationProcessor({
    store,
    registry,
    executors: createEffectExecutors({
      config,
      router,
      // The explanation reaches the host only in the 'routed' notification (the stored state drops
      // it), so it is built only when someone could see it: a listener, or an inspector.
      explain: () => explain && (outbox.listening || options.inspect !== undefined),
      automationNode: options.automationNode ?? createInProcessAutomationNode(),
      desk,
      handOver: options.handOver,
      processor: options.processor,
      logger,
    }),
    outbox,
    clock,
    onDeadline: (conversationId, at) => {
      scheduler.note(conversationId, at);
    },
    maxConflictRetries: nonNegative('maxConflictRetries', options.maxConflictRetries ?? 8),
    recentEventIdLimit: nonNegative('recentEventIdLimit', options.recentEventIdLimit ?? 16),
    logger,
  });

  const post = (conversationId: string, work: ConversationWork): Promise<ConversationView> =>
    mailbox.post(conversationId, () => processor.process(conversationId, work));

  /** Work no caller awaits (timeouts, desk events): tracked for `idle`, failures logged. */
  function track(work: Promise<unknown>, what: string, conversationId: string): void {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => {
        logger?.error?.(`${what} could not be processed`, { conversationId, error, code: (error as { code?: unknown } | null)?.code });
      },
    );
    background.add(tracked);
    void tracked.then(() => background.delete(tracked));
  }

  const send = (conversationId: string, event: RuntimeEventInput): Promise<ConversationView> =>
    rejectingThrows(() => {
      if (closed) throw closedError();
      checkConversationId(conversationId);
      const parsed = parseRuntimeEvent(event);
      return post(conversationId, { kind: 'event', event: parsed.event, id: parsed.id });
    });

  const unsubscribeDesk = desk.subscribe((conversationId, event) => {
    if (!closed) track(send(conversationId, event), `The desk event '${event.type}'`, conversationId);
  });
  scheduler.start();

  const idle = async (): Promise<void> => {
    for (;;) {
      await scheduler.settled();
      await Promise.all([mailbox.drain(), ...background]);
      // Let answers already on their way (desk events are delivered in a microtask) arrive.
      await new Promise((resolve) => setImmediate(resolve));
      if (mailbox.activeKeys === 0 && background.size === 0) return;
    }
  };

  return {
    liveAgents: desk,

    start: (conversationId, conversation) =>
      rejectingThrows(() => {
        if (closed) throw closedError();
        checkConversationId(conversationId);
        const parsed = parseConversation(conversation);
        const input = { conversation: parsed, settings: config.lifecycle, event: eventFor(parsed), startedAt: clock.now() };
        return post(conversationId, { kind: 'start', input });
      }),

    send,

    async get(conversationId) {
      if (closed) throw closedError();
      checkConversationId(conversationId);
      return mailbox.post(conversationId, async () => {
        const { version, snapshot } = await registry.read(conversationId);
        return conversationView(conversationId, version, snapshot);
      });
    },

    async delete(conversationId) {
      if (closed) throw closedError();
      checkConversationId(conversationId);
      return mailbox.post(conversationId, async () => {
        const stored = await readForDelete(store, shared, conversationId);
        if (!stored) return false;
        if (stored.snapshot?.status === 'active') {
          throw new HandoffError(
            'CONVERSATION_ACTIVE',
            `Conversation "${conversationId}" is still running (state ${stateKey(stored.snapshot.value)}); end it first (send user.left, or wait for it to end), then delete it`,
          );
        }
        registry.forget(conversationId);
        scheduler.note(conversationId, null);
        return store.delete(conversationId, stored.version);
      });
    },

    subscribe: (listener) => outbox.subscribe(listener),

    idle,

    close() {
      if (closing) return closing;
      closed = true;
      scheduler.stop();
      unsubscribeDesk();
      closing = (async () => {
        await idle();
        registry.clear();
        if (ownsDesk) await desk.close?.();
        if (ownsStore) await store.close();
      })();
      return closing;
    },
  };
}

/**
 * Runs `task`, a synchronous throw becoming a rejection, as in an async function. Not one: an async
 * function wraps the promise it returns in another, which costs each `send` two more turns.
 */
function rejectingThrows<T>(task: () => Promise<T>): Promise<T> {
  try {
    return task();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
