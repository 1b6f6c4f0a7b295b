// The machine's invoked actors, seen from the runtime: each invocation is an effect the runtime runs
// itself, after deciding when it may (a write only once its intent is saved), and settles.
import type { HandoffActorTypes } from '../../machines/handoff.types.js';

/** The name of an actor the runtime provides. */
export type EffectName = keyof HandoffActorTypes;

/** Runs one effect for a conversation; a rejection is the step's failure. */
export type EffectExecutors = {
  readonly [K in EffectName]: (conversationId: string, input: HandoffActorTypes[K]['input'], signal: AbortSignal) => Promise<HandoffActorTypes[K]['output']>;
};

/**
 * Effects that change something outside the runtime. They run only after the snapshot that
 * invoked them is saved, and only in the runtime that saved it; the rest are reads, safe to run
 * again on fresh state.
 */
export const writeEffects: ReadonlySet<EffectName> = new Set<EffectName>(['deliverToAutomationNode', 'enqueueForAgent', 'cancelQueue', 'handOverToTarget']);

/** How an effect settled. */
export type EffectOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** One invocation of a provided actor, waiting for the runtime to run or settle it. */
export interface Effect {
  readonly name: EffectName;
  readonly input: unknown;
  /** Identifies the invocation across processes: the actor, the handoff, the attempt or scope. */
  readonly key: string;
  readonly write: boolean;
  /** Aborted by XState when the state that invoked it is left: the effect no longer matters. */
  readonly signal: AbortSignal;
  status: 'new' | 'running' | 'settled';
  /** True once XState has reacted to the settlement, or the invocation was aborted: nothing more to wait for. */
  readonly finished: boolean;
  /** The promise XState awaits. */
  readonly promise: Promise<unknown>;
  settle(outcome: EffectOutcome): void;
  /** Resolves once XState has reacted to the settlement (its own `then` runs first). */
  reacted(): Promise<void>;
  /** Resolves once the effect is finished: reacted to, or aborted. */
  finishedPromise(): Promise<void>;
}

/** The key of an invocation: the same for the same step of the same handoff in every process. */
export function effectKey(name: EffectName, input: unknown): string {
  const fields = input as { sequence?: number; attempt?: number; scope?: string; reason?: string };
  return `${name}#${fields.sequence ?? ''}#${fields.attempt ?? fields.scope ?? fields.reason ?? ''}`;
}

const noop = (): void => undefined;

/** Creates the effect for one invocation; XState gets `promise`, the runtime settles it later. */
export function createEffect(name: EffectName, input: unknown, signal: AbortSignal): Effect {
  let resolve: (value: unknown) => void = noop;
  let reject: (error: unknown) => void = noop;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  let reacted: Promise<void> | undefined;
  let finishedPromise: Promise<void> | undefined;
  let finished = false;
  const effect: Effect = {
    name,
    input,
    key: effectKey(name, input),
    write: writeEffects.has(name),
    signal,
    status: 'new',
    get finished() {
      return finished || signal.aborted;
    },
    promise,
    settle(outcome) {
      if (effect.status === 'settled') return;
      effect.status = 'settled';
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    },
    // Registered lazily, after XState's own `then` on the promise, so it runs after XState reacted.
    reacted: () =>
      (reacted ??= promise.then(
        () => {
          finished = true;
        },
        () => {
          finished = true;
        },
      )),
    finishedPromise: () =>
      (finishedPromise ??= new Promise<void>((resolve) => {
        if (signal.aborted) {
          resolve();
          return;
        }
        // One listener per effect, for its lifetime: an aborted step may never settle.
        signal.addEventListener('abort', () => {
          resolve();
        }, { once: true });
        void effect.reacted().then(resolve);
      })),
  };
  return effect;
}
