// The common case of the payload schemas without zod, for the hot path of `buildHandoffPayload`.
// A reader returns exactly what the schema's parse would return (a fresh copy, keys in schema
// order), or `undefined` for "not sure"; the caller then runs the schema, which decides and reports.
// So no input is accepted here that the schema rejects, and every error still comes from zod.
import { copyJsonRecord, isPlainJsonRecord, unshareNestedValues, type SeenContainers } from './json-copy.js';
import {
  conversationSchema,
  handoffInvocationSchema,
  handoffPayloadSchema,
  handoffReasons,
  transcriptEntrySchema,
  type Conversation,
  type HandoffInvocation,
  type HandoffPayload,
  type JsonValue,
  type TranscriptEntry,
} from './payload-schema.js';

// Taken from the schemas, so the fast path cannot drift from what they accept.
const conversationKeys: ReadonlySet<string> = new Set(Object.keys(conversationSchema.shape));
const invocationKeys: ReadonlySet<string> = new Set(Object.keys(handoffInvocationSchema.shape));
const entryKeys: ReadonlySet<string> = new Set(Object.keys(transcriptEntrySchema.shape));
const roles: ReadonlySet<unknown> = new Set(transcriptEntrySchema.shape.role.options);
const reasons: ReadonlySet<unknown> = new Set(handoffReasons);
const entryTimePattern = transcriptEntrySchema.shape.at.unwrap().def.pattern;
const firedAtPattern = handoffPayloadSchema.shape.firedAt.def.pattern;

type Fields = Record<string, unknown>;

/** True for what a zod object schema reads keys from: any non-null object but an array. */
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when a strict object schema would find no unknown key (`for…in`, as zod counts them). */
function onlyKnownKeys(value: Fields, known: ReadonlySet<string>): boolean {
  for (const key in value) if (!known.has(key)) return false;
  return true;
}

const isName = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isDateTime = (value: unknown, pattern: RegExp | undefined): value is string => typeof value === 'string' && pattern !== undefined && pattern.test(value);

/** What `conversationSchema.parse(input)` would return, or `undefined` when only the schema can tell. */
export function readConversation(input: unknown): Conversation | undefined {
  if (!isObject(input) || !onlyKnownKeys(input, conversationKeys)) return undefined;
  const { sessionId, userId, channel, language } = input;
  if (!isName(sessionId) || !isName(userId) || !isName(channel) || !isName(language)) return undefined;
  const out: Conversation = { sessionId, userId, channel, language };
  const seen: SeenContainers = new Set([input]);
  // An optional key that is present keeps its place in the output even when undefined, as in zod.
  const { transcript, memory, context } = input;
  if ('transcript' in input) {
    out.transcript = transcript === undefined ? undefined : readTranscript(transcript, seen);
    if (out.transcript === undefined && transcript !== undefined) return undefined;
  }
  if ('memory' in input) {
    out.memory = memory === undefined ? undefined : copyJsonRecord(memory, seen);
    if (out.memory === undefined && memory !== undefined) return undefined;
  }
  if ('context' in input) {
    out.context = context === undefined ? undefined : copyJsonRecord(context, seen);
    if (out.context === undefined && context !== undefined) return undefined;
  }
  return out;
}

function readTranscript(value: unknown, seen: SeenContainers): TranscriptEntry[] | undefined {
  if (!Array.isArray(value) || seen.has(value)) return undefined;
  seen.add(value);
  const out: TranscriptEntry[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const entry: unknown = value[i];
    if (!isObject(entry) || seen.has(entry) || !onlyKnownKeys(entry, entryKeys)) return undefined;
    seen.add(entry);
    const { role, text, at } = entry;
    if (!roles.has(role) || typeof text !== 'string') return undefined;
    if (!('at' in entry)) {
      out.push({ role: role as TranscriptEntry['role'], text });
      continue;
    }
    if (at !== undefined && !isDateTime(at, entryTimePattern)) return undefined;
    out.push({ role: role as TranscriptEntry['role'], text, at });
  }
  return out;
}

/** What `handoffInvocationSchema.parse(input)` would return, or `undefined` when only the schema can tell. */
export function readInvocation(input: unknown): HandoffInvocation | undefined {
  if (!isObject(input) || !onlyKnownKeys(input, invocationKeys)) return undefined;
  const { reason, parameters } = input;
  if (!reasons.has(reason)) return undefined;
  // Absent or undefined parameters default to a fresh {}, as the schema's default does.
  const copied = parameters === undefined ? {} : copyJsonRecord(parameters, new Set([input]));
  return copied === undefined ? undefined : { reason: reason as HandoffInvocation['reason'], parameters: copied };
}

/** What `parametersSchema.parse(input)` (a JSON record) would return, or `undefined` when only the schema can tell. */
export function readParameters(input: unknown): Record<string, JsonValue> | undefined {
  return copyJsonRecord(input, new Set());
}

/**
 * What `handoffPayloadSchema.parse(payload)` would return for a payload `buildHandoffPayload` has
 * just built (its step view a shallow copy of its parameters), or `undefined` when only the schema
 * can tell. Nothing but the step view needs copying: every other part was built for this payload.
 */
export function readBuiltPayload(payload: HandoffPayload, { firedAtKnownValid = false } = {}): HandoffPayload | undefined {
  const { automationNode, sessionId, userId, channel, language, reason, parameters, transcript, firedAt, context } = payload;
  if (!isName(automationNode) || !isName(sessionId) || !isName(userId) || !isName(channel) || !isName(language)) return undefined;
  if (!reasons.has(reason) || !(firedAtKnownValid || isDateTime(firedAt, firedAtPattern)) || !isPlainJsonRecord(parameters)) return undefined;
  if (transcript !== undefined && !isWellFormedTranscript(transcript)) return undefined;
  // The one step is keyed by the automation node; a key named __proto__ would not survive zod's copy.
  const steps: Record<string, HandoffPayload['parameters'] | undefined> = context.steps;
  const keys = Object.keys(steps);
  const step = steps[automationNode];
  if (keys.length !== 1 || keys[0] !== automationNode || automationNode === '__proto__' || step === undefined) return undefined;
  // zod copies the step view with a schema of its own, so its objects are not the parameters' objects.
  unshareNestedValues(step);
  return payload;
}

function isWellFormedTranscript(transcript: readonly TranscriptEntry[]): boolean {
  if (!Array.isArray(transcript) || Object.getPrototypeOf(transcript) !== Array.prototype) return false;
  for (const entry of transcript) {
    if (!isObject(entry) || Object.getPrototypeOf(entry) !== Object.prototype || !onlyKnownKeys(entry, entryKeys)) return false;
    // Entries are spread from the conversation, which a processor may have edited: zod's copy would drop a symbol key.
    if (Object.getOwnPropertySymbols(entry).length > 0) return false;
    if (!roles.has(entry.role) || typeof entry.text !== 'string') return false;
    if (entry.at !== undefined && !isDateTime(entry.at, entryTimePattern)) return false;
  }
  return true;
}
