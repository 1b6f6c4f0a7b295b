// The full lifecycle the runtime benchmarks drive (invoke → delivered → routed → queued, offered,
// accepted, ended), shared by `npm run bench` (bench/runtime.ts) and bench/compare-builds.ts.
import { performance } from 'node:perf_hooks';
import type { HandoffConfig } from '../dist/src/config/config-schema.js';
import type { LiveAgentDesk } from '../dist/src/runtime/live-agents/live-agent-desk.js';
import type { HandoffRuntime } from '../dist/src/runtime/runtime.js';

/** `config` ending when the agent ends: the lifecycle the targets name (… → accepted → ended). */
export function endingWithTheAgent(config: HandoffConfig): HandoffConfig {
  config.lifecycle.agentTransfer.afterAgent.then = 'end';
  return config;
}

/** The connection rules, as JSON: each build loads them with its own `loadConnectionRules`. */
export const benchRuleSet = {
  rules: [
    { name: 'billing', conditions: { all: [{ fact: 'parameters', path: '$.topic', operator: 'equal', value: 'billing' }] }, event: { type: 'agentTransfer', params: { queue: 'billing' } } },
    { name: 'frustrated', conditions: { any: [{ fact: 'parameters', path: '$.sentiment', operator: 'equal', value: 'frustrated' }] }, event: { type: 'agentTransfer', params: { queue: 'general', priority: 2 } } },
  ],
  default: { type: 'agentTransfer', params: { queue: 'general' } },
};

/** A desk connector that answers at once and sends no events: the bench sends the agent's events itself. */
export const instantDesk: LiveAgentDesk = {
  enqueue: () => Promise.resolve({ position: 1, estimatedWaitSeconds: 60 }),
  cancel: () => Promise.resolve(),
  relayUserMessage: () => Promise.resolve(),
  checkBusinessHours: () => Promise.resolve({ open: true }),
  checkAvailability: () => Promise.resolve({ available: true, agentsOnline: 1 }),
  subscribe: () => () => undefined,
};

export const conversation = (n: number) => ({ sessionId: `s-${n}`, userId: `u-${n}`, channel: 'chat', language: 'en', memory: { userProfile: { firstName: 'Ada' } } });
export const invoke = { type: 'handoff.invoke', reason: 'user_requested', parameters: { interactionSummary: 'Wants a refund for a double charge.', sentiment: 'negative' } } as const;

/**
 * CPU time per lifecycle (user + system, every thread, so GC helpers too), 64 in flight: steadier
 * than wall-clock throughput on a shared machine, where neighbours take the cores in turns. The meter
 * runs at least `count` lifecycles per call, on ids `<prefix>-<n>` that never repeat.
 */
export function cpuMeter(runtime: Pick<HandoffRuntime, 'start' | 'send'>, prefix: string): (count: number) => Promise<number> {
  let next = 0;
  return async (count) => {
    const first = next;
    const before = process.cpuUsage();
    while (next - first < count) await Promise.all(Array.from({ length: 64 }, () => lifecycle(runtime, `${prefix}-${next}`, next++)));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / (next - first);
  };
}

/** One full lifecycle through the runtime; each `send` latency goes to `latencies` (µs) when given. */
export async function lifecycle(runtime: Pick<HandoffRuntime, 'start' | 'send'>, id: string, n: number, latencies?: number[]): Promise<void> {
  // Untimed runs call `send` directly: an async wrapper and two clock reads per send slow a run measurably.
  const timed = !latencies
    ? <T>(call: () => Promise<T>): Promise<T> => call()
    : async <T>(call: () => Promise<T>): Promise<T> => {
        const t0 = performance.now();
        const result = await call();
        latencies.push((performance.now() - t0) * 1000);
        return result;
      };
  await runtime.start(id, conversation(n));
  const queued = await timed(() => runtime.send(id, invoke));
  if (queued.state !== 'queued.waiting') throw new Error(`expected queued.waiting, got ${queued.state}`);
  await timed(() => runtime.send(id, { type: 'agent.offered', agentId: 'ana' }));
  await timed(() => runtime.send(id, { type: 'agent.accepted', agentId: 'ana' }));
  const ended = await timed(() => runtime.send(id, { type: 'agent.ended', agentId: 'ana' }));
  if (ended.state !== 'ended') throw new Error(`expected ended, got ${ended.state}`);
}
