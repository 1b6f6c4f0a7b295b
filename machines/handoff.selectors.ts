// What the host reads from a snapshot (live or persisted): whether the AI may answer, who owns the
// conversation, which timeouts are pending, and whether every side effect was provided.
import type { AnyStateMachine, StateValue } from 'xstate';
import { handoffMachine } from './handoff.machine.js';
import { earliestDeadline } from './handoff.time.js';
import type { HandoffContext, TimerName } from './handoff.types.js';

/** Who owns the conversation in a given state. */
export type ConversationOwner = 'ai' | 'automation' | 'liveAgent' | 'target' | 'dialog' | 'nobody';

/** The minimal snapshot shape the selectors read: a live snapshot and a persisted one both fit. */
export interface HandoffSnapshotLike {
  readonly value: StateValue;
  readonly status: string;
  readonly context: HandoffContext;
}

/** The names of the actors and actions the runtime must provide with `handoffMachine.provide()`. */
export const handoffProvisions = {
  actors: [
    'buildPayload',
    'deliverToAutomationNode',
    'routeHandoff',
    'checkBusinessHours',
    'checkAgentAvailability',
    'enqueueForAgent',
    'cancelQueue',
    'handOverToTarget',
  ],
  actions: ['sendMessageToUser', 'relayToAgent', 'relayToUser', 'notify'],
} as const;

/** The state value as a dotted path, such as `delivering.attempt.sending`. */
export function stateKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  // A loop, not entries/map/join: read on every transition and view, so no arrays per call.
  let key = '';
  for (const name in value) {
    const child = value[name];
    const part = child === undefined ? name : `${name}.${stateKey(child)}`;
    key = key === '' ? part : `${key},${part}`;
  }
  return key;
}

/** The top-level state of a snapshot, such as `queued`. */
export function topState(snapshot: Pick<HandoffSnapshotLike, 'value'>): string {
  return typeof snapshot.value === 'string' ? snapshot.value : (Object.keys(snapshot.value)[0] ?? '');
}

/** True when the AI may answer the user: only in `aiHandling` of a running conversation. */
export function aiMayRespond(snapshot: Pick<HandoffSnapshotLike, 'status' | 'context'>): boolean {
  return snapshot.status === 'active' && snapshot.context.aiMayRespond;
}

/** Who owns the conversation: the AI, the automation node (handoff in progress), a live agent, a target, a post-agent dialog, or nobody once ended. */
export function conversationOwner(snapshot: Pick<HandoffSnapshotLike, 'value'>): ConversationOwner {
  switch (topState(snapshot)) {
    case 'aiHandling':
      return 'ai';
    case 'liveAgent':
      return 'liveAgent';
    case 'withTarget':
      return 'target';
    case 'postAgentDialog':
      return 'dialog';
    case 'ended':
      return 'nobody';
    default:
      return 'automation';
  }
}

/** Every pending timeout with its epoch-ms deadline, earliest first: what the runtime re-arms after a restore. */
export function pendingTimeouts(snapshot: Pick<HandoffSnapshotLike, 'context'>): { readonly timer: TimerName; readonly at: number }[] {
  return (Object.entries(snapshot.context.deadlines) as [TimerName, number][])
    .map(([timer, at]) => ({ timer, at }))
    .sort((a, b) => a.at - b.at);
}

/** The earliest pending timeout, or `null`: send `{ type: 'clock.tick', at }` at that time to fire it. */
export function nextDeadline(snapshot: Pick<HandoffSnapshotLike, 'context'>): { readonly timer: TimerName; readonly at: number } | null {
  return earliestDeadline(snapshot.context.deadlines);
}

/** The actors and actions of `machine` still on their failing defaults: provide them before creating an actor. */
export function missingProvisions(machine: AnyStateMachine): string[] {
  const defaults = handoffMachine.implementations;
  const given = machine.implementations;
  return [
    ...handoffProvisions.actors.filter((name) => given.actors[name] === defaults.actors[name]).map((name) => `actors.${name}`),
    ...handoffProvisions.actions.filter((name) => given.actions[name] === defaults.actions[name]).map((name) => `actions.${name}`),
  ];
}
