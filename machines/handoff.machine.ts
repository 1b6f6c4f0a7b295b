// The handoff lifecycle: AI handling → handoff requested → delivering → delegated (routing) → queued
// → live agent, or another agent / a workflow, and back to the AI or ended. Pure: side effects are the
// named actors and actions of `handoffSetup`, which the runtime provides with `.provide()`.
import { and, assign, not } from 'xstate';
import type { HandoffPayload } from '../src/payload/payload-schema.js';
import type { AgentTransferParams } from '../src/routing/target-schema.js';
import { handoffSetup, type FallbackName } from './handoff.setup.js';
import type {
  AvailabilityResult,
  BusinessHoursResult,
  DeliveryReceipt,
  FailureStage,
  HandoffContext,
  HandoffInput,
  HandOverTarget,
  NoticeKind,
  RouteResult,
  TimerName,
  UserMessage,
} from './handoff.types.js';

export type {
  HandoffContext,
  HandoffEvent,
  HandoffEventType,
  HandoffInput,
  HandoffOutput,
} from './handoff.types.js';

const AI = '#handoff.aiHandling';
const ENDED = '#handoff.ended';

// ---- Small builders that keep the state definitions below readable ---------------------------

const due = (timer: TimerName) => ({ type: 'isDue', params: { timer } }) as const;
const start = (timer: TimerName) => ({ type: 'startTimer', params: { timer } }) as const;
const stop = (timer: TimerName) => ({ type: 'stopTimer', params: { timer } }) as const;
/** An XState timer only raises a `clock.tick` at its deadline; the tick handlers take the transition. */
const timer = (t: TimerName) => ({ guard: { type: 'isPending', params: { timer: t } }, actions: { type: 'raiseTick', params: { timer: t } } }) as const;
const notify = (kind: NoticeKind) => ({ type: 'notify', params: { kind } }) as const;
const say = (message: (context: HandoffContext) => UserMessage) =>
  ({ type: 'sendMessageToUser', params: ({ context }: { context: HandoffContext }) => message(context) }) as const;
const failed = (stage: FailureStage) => ({ type: 'recordFailure', params: { stage } }) as const;

const failureMessage = say((c) => ({ kind: 'failure', text: c.settings.delivery.onFailure.message }));
const targetFailedMessage = say((c) => ({ kind: 'targetFailed', text: c.settings.target.onFailure.message }));
const queueValues = (c: HandoffContext): Record<string, string | number> => ({
  ...(c.queue?.position != null ? { 'queue.position': c.queue.position } : {}),
  ...(c.queue?.estimatedWaitSeconds != null ? { 'queue.waitTime': c.queue.estimatedWaitSeconds } : {}),
  'queue.offer': c.settings.agentTransfer.waitingExperience.offer,
});

/** The automation node's error handling: a message to the user, then back to the AI or end. */
const errorHandling = (stage: FailureStage, tick = false) =>
  [
    {
      guard: tick ? and([due(stepTimerOf(stage)), 'errorHandlingReturnsToAi']) : 'errorHandlingReturnsToAi',
      target: AI,
      actions: [failed(stage), failureMessage, notify('failed'), { type: 'returnToAi', params: { reason: 'failed' } }, ...(tick ? (['continueTick'] as const) : [])],
    },
    {
      ...(tick ? { guard: due(stepTimerOf(stage)) } : {}),
      target: ENDED,
      actions: [failed(stage), failureMessage, notify('failed'), { type: 'end', params: { reason: 'failed' } }],
    },
  ] as const;

/** The timer whose expiry counts as the stage's failure. */
function stepTimerOf(stage: FailureStage): TimerName {
  return stage === 'delivery' ? 'ackTimeout' : stage === 'target' ? 'targetTimeout' : 'stepTimeout';
}

/** A target's failure: its own message, then back to the AI or end. */
const targetFailure = (stage: 'handover' | 'target', tick = false) =>
  [
    {
      guard: tick ? and([due(stepTimerOf(stage)), 'targetFailureReturnsToAi']) : 'targetFailureReturnsToAi',
      target: AI,
      actions: [failed(stage), targetFailedMessage, notify('failed'), { type: 'returnToAi', params: { reason: 'targetFailed' } }, ...(tick ? (['continueTick'] as const) : [])],
    },
    {
      ...(tick ? { guard: due(stepTimerOf(stage)) } : {}),
      target: ENDED,
      actions: [failed(stage), targetFailedMessage, notify('failed'), { type: 'end', params: { reason: 'failed' } }],
    },
  ] as const;

/** An Agent Transfer fallback: its message, then back to the AI, or a callback, a voicemail, or the end. */
const fallback = (name: FallbackName) =>
  [
    { guard: { type: 'fallbackReturnsToAi', params: { fallback: name } }, target: AI, actions: { type: 'fallbackToAi', params: { fallback: name } } },
    { target: ENDED, actions: { type: 'fallbackToEnd', params: { fallback: name } } },
  ] as const;

/** Out of the queue (or failing to get out of it: the user leaves either way), per the exit reason. */
const queueExit = (extra: readonly ('continueTick' | ReturnType<typeof failed>)[] = [], when?: ReturnType<typeof due>) =>
  [
    { guard: when ? and([when, 'queueExitReturnsToAi']) : 'queueExitReturnsToAi', target: AI, actions: [...extra, 'leaveQueueToAi'] },
    { ...(when ? { guard: when } : {}), target: ENDED, actions: [...extra, 'leaveQueueToEnd'] },
  ] as const;

/** The user cancels waiting: back to the AI, or end when the AI session was terminated. */
const userCancels = [
  { guard: 'canReturnToAi', target: AI, actions: [notify('handoffCancelled'), { type: 'returnToAi', params: { reason: 'userCancelled' } }] },
  { target: ENDED, actions: [notify('handoffCancelled'), { type: 'end', params: { reason: 'userCancelled', detail: 'aiSessionTerminated' } }] },
] as const;

const abandoned = { target: ENDED, actions: { type: 'end', params: { reason: 'abandoned' } } } as const;

// ---- Context helpers ---------------------------------------------------------------------------

function required<T>(value: T | null | undefined, what: string): T {
  // Unreachable by construction (the states that read these are only entered once they are set).
  if (value === null || value === undefined) throw new Error(`handoff machine: ${what} is not set in this state`);
  return value;
}

const payloadOf = (c: HandoffContext): HandoffPayload => required(c.payload, 'the payload');

function agentTransferOf(c: HandoffContext): AgentTransferParams {
  const target = required(c.decision, 'the routing decision').target;
  if (target.type !== 'agentTransfer') throw new Error(`handoff machine: expected an agentTransfer target, got '${target.type}'`);
  return target.params;
}

function handOverTargetOf(c: HandoffContext): HandOverTarget {
  const target = required(c.decision, 'the routing decision').target;
  if (target.type === 'agentTransfer') throw new Error('handoff machine: an agentTransfer target is queued, not handed over');
  return target;
}

const key = (c: HandoffContext, step: string): string => `${c.conversation.sessionId}:${c.sequence}:${step}`;

/** The context a new conversation starts with. */
export function initialHandoffContext(input: HandoffInput): HandoffContext {
  const size = input.settings.session.transcriptExcerptSize;
  const transcript = input.conversation.transcript ?? [];
  return {
    conversation: input.conversation,
    settings: input.settings,
    event: input.event,
    now: input.startedAt,
    deadlines: {},
    sequence: 0,
    invocation: null,
    payload: null,
    decision: null,
    explanation: null,
    transcript: size === 0 ? [] : transcript.slice(-size),
    deliveryAttempts: 0,
    queue: null,
    offeredAgentId: null,
    agentId: null,
    voiceTransfer: null,
    agentReturnReason: null,
    targetResult: null,
    aiMayRespond: true,
    aiSessionTerminated: false,
    ignored: null,
    failure: null,
    returned: null,
    ended: null,
  };
}

function payloadPatch(context: HandoffContext, payload: HandoffPayload): Partial<HandoffContext> {
  const size = context.settings.session.transcriptExcerptSize;
  const fromPayload = payload.transcript;
  return { payload, ...(fromPayload !== undefined ? { transcript: size === 0 ? [] : fromPayload.slice(-size) } : {}) };
}

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
  output: ({ context }) => ({ ended: context.ended, sequence: context.sequence }),
  on: {
    // A second invoke while a handoff is under way is a no-op, reported as a duplicate.
    'handoff.invoke': { actions: { type: 'ignore', params: { reason: 'duplicate' } } },
    // What the user says while waiting is kept for the agent; nobody answers it.
    'user.message': { actions: 'appendUserMessage' },
    // A tick with no timeout due only moves the clock.
    'clock.tick': { actions: 'syncClock' },
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
        input: ({ context }) => ({
          invocation: required(context.invocation, 'the invocation'),
          conversation: { ...context.conversation, transcript: [...context.transcript] },
          sequence: context.sequence,
          firedAt: context.now,
        }),
        onDone: [
          { guard: 'sendsHandoffMessage', target: 'delivering', actions: [assign(({ context, event }) => payloadPatch(context, event.output)), { type: 'sendMessageToUser', params: { kind: 'handoff' } }] },
          { target: 'delivering', actions: assign(({ context, event }) => payloadPatch(context, event.output)) },
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
      entry: assign({ deliveryAttempts: 0 }),
      on: {
        // An ack also counts while backing off: the automation node did get an earlier attempt.
        'automation.ack': [
          { guard: 'isStale', actions: { type: 'ignore', params: { reason: 'staleSequence' } } },
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
              { guard: 'isStale', actions: { type: 'ignore', params: { reason: 'staleSequence' } } },
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
                input: ({ context }) => ({
                  payload: payloadOf(context),
                  sequence: context.sequence,
                  attempt: context.deliveryAttempts,
                  idempotencyKey: key(context, 'delivery'),
                }),
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
            input: ({ context }) => ({ payload: payloadOf(context), sequence: context.sequence }),
            onDone: [
              { guard: routedToAgentTransfer, target: 'checkingBusinessHours', actions: [assign(({ event }) => ({ decision: event.output.decision, explanation: event.output.explanation })), notify('routed')] },
              { target: '#handoff.withTarget', actions: [assign(({ event }) => ({ decision: event.output.decision, explanation: event.output.explanation })), notify('routed')] },
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
            input: ({ context }) => ({ target: agentTransferOf(context), payload: payloadOf(context), sequence: context.sequence, at: context.now }),
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
            input: ({ context }) => ({ target: agentTransferOf(context), payload: payloadOf(context), sequence: context.sequence, at: context.now }),
            onDone: [{ guard: agentsAvailable, target: '#handoff.queued' }, ...fallback('noAgents')],
            onError: errorHandling('availability'),
          },
          on: { 'clock.tick': errorHandling('availability', true) },
        },
      },
    },

    queued: {
      description: 'Waiting for a live agent, named agents first, with the waiting experience.',
      tags: 'waiting',
      initial: 'enqueuing',
      entry: ['enterQueue', start('maxQueueWait'), start('queueOffer')],
      exit: [stop('maxQueueWait'), stop('queueOffer')],
      after: { maxQueueWait: timer('maxQueueWait'), queueOffer: timer('queueOffer') },
      on: {
        'clock.tick': [
          { guard: due('maxQueueWait'), target: 'leavingQueue', actions: [{ type: 'setQueueExit', params: { reason: 'maxQueueWait' } }, 'continueTick'] },
          {
            guard: due('queueOffer'),
            actions: [
              stop('queueOffer'),
              'markOfferMade',
              say((c) => ({ kind: 'queueOffer', text: c.settings.agentTransfer.waitingExperience.offerMessage, values: queueValues(c) })),
              'continueTick',
            ],
          },
        ],
        'queue.update': { actions: 'updateQueue' },
        // The desk may offer or assign as soon as it has the request, even before the enqueue call returns.
        'agent.offered': { target: '.offered', actions: ['offerAgent', notify('agentOffered')] },
        // Some desks assign without an offer.
        'agent.accepted': { target: 'liveAgent', actions: ['connectAgent', notify('agentConnected')] },
        'user.cancel': { target: 'leavingQueue', actions: { type: 'setQueueExit', params: { reason: 'userCancelled' } } },
        'user.left': { target: 'leavingQueue', actions: { type: 'setQueueExit', params: { reason: 'userLeft' } } },
        'user.acceptOffer': [
          { guard: 'offerMade', target: 'leavingQueue', actions: { type: 'setQueueExit', params: { reason: 'offerAccepted' } } },
          { actions: { type: 'ignore', params: { reason: 'noOffer' } } },
        ],
      },
      states: {
        enqueuing: {
          entry: start('stepTimeout'),
          exit: stop('stepTimeout'),
          after: { stepTimeout: timer('stepTimeout') },
          invoke: {
            id: 'enqueueForAgent',
            src: 'enqueueForAgent',
            input: ({ context }) => ({
              target: agentTransferOf(context),
              scope: required(context.queue, 'the queue').scope,
              payload: payloadOf(context),
              decision: required(context.decision, 'the routing decision'),
              explanation: context.explanation,
              transcript: context.transcript,
              sequence: context.sequence,
              idempotencyKey: key(context, `enqueue:${required(context.queue, 'the queue').scope}`),
            }),
            onDone: [
              {
                guard: 'wasEscalated',
                target: 'waiting',
                actions: [
                  assign(({ context, event }) => (context.queue ? { queue: { ...context.queue, ...positionOf(event.output) } } : {})),
                  notify('escalatedToQueue'),
                ],
              },
              {
                target: 'waiting',
                actions: [
                  assign(({ context, event }) => (context.queue ? { queue: { ...context.queue, ...positionOf(event.output) } } : {})),
                  say((c) => ({ kind: 'queueInitial', text: c.settings.agentTransfer.waitingExperience.initialMessage, values: queueValues(c) })),
                  notify('queued'),
                ],
              },
            ],
            onError: errorHandling('enqueue'),
          },
          on: { 'clock.tick': errorHandling('enqueue', true) },
        },
        waiting: {
          entry: [start('periodicMessage'), start('namedAgentWait')],
          exit: [stop('periodicMessage'), stop('namedAgentWait')],
          after: { periodicMessage: timer('periodicMessage'), namedAgentWait: timer('namedAgentWait') },
          on: {
            'clock.tick': [
              {
                guard: due('periodicMessage'),
                target: 'waiting',
                reenter: true,
                actions: [
                  say((c) => ({ kind: 'queuePeriodic', text: c.settings.agentTransfer.waitingExperience.periodicMessage, values: queueValues(c) })),
                  'continueTick',
                ],
              },
              { guard: due('namedAgentWait'), target: 'enqueuing', actions: ['escalateToQueue', 'continueTick'] },
            ],
          },
        },
        offered: {
          entry: start('offerTimeout'),
          exit: stop('offerTimeout'),
          after: { offerTimeout: timer('offerTimeout') },
          on: {
            'clock.tick': { guard: due('offerTimeout'), target: 'waiting', actions: ['clearOffer', notify('offerExpired'), 'continueTick'] },
            'agent.accepted': [
              { guard: 'isOfferedAgent', target: '#handoff.liveAgent', actions: ['connectAgent', notify('agentConnected')] },
              { actions: { type: 'ignore', params: { reason: 'agentMismatch' } } },
            ],
            'agent.rejected': [
              { guard: 'isOfferedAgent', target: 'waiting', actions: 'clearOffer' },
              { actions: { type: 'ignore', params: { reason: 'agentMismatch' } } },
            ],
            // One offer at a time: a repeated offer is a duplicate, another agent's is refused.
            'agent.offered': [
              { guard: 'isOfferedAgent', actions: { type: 'ignore', params: { reason: 'duplicate' } } },
              { actions: { type: 'ignore', params: { reason: 'agentMismatch' } } },
            ],
          },
        },
      },
    },

    leavingQueue: {
      description: 'Taking the user out of the queue, then on to wherever the exit reason leads.',
      tags: 'waiting',
      entry: start('stepTimeout'),
      exit: stop('stepTimeout'),
      after: { stepTimeout: timer('stepTimeout') },
      invoke: {
        id: 'cancelQueue',
        src: 'cancelQueue',
        input: ({ context }) => ({
          target: agentTransferOf(context),
          sequence: context.sequence,
          reason: required(context.queue?.exitReason, 'the queue exit reason'),
          idempotencyKey: key(context, 'cancelQueue'),
        }),
        onDone: queueExit(),
        onError: queueExit([failed('cancelQueue')]),
      },
      on: {
        'clock.tick': queueExit([failed('cancelQueue'), 'continueTick'], due('stepTimeout')),
        'user.left': { actions: { type: 'setQueueExit', params: { reason: 'userLeft' } } },
      },
    },

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
              decision: required(context.decision, 'the routing decision'),
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

    liveAgent: {
      description: 'One live agent owns the conversation; messages are relayed and the AI stays silent.',
      entry: start('chatIdle'),
      exit: stop('chatIdle'),
      after: { chatIdle: timer('chatIdle') },
      on: {
        'user.message': {
          target: 'liveAgent',
          reenter: true,
          actions: [
            'appendUserMessage',
            { type: 'relayToAgent', params: ({ context, event }) => ({ agentId: context.agentId ?? '', text: event.text }) },
          ],
        },
        'agent.message': [
          {
            guard: 'isConnectedAgent',
            actions: ['appendAgentMessage', { type: 'relayToUser', params: ({ event }) => ({ agentId: event.agentId, text: event.text }) }],
          },
          { actions: { type: 'ignore', params: { reason: 'agentMismatch' } } },
        ],
        'agent.ended': [
          { guard: not('isConnectedAgent'), actions: { type: 'ignore', params: { reason: 'agentMismatch' } } },
          // A refer dropped the bot's call leg: nothing can resume after the agent.
          { guard: 'botLeftTheCall', target: 'ended', actions: ['recordAgentEnd', { type: 'end', params: { reason: 'agentEnded', detail: 'refer' } }] },
          {
            guard: { type: 'afterAgentIs', params: { then: 'returnToAi' } },
            target: 'aiHandling',
            actions: ['recordAgentEnd', { type: 'returnToAi', params: { reason: 'agentEnded' } }],
          },
          { guard: { type: 'afterAgentIs', params: { then: 'dialog' } }, target: 'postAgentDialog', actions: ['recordAgentEnd', notify('postAgentDialog')] },
          { target: 'ended', actions: ['recordAgentEnd', { type: 'end', params: { reason: 'agentEnded' } }] },
        ],
        'agent.accepted': { actions: { type: 'ignore', params: { reason: 'agentAlreadyConnected' } } },
        'agent.offered': { actions: { type: 'ignore', params: { reason: 'agentAlreadyConnected' } } },
        'user.left': { target: 'ended', actions: { type: 'end', params: { reason: 'userLeft' } } },
        'clock.tick': { guard: due('chatIdle'), target: 'ended', actions: [{ type: 'end', params: { reason: 'idle' } }, 'continueTick'] },
      },
    },

    postAgentDialog: {
      description: 'A post-agent dialog such as feedback runs; then back to the AI or end.',
      tags: 'waiting',
      entry: start('dialogTimeout'),
      exit: stop('dialogTimeout'),
      after: { dialogTimeout: timer('dialogTimeout') },
      on: {
        'dialog.completed': [
          { guard: 'afterDialogReturnsToAi', target: 'aiHandling', actions: { type: 'returnToAi', params: { reason: 'dialogCompleted' } } },
          { target: 'ended', actions: { type: 'end', params: { reason: 'dialogEnded' } } },
        ],
        'clock.tick': [
          {
            guard: and([due('dialogTimeout'), 'afterDialogReturnsToAi']),
            target: 'aiHandling',
            actions: [{ type: 'returnToAi', params: { reason: 'dialogCompleted' } }, 'continueTick'],
          },
          { guard: due('dialogTimeout'), target: 'ended', actions: [{ type: 'end', params: { reason: 'dialogEnded' } }, 'continueTick'] },
        ],
        'user.left': { target: 'ended', actions: { type: 'end', params: { reason: 'userLeft' } } },
      },
    },

    ended: {
      description: 'The conversation is over; `context.ended` says why.',
      type: 'final',
    },
  },
});

function positionOf(output: { readonly position?: number; readonly estimatedWaitSeconds?: number }): {
  position?: number;
  estimatedWaitSeconds?: number;
} {
  return {
    ...(output.position !== undefined ? { position: output.position } : {}),
    ...(output.estimatedWaitSeconds !== undefined ? { estimatedWaitSeconds: output.estimatedWaitSeconds } : {}),
  };
}
