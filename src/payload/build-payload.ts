import { z } from 'zod';
import { HandoffError, type HandoffIssue } from '../errors.js';
import { parseHostJson } from '../json-cycles.js';
import type { HandoffConfig } from '../config/config-schema.js';
import type { HandoffEventConfig } from '../config/event-schema.js';
import { assertPrerequisites } from '../config/prerequisites.js';
import { maskJsonValue, maskerFor, type TextMasker } from '../masking/mask.js';
import { readBuiltPayload, readConversation, readInvocation, readParameters } from './fast-parse.js';
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
import { fourDigitIsoTimestamp } from './iso-timestamp.js';
import { setOwn } from '../set-own.js';

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
  const convo = parseConversation(conversation);
  assertPrerequisites(config, { channel: convo.channel });
  return payloadFrom(config, convo, parseInvocation(invocation), options);
}

/**
 * `buildHandoffPayload` for a conversation and an invocation validated where they entered (the
 * runtime's, parsed at `start` and from the `handoff.invoke` event): parsing them again would only
 * copy them. The payload is still checked against its schema.
 */
export function buildPayloadFromValidated(config: HandoffConfig, convo: Conversation, call: HandoffInvocation, options: BuildHandoffPayloadOptions): Promise<HandoffPayload> {
  assertPrerequisites(config, { channel: convo.channel });
  return payloadFrom(config, convo, call, options);
}

async function payloadFrom(config: HandoffConfig, convo: Conversation, call: HandoffInvocation, options: BuildHandoffPayloadOptions): Promise<HandoffPayload> {
  const { event } = config;

  const llm = validateLlmParameters(event, call.parameters);
  if (llm.issues.length > 0) throw parameterError(llm.issues);
  const system = resolveSystemParameters(event, convo);
  if (system.issues.length > 0) throw templateError(system.issues);
  const processed = options.processor
    ? await runProcessor(options.processor, { ...llm.parameters, ...system.parameters }, { conversation: convo, invocation: call, event })
    : undefined;
  // Read after the processor, which is handed the event and so could edit its masking settings.
  const mask = maskerFor(event.masking);
  const { unmaskedParameters } = event.masking;
  // The LLM's parameters then the system's; without a processor each value is masked straight into
  // the payload's, with no unmasked object of both built first.
  const parameters: HandoffParameters = {};
  if (processed) {
    maskParametersInto(parameters, processed, mask, unmaskedParameters);
  } else {
    maskParametersInto(parameters, llm.parameters, mask, unmaskedParameters);
    maskParametersInto(parameters, system.parameters, mask, unmaskedParameters);
  }
  const firedAt = (options.now ?? (() => new Date()))();
  if (Number.isNaN(firedAt.getTime())) throw new HandoffError('INVALID_INPUT', 'Expected options.now to return a valid Date.');

  const transcript = convo.transcript?.map((entry) => ({ ...entry, text: mask(entry.text) }));
  const { automationNode } = event;
  const { sessionId, userId, channel, language } = convo;
  const { reason } = call;
  const formatted = fourDigitIsoTimestamp(firedAt);
  const firedAtText = formatted ?? firedAt.toISOString();
  const context = { steps: { [automationNode]: { ...parameters } } };
  // Keys in the schema's order, the transcript only when there is one; written out, because V8 copies
  // a spread that is not the first in a literal on a slow path.
  const payload: HandoffPayload =
    transcript === undefined
      ? { automationNode, sessionId, userId, channel, language, reason, parameters, firedAt: firedAtText, context }
      : { automationNode, sessionId, userId, channel, language, reason, parameters, transcript, firedAt: firedAtText, context };
  // Built here from parsed parts, so a full parse would only copy it: the fast check passes it as it
  // is, and anything it is not sure of (a year past 9999, a config edited into an invalid state, a
  // processor that edited the conversation) still goes through the schema. A timestamp formatted
  // above has toISOString's four-digit form, which the schema accepts, so it is not tested again.
  const read = readBuiltPayload(payload, { firedAtKnownValid: formatted !== undefined });
  if (read !== undefined) return read;
  const checked = handoffPayloadSchema.safeParse(payload);
  if (!checked.success) throw HandoffError.fromZod('INVALID_PAYLOAD', 'handoff payload', checked.error);
  return checked.data;
}

/** Copies `from` into `to`, masking each value unless `unmasked` lists its key. */
function maskParametersInto(to: HandoffParameters, from: HandoffParameters, mask: TextMasker, unmasked: readonly string[]): void {
  for (const key of Object.keys(from)) {
    const value = from[key] as HandoffParameters[string];
    setOwn(to, key, unmasked.includes(key) ? value : maskJsonValue(value, mask));
  }
}

/** Validates a conversation at the edge (`INVALID_INPUT` with zod's issues); the common case skips zod. */
export function parseConversation(conversation: unknown): Conversation {
  // The fast reader returns what the schema would for the common case; the schema decides the rest.
  const read = readConversation(conversation);
  if (read !== undefined) return read;
  const parsed = parseHostJson('INVALID_INPUT', 'conversation', () => conversationSchema.safeParse(conversation));
  if (!parsed.success) throw HandoffError.fromZod('INVALID_INPUT', 'conversation', parsed.error);
  return parsed.data;
}

function parseInvocation(invocation: unknown): HandoffInvocation {
  // zod drops a `__proto__` key while parsing a record; report it rather than lose it silently.
  const raw: unknown = typeof invocation === 'object' && invocation !== null ? Reflect.get(invocation, 'parameters') : undefined;
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, '__proto__')) {
    const issue = { code: 'reserved_parameter', path: ['parameters', '__proto__'], message: "Expected a parameter name other than '__proto__'" };
    throw new HandoffError('INVALID_PARAMETERS', `Invalid parameters: ${issue.message}.`, [issue]);
  }
  const read = readInvocation(invocation);
  if (read !== undefined) return read;
  const parsed = parseHostJson('INVALID_PARAMETERS', 'handoff invocation', () => handoffInvocationSchema.safeParse(invocation));
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
  const returned = result ?? copy;
  const read = readParameters(returned);
  if (read !== undefined) return read;
  const checked = parseHostJson('PROCESSOR_FAILED', 'parameters returned by the event processor', () => parametersSchema.safeParse(returned), ['parameters']);
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => ({ ...issue, path: ['parameters', ...issue.path] }));
    throw new HandoffError('PROCESSOR_FAILED', 'The event processor returned parameters that are not a JSON object of JSON values, so nothing was sent.', issues);
  }
  return checked.data;
}
