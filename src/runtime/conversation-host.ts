// One conversation in memory: its state, the effects its invocations asked for, and the host actions
// waiting for the state they belong to to be saved. The state advances on the direct path (plain
// functions over the snapshot, src/runtime/direct/) while the conversation follows the common
// lifecycle, and in an XState actor as soon as an event needs the machine itself: the actor is
// restored from the direct snapshot and adopts the effects in flight, so nothing is run twice.
import type { InspectionEvent, Observer } from 'xstate';
import { stateKey, type HandoffSnapshotLike } from '../../machines/handoff.selectors.js';
import { earliestDeadlineAt } from '../../machines/handoff.time.js';
import type { HandoffEvent, HandoffInput } from '../../machines/handoff.types.js';
import { createActorEngine } from './actor-engine.js';
import type { PersistedHandoffSnapshot } from './conversation-record.js';
import { directEngineFrom } from './direct/direct-engine.js';
import { directInitialSnapshot } from './direct/direct-transitions.js';
import { createEffect, effectKey, isAborted, type Effect, type EffectName, type EffectOutcome } from './effects.js';
import { runtimeHandoffMachine, type MachineHost, type OutboxEntry } from './provided-machine.js';
import type { RecentEventIds } from './recent-event-ids.js';

/** What runs a conversation's state: the direct path or an XState actor. */
export interface ConversationEngine {
  readonly kind: 'direct' | 'actor';
  /** The current state; a new object whenever the state changed. */
  snapshot(): HandoffSnapshotLike;
  /** The state as XState persists it. */
  persisted(): PersistedHandoffSnapshot;
  /** Applies an event; false (nothing changed) when the direct path leaves it to the actor. */
  send(event: HandoffEvent | { readonly type: string; readonly output?: unknown }): boolean;
  stop(): void;
}

/** A conversation in memory. */
export interface ConversationHost extends MachineHost {
  readonly conversationId: string;
  /** Which engine runs the conversation now. */
  readonly engine: ConversationEngine['kind'];
  /** The stored version this state was last saved as (0: never saved). */
  version: number;
  recentEventIds: RecentEventIds;
  /** The snapshot and ids as last saved: anything else is unsaved. */
  savedSnapshot: HandoffSnapshotLike | undefined;
  savedEventIds: RecentEventIds;
  /** Invocations this host runs: new ones wait for the runtime, running ones for their adapter. */
  readonly effects: Effect[];
  /** Write invocations found running in a restored snapshot: whoever saved them runs them, not us. */
  readonly orphans: Map<string, Effect>;
  /** Host actions since the last save. */
  outbox: OutboxEntry[];
  /** Set once the host is dropped (a conflict, eviction): late adapter answers are ignored. */
  discarded: boolean;
  snapshot(): HandoffSnapshotLike;
  /** The state as XState persists it, for the store. */
  persisted(): PersistedHandoffSnapshot;
  /** True when the state or the event ids changed since the last save. */
  dirty(): boolean;
  /** The earliest pending deadline of a running conversation, or `null`. */
  nextDeadlineAt(): number | null;
  /** Sends an event to the conversation. */
  send(event: HandoffEvent): void;
  /** Moves the machine's clock to `at` when it is behind: a step's result is stamped with the time it arrived. */
  stamp(at: number): void;
  /** Settles a restored write invocation with the outcome this runtime got for it; false when there is none. */
  settleOrphan(key: string, outcome: EffectOutcome, at: number): boolean;
  /** Goes back to the direct path when the actor has nothing in flight (called between tasks). */
  preferDirect(): void;
  /** Stops the conversation's engine (and aborts its invocations) and marks the host discarded. */
  discard(): void;
}

/** How to create a host: a new conversation from its input, or a stored one from its snapshot. */
export type HostSource =
  | { readonly input: HandoffInput }
  | { readonly snapshot: PersistedHandoffSnapshot; readonly version: number; readonly recentEventIds: RecentEventIds };

/** How hosts run. */
export interface HostOptions {
  readonly inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined;
  /** Whether the direct path may run conversations (the runtime says no when `inspect` watches actors). */
  readonly direct: boolean;
}

/** How `register` treats the invocations of an actor being restored. */
type RestoreMode = 'restore' | 'adopt';

/** The leaf states of the machine, which a stored snapshot must name to be restored without an actor. */
const stateKeys = new Set(leafStateKeys(runtimeHandoffMachine.root));

/**
 * True when the direct path can hold this snapshot: no invocation running, and a state XState would
 * accept (anything else goes through the actor, which reports a corrupt snapshot).
 */
function directlyRestorable(snapshot: PersistedHandoffSnapshot): boolean {
  return Object.keys(snapshot.children).length === 0 && (snapshot.status === 'active' || snapshot.status === 'done') && stateKeys.has(stateKey(snapshot.value));
}

/** Creates the host of one conversation. A stored snapshot XState cannot restore is `CORRUPT_SNAPSHOT`. */
export function createConversationHost(conversationId: string, source: HostSource, options: HostOptions): ConversationHost {
  return new Host(conversationId, source, options);
}

/** A conversation host; a class, so the many hosts of a runtime share their methods instead of a closure each. */
class Host implements ConversationHost {
  version: number;
  recentEventIds: RecentEventIds;
  savedSnapshot: HandoffSnapshotLike | undefined = undefined;
  savedEventIds: RecentEventIds;
  readonly effects: Effect[] = [];
  readonly orphans = new Map<string, Effect>();
  outbox: OutboxEntry[] = [];
  discarded = false;
  private current: ConversationEngine;
  /** How `register` treats the invocations of an actor being restored (set only while one is). */
  private restoreMode: RestoreMode | undefined = undefined;

  constructor(
    readonly conversationId: string,
    source: HostSource,
    private readonly options: HostOptions,
  ) {
    const restored = 'snapshot' in source;
    this.version = restored ? source.version : 0;
    this.recentEventIds = restored ? source.recentEventIds : [];
    this.savedEventIds = restored ? source.recentEventIds : [];
    if (!restored) {
      this.current = options.direct ? directEngineFrom(directInitialSnapshot(source.input), this.invokeDirect, this) : createActorEngine(conversationId, source, options.inspect, this);
    } else if (options.direct && directlyRestorable(source.snapshot)) {
      this.current = directEngineFrom(source.snapshot, this.invokeDirect, this);
    } else {
      this.current = this.actorEngine(source, 'restore');
    }
    if (restored) this.savedSnapshot = this.current.snapshot();
  }

  get engine(): ConversationEngine['kind'] {
    return this.current.kind;
  }

  /** A step the direct path invoked: it reacts to the settlement itself, without a promise. */
  private readonly invokeDirect = (name: EffectName, input: unknown): void => {
    const effect = createEffect(name, input);
    effect.react = (outcome) => this.reactDirect(effect, outcome);
    this.effects.push(effect);
  };

  /** Creates an actor whose restored invocations `register` treats per `mode`. */
  private actorEngine(source: { readonly snapshot: PersistedHandoffSnapshot }, mode: RestoreMode): ConversationEngine {
    this.restoreMode = mode;
    try {
      return createActorEngine(this.conversationId, source, this.options.inspect, this);
    } finally {
      this.restoreMode = undefined;
    }
  }

  private reactDirect(effect: Effect, outcome: EffectOutcome): boolean {
    if (this.current.kind === 'direct' && outcome.ok && this.current.send({ type: `xstate.done.actor.${effect.name}`, output: outcome.value })) return true;
    // The actor adopts the effect and reacts to its (already settled) promise.
    this.materialize();
    return false;
  }

  /** Hands the conversation to an XState actor restored from the direct snapshot, adopting the effects in flight. */
  private materialize(): void {
    if (this.current.kind === 'actor') return;
    const snapshot = this.current.persisted();
    this.current.stop();
    this.current = this.actorEngine({ snapshot }, 'adopt');
  }

  register(name: EffectName, input: unknown, signal: AbortSignal): Promise<unknown> {
    if (this.restoreMode === 'adopt') {
      const key = effectKey(name, input);
      const adopted = this.effects.find((effect) => effect.key === key && effect.react !== undefined);
      if (adopted) {
        adopted.react = undefined;
        // XState aborts its restored child when the state is left: the adapter's call is aborted with it.
        signal.addEventListener('abort', () => {
          adopted.abort();
        }, { once: true });
        return adopted.promise;
      }
    }
    const effect = createEffect(name, input, signal);
    // A restored write was started by the runtime that saved it; running it again here could
    // deliver twice. It stays pending: that runtime settles it, or the step's timeout does.
    if (this.restoreMode === 'restore' && effect.write) this.orphans.set(effect.key, effect);
    else this.effects.push(effect);
    return effect.promise;
  }

  record(entry: OutboxEntry): void {
    this.outbox.push(entry);
  }

  snapshot(): HandoffSnapshotLike {
    return this.current.snapshot();
  }

  persisted(): PersistedHandoffSnapshot {
    return this.current.persisted();
  }

  dirty(): boolean {
    return this.current.snapshot() !== this.savedSnapshot || this.recentEventIds !== this.savedEventIds;
  }

  nextDeadlineAt(): number | null {
    const snapshot = this.current.snapshot();
    return snapshot.status === 'active' ? earliestDeadlineAt(snapshot.context.deadlines) : null;
  }

  send(event: HandoffEvent): void {
    if (this.current.send(event)) return;
    this.materialize();
    this.current.send(event);
  }

  stamp(at: number): void {
    const snapshot = this.current.snapshot();
    if (snapshot.status === 'active' && at > snapshot.context.now) this.send({ type: 'clock.tick', at });
  }

  settleOrphan(key: string, outcome: EffectOutcome, at: number): boolean {
    const orphan = this.orphans.get(key);
    this.orphans.delete(key);
    if (!orphan || isAborted(orphan)) return false;
    this.stamp(at);
    // The stamp may have fired the step's own timeout, which aborted the invocation.
    if (isAborted(orphan)) return false;
    // From now on it is this host's effect: the runtime waits for XState to react to it.
    orphan.status = 'running';
    this.effects.push(orphan);
    orphan.settle(outcome);
    return true;
  }

  preferDirect(): void {
    if (!this.options.direct || this.current.kind === 'direct' || this.effects.length > 0 || this.orphans.size > 0) return;
    const persisted = this.current.persisted();
    if (!directlyRestorable(persisted)) return;
    const clean = !this.dirty();
    this.current.stop();
    this.current = directEngineFrom(persisted, this.invokeDirect, this);
    if (clean) this.savedSnapshot = this.current.snapshot();
  }

  discard(): void {
    this.discarded = true;
    this.current.stop();
    for (const effect of this.effects) effect.abort();
  }
}

/** The dotted keys of every atomic state under `node`. */
function leafStateKeys(node: { readonly key: string; readonly states: Readonly<Record<string, unknown>> }, prefix = ''): string[] {
  const children = Object.values(node.states) as { readonly key: string; readonly states: Readonly<Record<string, unknown>> }[];
  if (children.length === 0) return [prefix];
  return children.flatMap((child) => leafStateKeys(child, prefix === '' ? child.key : `${prefix}.${child.key}`));
}
