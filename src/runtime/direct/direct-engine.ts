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
  return new DirectEngine(initial, invoke, host);
}

/** A class, so every conversation's engine shares its methods. */
class DirectEngine implements ConversationEngine {
  readonly kind = 'direct';

  constructor(
    private current: PersistedHandoffSnapshot,
    private readonly invoke: DirectInvoke,
    private readonly host: MachineHost,
  ) {}

  snapshot(): PersistedHandoffSnapshot {
    return this.current;
  }

  persisted(): PersistedHandoffSnapshot {
    return this.current;
  }

  send(event: Parameters<ConversationEngine['send']>[0]): boolean {
    const result = directTransition(this.current, event as DirectEvent);
    if (!result) return false;
    this.current = result.snapshot;
    for (const action of result.actions) this.host.record(action);
    for (const { name, input } of result.invoked) this.invoke(name, input);
    return true;
  }

  stop(): void {
    // Nothing runs on its own on the direct path: the runtime runs its steps.
  }
}
