// Shared pieces of the runtime tests: a manual clock whose timers belong to the runtime that set
// them (so a "crashed" runtime's timers die with it), configs, rules, and recording helpers.
import { defaultHandoffConfig } from '../../src/config/default-config.js';
import { bundledDefaultRules } from '../../src/package-files.js';
import type { HandoffConfig } from '../../src/config/config-schema.js';
import type { ConversationInput } from '../../src/payload/payload-schema.js';
import type { RuntimeClock } from '../../src/runtime/clock.js';
import type { AutomationNodeAdapter, DeliveryRequest } from '../../src/runtime/delivery/automation-node.js';
import type { LiveAgentDesk, LiveAgentListener } from '../../src/runtime/live-agents/live-agent-desk.js';
import type { HandoffNotification, UserMessageOut } from '../../src/runtime/notifications.js';
import { createSimulatedDesk } from '../../src/runtime/live-agents/simulated-desk.js';
import type { SimulatedDesk } from '../../src/runtime/live-agents/simulated-desk-options.js';
import { createHandoffRuntime, type HandoffRuntime } from '../../src/runtime/runtime.js';
import type { HandoffRuntimeOptions } from '../../src/runtime/runtime-options.js';
import { createMemoryStore } from '../../src/runtime/store/memory-store.js';
import type { ConversationStore } from '../../src/runtime/store/store.js';
import { loadConnectionRules } from '../../src/rules/load-rules.js';
import type { ConnectionRules } from '../../src/rules/rule-schema.js';

/** 2025-06-02T09:00:00Z, a Monday. */
export const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);

/** A conversation on the chat channel. */
export const chat = (n: number | string = 1): ConversationInput => ({
  sessionId: `session-${n}`,
  userId: `user-${n}`,
  channel: 'chat',
  language: 'en',
  memory: { userProfile: { firstName: 'Ada', tier: 'silver' } },
});

/** The parameters the default config's model collects. */
export const invoke = (extra: Record<string, unknown> = {}) =>
  ({
    type: 'handoff.invoke',
    reason: 'user_requested',
    parameters: { interactionSummary: 'Wants to dispute a card charge from last week.', sentiment: 'neutral', ...extra },
  }) as const;

/** The project's default rules file, as the package ships it. */
export function defaultRules(): ConnectionRules {
  return bundledDefaultRules();
}

/** The default config with changes applied to a copy. */
export function config(change: (c: HandoffConfig) => void = () => undefined): HandoffConfig {
  const c = defaultHandoffConfig();
  change(c);
  return c;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  readonly owner: object;
}

/** A runtime clock that one test clock drives; `kill` drops its timers as a dying process would. */
export interface ClockView extends RuntimeClock {
  kill(): void;
}

/** A manual clock: time moves only with `advance`, firing timers in order and letting work settle between. */
export interface TestClock extends RuntimeClock {
  fork(): ClockView;
  set(at: number): void;
  /** Moves time forward by `ms`, firing every timer due on the way at its own time. */
  advance(ms: number, settle?: () => Promise<void>): Promise<void>;
  readonly pending: number;
}

export const settleMicrotasks = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

export function createTestClock(start = T0): TestClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, Timer>();
  const root = {};
  const schedule = (owner: object, fn: () => void, ms: number): number => {
    const id = ++seq;
    timers.set(id, { at: now + Math.max(0, ms), seq: id, fn, owner });
    return id;
  };
  const clock: TestClock = {
    now: () => now,
    setTimeout: (fn, ms) => schedule(root, fn, ms),
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
    set(at) {
      now = at;
    },
    fork() {
      const owner = {};
      let dead = false;
      return {
        now: () => now,
        setTimeout: (fn, ms) => (dead ? -1 : schedule(owner, fn, ms)),
        clearTimeout: (handle) => {
          timers.delete(handle as number);
        },
        kill() {
          dead = true;
          for (const [id, timer] of timers) if (timer.owner === owner) timers.delete(id);
        },
      };
    },
    async advance(ms, settle = settleMicrotasks) {
      const target = now + ms;
      await settle();
      for (;;) {
        let next: Timer | undefined;
        for (const timer of timers.values()) if (timer.at <= target && (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) next = timer;
        if (!next) break;
        timers.delete(next.seq);
        now = Math.max(now, next.at);
        next.fn();
        await settle();
      }
      now = target;
      await settle();
    },
    get pending() {
      return timers.size;
    },
  };
  return clock;
}

/** An automation node that counts deliveries per idempotency key and answers as told. */
export interface CountingNode extends AutomationNodeAdapter {
  readonly requests: DeliveryRequest[];
  /** Deliveries per idempotency key. */
  countByKey(): Map<string, number>;
}

export function countingNode(answer: (request: DeliveryRequest) => Promise<{ acknowledged: boolean }> = () => Promise.resolve({ acknowledged: true })): CountingNode {
  const requests: DeliveryRequest[] = [];
  return {
    requests,
    countByKey() {
      const counts = new Map<string, number>();
      for (const r of requests) counts.set(r.idempotencyKey, (counts.get(r.idempotencyKey) ?? 0) + 1);
      return counts;
    },
    async deliver(request) {
      requests.push(request);
      const { acknowledged } = await answer(request);
      return { attempts: 1, acknowledged };
    },
  };
}

/** A desk seen through a connection that can die: `kill` drops this view's listeners, as a crashed process's socket would. */
export interface DeskView extends LiveAgentDesk {
  kill(): void;
}

/** Views of one desk; with `route: 'one'`, each event goes to one live view only (a load-balanced webhook). */
export function deskViews(desk: LiveAgentDesk, route: 'all' | 'one' = 'all', pick: (n: number) => number = () => 0): () => DeskView {
  const live = new Set<{ listener: LiveAgentListener }>();
  desk.subscribe((conversationId, event) => {
    const targets = [...live];
    if (targets.length === 0) return;
    if (route === 'one') targets[pick(targets.length) % targets.length]?.listener(conversationId, event);
    else for (const t of targets) t.listener(conversationId, event);
  });
  return () => {
    const mine = new Set<{ listener: LiveAgentListener }>();
    return {
      enqueue: (r) => desk.enqueue(r),
      cancel: (id, reason) => desk.cancel(id, reason),
      relayUserMessage: (id, text) => desk.relayUserMessage(id, text),
      checkBusinessHours: (c) => desk.checkBusinessHours(c),
      checkAvailability: (c) => desk.checkAvailability(c),
      subscribe(listener) {
        const entry = { listener };
        live.add(entry);
        mine.add(entry);
        return () => {
          live.delete(entry);
          mine.delete(entry);
        };
      },
      kill() {
        for (const entry of mine) live.delete(entry);
        mine.clear();
      },
    };
  };
}

/** Records notifications and user messages of a runtime. */
export function recorder(runtime: HandoffRuntime): { notifications: HandoffNotification[]; types: () => string[] } {
  const notifications: HandoffNotification[] = [];
  runtime.subscribe((n) => notifications.push(n));
  return { notifications, types: () => notifications.map((n) => n.type) };
}

/** The user messages among notifications, as `kind: text`. */
export function messagesOf(notifications: readonly HandoffNotification[]): string[] {
  return notifications.flatMap((n) => (n.type === 'userMessage' ? [describeMessage(n.message)] : []));
}

export function describeMessage(message: UserMessageOut): string {
  return message.kind === 'agent' ? `agent(${message.agentId}): ${message.text}` : `${message.kind}: ${message.text ?? message.instructions ?? ''}`;
}

/** Every handoff to the general queue. */
export const generalQueueRules = loadConnectionRules({ rules: [], default: { type: 'agentTransfer', params: { queue: 'general' } } });

/**
 * A runtime on a test clock and a memory store, with a simulated desk on the same clock whose one
 * agent (`ana`) acts only when told (`desk`; `connect` may put something between it and the
 * runtime), and the errors it logs; added to `runtimes` so the test file closes it.
 */
export function manualDeskRuntime(runtimes: HandoffRuntime[], options: Partial<HandoffRuntimeOptions> = {}, connect: (desk: SimulatedDesk) => LiveAgentDesk = (desk) => desk) {
  const clock = createTestClock();
  const store = createMemoryStore();
  const desk = createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual', clock });
  const logged: { message: string; code: unknown }[] = [];
  const runtime = createHandoffRuntime({
    config: config(),
    rules: generalQueueRules,
    clock,
    store,
    liveAgents: connect(desk),
    logger: { error: (message, fields) => logged.push({ message, code: fields.code }) },
    ...options,
  });
  runtimes.push(runtime);
  return { runtime, clock, store, desk, logged, ...recorder(runtime) };
}

/**
 * A store that hands every call on to `inner`, but for the calls `change` replaces. A separate
 * object, so the runtime saves to it through `save` even when `inner` is a memory store.
 */
export function forwardingStore(inner: ConversationStore, change: Partial<ConversationStore> = {}): ConversationStore {
  return {
    load: (conversationId) => inner.load(conversationId),
    save: (conversationId, version, write) => inner.save(conversationId, version, write),
    listDue: (before, options) => inner.listDue(before, options),
    delete: (conversationId, expectedVersion) => inner.delete(conversationId, expectedVersion),
    close: () => inner.close(),
    ...change,
  };
}
