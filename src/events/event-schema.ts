import { z } from 'zod';
import { HandoffError } from '../errors.js';
import { parseHostJson } from '../json-cycles.js';
import { handoffReasons } from '../payload/payload-schema.js';
import { agentReturnReasons, type HandoffEvent } from '../../machines/handoff.types.js';

/** The latest time a JavaScript Date can hold (year 275760): beyond it, no timestamp can be written. */
const latestTime = 8_640_000_000_000_000;
/** Epoch milliseconds when the event happened; the machine's clock advances to it. */
const epochMs = z.number().int().nonnegative().max(latestTime);
const at = epochMs.optional();
const agentId = z.string().min(1);
const sequence = z.number().int().min(1).optional();

/**
 * Every event a host may send to the handoff lifecycle, validated at the edge: exact dotted type
 * names, strict payloads, and an optional `at` stamp on each. The automation node's and the desk's
 * events may name their handoff with `sequence`.
 */
export const handoffEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('handoff.invoke'), reason: z.enum(handoffReasons), parameters: z.record(z.string(), z.json()).default({}), at }),
  z.strictObject({ type: z.literal('user.message'), text: z.string(), at }),
  z.strictObject({ type: z.literal('user.cancel'), at }),
  z.strictObject({ type: z.literal('user.left'), how: z.enum(['left', 'hangup']), at }),
  z.strictObject({ type: z.literal('user.acceptOffer'), at }),
  z.strictObject({ type: z.literal('automation.ack'), sequence, at }),
  z.strictObject({ type: z.literal('automation.error'), message: z.string(), retryable: z.boolean().optional(), sequence, at }),
  z.strictObject({ type: z.literal('agent.offered'), agentId, sequence, at }),
  z.strictObject({ type: z.literal('agent.accepted'), agentId, sequence, at }),
  z.strictObject({ type: z.literal('agent.rejected'), agentId, reason: z.string().optional(), sequence, at }),
  z.strictObject({ type: z.literal('agent.message'), agentId, text: z.string(), sequence, at }),
  z.strictObject({ type: z.literal('agent.ended'), agentId, returnReason: z.enum(agentReturnReasons).optional(), sequence, at }),
  z.strictObject({ type: z.literal('queue.update'), position: z.number().int().min(0), estimatedWaitSeconds: z.number().min(0), sequence, at }),
  z.strictObject({ type: z.literal('target.completed'), result: z.json().optional(), at }),
  z.strictObject({ type: z.literal('target.failed'), message: z.string(), at }),
  z.strictObject({ type: z.literal('dialog.completed'), result: z.json().optional(), at }),
  z.strictObject({ type: z.literal('clock.tick'), at: epochMs }),
]);

/** A host event as it may be written before validation (defaults optional). */
export type HandoffEventInput = z.input<typeof handoffEventSchema>;

/** Every host event type, in protocol order. */
export const handoffEventTypes = handoffEventSchema.options.map((option) => option.shape.type.value);

/** Validates a host event; a bad one fails with `INVALID_EVENT` and the zod issues attached. */
export function parseHandoffEvent(value: unknown): HandoffEvent {
  const result = parseHostJson('INVALID_EVENT', 'handoff event', () => handoffEventSchema.safeParse(value));
  if (!result.success) throw HandoffError.fromZod('INVALID_EVENT', 'handoff event', result.error);
  return result.data;
}
