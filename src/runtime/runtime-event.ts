// The edge of the runtime: a host event is validated here, once, before it reaches a conversation.
import { HandoffError } from '../errors.js';
import { parseHandoffEvent, type HandoffEventInput } from '../events/event-schema.js';
import type { HandoffEvent } from '../../machines/handoff.types.js';

/** The longest event id the runtime keeps; ids are stored in every snapshot, so they stay short. */
export const maxEventIdLength = 200;

/**
 * A host event as `runtime.send` accepts it: a lifecycle event as written (defaults optional) or as
 * the machine types it (what the testing kit's arbitraries generate), optionally with an `id` for
 * redelivery detection.
 */
export type RuntimeEventInput = (HandoffEventInput | HandoffEvent) & { readonly id?: string };

/** A validated host event and its redelivery id, when it has one. */
export interface ParsedRuntimeEvent {
  readonly event: HandoffEvent;
  readonly id: string | undefined;
}

/**
 * Validates a host event: the `id` here, everything else with the event schema. A bad event fails
 * with `INVALID_EVENT` and its issues; nothing about the conversation has been touched yet.
 */
export function parseRuntimeEvent(value: unknown): ParsedRuntimeEvent {
  if (typeof value !== 'object' || value === null || !('id' in value)) return { event: parseHandoffEvent(value), id: undefined };
  const { id, ...rest } = value as { readonly id: unknown };
  if (typeof id !== 'string' || id.length === 0 || id.length > maxEventIdLength) {
    const message = `Expected the event id to be a string of 1 to ${maxEventIdLength} characters, got ${typeof id === 'string' ? `${id.length} characters` : typeof id}`;
    throw new HandoffError('INVALID_EVENT', `Invalid handoff event: $.id: ${message}`, [{ code: 'invalid_id', path: ['id'], message }]);
  }
  return { event: parseHandoffEvent(rest), id };
}
