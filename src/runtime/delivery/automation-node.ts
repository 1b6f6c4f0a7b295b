import type { HandoffPayload } from '../../payload/payload-schema.js';
import type { JsonValue } from '../json-value.js';

/** One handoff to deliver: the payload, and the key that makes a repeated delivery harmless. */
export interface DeliveryRequest {
  readonly conversationId: string;
  /** The handoff's number within the conversation: 1 for the first handoff, 2 for the next, … */
  readonly sequence: number;
  /** The same for every attempt and every process that delivers this handoff, e.g. `deliveryIdempotencyKey(conversationId, sequence)`. */
  readonly idempotencyKey: string;
  readonly payload: HandoffPayload;
  /** Aborts the delivery (for example when the runtime closes); an aborted delivery fails, it is not retried. */
  readonly signal?: AbortSignal;
}

/** Proof that the automation node took the handoff. */
export interface DeliveryReceipt {
  /** Attempts made, the successful one included. */
  readonly attempts: number;
  /** True when this answer is the acknowledgement itself; false when the node acknowledges later (HTTP 202). */
  readonly acknowledged: boolean;
  /** The HTTP status of the successful attempt, when the transport is HTTP. */
  readonly status?: number;
  /** What the node answered: parsed JSON when it answered JSON, text otherwise, `undefined` when empty. */
  readonly response?: JsonValue;
}

/**
 * Delivers a handoff payload to the automation node.
 *
 * Error contract: `deliver` resolves with a receipt once the node has the payload, and otherwise
 * rejects with `HandoffError('DELIVERY_FAILED')` after its own retries (an implementation may
 * reject with any error; the runtime treats every rejection as a failed delivery). It never
 * resolves for a payload the node did not take. The node must treat a repeated
 * `idempotencyKey` as the same handoff: that is what makes a redelivery after a crash harmless.
 */
export interface AutomationNodeAdapter {
  deliver(request: DeliveryRequest): Promise<DeliveryReceipt>;
}

/**
 * The idempotency key of a conversation's `sequence`-th handoff: the id, percent-encoded so the
 * key is a valid header value and unambiguous, a colon, then the sequence (`support%3A42:1`).
 */
export function deliveryIdempotencyKey(conversationId: string, sequence: number): string {
  return `${encodeURIComponent(conversationId)}:${sequence}`;
}
