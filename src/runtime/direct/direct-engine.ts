// A conversation's state on the direct path: a snapshot in XState's persisted shape, advanced by the
// direct transitions; an event they do not cover is refused, and the host hands it to an actor.
import type { ConversationEngine } from '../conversation-host.js';
import type { PersistedHandoffSnapshot } from '../conversation-record.js';
import type { EffectName } from '../effects.js';
import type { MachineHost } from '../provided-machine.js';
import type { DirectEvent } from './direct-step.js';
import { directTransition } from './direct-transitions.js';

/** Starts a step the direct path invoked. */
export type DirectInvoke = (name: EffectName, input: unknown) => void;

/** A conversation on the direct path from its snapshot: a new one's (`directInitialSnapshot`) or one with no invocation running. */
export function directEngineFrom(initial: PersistedHandoffSnapshot, invoke: DirectInvoke, host: MachineHost): ConversationEngine {
  let snapshot = initial;
  return {
    kind: 'direct',
    snapshot: () => snapshot,
    persisted: () => snapshot,
    send(event) {
      const result = directTransition(snapshot, event as DirectEvent);
      if (!result) return false;
      snapshot = result.snapshot;
      for (const action of result.actions) host.record(action);
      for (const { name, input } of result.invoked) invoke(name, input);
      return true;
    },
    stop: () => undefined,
  };
}
