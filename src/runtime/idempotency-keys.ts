// The idempotency keys of a handoff's steps after its delivery: the same in every process, so a desk
// or a hand-over target can tell a retry from a new request.
import type { QueueScope } from '../../machines/handoff.types.js';
import { deliveryIdempotencyKey } from './delivery/automation-node.js';

/** The idempotency key of a step of a handoff other than its delivery (`<delivery key>:<step>`). */
export function stepIdempotencyKey(conversationId: string, sequence: number, step: string): string {
  return `${deliveryIdempotencyKey(conversationId, sequence)}:${step}`;
}

/** The key of a handoff's enqueue in `scope` (`<delivery key>:enqueue:queue`), which its offers go back to. */
export function enqueueIdempotencyKey(conversationId: string, sequence: number, scope: QueueScope): string {
  return stepIdempotencyKey(conversationId, sequence, `enqueue:${scope}`);
}
