// Full handoff lifecycles per second through the bare machine (invoke → delivered → routed →
// queued → accepted → ended, provided actors that resolve at once), and heap per live actor, each
// beside bare XState figures for trivial machines measured in the same run.
import { createActor, createMachine, fromPromise, setup, SimulatedClock, type AnyStateMachine } from 'xstate';
import { defaultLifecycleSettings } from '../dist/src/config/lifecycle-schema.js';
import type { HandoffPayload } from '../dist/src/payload/payload-schema.js';
import { handoffMachine } from '../dist/machines/handoff.machine.js';
import type { HandoffActorTypes, HandoffInput } from '../dist/machines/handoff.types.js';
import { heading, heapUsed, measure, printComparison } from './support.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const payload: HandoffPayload = {
  automationNode: 'LiveAgentHandoff',
  sessionId: 'bench',
  userId: 'user',
  channel: 'chat',
  language: 'en',
  reason: 'user_requested',
  parameters: { summary: 'refund' },
  firedAt: '2025-06-02T09:00:00.000Z',
  context: { steps: { LiveAgentHandoff: { summary: 'refund' } } },
};

const settings = defaultLifecycleSettings();
settings.agentTransfer.afterAgent.then = 'end';
const input: HandoffInput = {
  conversation: { sessionId: 'bench', userId: 'user', channel: 'chat', language: 'en' },
  settings,
  event: { enabled: true, session: 'keepAlive', sendsMessage: true, unmetPrerequisites: [] },
  startedAt: Date.UTC(2025, 5, 2, 9),
};

const noop = (): void => undefined;
/** A provided step that resolves at once. */
const step = <K extends keyof HandoffActorTypes>(_name: K, answer: () => HandoffActorTypes[K]['output']) =>
  fromPromise<HandoffActorTypes[K]['output'], HandoffActorTypes[K]['input']>(() => Promise.resolve(answer()));
const machine = handoffMachine.provide({
  actors: {
    buildPayload: step('buildPayload', () => payload),
    deliverToAutomationNode: step('deliverToAutomationNode', () => ({ acknowledged: true })),
    routeHandoff: step('routeHandoff', () => ({
      decision: { target: { type: 'agentTransfer' as const, params: { queue: 'support', priority: 5, waitForAgentSeconds: 30 } }, rule: 'r' },
      explanation: null,
    })),
    checkBusinessHours: step('checkBusinessHours', () => ({ open: true })),
    checkAgentAvailability: step('checkAgentAvailability', () => ({ available: true })),
    enqueueForAgent: step('enqueueForAgent', () => ({ position: 1 })),
    cancelQueue: step('cancelQueue', () => undefined),
    handOverToTarget: step('handOverToTarget', () => undefined),
  },
  actions: { sendMessageToUser: noop, relayToAgent: noop, relayToUser: noop, notify: noop },
});

/** A trivial machine: six synchronous transitions. */
const trivial = createMachine({
  initial: 's0',
  states: {
    s0: { on: { next: 's1' } },
    s1: { on: { next: 's2' } },
    s2: { on: { next: 's3' } },
    s3: { on: { next: 's4' } },
    s4: { on: { next: 's5' } },
    s5: { on: { next: 'done' } },
    done: { type: 'final' },
  },
});

/** One run of the trivial machine: start, six events. Also the machine-speed yardstick of the runtime suite. */
export function trivialMachineRun(): void {
  const actor = createActor(trivial).start();
  for (let i = 0; i < 6; i++) actor.send({ type: 'next' });
}

/** A trivial machine with the same shape of work: five invoked promise steps, then an event. */
const trivialSteps = setup({ actors: { step: fromPromise(() => Promise.resolve(1)) } }).createMachine({
  initial: 'a',
  states: {
    a: { invoke: { src: 'step', onDone: 'b' } },
    b: { invoke: { src: 'step', onDone: 'c' } },
    c: { invoke: { src: 'step', onDone: 'd' } },
    d: { invoke: { src: 'step', onDone: 'e' } },
    e: { invoke: { src: 'step', onDone: 'f' } },
    f: { on: { next: 'done' } },
    done: { type: 'final' },
  },
});

async function lifecycle(clock: SimulatedClock): Promise<void> {
  const actor = createActor(machine, { input, clock }).start();
  actor.send({ type: 'handoff.invoke', reason: 'user_requested', parameters: { summary: 'refund' }, at: input.startedAt });
  await settle();
  actor.send({ type: 'agent.offered', agentId: 'a1' });
  actor.send({ type: 'agent.accepted', agentId: 'a1' });
  actor.send({ type: 'agent.ended', agentId: 'a1' });
  if (actor.getSnapshot().status !== 'done') throw new Error(`lifecycle did not end: ${JSON.stringify(actor.getSnapshot().value)}`);
}

/** Heap per live actor: `count` actors started and driven to `drive`, kept alive while measured. */
async function heapPerActor(logic: AnyStateMachine, count: number, drive: (actor: ReturnType<typeof createActor<AnyStateMachine>>) => void, actorInput?: unknown): Promise<number> {
  const clock = new SimulatedClock();
  const before = heapUsed();
  const actors = [];
  for (let i = 0; i < count; i++) {
    const actor = createActor(logic, { clock, ...(actorInput === undefined ? {} : { input: actorInput }) }).start();
    drive(actor);
    actors.push(actor);
  }
  await settle();
  const after = heapUsed();
  for (const actor of actors) actor.stop();
  return (after - before) / count;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** Runs the lifecycle benchmarks. */
export default async function (): Promise<void> {
  heading('Handoff lifecycle (bare machine, provided actors resolve at once)');
  const clock = new SimulatedClock();
  const full = await measure('full lifecycle: invoke → … → ended', () => lifecycle(clock), { batch: 20 });
  const trivialSync = await measure('bare XState: trivial machine, 6 events', trivialMachineRun);
  const trivialAsync = await measure('bare XState: 5 promise steps + 1 event', async () => {
    const actor = createActor(trivialSteps).start();
    await settle();
    actor.send({ type: 'next' });
  }, { batch: 20 });
  printComparison(full, [trivialAsync, trivialSync]);

  heading('Heap per live actor (2,000 actors each, after a full GC)');
  const count = 2000;
  const queued = await heapPerActor(machine, count, (actor) => {
    actor.send({ type: 'handoff.invoke', reason: 'user_requested', parameters: { summary: 'refund' }, at: input.startedAt });
  }, input);
  const idle = await heapPerActor(machine, count, () => undefined, input);
  const bare = await heapPerActor(trivial, count, () => undefined);
  console.log(`  ${'handoff actor waiting in the queue (3 timers)'.padEnd(52)} ${kb(queued).padStart(10)}`);
  console.log(`  ${'handoff actor in aiHandling (1 timer)'.padEnd(52)} ${kb(idle).padStart(10)}`);
  console.log(`  ${'bare XState: trivial machine actor'.padEnd(52)} ${kb(bare).padStart(10)}   → queued handoff actor is ${(queued / bare).toFixed(1)}x`);
}
