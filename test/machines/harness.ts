// A real handoff actor on XState's SimulatedClock, with every side effect provided and recorded.
// `auto` answers each provided actor at once; `manual` keeps the calls pending until a test settles them.
import { expect } from 'vitest';
import { createActor, fromPromise, SimulatedClock, type Actor, type InspectionEvent, type Observer, type Snapshot } from 'xstate';
import { defaultLifecycleSettings, type LifecycleSettings } from '../../src/config/lifecycle-schema.js';
import type { Conversation, HandoffPayload } from '../../src/payload/payload-schema.js';
import type { Target } from '../../src/routing/target-schema.js';
import { handoffMachine } from '../../machines/handoff.machine.js';
import { handoffProvisions, nextDeadline, stateKey } from '../../machines/handoff.selectors.js';
import type {
  BuildPayloadInput,
  HandoffActorTypes,
  HandoffContext,
  HandoffEvent,
  HandoffEventSettings,
} from '../../machines/handoff.types.js';

/** 2025-06-02T09:00:00Z: the conversations in tests start here. */
export const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);

export const chat: Conversation = { sessionId: 'session-1', userId: 'user-1', channel: 'chat', language: 'en' };
export const voice: Conversation = { ...chat, channel: 'voice' };

/** The user asks for a handoff, with a summary for the agent. */
export const invoke = { type: 'handoff.invoke', reason: 'user_requested', parameters: { summary: 'Wants a refund' } } as const;

/** `event` naming handoff `sequence`, or naming none when `sequence` is undefined (a desk that does not send it). */
export const withSequence = <E extends object>(event: E, sequence: number | undefined): E & { readonly sequence?: number } =>
  sequence === undefined ? event : { ...event, sequence };

/** The context without what an ignored event changes: the clock and `ignored`. */
export const withoutClockAndIgnored = (context: HandoffContext): HandoffContext => ({ ...context, now: 0, ignored: null });

export const queueTarget = (extra: Partial<Extract<Target, { type: 'agentTransfer' }>['params']> = {}): Target => ({
  type: 'agentTransfer',
  params: { queue: 'support', priority: 5, waitForAgentSeconds: 30, ...extra },
});

/** The actors the runtime provides, keyed by name, with their input and output. */
export type ActorIo = { [K in keyof HandoffActorTypes]: [HandoffActorTypes[K]['input'], HandoffActorTypes[K]['output']] };
export type ActorName = keyof ActorIo;
export const actorNames: readonly ActorName[] = handoffProvisions.actors;

/** How each actor answers in `auto` mode: return its output, or throw to reject. */
export type Responders = { [K in ActorName]: (input: ActorIo[K][0]) => ActorIo[K][1] };

/** The payload a well-behaved `buildPayload` returns for an input. */
export function payloadFor(input: BuildPayloadInput): HandoffPayload {
  const { conversation, invocation } = input;
  return {
    automationNode: 'LiveAgentHandoff',
    sessionId: conversation.sessionId,
    userId: conversation.userId,
    channel: conversation.channel,
    language: conversation.language,
    reason: invocation.reason,
    parameters: { ...invocation.parameters },
    firedAt: new Date(input.firedAt).toISOString(),
    context: { steps: { LiveAgentHandoff: { ...invocation.parameters } } },
  };
}

export const defaultResponders = (target: Target = queueTarget()): Responders => ({
  buildPayload: payloadFor,
  deliverToAutomationNode: () => ({ acknowledged: true }),
  routeHandoff: () => ({ decision: { target, rule: target.type === 'agentTransfer' ? 'to-support' : null }, explanation: { winner: 'to-support' } }),
  checkBusinessHours: () => ({ open: true }),
  checkAgentAvailability: () => ({ available: true }),
  enqueueForAgent: () => ({ position: 3, estimatedWaitSeconds: 240 }),
  cancelQueue: () => undefined,
  handOverToTarget: () => undefined,
});

/** One call of a provided actor; in manual mode `settle` answers it. */
export interface Call<K extends ActorName = ActorName> {
  readonly name: K;
  readonly input: ActorIo[K][0];
  settled: boolean;
  aborted: boolean;
  /** What the call resolved with. */
  output?: ActorIo[K][1];
  resolve: (output: ActorIo[K][1]) => void;
  reject: (error: unknown) => void;
}

/** One provided action the machine executed. */
export interface ActionCall {
  readonly type: 'sendMessageToUser' | 'relayToAgent' | 'relayToUser' | 'notify';
  readonly params: unknown;
  readonly state: string;
}

export interface HarnessOptions {
  readonly conversation?: Conversation;
  readonly settings?: (s: LifecycleSettings) => void;
  readonly event?: Partial<HandoffEventSettings>;
  readonly responders?: Partial<Responders>;
  readonly mode?: 'auto' | 'manual';
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** A persisted snapshot to restore instead of starting afresh. */
  readonly snapshot?: Snapshot<unknown>;
  /** The clock's time at creation (defaults to `T0`). */
  readonly now?: number;
}

export type HandoffActor = Actor<typeof handoffMachine>;

export interface Harness {
  readonly actor: HandoffActor;
  /** The machine with every actor and action provided. */
  readonly machine: typeof handoffMachine;
  readonly clock: SimulatedClock;
  readonly calls: Call[];
  readonly actions: ActionCall[];
  readonly settings: LifecycleSettings;
  /** Sends a host event stamped with the clock's time, then lets promises settle. */
  send(event: HandoffEvent | { type: string }): Promise<void>;
  /** Advances the clock by `ms`, stepping from deadline to deadline as real time would. */
  advance(ms: number): Promise<void>;
  /** The state as `a.b.c`. */
  state(): string;
  /** The calls of one actor. */
  callsOf<K extends ActorName>(name: K): Call<K>[];
  /** The params of the provided actions of one type. */
  actionsOf(type: ActionCall['type']): unknown[];
  /** The pending (manual) calls, oldest first. */
  pending(): Call[];
}

export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createHarness(options: HarnessOptions = {}): Harness {
  const settings = defaultLifecycleSettings();
  options.settings?.(settings);
  const responders: Responders = { ...defaultResponders(), ...options.responders };
  const clock = new SimulatedClock();
  clock.set(options.now ?? T0);
  const calls: Call[] = [];
  const actions: ActionCall[] = [];
  const ref: { actor?: HandoffActor } = {};

  // The runtime convention: a step stamps the time it settles with a `clock.tick`, so deadlines that
  // start after a step are exact (done events carry no time).
  const stamp = (): void => {
    ref.actor?.send({ type: 'clock.tick', at: clock.now() });
  };

  const provided = <K extends ActorName>(name: K) =>
    fromPromise<ActorIo[K][1], ActorIo[K][0]>(
      ({ input, signal }) =>
        new Promise<ActorIo[K][1]>((resolve, reject) => {
          const call: Call<K> = {
            name,
            input,
            settled: false,
            aborted: false,
            resolve: (output) => {
              if (call.settled || call.aborted) return;
              call.settled = true;
              call.output = output;
              stamp();
              resolve(output);
            },
            reject: (error) => {
              if (call.settled || call.aborted) return;
              call.settled = true;
              stamp();
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          };
          signal.addEventListener('abort', () => {
            call.aborted = true;
          });
          calls.push(call as unknown as Call);
          if (options.mode !== 'manual') {
            queueMicrotask(() => {
              try {
                call.resolve(responders[name](input));
              } catch (error) {
                call.reject(error);
              }
            });
          }
        }),
    );

  const record =
    (type: ActionCall['type']) =>
    (_args: unknown, params: unknown): void => {
      actions.push({ type, params, state: ref.actor ? stateKey(ref.actor.getSnapshot().value) : 'init' });
    };

  const machine = handoffMachine.provide({
    actors: {
      buildPayload: provided('buildPayload'),
      deliverToAutomationNode: provided('deliverToAutomationNode'),
      routeHandoff: provided('routeHandoff'),
      checkBusinessHours: provided('checkBusinessHours'),
      checkAgentAvailability: provided('checkAgentAvailability'),
      enqueueForAgent: provided('enqueueForAgent'),
      cancelQueue: provided('cancelQueue'),
      handOverToTarget: provided('handOverToTarget'),
    },
    actions: {
      sendMessageToUser: record('sendMessageToUser'),
      relayToAgent: record('relayToAgent'),
      relayToUser: record('relayToUser'),
      notify: record('notify'),
    },
  });

  const created = createActor(machine, {
    clock,
    input: {
      conversation: options.conversation ?? chat,
      settings,
      event: { enabled: true, session: 'keepAlive', sendsMessage: true, unmetPrerequisites: [], ...options.event },
      startedAt: T0,
    },
    ...(options.inspect ? { inspect: options.inspect } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
  });
  ref.actor = created;
  created.start();

  const harness: Harness = {
    actor: created,
    machine,
    clock,
    calls,
    actions,
    settings,
    async send(event) {
      created.send(('at' in event ? event : { ...event, at: clock.now() }) as HandoffEvent);
      // A zero-delay timer fires at once in real time; the simulated clock needs a nudge.
      clock.increment(0);
      await flush();
    },
    async advance(ms) {
      const target = clock.now() + ms;
      for (;;) {
        await flush();
        const snapshot = created.getSnapshot();
        const next = snapshot.status === 'active' ? nextDeadline(snapshot) : null;
        if (next === null || next.at > target) break;
        const before = JSON.stringify(snapshot.context.deadlines);
        clock.set(Math.max(clock.now(), next.at));
        await flush();
        // XState's own timer must fire exactly at the deadline the context holds.
        if (JSON.stringify(created.getSnapshot().context.deadlines) === before && created.getSnapshot().status === 'active') {
          throw new Error(`the ${next.timer} timer did not fire at its deadline ${next.at} (state ${stateKey(created.getSnapshot().value)})`);
        }
      }
      clock.set(target);
      await flush();
    },
    state: () => stateKey(created.getSnapshot().value),
    callsOf: <K extends ActorName>(name: K) => calls.filter((c) => c.name === name) as unknown as Call<K>[],
    actionsOf: (type) => actions.filter((a) => a.type === type).map((a) => a.params),
    pending: () => calls.filter((c) => !c.settled && !c.aborted),
  };
  return harness;
}

/**
 * `sent`, naming another handoff than the current, changed nothing but the clock and `ignored`, which
 * says it is stale, and the host was told once (`actionsBefore`: the provided actions before it was sent).
 */
export function expectIgnoredAsStale(h: Harness, before: ReturnType<HandoffActor['getSnapshot']>, sent: { readonly type: string }, actionsBefore: number): void {
  const after = h.actor.getSnapshot();
  expect(after.value).toEqual(before.value);
  expect(withoutClockAndIgnored(after.context)).toEqual(withoutClockAndIgnored(before.context));
  expect(after.context.ignored).toMatchObject({ event: sent.type, reason: 'staleSequence' });
  expect(h.actions.slice(actionsBefore).map((a) => [a.type, a.params])).toEqual([['notify', { kind: 'ignored' }]]);
}
