import { z } from 'zod';

/** Why the model fired the Agent Handoff Event. */
export const handoffReasons = [
  /** The user explicitly asked for a person. */
  'user_requested',
  /** The available agents and tools cannot fulfil the request. */
  'capability_gap',
  /** The user is frustrated or upset. */
  'negative_sentiment',
  /** The AI failed several times in a row. */
  'repeated_failure',
  /** A policy requires a human (complaints, legal, sensitive topics). */
  'policy',
  'other',
] as const;

/** A typed handoff reason. */
export type HandoffReason = (typeof handoffReasons)[number];

/** One line of the conversation so far. */
export const transcriptEntrySchema = z.strictObject({
  role: z.enum(['user', 'ai', 'agent', 'system']),
  text: z.string(),
  at: z.iso.datetime({ offset: true }).optional(),
});

/** The conversation as the host describes it when the event fires. */
export const conversationSchema = z.strictObject({
  sessionId: z.string().min(1),
  userId: z.string().min(1),
  /** The channel flow the conversation runs on: `chat`, `voice`, ... */
  channel: z.string().min(1),
  language: z.string().min(1),
  transcript: z.array(transcriptEntrySchema).optional(),
  /** Long-lived memory, read by templates as `{{memory.…}}`. */
  memory: z.record(z.string(), z.json()).optional(),
  /** Session context, read by templates as `{{context.…}}`. */
  context: z.record(z.string(), z.json()).optional(),
});

/** What the model produced when it fired the event: a reason and the LLM-collected parameters. */
export const handoffInvocationSchema = z.strictObject({
  reason: z.enum(handoffReasons),
  parameters: z.record(z.string(), z.json()).default({}),
});

/**
 * The JSON delivered to the automation node. It is also exactly the facts object the router
 * decides on, so rules can test `reason`, `channel`, `parameters` and so on.
 */
export const handoffPayloadSchema = z.strictObject({
  automationNode: z.string().min(1),
  sessionId: z.string().min(1),
  userId: z.string().min(1),
  channel: z.string().min(1),
  language: z.string().min(1),
  reason: z.enum(handoffReasons),
  /** LLM-collected and system-defined parameters together. */
  parameters: z.record(z.string(), z.json()),
  transcript: z.array(transcriptEntrySchema).optional(),
  /** When the event fired (ISO 8601). */
  firedAt: z.iso.datetime({ offset: true }),
  /** The view later nodes read as `context.steps.<nodeName>.<key>`. */
  context: z.strictObject({ steps: z.record(z.string(), z.record(z.string(), z.json())) }),
});

/** Any JSON value, as `z.json()` accepts it. */
export type JsonValue = z.output<ReturnType<typeof z.json>>;
/** One line of the conversation so far. */
export type TranscriptEntry = z.output<typeof transcriptEntrySchema>;
/** A validated conversation. */
export type Conversation = z.output<typeof conversationSchema>;
/** A conversation as the host passes it, before validation. */
export type ConversationInput = z.input<typeof conversationSchema>;
/** A validated invocation, `parameters` defaulted to `{}`. */
export type HandoffInvocation = z.output<typeof handoffInvocationSchema>;
/** An invocation as the host passes it, before validation. */
export type HandoffInvocationInput = z.input<typeof handoffInvocationSchema>;
/** The payload delivered to the automation node, which is also the router's facts object. */
export type HandoffPayload = z.output<typeof handoffPayloadSchema>;
