// The handoff machine with every actor and host action provided once, for every conversation: each
// actor system (one per conversation actor) is bound to the host that records its effects and actions.
import { fromPromise } from 'xstate';
import { handoffMachine } from '../../machines/handoff.machine.js';
import type { HandoffContext, NoticeKind, UserMessage } from '../../machines/handoff.types.js';
import type { HandoffActorTypes } from '../../machines/handoff.types.js';
import type { EffectName } from './effects.js';

/** A host action the machine executed, kept until the state it belongs to is saved. */
export type OutboxEntry =
  | { readonly type: 'notify'; readonly kind: NoticeKind; readonly context: HandoffContext }
  | { readonly type: 'message'; readonly message: UserMessage; readonly context: HandoffContext }
  | { readonly type: 'relayToAgent'; readonly agentId: string; readonly text: string; readonly context: HandoffContext }
  | { readonly type: 'relayToUser'; readonly agentId: string; readonly text: string; readonly context: HandoffContext };

/** What a conversation actor reports to: its invoked actors and its host actions. */
export interface MachineHost {
  /** An invoked actor started (or was restored); returns the promise XState awaits. */
  register(name: EffectName, input: unknown, signal: AbortSignal): Promise<unknown>;
  record(entry: OutboxEntry): void;
}

// Keyed by the actor system, which a conversation actor shares with its invoked children.
const hosts = new WeakMap<object, MachineHost>();

/** Binds a conversation actor's system to its host; call it before starting the actor. */
export function bindMachineHost(system: object, host: MachineHost): void {
  hosts.set(system, host);
}

function hostOf(system: object): MachineHost {
  const host = hosts.get(system);
  // Unreachable: the runtime binds every actor it creates before starting it.
  if (!host) throw new Error('agent-handoff runtime: an actor was started without its host');
  return host;
}

const effect = <K extends EffectName>(name: K) =>
  fromPromise<HandoffActorTypes[K]['output'], HandoffActorTypes[K]['input']>(({ input, system, signal }) => hostOf(system as object).register(name, input, signal));

/** The handoff machine as the runtime runs it: effects and host actions go to the actor's host. */
export const runtimeHandoffMachine = handoffMachine.provide({
  actors: {
    buildPayload: effect('buildPayload'),
    deliverToAutomationNode: effect('deliverToAutomationNode'),
    routeHandoff: effect('routeHandoff'),
    checkBusinessHours: effect('checkBusinessHours'),
    checkAgentAvailability: effect('checkAgentAvailability'),
    enqueueForAgent: effect('enqueueForAgent'),
    cancelQueue: effect('cancelQueue'),
    handOverToTarget: effect('handOverToTarget'),
  },
  actions: {
    sendMessageToUser: ({ context, system }, params: UserMessage) => {
      hostOf(system as object).record({ type: 'message', message: params, context });
    },
    relayToAgent: ({ context, system }, params: { agentId: string; text: string }) => {
      hostOf(system as object).record({ type: 'relayToAgent', agentId: params.agentId, text: params.text, context });
    },
    relayToUser: ({ context, system }, params: { agentId: string; text: string }) => {
      hostOf(system as object).record({ type: 'relayToUser', agentId: params.agentId, text: params.text, context });
    },
    notify: ({ context, system }, params: { kind: NoticeKind }) => {
      hostOf(system as object).record({ type: 'notify', kind: params.kind, context });
    },
  },
});
