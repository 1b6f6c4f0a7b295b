// The machine's invoked actors, seen from the runtime: each invocation is an effect the runtime runs
// itself, after deciding when it may (a write only once its intent is saved), and settles.
import type { HandoffActorTypes } from '../../machines/handoff.types.js';

/** The name of an actor the runtime provides. */
export type EffectName = keyof HandoffActorTypes;

/** What an executor may use to stop early: the signal is made on first use, so steps that never look at it cost nothing. */
export interface EffectControl {
  readonly signal: AbortSignal;
}

/** Tells how an effect's adapter call ended, once; in a later turn than the call, like a promise's callback. */
export type SettleEffect<T = unknown> = (outcome: EffectOutcome<T>) => void;

/**
 * Runs one effect for a conversation and tells `settle` how it ended (a failure is the step's).
 * A callback, not a promise: the runtime reacts in the turn the adapter answers, one promise and
 * one turn sooner per step.
 */
export type EffectExecutors = {
  readonly [K in EffectName]: (conversationId: string, input: HandoffActorTypes[K]['input'], control: EffectControl, settle: SettleEffect<HandoffActorTypes[K]['output']>) => void;
};

/**
 * Effects that change something outside the runtime. They run only after the snapshot that
 * invoked them is saved, and only in the runtime that saved it; the rest are reads, safe to run
 * again on fresh state.
 */
export const writeEffects: ReadonlySet<EffectName> = new Set<EffectName>(['deliverToAutomationNode', 'enqueueForAgent', 'cancelQueue', 'handOverToTarget']);

/** How an effect settled. */
export type EffectOutcome<T = unknown> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** One invocation of a provided actor, waiting for the runtime to run or settle it. */
export interface Effect extends EffectControl {
  readonly name: EffectName;
  readonly input: unknown;
  /** Identifies the invocation across processes: the actor, the handoff, the attempt or scope. */
  readonly key: string;
  readonly write: boolean;
  /** True once aborted (read without making a signal): the state that invoked it was left. */
  readonly aborted: boolean;
  /** Aborts an effect the direct path started (XState aborts the ones it started through their signal). */
  abort(): void;
  status: 'new' | 'running' | 'settled';
  /** True once the machine has reacted to the settlement, or the invocation was aborted: nothing more to wait for. */
  readonly finished: boolean;
  /**
   * Reacts to the settlement at once, instead of through the promise: true when it did (the
   * direct path took the transition). Cleared when an XState actor adopts the effect.
   */
  react: ((outcome: EffectOutcome) => boolean) | undefined;
  /** The promise XState awaits; made on first use, so the direct path never pays for it. */
  readonly promise: Promise<unknown>;
  settle(outcome: EffectOutcome): void;
  /**
   * Calls `waiter` once the effect is finished (reacted to, or aborted), at once if it is. One
   * waiter at a time, the runtime's effect driver: a later call replaces an earlier one. A
   * settlement calls it as soon as the state has reacted; an abort, in a microtask.
   */
  whenFinished(waiter: () => void): void;
}

/** The key of an invocation: the same for the same step of the same handoff in every process. */
export function effectKey(name: EffectName, input: unknown): string {
  const fields = input as { sequence?: number; attempt?: number; scope?: string; reason?: string };
  return `${name}#${fields.sequence ?? ''}#${fields.attempt ?? fields.scope ?? fields.reason ?? ''}`;
}

/** Read through a call: a stamp before a re-check can abort the effect, which narrowing would hide. */
export function isAborted(effect: Effect): boolean {
  return effect.aborted;
}

/**
 * Creates the effect for one invocation; the runtime settles it, XState (or the direct path) reacts.
 * XState passes the signal of the actor it started; the direct path passes none, and the effect
 * makes one only if an executor asks (Node's AbortController costs microseconds).
 */
export function createEffect(name: EffectName, input: unknown, xstateSignal?: AbortSignal): Effect {
  return new Invocation(name, input, xstateSignal);
}

/** An effect; a class, so the runtime's many short-lived effects share their methods. */
class Invocation implements Effect {
  readonly key: string;
  readonly write: boolean;
  status: Effect['status'] = 'new';
  react: Effect['react'] = undefined;
  private controller: AbortController | undefined;
  private abortedDirectly = false;
  private done = false;
  private result: EffectOutcome | undefined;
  private pending: Promise<unknown> | undefined;
  private resolvePending: ((value: unknown) => void) | undefined;
  private rejectPending: ((error: unknown) => void) | undefined;
  private wakeWaiter: (() => void) | undefined;
  private listeningForAbort = false;

  constructor(
    readonly name: EffectName,
    readonly input: unknown,
    private readonly xstateSignal: AbortSignal | undefined,
  ) {
    this.key = effectKey(name, input);
    this.write = writeEffects.has(name);
  }

  get signal(): AbortSignal {
    if (this.xstateSignal) return this.xstateSignal;
    this.controller ??= new AbortController();
    if (this.abortedDirectly) this.controller.abort();
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.xstateSignal ? this.xstateSignal.aborted : this.abortedDirectly;
  }

  get finished(): boolean {
    return this.done || this.aborted;
  }

  get promise(): Promise<unknown> {
    if (!this.pending) {
      const outcome = this.result;
      const promise = outcome
        ? outcome.ok
          ? Promise.resolve(outcome.value)
          : // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the adapter's own rejection, passed on unchanged
            Promise.reject(outcome.error)
        : new Promise<unknown>((resolve, reject) => {
            this.resolvePending = resolve;
            this.rejectPending = reject;
          });
      this.pending = promise;
      const finish = (): void => {
        this.finish();
      };
      // Registered after XState's own `then` (its caller attaches that next), so it runs after XState reacted.
      queueMicrotask(() => {
        promise.then(finish, finish);
      });
    }
    return this.pending;
  }

  abort(): void {
    if (this.xstateSignal || this.abortedDirectly) return;
    this.abortedDirectly = true;
    this.controller?.abort();
    this.wakeLater();
  }

  settle(outcome: EffectOutcome): void {
    if (this.status === 'settled') return;
    this.status = 'settled';
    this.result = outcome;
    if (outcome.ok) this.resolvePending?.(outcome.value);
    else this.rejectPending?.(outcome.error);
    if (this.react?.(outcome)) this.finish();
  }

  whenFinished(waiter: () => void): void {
    if (this.finished) {
      waiter();
      return;
    }
    this.wakeWaiter = waiter;
    if (this.xstateSignal && !this.listeningForAbort) {
      // One listener per effect, for its lifetime: an aborted step may never settle.
      this.listeningForAbort = true;
      this.xstateSignal.addEventListener('abort', () => {
        this.wakeLater();
      }, { once: true });
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.wake();
  }

  /** Calls the waiter now: a step's settlement has been reacted to, so the state is whole. */
  private wake(): void {
    const waiter = this.wakeWaiter;
    this.wakeWaiter = undefined;
    waiter?.();
  }

  /** Calls the waiter once the current code is done: an abort comes from inside a transition, which must end before the runtime reads the state. */
  private wakeLater(): void {
    queueMicrotask(() => {
      this.wake();
    });
  }
}
