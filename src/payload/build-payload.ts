import { z } from 'zod';
import { HandoffError, type HandoffIssue } from '../errors.js';
import type { HandoffConfig } from '../config/config-schema.js';
import type { HandoffEventConfig } from '../config/event-schema.js';
import { assertPrerequisites } from '../config/prerequisites.js';
import { createMasker, maskJsonValue } from '../masking/mask.js';
import { parameterError, resolveSystemParameters, templateError, validateLlmParameters, type HandoffParameters } from './parameters.js';
import {
  conversationSchema,
  handoffInvocationSchema,
  handoffPayloadSchema,
  type Conversation,
  type ConversationInput,
  type HandoffInvocation,
  type HandoffInvocationInput,
  type HandoffPayload,
} from './payload-schema.js';

/** What an event processor sees besides the parameters. */
export interface HandoffProcessorContext {
  readonly conversation: Conversation;
  readonly invocation: HandoffInvocation;
  readonly event: HandoffEventConfig;
}

/**
 * A host function that transforms or validates the parameters after the event fires and before
 * delivery: return new parameters, or nothing to keep its (possibly edited) copy; throw to stop.
 */
export type HandoffEventProcessor = (
  parameters: HandoffParameters,
  context: HandoffProcessorContext,
) => HandoffParameters | undefined | Promise<HandoffParameters | undefined>;

/** Options of `buildHandoffPayload`. */
export interface BuildHandoffPayloadOptions {
  /** The clock for `firedAt`; the system clock by default. */
  readonly now?: () => Date;
  /** Runs on the unmasked parameters; masking applies to what it returns. */
  readonly processor?: HandoffEventProcessor;
}

const parametersSchema = z.record(z.string(), z.json());

/**
 * Builds the payload delivered to the automation node when the Agent Handoff Event fires: it checks
 * the prerequisites, validates the conversation (at this edge, whatever its static type) and what the model supplied, resolves the system
 * parameters, runs the event processor, masks sensitive data, and validates the result.
 * @throws HandoffError: `PREREQUISITE_FAILED`, `INVALID_INPUT`, `MISSING_PARAMETERS`,
 * `INVALID_PARAMETERS`, `TEMPLATE_UNRESOLVED`, `PROCESSOR_FAILED` or `INVALID_PAYLOAD`; nothing is built then.
 * @example
 * const payload = await buildHandoffPayload(config, conversation, {
 *   reason: 'user_requested',
 *   parameters: { interactionSummary: 'Wants to dispute a charge', sentiment: 'negative' },
 * });
 */
export async function buildHandoffPayload(
  config: HandoffConfig,
  conversation: ConversationInput,
  invocation: HandoffInvocationInput,
  options: BuildHandoffPayloadOptions = {},
): Promise<HandoffPayload> {
  const parsedConversation = conversationSchema.safeParse(conversation);
  if (!parsedConversation.success) throw HandoffError.fromZod('INVALID_INPUT', 'conversation', parsedConversation.error);
  const convo = parsedConversation.data;
  assertPrerequisites(config, { channel: convo.channel });
  const call = parseInvocation(invocation);
  const { event } = config;

  const llm = validateLlmParameters(event, call.parameters);
  if (llm.issues.length > 0) throw parameterError(llm.issues);
  const system = resolveSystemParameters(event, convo);
  if (system.issues.length > 0) throw templateError(system.issues);
  const collected: HandoffParameters = { ...llm.parameters, ...system.parameters };

  const processed = options.processor ? await runProcessor(options.processor, collected, { conversation: convo, invocation: call, event }) : collected;

  const mask = createMasker(event.masking);
  const parameters: HandoffParameters = {};
  for (const [key, value] of Object.entries(processed)) {
    const sendAsIs = event.masking.unmaskedParameters.includes(key);
    Object.defineProperty(parameters, key, { value: sendAsIs ? value : maskJsonValue(value, mask), enumerable: true, writable: true, configurable: true });
  }
  const firedAt = (options.now ?? (() => new Date()))();
  if (Number.isNaN(firedAt.getTime())) throw new HandoffError('INVALID_INPUT', 'Expected options.now to return a valid Date.');

  const payload = {
    automationNode: event.automationNode,
    sessionId: convo.sessionId,
    userId: convo.userId,
    channel: convo.channel,
    language: convo.language,
    reason: call.reason,
    parameters,
    ...(convo.transcript ? { transcript: convo.transcript.map((entry) => ({ ...entry, text: mask(entry.text) })) } : {}),
    firedAt: firedAt.toISOString(),
    context: { steps: { [event.automationNode]: { ...parameters } } },
  };
  const checked = handoffPayloadSchema.safeParse(payload);
  if (!checked.success) throw HandoffError.fromZod('INVALID_PAYLOAD', 'handoff payload', checked.error);
  return checked.data;
}

function parseInvocation(invocation: unknown): HandoffInvocation {
  // zod drops a `__proto__` key while parsing a record; report it rather than lose it silently.
  const raw: unknown = typeof invocation === 'object' && invocation !== null ? Reflect.get(invocation, 'parameters') : undefined;
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, '__proto__')) {
    const issue = { code: 'reserved_parameter', path: ['parameters', '__proto__'], message: "Expected a parameter name other than '__proto__'" };
    throw new HandoffError('INVALID_PARAMETERS', `Invalid parameters: ${issue.message}.`, [issue]);
  }
  const parsed = handoffInvocationSchema.safeParse(invocation);
  if (parsed.success) return parsed.data;
  const aboutParameters = parsed.error.issues.every((issue) => issue.path[0] === 'parameters' && issue.path.length > 1);
  throw HandoffError.fromZod(aboutParameters ? 'INVALID_PARAMETERS' : 'INVALID_INPUT', 'handoff invocation', parsed.error);
}

async function runProcessor(processor: HandoffEventProcessor, parameters: HandoffParameters, context: HandoffProcessorContext): Promise<HandoffParameters> {
  // The processor gets its own copy, so editing it in place cannot reach the caller's objects.
  const copy = structuredClone(parameters);
  let result: HandoffParameters | undefined;
  try {
    result = await processor(copy, context);
  } catch (cause) {
    const issues: readonly HandoffIssue[] = cause instanceof HandoffError ? cause.issues : [];
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new HandoffError('PROCESSOR_FAILED', `The event processor failed, so nothing was sent: ${reason}`, issues, { cause });
  }
  const checked = parametersSchema.safeParse(result ?? copy);
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => ({ ...issue, path: ['parameters', ...issue.path] }));
    throw new HandoffError('PROCESSOR_FAILED', 'The event processor returned parameters that are not a JSON object of JSON values, so nothing was sent.', issues);
  }
  return checked.data;
}
