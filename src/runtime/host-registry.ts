// Where a conversation's host comes from: the few most recently used stay in memory, every other
// one is rehydrated from its stored snapshot on its next event.
import type { HandoffSnapshotLike } from '../../machines/handoff.selectors.js';
import type { HandoffInput } from '../../machines/handoff.types.js';
import { HandoffError } from '../errors.js';
import { createConversationHost, type ConversationHost, type HostOptions } from './conversation-host.js';
import { decodeConversation, type SharedContext } from './conversation-record.js';
import type { ConversationStore } from './store/store.js';

/** Hands out conversation hosts; one task per conversation holds its host at a time (the mailbox sees to it). */
export interface HostRegistry {
  /**
   * The host of a stored conversation: from memory at once, or a promise of it restored from the
   * store (always when `fresh`). Most events find their host in memory, so they wait for nothing.
   */
  acquire(conversationId: string, fresh: boolean): ConversationHost | Promise<ConversationHost>;
  /** A host for a new conversation (not saved yet). */
  create(conversationId: string, input: HandoffInput): ConversationHost;
  /** Gives a host back after a task: kept in memory while there is room, else stopped. */
  release(host: ConversationHost): void;
  /** The stored state of a conversation, without creating an actor. */
  read(conversationId: string): Promise<{ readonly version: number; readonly snapshot: HandoffSnapshotLike }>;
  /** Stops the host of a conversation if it is in memory (before its record is deleted). */
  forget(conversationId: string): void;
  /** Stops every host in memory. */
  clear(): void;
  /** How many idle hosts are in memory. */
  readonly size: number;
}

/** Options of `createHostRegistry`. */
export interface HostRegistryOptions extends HostOptions {
  readonly store: ConversationStore;
  readonly shared: SharedContext;
  readonly maxLiveActors: number;
}

/** The error for an event or a read of a conversation nobody started. */
export function unknownConversationError(conversationId: string): HandoffError {
  return new HandoffError('UNKNOWN_CONVERSATION', `There is no conversation "${conversationId}": start it with runtime.start() first`);
}

/** Creates the registry: an LRU of idle hosts (a `Map` in use order) in front of the store. */
export function createHostRegistry(options: HostRegistryOptions): HostRegistry {
  const { store, shared, maxLiveActors } = options;
  const hostOptions: HostOptions = { inspect: options.inspect, direct: options.direct };
  const idle = new Map<string, ConversationHost>();

  const load = async (conversationId: string) => {
    const stored = await store.load(conversationId);
    if (!stored) throw unknownConversationError(conversationId);
    return { version: stored.version, decoded: decodeConversation(conversationId, stored.snapshot, shared) };
  };

  return {
    acquire(conversationId, fresh) {
      const cached = idle.get(conversationId);
      if (cached) {
        idle.delete(conversationId);
        if (!fresh) return cached;
        cached.discard();
      }
      return load(conversationId).then(({ version, decoded }) =>
        createConversationHost(conversationId, { snapshot: decoded.snapshot, version, recentEventIds: decoded.recentEventIds }, hostOptions),
      );
    },

    create: (conversationId, input) => createConversationHost(conversationId, { input }, hostOptions),

    release(host) {
      if (host.discarded) return;
      // An ended conversation takes no events, and another runtime may delete it and start the id
      // again: its next event reads the store rather than answer from a copy that may be stale.
      if (host.snapshot().status !== 'active') {
        host.discard();
        return;
      }
      host.preferDirect();
      if (maxLiveActors <= 0) {
        host.discard();
        return;
      }
      idle.set(host.conversationId, host);
      while (idle.size > maxLiveActors) {
        const oldest = idle.keys().next().value;
        if (oldest === undefined) break;
        idle.get(oldest)?.discard();
        idle.delete(oldest);
      }
    },

    async read(conversationId) {
      const { version, decoded } = await load(conversationId);
      return { version, snapshot: decoded.snapshot };
    },

    forget(conversationId) {
      idle.get(conversationId)?.discard();
      idle.delete(conversationId);
    },

    clear() {
      for (const host of idle.values()) host.discard();
      idle.clear();
    },

    get size() {
      return idle.size;
    },
  };
}
