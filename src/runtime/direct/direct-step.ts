// One transition of the direct path, built the way XState's microstep builds it: exit actions of the
// states left (innermost first, then their invocations stopped), the transition's actions, entry
// actions of the states entered (outermost first, then their invocations started). Each assign
// merges into a copy of the context as XState's does, and each host action sees the context as it
// is at that point, so the snapshot and the actions come out as the actor's would.
import type { StateValue } from 'xstate';
import { handoffOutput, timersStarted, timersStopped } from '../../../machines/handoff.logic.js';
import type { HandoffContext, HandoffEvent, NoticeKind, TimerName, UserMessage } from '../../../machines/handoff.types.js';
import type { PersistedHandoffSnapshot } from '../conversation-record.js';
import type { EffectName } from '../effects.js';
import { copyContext } from '../context-copy.js';
import type { OutboxEntry } from '../provided-machine.js';

/** An event the direct path takes: a host event, or the done event of an invocation. */
export type DirectEvent = HandoffEvent | { readonly type: `xstate.done.actor.${EffectName}`; readonly output: unknown };

/** An invoked actor as XState persists it while it runs. */
interface PersistedChild {
  readonly snapshot: { readonly status: 'active'; readonly output: undefined; readonly error: undefined; readonly input: unknown };
  readonly src: EffectName;
  readonly systemId: undefined;
  readonly syncSnapshot: false;
}

/** What a transition produced: the next snapshot, the host actions it ran and the actors it invoked. */
export interface DirectResult {
  readonly snapshot: PersistedHandoffSnapshot;
  readonly actions: readonly OutboxEntry[];
  readonly invoked: readonly { readonly name: EffectName; readonly input: unknown }[];
}

// Shared by every snapshot and result that has none: the machine has no history states, and nothing
// writes into either.
const noHistory: Readonly<Record<string, unknown>> = Object.freeze({});
const none: readonly never[] = Object.freeze([]);

/** Builds one transition from `snapshot` on `event`. */
export class DirectStep {
  context: HandoffContext;
  /** Whether `context` is this step's own copy, not yet seen by anyone else, so an assign may write into it. */
  private ownsContext = false;
  private children: Record<string, unknown>;
  // Made on first use: most transitions run no host action, and most invoke nothing.
  private actions: OutboxEntry[] | undefined;
  private invoked: { name: EffectName; input: unknown }[] | undefined;

  constructor(
    snapshot: PersistedHandoffSnapshot,
    readonly event: DirectEvent,
  ) {
    this.context = snapshot.context;
    this.children = snapshot.children;
  }

  /**
   * XState's `assign`: the update merged into a copy of the context. One copy serves the assigns
   * in a row: nobody can tell them apart until an action captures the context, which ends the row.
   */
  assign(update: Partial<HandoffContext>): this {
    if (!this.ownsContext) this.context = copyContext(this.context);
    Object.assign(this.context, update);
    this.ownsContext = true;
    return this;
  }

  /** The context as an action sees it now; later assigns copy it again. */
  private captured(): HandoffContext {
    this.ownsContext = false;
    return this.context;
  }

  startTimers(...timers: TimerName[]): this {
    return this.assign(timersStarted(this.context, this.event, timers));
  }

  stopTimers(...timers: TimerName[]): this {
    return this.assign(timersStopped(this.context, this.event, timers));
  }

  notify(kind: NoticeKind): this {
    (this.actions ??= []).push({ type: 'notify', kind, context: this.captured() });
    return this;
  }

  say(message: UserMessage): this {
    (this.actions ??= []).push({ type: 'message', message, context: this.captured() });
    return this;
  }

  /** A message relayed between the user and the live agent. */
  relay(relay: { readonly type: 'relayToAgent' | 'relayToUser'; readonly agentId: string; readonly text: string }): this {
    (this.actions ??= []).push({ ...relay, context: this.captured() });
    return this;
  }

  /** Stops an invocation of the state being left (the one whose done event this is). */
  stopChild(name: EffectName): this {
    // Copied without the child rather than deleted from a copy: `delete` would leave the object in V8's slow dictionary mode.
    const rest: Record<string, unknown> = {};
    for (const id in this.children) if (id !== name) rest[id] = this.children[id];
    this.children = rest;
    return this;
  }

  /** Starts an invocation of the state being entered; its input is read from the context now. */
  invoke(name: EffectName, input: unknown): this {
    const child: PersistedChild = { snapshot: { status: 'active', output: undefined, error: undefined, input }, src: name, systemId: undefined, syncSnapshot: false };
    this.children = { ...this.children, [name]: child };
    // The input may hold the context's values; no assign after this may write into what it saw.
    this.ownsContext = false;
    (this.invoked ??= []).push({ name, input });
    return this;
  }

  /** The transition's result, resting in `value`. */
  to(value: StateValue): DirectResult {
    return { snapshot: { status: 'active', output: undefined, error: undefined, value, historyValue: noHistory, context: this.context, children: this.children }, actions: this.actions ?? none, invoked: this.invoked ?? none };
  }

  /** The transition's result when it reached the final state: the machine is done, with its output. */
  toEnded(): DirectResult {
    return { snapshot: { status: 'done', output: handoffOutput(this.context), error: undefined, value: 'ended', historyValue: noHistory, context: this.context, children: this.children }, actions: this.actions ?? none, invoked: this.invoked ?? none };
  }
}
