// The transitions the direct path takes without an XState actor: the common lifecycle (invoke →
// payload → delivered → routed → open → available → queued → offered → connected → ended or back to
// the AI), the events that come often while it runs (user and agent messages, queue updates) and
// clock ticks with nothing due. Each one mirrors the machine's definition in machines/, step by step;
// anything else (a failure, a timeout, a guard that does not hold, an event for another handoff) is
// left to the actor.
// test/runtime/direct-path.property.test.ts runs random conversations both ways and compares them.
import type { StateValue } from 'xstate';
import {
  afterAgentIs,
  agentCheckInput,
  agentConnected,
  agentEndRecorded,
  agentOffered,
  attemptCounted,
  botLeftTheCall,
  buildPayloadInput,
  deliveryAcknowledged,
  deliveryInput,
  deliveryStarted,
  endRecorded,
  enqueueInput,
  handoffBegun,
  handoffEnabled,
  initialHandoffContext,
  isConnectedAgent,
  isOfferedAgent,
  isStaleSequence,
  payloadReceived,
  prerequisitesMet,
  queueEntered,
  queueInitialMessage,
  queuePlaced,
  returnRecorded,
  routeInput,
  routeRecorded,
  sendsHandoffMessage,
  messageRecorded,
  queueUpdated,
  wasEscalated,
} from '../../../machines/handoff.logic.js';
import { stateKey } from '../../../machines/handoff.selectors.js';
import { earliestDeadlineAt, eventTime } from '../../../machines/handoff.time.js';
import type { AvailabilityResult, BusinessHoursResult, DeliveryReceipt, EnqueueResult, HandoffInput, RouteResult } from '../../../machines/handoff.types.js';
import type { HandoffPayload } from '../../payload/payload-schema.js';
import type { PersistedHandoffSnapshot } from '../conversation-record.js';
import { deepFreeze } from '../../deep-freeze.js';
import { DirectStep, type DirectEvent, type DirectResult } from './direct-step.js';

/** A transition out of one state on one event type: its result, or `undefined` when the actor must take it. */
type Transition = (step: DirectStep, snapshot: PersistedHandoffSnapshot) => DirectResult | undefined;

// Shared by every conversation's snapshot (and view): frozen, so no holder can change them for all.
const delivering: StateValue = deepFreeze({ delivering: { attempt: 'sending' } });
const routing: StateValue = deepFreeze({ delegated: 'routing' });
const checkingBusinessHours: StateValue = deepFreeze({ delegated: 'checkingBusinessHours' });
const checkingAvailability: StateValue = deepFreeze({ delegated: 'checkingAvailability' });
const enqueuing: StateValue = deepFreeze({ queued: 'enqueuing' });
const waiting: StateValue = deepFreeze({ queued: 'waiting' });
const offered: StateValue = deepFreeze({ queued: 'offered' });

/** The output of the step whose done event this is, typed as the machine's `onDone` reads it. */
const outputOf = (step: DirectStep): unknown => (step.event as { readonly output: unknown }).output;

/** aiHandling's exit actions. */
const leaveAi = (step: DirectStep): DirectStep => step.assign({ aiMayRespond: false }).stopTimers('chatIdle');
/** aiHandling's entry actions. */
const enterAi = (step: DirectStep): DirectStep => step.assign({ aiMayRespond: true }).startTimers('chatIdle');
/** The `queued` state's exit, from whichever of its children is active. */
const leaveQueue = (step: DirectStep, child: 'waiting' | 'offered'): DirectStep =>
  (child === 'waiting' ? step.stopTimers('periodicMessage', 'namedAgentWait') : step.stopTimers('offerTimeout')).stopTimers('maxQueueWait', 'queueOffer');
/** The message kept in the transcript. */
const recordMessage = (step: DirectStep): DirectStep => step.assign(messageRecorded(step.context, step.event));
/** The desk's queue update. */
const updateQueue = (step: DirectStep, value: StateValue): DirectResult => step.assign(queueUpdated(step.context, step.event)).to(value);

/** An agent accepted: the live agent owns the conversation. */
const connect = (step: DirectStep): DirectResult => step.assign(agentConnected(step.context, step.event)).notify('agentConnected').startTimers('chatIdle').to('liveAgent');

const transitions: Readonly<Record<string, Readonly<Record<string, Transition>>>> = {
  aiHandling: {
    'handoff.invoke': (step) => {
      if (!handoffEnabled(step.context) || !prerequisitesMet(step.context)) return undefined;
      leaveAi(step).assign(handoffBegun(step.context, step.event)).notify('handoffStarted').startTimers('stepTimeout');
      return step.invoke('buildPayload', buildPayloadInput(step.context)).to('handoffRequested');
    },
    // Re-entered: the idle timeout starts over.
    'user.message': (step) => enterAi(recordMessage(leaveAi(step))).to('aiHandling'),
  },

  handoffRequested: {
    'xstate.done.actor.buildPayload': (step) => {
      step.stopTimers('stepTimeout').stopChild('buildPayload').assign(payloadReceived(step.context, (outputOf(step) as HandoffPayload)));
      if (sendsHandoffMessage(step.context)) step.say({ kind: 'handoff' });
      step.assign(deliveryStarted(step.context)).assign(attemptCounted(step.context)).startTimers('ackTimeout');
      return step.invoke('deliverToAutomationNode', deliveryInput(step.context)).to(delivering);
    },
  },

  'delivering.attempt.sending': {
    'xstate.done.actor.deliverToAutomationNode': (step) => {
      if (!(outputOf(step) as DeliveryReceipt).acknowledged) return undefined;
      const { update, terminates } = deliveryAcknowledged(step.context, step.event);
      step.stopChild('deliverToAutomationNode').stopTimers('ackTimeout').assign(update).notify('delivered');
      if (terminates) step.notify('aiSessionTerminated');
      return step.startTimers('stepTimeout').invoke('routeHandoff', routeInput(step.context)).to(routing);
    },
  },

  'delegated.routing': {
    'xstate.done.actor.routeHandoff': (step) => {
      const result = (outputOf(step) as RouteResult);
      if (result.decision.target.type !== 'agentTransfer') return undefined;
      step.stopTimers('stepTimeout').stopChild('routeHandoff').assign(routeRecorded(step.context, result)).notify('routed').startTimers('stepTimeout');
      return step.invoke('checkBusinessHours', agentCheckInput(step.context)).to(checkingBusinessHours);
    },
  },

  'delegated.checkingBusinessHours': {
    'xstate.done.actor.checkBusinessHours': (step) => {
      if (!(outputOf(step) as BusinessHoursResult).open) return undefined;
      step.stopTimers('stepTimeout').stopChild('checkBusinessHours').startTimers('stepTimeout');
      return step.invoke('checkAgentAvailability', agentCheckInput(step.context)).to(checkingAvailability);
    },
  },

  'delegated.checkingAvailability': {
    'xstate.done.actor.checkAgentAvailability': (step) => {
      if (!(outputOf(step) as AvailabilityResult).available) return undefined;
      step.stopTimers('stepTimeout').stopChild('checkAgentAvailability');
      step.assign(queueEntered(step.context, step.event)).startTimers('maxQueueWait', 'queueOffer').startTimers('stepTimeout');
      return step.invoke('enqueueForAgent', enqueueInput(step.context)).to(enqueuing);
    },
  },

  'queued.enqueuing': {
    'xstate.done.actor.enqueueForAgent': (step) => {
      const escalated = wasEscalated(step.context);
      step.stopTimers('stepTimeout').stopChild('enqueueForAgent').assign(queuePlaced(step.context, (outputOf(step) as EnqueueResult)));
      if (escalated) step.notify('escalatedToQueue');
      else step.say(queueInitialMessage(step.context)).notify('queued');
      return step.startTimers('periodicMessage', 'namedAgentWait').to(waiting);
    },
  },

  'queued.waiting': {
    'agent.offered': (step) =>
      step.stopTimers('periodicMessage', 'namedAgentWait').assign(agentOffered(step.event)).notify('agentOffered').startTimers('offerTimeout').to(offered),
    // Some desks assign without an offer.
    'agent.accepted': (step) => connect(leaveQueue(step, 'waiting')),
    'queue.update': (step) => updateQueue(step, waiting),
  },

  'queued.offered': {
    'agent.accepted': (step) => (isOfferedAgent(step.context, step.event) ? connect(leaveQueue(step, 'offered')) : undefined),
    'queue.update': (step) => updateQueue(step, offered),
  },

  liveAgent: {
    // Re-entered: the idle timeout starts over; the agent gets the message.
    'user.message': (step) => {
      recordMessage(step.stopTimers('chatIdle'));
      const text = step.event.type === 'user.message' ? step.event.text : '';
      step.relay({ type: 'relayToAgent', agentId: step.context.agentId ?? '', text });
      return step.startTimers('chatIdle').to('liveAgent');
    },
    'agent.message': (step) => {
      if (!isConnectedAgent(step.context, step.event) || step.event.type !== 'agent.message') return undefined;
      const { agentId, text } = step.event;
      return recordMessage(step).relay({ type: 'relayToUser', agentId, text }).to('liveAgent');
    },
    'agent.ended': (step) => {
      const { context, event } = step;
      if (!isConnectedAgent(context, event)) return undefined;
      // The guards in the machine's order: a refer, then what the settings say follows the agent.
      const refer = botLeftTheCall(context);
      step.stopTimers('chatIdle').assign(agentEndRecorded(step.context, event));
      if (!refer && afterAgentIs(context, 'returnToAi')) {
        step.assign(returnRecorded(step.context, event, 'agentEnded')).notify('returnedToAi');
        return enterAi(step).to('aiHandling');
      }
      if (!refer && afterAgentIs(context, 'dialog')) return step.notify('postAgentDialog').startTimers('dialogTimeout').to('postAgentDialog');
      return step.assign(endRecorded(step.context, event, refer ? { reason: 'agentEnded', detail: 'refer' } : { reason: 'agentEnded' })).notify('ended').toEnded();
    },
  },
};

/** Events every waiting state handles the same way, at the machine's root. */
const anywhere: Readonly<Record<string, Transition>> = {
  // What the user says while waiting is kept for the agent (aiHandling and liveAgent have their own).
  'user.message': (step, snapshot) => recordMessage(step).to(snapshot.value),
  // A tick with nothing due only moves the clock (every state's own tick handlers wait for a due timer).
  'clock.tick': (step, snapshot) => {
    const at = eventTime(snapshot.context, step.event);
    const next = earliestDeadlineAt(snapshot.context.deadlines);
    if (next !== null && next <= at) return undefined;
    return step.assign({ now: at }).to(snapshot.value);
  },
};

/** The snapshot a new conversation starts with, as the actor's initial state. */
export function directInitialSnapshot(input: HandoffInput): PersistedHandoffSnapshot {
  const initial: PersistedHandoffSnapshot = { status: 'active', value: 'aiHandling', context: initialHandoffContext(input), children: {}, historyValue: {} };
  return enterAi(new DirectStep(initial, { type: 'clock.tick', at: input.startedAt })).to('aiHandling').snapshot;
}

/** The transition `event` takes from `snapshot` on the direct path, or `undefined` when the actor must take it. */
export function directTransition(snapshot: PersistedHandoffSnapshot, event: DirectEvent): DirectResult | undefined {
  // An event for another handoff is ignored as stale in every state: the actor's to record, here
  // once for every transition, so none added later can take it.
  if (snapshot.status !== 'active' || isStaleSequence(snapshot.context, event)) return undefined;
  const transition = transitionsOutOf(snapshot.value)?.[event.type] ?? anywhere[event.type];
  return transition?.(new DirectStep(snapshot, event), snapshot);
}

// The shared state values above, found by identity: no dotted key is built (and hashed) per event.
const tablesByValue = new Map<StateValue, Readonly<Record<string, Transition>> | undefined>(
  [delivering, routing, checkingBusinessHours, checkingAvailability, enqueuing, waiting, offered].map((value) => [value, transitions[stateKey(value)]]),
);

/** The transitions out of the state `value` names. */
function transitionsOutOf(value: StateValue): Readonly<Record<string, Transition>> | undefined {
  if (typeof value === 'string') return transitions[value];
  return tablesByValue.get(value) ?? transitions[stateKey(value)];
}
