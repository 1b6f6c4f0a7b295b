// Processing one event of one conversation, start to end: apply it, run the steps it starts, save.
//
// Exactly-once, and why. The machine's invoked actors split in two. Reads (build the payload, route,
// the desk's checks) change nothing outside: they run at once and may run again. Writes (deliver,
// enqueue, cancel, hand over) run only after the snapshot that invoked them is saved with
// compare-and-set, and only in the runtime whose save won. A runtime that loses the race (another
// runtime on the same store saved first) throws its actor away before any write ran, reloads and
// re-applies the event on fresh state, where the machine sees the handoff already under way. A
// runtime that restores a snapshot with a write in flight does not run it again: the runtime that
// saved it does (and, should its save of the result lose, re-applies that result to the fresh state),
// or, if that runtime died, the step's deadline (kept in context) fires and the machine decides:
// delivery is retried with the same idempotency key, other steps fail to their fallback. Host actions
// (messages, notifications, relays) leave only after the state that produced them is saved. So a
// conflict or a retry never runs a write twice; only a crash between a write and the save of its
// result can, and then the idempotency key (conversation id + handoff sequence) makes it harmless.
import { ignoredEvent } from '../../machines/handoff.logic.js';
import { stateKey, type HandoffSnapshotLike } from '../../machines/handoff.selectors.js';
import type { HandoffEvent, HandoffInput } from '../../machines/handoff.types.js';
import { HandoffError } from '../errors.js';
import type { ConversationHost } from './conversation-host.js';
import type { RuntimeClock } from './clock.js';
import { encodeConversation } from './conversation-record.js';
import { conversationView, type ConversationView } from './conversation-view.js';
import { deepFreeze, freezeValues } from '../deep-freeze.js';
import { isAborted, type Effect, type EffectExecutors, type EffectOutcome, type SettleEffect } from './effects.js';
import type { HostRegistry } from './host-registry.js';
import type { Outbox } from './outbox.js';
import { driveEffects } from './effect-driver.js';
import { eventFingerprint } from './event-fingerprint.js';
import { eventIdReusedError, recallEventId, rememberEventId } from './recent-event-ids.js';
import type { RuntimeLogger } from './runtime-options.js';
import { deferredSaveOf } from './store/deferred-save.js';
import { versionConflictError, type ConversationStore, type SaveResult } from './store/store.js';

/** What a mailbox task does to a conversation. */
export type ConversationWork =
  | { readonly kind: 'start'; readonly input: HandoffInput }
  | { readonly kind: 'event'; readonly event: HandoffEvent; readonly id: string | undefined }
  /** A deadline came due: a no-op unless the conversation's earliest deadline is at or before `at`. */
  | { readonly kind: 'tick'; readonly at: number };

/** The work `attempt` takes: everything but a start. */
type EventWork = Exclude<ConversationWork, { kind: 'start' }>;

/** An event's id with the fingerprint of the event as the host sent it, before the runtime stamps `at`. */
interface SentId {
  readonly id: string;
  readonly fingerprint: string;
}

/** A task's work and its event's id, fingerprinted once: every attempt after a conflict compares the same. */
interface EventTask {
  readonly work: EventWork;
  readonly sent: SentId | undefined;
}

/** Only an event with an id pays for its fingerprint. */
function sentId(work: EventWork): SentId | undefined {
  return work.kind === 'event' && work.id !== undefined ? { id: work.id, fingerprint: eventFingerprint(work.event) } : undefined;
}

/** What the processor works with. */
export interface ProcessorOptions {
  readonly store: ConversationStore;
  readonly registry: HostRegistry;
  readonly executors: EffectExecutors;
  readonly outbox: Outbox;
  readonly clock: RuntimeClock;
  /** Told the earliest deadline of a conversation after each task (`null`: none). */
  readonly onDeadline: (conversationId: string, at: number | null) => void;
  readonly maxConflictRetries: number;
  readonly recentEventIdLimit: number;
  readonly logger: RuntimeLogger | undefined;
}

/** Processes one task for one conversation; the caller runs at most one per conversation at a time. */
export interface ConversationProcessor {
  /** The view after the task: at once when nothing had to wait, else a promise; a failure throws or rejects. */
  process(conversationId: string, work: ConversationWork): ConversationView | Promise<ConversationView>;
}

/** A write's outcome, kept until the state it led to is saved, to re-apply after a conflict. */
interface WriteResult {
  readonly key: string;
  readonly outcome: EffectOutcome;
}

/** Thrown inside a task when a save lost the compare-and-set; caught by the task, never seen by callers. */
class SaveConflict extends Error {
  override readonly name = 'SaveConflict';
}

type Run = (conversationId: string, input: unknown, control: Effect, settle: SettleEffect) => void;

/** Creates the processor. */
export function createConversationProcessor(options: ProcessorOptions): ConversationProcessor {
  const { store, registry, executors, outbox, clock, logger } = options;
  const deferredSave = deferredSaveOf(store);

  /**
   * Saves the host's state with compare-and-set, then lets its host actions out. The memory store
   * answers at once (no promise: `undefined` when saved); another store answers with a promise.
   */
  const commit = (host: ConversationHost): Promise<void> | undefined => {
    const next = host.nextDeadlineAt();
    const snapshot = host.snapshot();
    const persisted = host.persisted();
    const recentEventIds = host.recentEventIds;
    const encode = () => encodeConversation(persisted, recentEventIds);
    if (deferredSave) {
      saved(host, snapshot, deferredSave(host.conversationId, host.version, encode, next, persisted.status !== 'active'));
      return undefined;
    }
    // The snapshot shares the conversation's own state (the context's values, the state value, the
    // running steps' inputs): read-only, so no store can rewrite the live state through it.
    freezeValues(persisted.context);
    deepFreeze(persisted.value);
    deepFreeze(persisted.children);
    // A native promise whatever the store returns (a promise library's thenable, say): the processor
    // tells a pending answer from a finished one with instanceof.
    return Promise.resolve(store.save(host.conversationId, host.version, { snapshot: encode(), nextDeadline: next })).then((result) => {
      saved(host, snapshot, result);
    });
  };

  /** Takes a save's answer: the new version, or the conflict; then the saved state's host actions go out. */
  const saved = (host: ConversationHost, snapshot: HandoffSnapshotLike, result: SaveResult): void => {
    if (!result.ok) throw new SaveConflict(`conversation ${host.conversationId} changed since version ${host.version}`);
    host.version = result.version;
    host.savedSnapshot = snapshot;
    host.savedEventIds = host.recentEventIds;
    const entries = host.outbox;
    host.outbox = [];
    outbox.flush(host.conversationId, entries);
  };

  /** Runs an effect's adapter call; its outcome reaches XState stamped with the time it arrived. */
  const run = (host: ConversationHost, effect: Effect, onWrite: (result: WriteResult) => void): void => {
    effect.status = 'running';
    const finish = (outcome: EffectOutcome): void => {
      // Told once; an executor that settles and then throws is heard the first time.
      if (host.discarded || effect.status === 'settled' || isAborted(effect)) return;
      host.stamp(clock.now());
      // The stamp may have fired the step's own timeout, which aborted the effect.
      if (isAborted(effect)) return;
      if (effect.write) onWrite({ key: effect.key, outcome });
      effect.settle(outcome);
    };
    try {
      // The input shares the conversation's state (payload, transcript, target): the adapter may only read it.
      (executors[effect.name] as Run)(host.conversationId, deepFreeze(effect.input), effect, finish);
    } catch (error) {
      queueMicrotask(() => {
        finish({ ok: false, error: error instanceof Error ? error : new Error(String(error)) });
      });
    }
  };

  /** Runs the steps the last event started until none is left (src/runtime/effect-driver.ts). */
  const drive = (host: ConversationHost, checkpoint: () => Promise<void> | undefined, onWrite: (result: WriteResult) => void): Promise<void> =>
    driveEffects(host, {
      clock,
      checkpoint,
      run: (effect) => {
        run(host, effect, onWrite);
      },
    });

  /** Applies the task's event to the host; returns a view instead when there is nothing to apply. */
  const admit = (host: ConversationHost, work: EventWork, sent: SentId | undefined): ConversationView | undefined => {
    const snapshot = host.snapshot();
    if (work.kind === 'tick') {
      const next = host.nextDeadlineAt();
      if (next === null || next > work.at) {
        options.onDeadline(host.conversationId, next);
        return conversationView(host.conversationId, host.version, snapshot);
      }
      host.send({ type: 'clock.tick', at: work.at });
      return undefined;
    }
    if (sent) {
      const use = recallEventId(host.recentEventIds, sent.id, sent.fingerprint);
      if (use === 'redelivery') return conversationView(host.conversationId, host.version, snapshot, true);
      // Nothing was applied: the task drops the host, and the next event reads the conversation back from the store.
      if (use === 'reused') throw eventIdReusedError(host.conversationId, sent.id, work.event.type);
    }
    // An ended conversation takes no more events; they change nothing and are not stored, but the
    // host hears why, as for any event the machine ignores.
    if (snapshot.status !== 'active') return ignoredAfterEnd(host, work.event);
    if (sent) host.recentEventIds = rememberEventId(host.recentEventIds, sent.id, sent.fingerprint, options.recentEventIdLimit);
    // Stamped in place: the event is the runtime's own parse of what the host sent, and a retry after
    // a conflict keeps this first stamp (its fingerprint was taken before). A copy with a spread cost
    // a slow clone per event, as events come in many shapes.
    if (work.event.at === undefined) (work.event as { at?: number }).at = clock.now();
    host.send(work.event);
    return undefined;
  };

  const ignoredAfterEnd = (host: ConversationHost, event: HandoffEvent): ConversationView => {
    const snapshot = host.snapshot();
    const { context } = snapshot;
    const ignored = deepFreeze(ignoredEvent(context, { ...event, at: event.at ?? clock.now() }, 'conversationEnded'));
    outbox.emit({ conversationId: host.conversationId, sequence: context.sequence, at: ignored.at, type: 'ignored', ignored });
    return { ...conversationView(host.conversationId, host.version, snapshot), ignored };
  };

  /** Reports the conversation's earliest deadline, unless a tick at `tickAt` left it unconsumed (a machine that ignores its own timeout would spin). */
  const reportDeadline = (host: ConversationHost, tickAt: number | undefined): void => {
    const next = host.nextDeadlineAt();
    if (tickAt !== undefined && next !== null && next <= tickAt) {
      logger?.warn?.('A due deadline was not consumed by the machine: it is not re-armed', { conversationId: host.conversationId, deadline: next, state: stateKey(host.snapshot().value) });
      return;
    }
    options.onDeadline(host.conversationId, next);
  };

  /** The host's view, then the host back to the registry (which may stop its actor). */
  const release = (host: ConversationHost): ConversationView => {
    const view = conversationView(host.conversationId, host.version, host.snapshot());
    registry.release(host);
    return view;
  };

  /** A task's end: the state saved if it changed (a new conversation's always is), its deadline reported, then its view and the host handed back. */
  const complete = (host: ConversationHost, tickAt: number | undefined): ConversationView | Promise<ConversationView> => {
    const saving = host.dirty() ? commit(host) : undefined;
    if (saving) return saving.then(() => handBack(host, tickAt));
    return handBack(host, tickAt);
  };

  /** Runs the steps the task started, if any, then completes it; a failure, thrown or rejected, goes to `failed`. */
  const runToEnd = (
    host: ConversationHost,
    tickAt: number | undefined,
    steps: () => Promise<void>,
    failed: (error: unknown) => ConversationView | Promise<ConversationView>,
  ): ConversationView | Promise<ConversationView> => {
    try {
      if (host.effects.length > 0) return steps().then(() => complete(host, tickAt)).catch(failed);
      const completed = complete(host, tickAt);
      return completed instanceof Promise ? completed.catch(failed) : completed;
    } catch (error) {
      return failed(error);
    }
  };

  const handBack = (host: ConversationHost, tickAt: number | undefined): ConversationView => {
    reportDeadline(host, tickAt);
    return release(host);
  };

  const start = (conversationId: string, input: HandoffInput): ConversationView | Promise<ConversationView> => {
    const host = registry.create(conversationId, input);
    return runToEnd(host, undefined, () => drive(host, () => commit(host), () => undefined), (error) => {
      host.discard();
      if (!(error instanceof SaveConflict)) throw error;
      throw new HandoffError('CONVERSATION_EXISTS', `Conversation "${conversationId}" already exists: send it events, or start another id`);
    });
  };

  /**
   * One attempt at an event or a tick; a lost save throws the host away and tries again on fresh
   * state. `replay`: what to apply to that fresh host, the event itself (`null`) until a save of
   * this task won (then the event is stored), afterwards the writes' outcomes since that save.
   */
  const attempt = (conversationId: string, task: EventTask, attempts: number, replay: readonly WriteResult[] | null): ConversationView | Promise<ConversationView> => {
    const acquired = registry.acquire(conversationId, attempts > 0);
    if (acquired instanceof Promise) return acquired.then((host) => attemptOn(host, task, attempts, replay));
    return attemptOn(acquired, task, attempts, replay);
  };

  const attemptOn = (host: ConversationHost, task: EventTask, attempts: number, replay: readonly WriteResult[] | null): ConversationView | Promise<ConversationView> => {
    const { work } = task;
    const sinceSave: WriteResult[] = [];
    let savedOnce = false;
    const retry = (error: unknown): ConversationView | Promise<ConversationView> => {
      host.discard();
      if (!(error instanceof SaveConflict)) throw error;
      if (attempts >= options.maxConflictRetries) throw versionConflictError(host.conversationId, host.version);
      const next = savedOnce ? [...sinceSave] : replay;
      logger?.debug?.('Conflicting save: re-applying on fresh state', { conversationId: host.conversationId, attempt: attempts + 1, replaying: next === null ? 'event' : `${next.length} step result(s)` });
      return attempt(host.conversationId, task, attempts + 1, next);
    };
    let answered: ConversationView | undefined;
    try {
      if (replay === null) answered = admit(host, work, task.sent);
      else for (const result of replay) host.settleOrphan(result.key, result.outcome, clock.now());
      if (answered) registry.release(host);
    } catch (error) {
      return retry(error);
    }
    if (answered) return answered;
    const checkpointed = (): void => {
      savedOnce = true;
      sinceSave.length = 0;
    };
    const checkpoint = (): Promise<void> | undefined => {
      const saving = commit(host);
      if (!saving) {
        checkpointed();
        return undefined;
      }
      return saving.then(checkpointed);
    };
    return runToEnd(host, work.kind === 'tick' ? work.at : undefined, () => drive(host, checkpoint, (result) => sinceSave.push(result)), retry);
  };

  return {
    // Synchronous while nothing waits (a host in memory, the memory store, no step to run), as most
    // events are: an async function would cost each event a promise, and the mailbox two more turns.
    process: (conversationId, work) => (work.kind === 'start' ? start(conversationId, work.input) : attempt(conversationId, { work, sent: sentId(work) }, 0, null)),
  };
}
