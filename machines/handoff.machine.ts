// The handoff lifecycle: AI handling → handoff requested → delivering → delegated (routing) → queued
// → live agent, or another agent / a workflow, and back to the AI or ended. Pure: side effects are the
// named actors and actions of `handoffSetup`, which the runtime provides with `.provide()`.
import { and, assign, not } from 'xstate';
import { leavingQueue, liveAgent, postAgentDialog, queued } from './agent-transfer.states.js';
import {
  agentCheckInput,
  buildPayloadInput,
  deliveryInput,
  deliveryStarted,
  handoffOutput,
  initialHandoffContext,
  payloadReceived,
  routeInput,
  routeRecorded,
} from './handoff.logic.js';
import {
  abandoned,
  AI,
  ENDED,
  due,
  errorHandling,
  failed,
  fallback,
  decisionOf,
  handOverTargetOf,
  key,
  notify,
  payloadOf,
  staleIgnored,
  start,
  stop,
  targetFailure,
  timer,
  userCancels,
} from './handoff.parts.js';
import { handoffSetup } from './handoff.setup.js';
import type { AvailabilityResult, BusinessHoursResult, DeliveryReceipt, RouteResult } from './handoff.types.js';

export { initialHandoffContext };

export type {
  HandoffContext,
  HandoffEvent,
  HandoffEventType,
  HandoffInput,
  HandoffOutput,
  HandoffRecord,
} from './handoff.types.js';

function acknowledged({ event }: { event: { output: DeliveryReceipt } }): boolean {
  return event.output.acknowledged;
}
function routedToAgentTransfer({ event }: { event: { output: RouteResult } }): boolean {
  return event.output.decision.target.type === 'agentTransfer';
}
function businessHoursOpen({ event }: { event: { output: BusinessHoursResult } }): boolean {
  return event.output.open;
}
function agentsAvailable({ event }: { event: { output: AvailabilityResult } }): boolean {
  return event.output.available;
}

/**
 * The handoff lifecycle as an XState v5 machine. Provide its actors (`buildPayload`,
 * `deliverToAutomationNode`, `routeHandoff`, `checkBusinessHours`, `checkAgentAvailability`,
 * `enqueueForAgent`, `cancelQueue`, `handOverToTarget`) and actions (`sendMessageToUser`,
 * `relayToAgent`, `relayToUser`, `notify`) with `.provide()`.
 * @example
 * const actor = createActor(handoffMachine.provide({ actors, actions }), { input, inspect });
 * actor.start();
 * actor.send({ type: 'handoff.invoke', reason: 'user_requested', parameters: {}, at: Date.now() });
 */
export const handoffMachine = handoffSetup.createMachine({
  id: 'handoff',
  context: ({ input }) => initialHandoffContext(input),
  initial: 'aiHandling',
  output: ({ context }) => handoffOutput(context),
  on: {
    // A second invoke while a handoff is under way is a no-op, reported as a duplicate.
    'handoff.invoke': { actions: { type: 'ignore', params: { reason: 'duplicate' } } },
    // What the user says while waiting is kept for the agent; nobody answers it.
    'user.message': { actions: 'appendUserMessage' },
    // A tick with no timeout due only moves the clock.
    'clock.tick': { actions: 'syncClock' },
    // An event for another handoff is stale wherever it lands; one for this handoff that the state
    // does not take is unexpected ('*'). The states that take these events check it first too.
    'automation.ack': staleIgnored,
    'automation.error': staleIgnored,
    'agent.offered': staleIgnored,
    'agent.accepted': staleIgnored,
    'agent.rejected': staleIgnored,
    'agent.message': staleIgnored,
    'agent.ended': staleIgnored,
    'queue.update': staleIgnored,
    '*': { guard: 'isHostEvent', actions: { type: 'ignore', params: { reason: 'unexpected' } } },
  },
  states: {
    aiHandling: {
      description: 'The AI owns the conversation; the only state where it may respond.',
      entry: ['allowAi', start('chatIdle')],
      exit: ['silenceAi', stop('chatIdle')],
      after: { chatIdle: timer('chatIdle') },
      on: {
        'handoff.invoke': [
          { guard: not('handoffEnabled'), actions: { type: 'ignore', params: { reason: 'disabled' } } },
          { guard: not('prerequisitesMet'), actions: { type: 'ignore', params: { reason: 'prerequisiteUnmet' } } },
          { target: 'handoffRequested', actions: ['beginHandoff', notify('handoffStarted')] },
        ],
        'user.message': { target: 'aiHandling', reenter: true, actions: 'appendUserMessage' },
        'user.left': { target: 'ended', actions: { type: 'end', params: { reason: 'userLeft' } } },
        'clock.tick': { guard: due('chatIdle'), target: 'ended', actions: [{ type: 'end', params: { reason: 'idle' } }, 'continueTick'] },
      },
    },

    handoffRequested: {
      description: 'Building and validating the payload; a rejection keeps the AI in charge and says why.',
      tags: 'waiting',
      entry: start('stepTimeout'),
      exit: stop('stepTimeout'),
      after: { stepTimeout: timer('stepTimeout') },
      invoke: {
        id: 'buildPayload',
        src: 'buildPayload',
        input: ({ context }) => buildPayloadInput(context),
        onDone: [
          { guard: 'sendsHandoffMessage', target: 'delivering', actions: [assign(({ context, event }) => payloadReceived(context, event.output)), { type: 'sendMessageToUser', params: { kind: 'handoff' } }] },
          { target: 'delivering', actions: assign(({ context, event }) => payloadReceived(context, event.output)) },
        ],
        onError: { target: 'aiHandling', actions: ['recordBuildError', notify('ignored')] },
      },
      on: {
        'clock.tick': { guard: due('stepTimeout'), target: 'aiHandling', actions: ['recordBuildError', notify('ignored'), 'continueTick'] },
        'user.cancel': userCancels,
        'user.left': abandoned,
      },
    },

    delivering: {
      description: 'Delivering the payload to the automation node, retried with backoff.',
      tags: 'waiting',
      initial: 'attempt',
      entry: assign(({ context }) => deliveryStarted(context)),
      on: {
        // An ack also counts while backing off: the automation node did get an earlier attempt.
        'automation.ack': [
          staleIgnored,
          { target: 'delegated', actions: 'markDelivered' },
        ],
        'user.cancel': userCancels,
        'user.left': abandoned,
      },
      states: {
        attempt: {
          entry: ['countAttempt', start('ackTimeout')],
          exit: stop('ackTimeout'),
          after: { ackTimeout: timer('ackTimeout') },
          initial: 'sending',
          on: {
            'automation.error': [
              staleIgnored,
              { guard: 'canRetryDelivery', target: 'backoff', actions: [failed('delivery'), notify('deliveryRetry')] },
              ...errorHandling('delivery'),
            ],
            'clock.tick': [
              { guard: and([due('ackTimeout'), 'canRetryDelivery']), target: 'backoff', actions: [failed('delivery'), notify('deliveryRetry'), 'continueTick'] },
              ...errorHandling('delivery', true),
            ],
          },
          states: {
            sending: {
              invoke: {
                id: 'deliverToAutomationNode',
                src: 'deliverToAutomationNode',
                input: ({ context }) => deliveryInput(context),
                onDone: [{ guard: acknowledged, target: '#handoff.delegated', actions: 'markDelivered' }, { target: 'awaitingAck' }],
                onError: [
                  { guard: 'canRetryDelivery', target: '#handoff.delivering.backoff', actions: [failed('delivery'), notify('deliveryRetry')] },
                  ...errorHandling('delivery'),
                ],
              },
            },
            awaitingAck: {},
          },
        },
        backoff: {
          entry: start('retryBackoff'),
          exit: stop('retryBackoff'),
          after: { retryBackoff: timer('retryBackoff') },
          on: { 'clock.tick': { guard: due('retryBackoff'), target: 'attempt', actions: 'continueTick' } },
        },
      },
    },

    delegated: {
      description: "The automation node owns the conversation: its connection rules pick the target.",
      tags: 'waiting',
      initial: 'routing',
      on: { 'user.cancel': userCancels, 'user.left': abandoned },
      states: {
        routing: {
          entry: start('stepTimeout'),
          exit: stop('stepTimeout'),
          after: { stepTimeout: timer('stepTimeout') },
          invoke: {
            id: 'routeHandoff',
            src: 'routeHandoff',
            input: ({ context }) => routeInput(context),
            onDone: [
              { guard: routedToAgentTransfer, target: 'checkingBusinessHours', actions: [assign(({ context, event }) => routeRecorded(context, event.output)), notify('routed')] },
              { target: '#handoff.withTarget', actions: [assign(({ context, event }) => routeRecorded(context, event.output)), notify('routed')] },
            ],
            onError: errorHandling('routing'),
          },
          on: { 'clock.tick': errorHandling('routing', true) },
        },
        checkingBusinessHours: {
          entry: start('stepTimeout'),
          exit: stop('stepTimeout'),
          after: { stepTimeout: timer('stepTimeout') },
          invoke: {
            id: 'checkBusinessHours',
            src: 'checkBusinessHours',
            input: ({ context }) => agentCheckInput(context),
            onDone: [{ guard: businessHoursOpen, target: 'checkingAvailability' }, ...fallback('outOfHours')],
            onError: errorHandling('businessHours'),
          },
          on: { 'clock.tick': errorHandling('businessHours', true) },
        },
        checkingAvailability: {
          entry: start('stepTimeout'),
          exit: stop('stepTimeout'),
          after: { stepTimeout: timer('stepTimeout') },
          invoke: {
            id: 'checkAgentAvailability',
            src: 'checkAgentAvailability',
            input: ({ context }) => agentCheckInput(context),
            onDone: [{ guard: agentsAvailable, target: '#handoff.queued' }, ...fallback('noAgents')],
            onError: errorHandling('availability'),
          },
          on: { 'clock.tick': errorHandling('availability', true) },
        },
      },
    },

    queued,
    leavingQueue,

    withTarget: {
      description: 'Another conversational agent or a workflow owns the conversation until it reports back.',
      tags: 'waiting',
      initial: 'handingOver',
      on: { 'user.left': { target: 'ended', actions: { type: 'end', params: { reason: 'userLeft' } } } },
      states: {
        handingOver: {
          entry: start('stepTimeout'),
          exit: stop('stepTimeout'),
          after: { stepTimeout: timer('stepTimeout') },
          invoke: {
            id: 'handOverToTarget',
            src: 'handOverToTarget',
            input: ({ context }) => ({
              target: handOverTargetOf(context),
              payload: payloadOf(context),
              decision: decisionOf(context),
              transcript: context.transcript,
              sequence: context.sequence,
              idempotencyKey: key(context, 'handover'),
            }),
            onDone: { target: 'active', actions: notify('handedOver') },
            onError: targetFailure('handover'),
          },
          on: { 'clock.tick': targetFailure('handover', true) },
        },
        active: {
          entry: start('targetTimeout'),
          exit: stop('targetTimeout'),
          after: { targetTimeout: timer('targetTimeout') },
          on: {
            'target.completed': [
              { guard: 'targetCompletionReturnsToAi', target: AI, actions: ['recordTargetResult', { type: 'returnToAi', params: { reason: 'targetCompleted' } }] },
              { target: ENDED, actions: ['recordTargetResult', { type: 'end', params: { reason: 'targetEnded' } }] },
            ],
            'target.failed': targetFailure('target'),
            'clock.tick': targetFailure('target', true),
          },
        },
      },
    },

    liveAgent,
    postAgentDialog,

    ended: {
      description: 'The conversation is over; `context.ended` says why.',
      type: 'final',
    },
  },
});
