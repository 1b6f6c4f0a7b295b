// Reachability with @xstate/graph: every state node is reached by a shortest path, over an explicit
// event list that includes the invoke done/error events and the `xstate.after.*` timer events.
import { getShortestPaths, type StatePath } from '@xstate/graph';
import { transition, type AnyStateNode, type SnapshotFrom, type StateValue } from 'xstate';
import { describe, expect, it } from 'vitest';
import { defaultLifecycleSettings, type LifecycleSettings } from '../../src/config/lifecycle-schema.js';
import type { Target } from '../../src/routing/target-schema.js';
import { handoffMachine } from '../../machines/handoff.machine.js';
import { stateKey, topState } from '../../machines/handoff.selectors.js';
import { deadlineFor } from '../../machines/handoff.time.js';
import type { HandoffEvent, HandoffEventSettings, HandoffInput, TimerName } from '../../machines/handoff.types.js';
import { chat, payloadFor, queueTarget, T0, voice } from './harness.js';

type Snapshot = SnapshotFrom<typeof handoffMachine>;
type AnyEvent = HandoffEvent | { type: string; output?: unknown; error?: unknown };

/** Every host event, with the payload variants the guards branch on. */
const hostEvents: HandoffEvent[] = [
  { type: 'handoff.invoke', reason: 'user_requested', parameters: { summary: 'refund' } },
  { type: 'user.message', text: 'hello' },
  { type: 'user.cancel' },
  { type: 'user.left', how: 'left' },
  { type: 'user.acceptOffer' },
  { type: 'automation.ack' },
  { type: 'automation.error', message: 'busy', retryable: true },
  { type: 'automation.error', message: 'unknown node', retryable: false },
  { type: 'agent.offered', agentId: 'a1' },
  { type: 'agent.accepted', agentId: 'a1' },
  { type: 'agent.rejected', agentId: 'a1' },
  { type: 'agent.message', agentId: 'a1', text: 'hi' },
  { type: 'agent.ended', agentId: 'a1', returnReason: 'resolved' },
  { type: 'queue.update', position: 1, estimatedWaitSeconds: 30 },
  { type: 'target.completed' },
  { type: 'target.failed', message: 'down' },
  { type: 'dialog.completed' },
];

const targets: Target[] = [
  queueTarget(),
  queueTarget({ agents: ['a1'] }),
  { type: 'agent', params: { agent: 'billing-bot' } },
  { type: 'workflow', params: { workflow: 'refund' } },
];

/** What each provided actor may answer: the done outputs the onDone guards branch on. */
const outputs: Record<string, unknown[]> = {
  buildPayload: [payloadFor({ invocation: { reason: 'user_requested', parameters: {} }, conversation: chat, sequence: 1, firedAt: T0 })],
  deliverToAutomationNode: [{ acknowledged: true }, { acknowledged: false }],
  routeHandoff: targets.map((target) => ({ decision: { target, rule: null }, explanation: null })),
  checkBusinessHours: [{ open: true }, { open: false }],
  checkAgentAvailability: [{ available: true }, { available: false }],
  enqueueForAgent: [{ position: 1 }],
  cancelQueue: [undefined],
  handOverToTarget: [undefined],
};

/** The state nodes active for a state value, root first. */
function activeNodes(value: StateValue, node: AnyStateNode = handoffMachine.root): AnyStateNode[] {
  const children: [string, StateValue | undefined][] = typeof value === 'string' ? [[value, undefined]] : Object.entries(value);
  return [
    node,
    ...children.flatMap(([key, child]) => {
      const next = (node.states as Record<string, AnyStateNode | undefined>)[key];
      if (!next) throw new Error(`no state '${key}' under ${node.id}`);
      return child === undefined ? [next] : activeNodes(child, next);
    }),
  ];
}

/** The events explicitly offered in a snapshot: host events, done/error events of its invokes, its timer events. */
function eventsFor(snapshot: Snapshot): AnyEvent[] {
  const nodes = activeNodes(snapshot.value);
  const invoked = nodes.flatMap((n) => n.invoke).flatMap((inv) => [
    ...(outputs[inv.id] ?? []).map((output) => ({ type: `xstate.done.actor.${inv.id}`, output })),
    { type: `xstate.error.actor.${inv.id}`, error: new Error('step failed') },
  ]);
  const timers = nodes.flatMap((n) => n.after).map((t) => ({ type: String(t.eventType) }));
  return [...hostEvents, ...invoked, ...timers];
}

const inputFor = (options: { conversation?: typeof chat; settings?: (s: LifecycleSettings) => void; event?: Partial<HandoffEventSettings> } = {}): HandoffInput => {
  const settings = defaultLifecycleSettings();
  options.settings?.(settings);
  return {
    conversation: options.conversation ?? chat,
    settings,
    event: { enabled: true, session: 'keepAlive', sendsMessage: true, unmetPrerequisites: [], ...options.event },
    startedAt: T0,
  };
};

/** Configurations whose union reaches every branch that depends on settings. */
const inputs: Record<string, HandoffInput> = {
  defaults: inputFor(),
  dialogAfterAgent: inputFor({ settings: (s) => { s.agentTransfer.afterAgent = { then: 'dialog', dialog: 'feedback', afterDialog: 'returnToAi', dialogTimeoutSeconds: 60 }; } }),
  endEverywhere: inputFor({
    settings: (s) => {
      s.agentTransfer.afterAgent.then = 'end';
      s.delivery.onFailure.then = 'end';
      s.target.onComplete = 'end';
      s.target.onFailure.then = 'end';
      s.agentTransfer.outOfHours.then = 'end';
    },
  }),
  voiceInvite: inputFor({ conversation: voice, settings: (s) => { s.agentTransfer.voiceTransferMode = 'invite'; } }),
  terminate: inputFor({ event: { session: 'terminate' } }),
};

// Value plus the few context facts guards branch on (bounded: no counters that grow).
const serializeState = (s: Snapshot): string =>
  JSON.stringify([s.value, s.context.queue?.scope, s.context.queue?.offerMade, s.context.handoff?.deliveryAttempts ?? 0, s.context.aiSessionTerminated, s.context.handoff?.voiceTransfer ?? null]);

const pathsFor = (input: HandoffInput): StatePath<Snapshot, HandoffEvent>[] =>
  getShortestPaths(handoffMachine, { input, events: eventsFor as never, serializeState });

function allStateIds(node: AnyStateNode = handoffMachine.root): string[] {
  return Object.values(node.states).flatMap((child) => [child.id, ...allStateIds(child)]);
}

const reached = new Map<string, StatePath<Snapshot, HandoffEvent>>();
for (const input of Object.values(inputs)) {
  for (const path of pathsFor(input)) {
    for (const node of activeNodes(path.state.value).slice(1)) if (!reached.has(node.id)) reached.set(node.id, path);
  }
}

describe('reachability (@xstate/graph)', () => {
  it('reaches every state node of the machine', () => {
    const missing = allStateIds().filter((id) => !reached.has(id));
    expect(missing).toEqual([]);
  });

  it('names the shortest way into each state', () => {
    const routes = Object.fromEntries([...reached].map(([id, path]) => [id, path.steps.map((s) => s.event.type).slice(1).join(' → ')]));
    expect(routes).toMatchInlineSnapshot(`
      {
        "handoff.aiHandling": "",
        "handoff.delegated": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack",
        "handoff.delegated.checkingAvailability": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff → xstate.done.actor.checkBusinessHours",
        "handoff.delegated.checkingBusinessHours": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff",
        "handoff.delegated.routing": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack",
        "handoff.delivering": "handoff.invoke → xstate.done.actor.buildPayload",
        "handoff.delivering.attempt": "handoff.invoke → xstate.done.actor.buildPayload",
        "handoff.delivering.attempt.awaitingAck": "handoff.invoke → xstate.done.actor.buildPayload → xstate.done.actor.deliverToAutomationNode",
        "handoff.delivering.attempt.sending": "handoff.invoke → xstate.done.actor.buildPayload",
        "handoff.delivering.backoff": "handoff.invoke → xstate.done.actor.buildPayload → automation.error",
        "handoff.ended": "user.left",
        "handoff.handoffRequested": "handoff.invoke",
        "handoff.leavingQueue": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff → xstate.done.actor.checkBusinessHours → xstate.done.actor.checkAgentAvailability → user.cancel",
        "handoff.liveAgent": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff → xstate.done.actor.checkBusinessHours → xstate.done.actor.checkAgentAvailability → agent.accepted",
        "handoff.postAgentDialog": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff → xstate.done.actor.checkBusinessHours → xstate.done.actor.checkAgentAvailability → agent.accepted → agent.ended",
        "handoff.queued": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff → xstate.done.actor.checkBusinessHours → xstate.done.actor.checkAgentAvailability",
        "handoff.queued.enqueuing": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff → xstate.done.actor.checkBusinessHours → xstate.done.actor.checkAgentAvailability",
        "handoff.queued.offered": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff → xstate.done.actor.checkBusinessHours → xstate.done.actor.checkAgentAvailability → agent.offered",
        "handoff.queued.waiting": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff → xstate.done.actor.checkBusinessHours → xstate.done.actor.checkAgentAvailability → xstate.done.actor.enqueueForAgent",
        "handoff.withTarget": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff",
        "handoff.withTarget.active": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff → xstate.done.actor.handOverToTarget",
        "handoff.withTarget.handingOver": "handoff.invoke → xstate.done.actor.buildPayload → automation.ack → xstate.done.actor.routeHandoff",
      }
    `);
  });
});

describe('invariants over every reachable snapshot', () => {
  const snapshots = Object.values(inputs).flatMap((input) => pathsFor(input).map((p) => p.state));

  it('keeps a deadline for exactly the pending timers of the active states', () => {
    for (const snapshot of snapshots) {
      if (snapshot.status !== 'active') continue;
      const active = new Set(activeNodes(snapshot.value).flatMap((n) => n.after.map((t) => t.delay as TimerName)));
      const keys = Object.keys(snapshot.context.deadlines) as TimerName[];
      for (const timer of keys) expect(active, `${timer} in ${stateKey(snapshot.value)}`).toContain(timer);
      for (const timer of active) {
        const applies = deadlineFor(timer, snapshot.context, snapshot.context.now) !== null;
        if (applies && timer !== 'queueOffer') expect(keys, `${timer} in ${stateKey(snapshot.value)}`).toContain(timer);
      }
    }
  });

  it('fires every pending timer on its xstate.after event: the deadline is consumed or moved on', () => {
    let fired = 0;
    for (const snapshot of snapshots) {
      if (snapshot.status !== 'active') continue;
      for (const node of activeNodes(snapshot.value)) {
        for (const t of node.after) {
          const timer = t.delay as TimerName;
          const deadline = snapshot.context.deadlines[timer];
          if (deadline === undefined) continue;
          const [next] = transition(handoffMachine, snapshot, { type: String(t.eventType) } as never);
          const changed = next.status !== 'active' || next.context.deadlines[timer] !== deadline || stateKey(next.value) !== stateKey(snapshot.value);
          expect(changed, `${timer} in ${stateKey(snapshot.value)}`).toBe(true);
          expect(next.context.now).toBeGreaterThanOrEqual(deadline);
          fired++;
        }
      }
    }
    expect(fired).toBeGreaterThan(20);
  });

  it('lets the AI respond in aiHandling only, and has at most one agent while live', () => {
    for (const snapshot of snapshots) {
      expect(snapshot.context.aiMayRespond).toBe(snapshot.value === 'aiHandling');
      if (snapshot.value === 'liveAgent') expect(snapshot.context.agentId).not.toBeNull();
    }
  });

  it('tags every state the clock must leave as waiting, and only those', () => {
    const waiting = new Set(snapshots.filter((s) => s.hasTag('waiting')).map((s) => topState(s)));
    expect([...waiting].sort()).toEqual(['delegated', 'delivering', 'handoffRequested', 'leavingQueue', 'postAgentDialog', 'queued', 'withTarget']);
  });
});
