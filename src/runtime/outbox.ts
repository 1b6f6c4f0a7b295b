// Host actions leave the runtime only once the state that produced them is saved: a conflicting save
// drops them and the re-applied event produces them again, so the user never hears a message twice.
import type { HandoffContext } from '../../machines/handoff.types.js';
import type { HandoffConfig } from '../config/config-schema.js';
import { deepFreeze } from '../deep-freeze.js';
import { enqueueIdempotencyKey } from './idempotency-keys.js';
import type { ExpiredOffer, LiveAgentDesk } from './live-agents/live-agent-desk.js';
import { notificationOf, type HandoffNotification, type HandoffNotificationListener, type UserMessageOut } from './notifications.js';
import type { OutboxEntry } from './provided-machine.js';
import type { HandoffRuntimeOptions, RuntimeLogger } from './runtime-options.js';
import { renderUserMessage } from './user-messages.js';

/** Delivers saved host actions: notifications, messages for the user, relays to the live agent. */
export interface Outbox {
  flush(conversationId: string, entries: readonly OutboxEntry[]): void;
  /** Sends one notification to every listener. */
  emit(notification: HandoffNotification): void;
  subscribe(listener: HandoffNotificationListener): () => void;
  /** Whether any listener is subscribed: notifications, and what only they carry, are built only then. */
  readonly listening: boolean;
}

/** What the outbox delivers to. */
export interface OutboxOptions {
  readonly config: HandoffConfig;
  readonly desk: LiveAgentDesk;
  readonly onUserMessage: HandoffRuntimeOptions['onUserMessage'];
  readonly logger: RuntimeLogger | undefined;
}

const describe = (error: unknown): { code: string; message: string } => ({
  code: typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : 'ERROR',
  message: error instanceof Error ? error.message : String(error),
});

/** Creates the outbox. Listener and callback failures are logged and never reach a conversation. */
export function createOutbox(options: OutboxOptions): Outbox {
  const { config, desk, onUserMessage, logger } = options;
  const listeners = new Set<HandoffNotificationListener>();

  const emit = (notification: HandoffNotification): void => {
    // One object for every listener: read-only, so no listener changes what the next one sees.
    deepFreeze(notification);
    for (const listener of listeners) {
      try {
        listener(notification);
      } catch (error) {
        logger?.error?.('A notification listener threw', { conversationId: notification.conversationId, type: notification.type, error });
      }
    }
  };

  const adapterFailed = (conversationId: string, sequence: number, at: number, operation: string, error: unknown): void => {
    logger?.warn?.(`${operation} failed`, { conversationId, error });
    emit({ conversationId, sequence, at, type: 'adapterFailed', operation, ...describe(error) });
  };

  const toUser = (conversationId: string, sequence: number, at: number, message: UserMessageOut): void => {
    // One object for the callback and every listener: read-only, as notifications are.
    deepFreeze(message);
    if (onUserMessage) {
      // Not awaited: a host that sends the next event from its callback must not wait for this one.
      try {
        void Promise.resolve(onUserMessage(conversationId, message)).catch((error: unknown) => {
          adapterFailed(conversationId, sequence, at, 'onUserMessage', error);
        });
      } catch (error) {
        adapterFailed(conversationId, sequence, at, 'onUserMessage', error);
      }
    }
    if (listeners.size > 0) emit({ conversationId, sequence, at, type: 'userMessage', message });
  };

  /** Runs a desk call whose failure (a rejection or a throw) is reported, never raised. */
  const deskCall = (conversationId: string, sequence: number, at: number, operation: string, call: () => Promise<unknown>): void => {
    let pending: Promise<unknown>;
    try {
      pending = call();
    } catch (error) {
      pending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    pending.catch((error: unknown) => {
      adapterFailed(conversationId, sequence, at, operation, error);
    });
  };

  const deliver = (conversationId: string, sequence: number, at: number, entry: OutboxEntry): void => {
    switch (entry.type) {
      case 'notify':
        if (listeners.size > 0) emit(notificationOf(conversationId, entry.kind, entry.context));
        // A queueing step that failed (a timeout above all) may still have reached the desk: take
        // the user out again so no agent picks up a conversation that went elsewhere.
        if (entry.kind === 'failed' && entry.context.failure?.stage === 'enqueue') {
          deskCall(conversationId, sequence, at, 'Cancelling a failed enqueue', () => desk.cancel(conversationId, 'enqueueFailed'));
        }
        // The offer went unanswered: free the agent, or the desk holds her for a user no longer offered.
        // Named, so a withdraw that arrives late leaves a newer offer to the same agent alone.
        if (entry.kind === 'offerExpired' && entry.context.offeredAgentId !== null && desk.withdrawOffer) {
          const { offeredAgentId } = entry.context;
          const offer = expiredOffer(conversationId, entry.context);
          const withdraw = desk.withdrawOffer.bind(desk);
          deskCall(conversationId, sequence, at, 'Withdrawing an expired offer', () => withdraw(conversationId, offeredAgentId, offer));
        }
        break;
      case 'message': {
        // Rendered only for someone to read it: the callback, or a listener of userMessage.
        if (!onUserMessage && listeners.size === 0) break;
        const message = renderUserMessage(config, entry.context, entry.message);
        if (message) toUser(conversationId, sequence, at, message);
        break;
      }
      case 'relayToUser':
        toUser(conversationId, sequence, at, { kind: 'agent', agentId: entry.agentId, text: entry.text });
        break;
      case 'relayToAgent':
        // The machine has no failure path for a relay: the failure is reported, the conversation goes on.
        deskCall(conversationId, sequence, at, 'Relaying a user message to the live agent', () => desk.relayUserMessage(conversationId, entry.text));
        break;
    }
  };

  return {
    flush(conversationId, entries) {
      for (const entry of entries) {
        const { sequence, now: at } = entry.context;
        // The state these belong to is saved already: nothing here may fail the event.
        try {
          deliver(conversationId, sequence, at, entry);
        } catch (error) {
          adapterFailed(conversationId, sequence, at, `Delivering '${entry.type}'`, error);
        }
      }
    },

    emit,

    get listening() {
      return listeners.size > 0;
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** The offer that expired: the enqueue the conversation was queued under (the one `enqueueForAgent` keyed), at the expiry. */
function expiredOffer(conversationId: string, context: HandoffContext): ExpiredOffer | undefined {
  // An offer is only ever made to a queued conversation; without a queue there is no enqueue to name.
  if (context.queue === null) return undefined;
  return {
    sequence: context.sequence,
    enqueueIdempotencyKey: enqueueIdempotencyKey(conversationId, context.sequence, context.queue.scope),
    expiredAt: context.now,
  };
}
