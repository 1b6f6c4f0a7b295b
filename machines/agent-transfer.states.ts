// The agent-transfer part of the handoff lifecycle: the queue with its waiting experience, leaving
// it, the live agent, and the post-agent dialog. Composed into `handoffMachine` as top-level states.
import { and, assign, not } from 'xstate';
import {
  agentTransferOf,
  due,
  errorHandling,
  failed,
  key,
  notify,
  queueExit,
  queueValues,
  required,
  say,
  staleIgnored,
  start,
  stop,
  timer,
} from './handoff.parts.js';
import { enqueueInput, queueInitialMessage, queuePlaced } from './handoff.logic.js';
import { handoffSetup } from './handoff.setup.js';

/** Waiting for a live agent: named agents first, then the queue, with the waiting experience. */
export const queued = handoffSetup.createStateConfig({
  description: 'Waiting for a live agent, named agents first, with the waiting experience.',
  tags: 'waiting',
  initial: 'enqueuing',
  entry: ['enterQueue', start('maxQueueWait', 'queueOffer')],
  exit: stop('maxQueueWait', 'queueOffer'),
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
    'queue.update': [staleIgnored, { actions: 'updateQueue' }],
    // The desk may offer or assign as soon as it has the request, even before the enqueue call returns.
    'agent.offered': [staleIgnored, { target: '.offered', actions: ['offerAgent', notify('agentOffered')] }],
    // Some desks assign without an offer.
    'agent.accepted': [staleIgnored, { target: 'liveAgent', actions: ['connectAgent', notify('agentConnected')] }],
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
        input: ({ context }) => enqueueInput(context),
        onDone: [
          {
            guard: 'wasEscalated',
            target: 'waiting',
            actions: [
              assign(({ context, event }) => queuePlaced(context, event.output)),
              notify('escalatedToQueue'),
            ],
          },
          {
            target: 'waiting',
            actions: [
              assign(({ context, event }) => queuePlaced(context, event.output)),
              say(queueInitialMessage),
              notify('queued'),
            ],
          },
        ],
        onError: errorHandling('enqueue'),
      },
      on: { 'clock.tick': errorHandling('enqueue', true) },
    },
    waiting: {
      entry: start('periodicMessage', 'namedAgentWait'),
      exit: stop('periodicMessage', 'namedAgentWait'),
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
        // Noticed before the offer is cleared, so the notice names the agent whose offer the desk must take back.
        'clock.tick': { guard: due('offerTimeout'), target: 'waiting', actions: [notify('offerExpired'), 'clearOffer', 'continueTick'] },
        'agent.accepted': [
          staleIgnored,
          { guard: 'isOfferedAgent', target: '#handoff.liveAgent', actions: ['connectAgent', notify('agentConnected')] },
          { actions: { type: 'ignore', params: { reason: 'agentMismatch' } } },
        ],
        'agent.rejected': [
          staleIgnored,
          { guard: 'isOfferedAgent', target: 'waiting', actions: 'clearOffer' },
          { actions: { type: 'ignore', params: { reason: 'agentMismatch' } } },
        ],
        // One offer at a time: a repeated offer is a duplicate, another agent's is refused.
        'agent.offered': [
          staleIgnored,
          { guard: 'isOfferedAgent', actions: { type: 'ignore', params: { reason: 'duplicate' } } },
          { actions: { type: 'ignore', params: { reason: 'agentMismatch' } } },
        ],
      },
    },
  },
});

/** Taking the user out of the queue, then on to wherever the exit reason leads. */
export const leavingQueue = handoffSetup.createStateConfig({
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
});

/** One live agent owns the conversation. */
export const liveAgent = handoffSetup.createStateConfig({
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
      staleIgnored,
      {
        guard: 'isConnectedAgent',
        actions: ['appendAgentMessage', { type: 'relayToUser', params: ({ event }) => ({ agentId: event.agentId, text: event.text }) }],
      },
      { actions: { type: 'ignore', params: { reason: 'agentMismatch' } } },
    ],
    'agent.ended': [
      staleIgnored,
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
    'agent.accepted': [staleIgnored, { actions: { type: 'ignore', params: { reason: 'agentAlreadyConnected' } } }],
    'agent.offered': [staleIgnored, { actions: { type: 'ignore', params: { reason: 'agentAlreadyConnected' } } }],
    'user.left': { target: 'ended', actions: { type: 'end', params: { reason: 'userLeft' } } },
    'clock.tick': { guard: due('chatIdle'), target: 'ended', actions: [{ type: 'end', params: { reason: 'idle' } }, 'continueTick'] },
  },
});

/** The post-agent dialog, such as feedback. */
export const postAgentDialog = handoffSetup.createStateConfig({
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
});
