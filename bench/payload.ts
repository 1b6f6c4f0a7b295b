// The cost of building one handoff payload for a small, ordinary handoff, beside a hand-written
// function that builds the same object literally: the ratio is what validation and masking cost.
import { defaultHandoffConfig } from '../dist/src/config/default-config.js';
import { buildHandoffPayload } from '../dist/src/payload/build-payload.js';
import type { ConversationInput, HandoffInvocationInput, HandoffPayload } from '../dist/src/payload/payload-schema.js';
import { heading, measure, printComparison } from './support.js';

// What the runtime bench sends: the default config, a chat conversation, a refund request.
const config = defaultHandoffConfig();
const conversation: ConversationInput = { sessionId: 's-1', userId: 'u-1', channel: 'chat', language: 'en', memory: { userProfile: { firstName: 'Ada' } } };
const invocation: HandoffInvocationInput = { reason: 'user_requested', parameters: { interactionSummary: 'Wants a refund for a double charge.', sentiment: 'negative' } };
const now = (): Date => new Date(1_750_000_000_000);

/**
 * The same payload, written out by hand: no validation, no masking, no templates. Async like the
 * subject, so the ratio is the cost of validation and masking, not of a promise.
 */
function literalPayload(convo: ConversationInput, call: HandoffInvocationInput): Promise<HandoffPayload> {
  const parameters = {
    interactionSummary: call.parameters?.['interactionSummary'] ?? '',
    sentiment: call.parameters?.['sentiment'] ?? '',
    firstName: 'Ada',
    source: 'agentic-app',
  };
  return Promise.resolve({
    automationNode: 'LiveAgentHandoff',
    sessionId: convo.sessionId,
    userId: convo.userId,
    channel: convo.channel,
    language: convo.language,
    reason: call.reason,
    parameters,
    firedAt: now().toISOString(),
    context: { steps: { LiveAgentHandoff: { ...parameters } } },
  });
}

/** Prints the cost of `buildHandoffPayload` beside the literal payload. */
export default async function payloadBench(): Promise<void> {
  heading('Handoff payload: buildHandoffPayload for the default config, beside the same object written by hand');
  // Both must build the same payload, or the comparison means nothing.
  const built = JSON.stringify(await buildHandoffPayload(config, conversation, invocation, { now }));
  if (built !== JSON.stringify(await literalPayload(conversation, invocation))) throw new Error(`the reference builds a different payload: ${built}`);
  const subject = await measure('buildHandoffPayload (validated, masked)', () => buildHandoffPayload(config, conversation, invocation, { now }));
  const reference = await measure('literal payload (no validation, no masking)', () => literalPayload(conversation, invocation));
  printComparison(subject, [reference]);
}
