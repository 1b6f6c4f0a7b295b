// One conversation in memory: its XState actor on a clock that never fires (time comes from
// `clock.tick` events the runtime sends), the effects its invocations asked for, and the host actions
// waiting for the state they belong to to be saved.
import { createActor, type Actor, type InspectionEvent, type Observer, type Snapshot } from 'xstate';
import { nextDeadline } from '../../machines/handoff.selectors.js';
import type { HandoffEvent, HandoffInput } from '../../machines/handoff.types.js';
import { HandoffError } from '../errors.js';
import type { PersistedHandoffSnapshot } from './conversation-record.js';
import { createEffect, type Effect, type EffectOutcome } from './effects.js';
import { bindMachineHost, runtimeHandoffMachine, type MachineHost, type OutboxEntry } from './provided-machine.js';
import type { RecentEventIds } from './recent-event-ids.js';

/** A running handoff actor as the runtime creates it. */
export type HandoffActor = Actor<typeof runtimeHandoffMachine>;

/** The live snapshot of a handoff actor. */
export type HandoffActorSnapshot = ReturnType<HandoffActor['getSnapshot']>;

// The machine's `after` timers are only a backup for hosts that run it bare: here every timeout
// fires from the runtime's one deadline scheduler, so no idle conversation holds a live timer.
const frozenClock = { setTimeout: (): number => 0, clearTimeout: (): void => undefined };

/** A conversation in memory. */
export interface ConversationHost extends MachineHost {
  readonly conversationId: string;
  readonly actor: HandoffActor;
  /** The stored version this actor's state was last saved as (0: never saved). */
  version: number;
  recentEventIds: RecentEventIds;
  /** The snapshot and ids as last saved: anything else is unsaved. */
  savedSnapshot: HandoffActorSnapshot | undefined;
  savedEventIds: RecentEventIds;
  /** Invocations this host runs: new ones wait for the runtime, running ones for their adapter. */
  readonly effects: Effect[];
  /** Write invocations found running in a restored snapshot: whoever saved them runs them, not us. */
  readonly orphans: Map<string, Effect>;
  /** Host actions since the last save. */
  outbox: OutboxEntry[];
  /** Set once the host is dropped (a conflict, eviction): late adapter answers are ignored. */
  discarded: boolean;
  snapshot(): HandoffActorSnapshot;
  /** True when the state or the event ids changed since the last save. */
  dirty(): boolean;
  /** The earliest pending deadline of a running conversation, or `null`. */
  nextDeadlineAt(): number | null;
  /** Sends an event to the actor. */
  send(event: HandoffEvent): void;
  /** Moves the machine's clock to `at` when it is behind: a step's result is stamped with the time it arrived. */
  stamp(at: number): void;
  /** Settles a restored write invocation with the outcome this runtime got for it; false when there is none. */
  settleOrphan(key: string, outcome: EffectOutcome, at: number): boolean;
  /** Stops the actor (and aborts its invocations) and marks the host discarded. */
  discard(): void;
}

/** How to create a host: a new conversation from its input, or a stored one from its snapshot. */
export type HostSource =
  | { readonly input: HandoffInput }
  | { readonly snapshot: PersistedHandoffSnapshot; readonly version: number; readonly recentEventIds: RecentEventIds };

/** Creates (and starts) the actor of one conversation. A stored snapshot XState cannot restore is `CORRUPT_SNAPSHOT`. */
export function createConversationHost(
  conversationId: string,
  source: HostSource,
  inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined,
): ConversationHost {
  const restored = 'snapshot' in source;
  let restoring = false;
  let actor: HandoffActor;

  const host: ConversationHost = {
    conversationId,
    get actor() {
      return actor;
    },
    version: restored ? source.version : 0,
    recentEventIds: restored ? source.recentEventIds : [],
    savedSnapshot: undefined,
    savedEventIds: restored ? source.recentEventIds : [],
    effects: [],
    orphans: new Map(),
    outbox: [],
    discarded: false,

    register(name, input, signal) {
      const effect = createEffect(name, input, signal);
      // A restored write was started by the runtime that saved it; running it again here could
      // deliver twice. It stays pending: that runtime settles it, or the step's timeout does.
      if (restoring && effect.write) host.orphans.set(effect.key, effect);
      else host.effects.push(effect);
      return effect.promise;
    },
    record(entry) {
      host.outbox.push(entry);
    },

    snapshot: () => actor.getSnapshot(),
    dirty: () => actor.getSnapshot() !== host.savedSnapshot || host.recentEventIds !== host.savedEventIds,
    nextDeadlineAt() {
      const snapshot = actor.getSnapshot();
      return snapshot.status === 'active' ? (nextDeadline(snapshot)?.at ?? null) : null;
    },
    send(event) {
      actor.send(event);
    },
    stamp(at) {
      const snapshot = actor.getSnapshot();
      if (snapshot.status === 'active' && at > snapshot.context.now) actor.send({ type: 'clock.tick', at });
    },
    settleOrphan(key, outcome, at) {
      const orphan = host.orphans.get(key);
      host.orphans.delete(key);
      if (!orphan || isAborted(orphan.signal)) return false;
      host.stamp(at);
      // The stamp may have fired the step's own timeout, which aborted the invocation.
      if (isAborted(orphan.signal)) return false;
      // From now on it is this host's effect: the runtime waits for XState to react to it.
      orphan.status = 'running';
      host.effects.push(orphan);
      orphan.settle(outcome);
      return true;
    },
    discard() {
      host.discarded = true;
      actor.stop();
    },
  };

  try {
    actor = createActor(runtimeHandoffMachine, {
      clock: frozenClock,
      // XState wants an input even when it restores (it ignores it then).
      input: restored ? inputOf(source.snapshot) : source.input,
      ...(restored ? { snapshot: source.snapshot as unknown as Snapshot<unknown> } : {}),
      ...(inspect ? { inspect } : {}),
    });
    // XState keeps a snapshot it cannot restore as an error snapshot and would throw it from a timer on start.
    const initial = actor.getSnapshot();
    if (initial.status === 'error') throw initial.error;
    bindMachineHost(actor.system as object, host);
    restoring = restored;
    actor.start();
  } catch (error) {
    if (!restored) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new HandoffError('CORRUPT_SNAPSHOT', `Stored snapshot of conversation "${conversationId}" cannot be restored: ${reason}`, [], { cause: error });
  } finally {
    restoring = false;
  }
  if (restored) host.savedSnapshot = actor.getSnapshot();
  return host;
}

/** Read through a call: the stamp before a re-check can abort the signal, which narrowing would hide. */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function inputOf(snapshot: PersistedHandoffSnapshot): HandoffInput {
  const { conversation, settings, event, now } = snapshot.context;
  return { conversation, settings, event, startedAt: now };
}
