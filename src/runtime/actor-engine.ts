// A conversation's state in an XState actor, on a clock that never fires: time comes from the
// `clock.tick` events the runtime sends, so no idle conversation holds a live timer.
import { createActor, type Actor, type InspectionEvent, type Observer, type Snapshot } from 'xstate';
import type { HandoffInput } from '../../machines/handoff.types.js';
import { HandoffError } from '../errors.js';
import type { ConversationEngine } from './conversation-host.js';
import type { PersistedHandoffSnapshot } from './conversation-record.js';
import { bindMachineHost, runtimeHandoffMachine, type MachineHost } from './provided-machine.js';

/** A running handoff actor as the runtime creates it. */
export type HandoffActor = Actor<typeof runtimeHandoffMachine>;

// The machine's `after` timers are only a backup for hosts that run it bare: here every timeout
// fires from the runtime's one deadline scheduler.
const frozenClock = { setTimeout: (): number => 0, clearTimeout: (): void => undefined };

/**
 * Creates (and starts) the actor of one conversation, reporting its invocations and host actions to
 * `host`. A stored snapshot XState cannot restore is `CORRUPT_SNAPSHOT`.
 */
export function createActorEngine(
  conversationId: string,
  source: { readonly input: HandoffInput } | { readonly snapshot: PersistedHandoffSnapshot },
  inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined,
  host: MachineHost,
): ConversationEngine {
  const restored = 'snapshot' in source;
  let actor: HandoffActor;
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
    actor.start();
  } catch (error) {
    if (!restored) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new HandoffError('CORRUPT_SNAPSHOT', `Stored snapshot of conversation "${conversationId}" cannot be restored: ${reason}`, [], { cause: error });
  }
  return {
    kind: 'actor',
    snapshot: () => actor.getSnapshot(),
    persisted: () => actor.getPersistedSnapshot() as unknown as PersistedHandoffSnapshot,
    send(event) {
      actor.send(event as Parameters<HandoffActor['send']>[0]);
      return true;
    },
    stop() {
      actor.stop();
    },
  };
}

function inputOf(snapshot: PersistedHandoffSnapshot): HandoffInput {
  const { conversation, settings, event, now } = snapshot.context;
  return { conversation, settings, event, startedAt: now };
}
