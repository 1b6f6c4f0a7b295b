// The scenario file: a conversation, the desk and the clock it runs against, and the steps to play
// (host events, clock advances, agent-desk actions, expectations), validated at the edge.
import { z } from 'zod';
import { HandoffError } from '../errors.js';
import { handoffEventSchema } from '../events/event-schema.js';
import { conversationSchema } from '../payload/payload-schema.js';
import { businessHoursSchema } from '../routing/business-hours.js';
import { agentReturnReasons } from '../../machines/handoff.types.js';

const id = z.string().min(1);

const deskAgentSchema = z.strictObject({
  id,
  skills: z.array(id).optional(),
  /** How many conversations the agent handles at once (default 1). */
  capacity: z.number().int().min(1).optional(),
  /** The queues the agent serves (default: all). */
  queues: z.array(id).optional(),
  /** Whether the agent is on line at the start (default true). */
  available: z.boolean().optional(),
});

const deskSchema = z
  .strictObject({
    agents: z
      .array(deskAgentSchema)
      .refine((agents) => new Set(agents.map((a) => a.id)).size === agents.length, 'Expected unique agent ids')
      .default([{ id: 'agent', capacity: 100 }]),
    /** `manual` (default): agents act only through `desk.*` steps; `auto`: a free agent takes a waiting conversation at once. */
    offerAcceptance: z.enum(['auto', 'manual']).default('manual'),
    /** The handling time behind the desk's wait estimates (default 300). */
    averageHandleSeconds: z.number().int().min(1).optional(),
  })
  .prefault({});

/** Steps that act on the scenario's conversation through the simulated desk and the clock. */
const scenarioActionSchemas = [
  z.strictObject({ type: z.literal('clock.advance'), seconds: z.number().positive().max(7 * 86_400) }),
  z.strictObject({ type: z.literal('desk.offer'), agentId: id.optional() }),
  z.strictObject({ type: z.literal('desk.accept') }),
  z.strictObject({ type: z.literal('desk.reject'), reason: z.string().optional() }),
  z.strictObject({ type: z.literal('desk.message'), text: z.string() }),
  z.strictObject({ type: z.literal('desk.endChat'), returnReason: z.enum(agentReturnReasons).optional() }),
  z.strictObject({ type: z.literal('desk.setAvailability'), agentId: id, available: z.boolean() }),
] as const;

const expectStepSchema = z
  .strictObject({
    type: z.literal('expect'),
    /** The state as a dotted path; `queued` also matches `queued.waiting`. */
    state: z.string().min(1).optional(),
    aiMayRespond: z.boolean().optional(),
    owner: z.enum(['ai', 'automation', 'liveAgent', 'target', 'dialog', 'nobody']).optional(),
    /** The rule that routed the current (or last) handoff; `null` for the default target. */
    rule: z.string().min(1).nullable().optional(),
    /** Fields the routed target must have (a subset: `{ "params": { "queue": "billing" } }`). */
    target: z.record(z.string(), z.json()).optional(),
    agentId: z.string().min(1).nullable().optional(),
    /** Why the conversation last came back to the AI (`agentEnded`, `userCancelled`, …). */
    returned: z.string().min(1).optional(),
    /** Why the conversation ended (`userLeft`, `voicemail`, …). */
    ended: z.string().min(1).optional(),
    /** Texts that each appear in some message sent to the user so far. */
    userMessages: z.array(z.string().min(1)).optional(),
  })
  .refine((e) => Object.keys(e).length > 1, 'Expected at least one expectation beside "type" (state, aiMayRespond, rule, …)');

const stepTypes = [...handoffEventSchema.options.map((o) => o.shape.type.value), ...scenarioActionSchemas.map((o) => o.shape.type.value), 'expect'];

/** One step of a scenario: a host event, a clock advance, an agent-desk action or an expectation. */
const scenarioStepSchema = z.discriminatedUnion('type', [...handoffEventSchema.options, ...scenarioActionSchemas, expectStepSchema], {
  error: (issue) => {
    if ((issue.code as string) !== 'invalid_union') return undefined;
    const type = typeof issue.input === 'object' && issue.input !== null && 'type' in issue.input ? issue.input.type : undefined;
    const known = `expected one of ${stepTypes.join(', ')}`;
    return type === undefined ? `Missing step type: ${known}` : `Unknown step type ${JSON.stringify(type)}: ${known}`;
  },
});

/** A scenario file: validated strictly, so a misspelt field is an error rather than a silent no-op. */
export const scenarioSchema = z.strictObject({
  /** A link to the JSON Schema, for editors. */
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'Expected a name of lowercase letters, digits and dashes'),
  description: z.string().default(''),
  /** When the scenario starts (ISO 8601): the simulated clock's first reading, which business hours are checked against. */
  start: z.iso.datetime({ offset: true, error: 'Expected an ISO 8601 date-time such as 2025-06-02T09:00:00Z' }),
  conversationId: id.default('conversation-1'),
  conversation: conversationSchema,
  desk: deskSchema,
  /** Opening hours of the `withinBusinessHours` fact and the desk's Check Business Hours (default: always open). */
  businessHours: businessHoursSchema.optional(),
  /** Changes merged into the handoff config (objects merged key by key, everything else replaced). */
  config: z.record(z.string(), z.json()).optional(),
  /** A whole connection-rules file used instead of the default rules. */
  rules: z.record(z.string(), z.json()).optional(),
  steps: z.array(scenarioStepSchema).min(1, 'Expected at least one step'),
});

/** A validated scenario, defaults applied. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written in JSON. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** One validated step. */
export type ScenarioStep = z.output<typeof scenarioStepSchema>;
/** An `expect` step. */
export type ScenarioExpectation = z.output<typeof expectStepSchema>;

/**
 * Validates a scenario; a bad one fails with `INVALID_SCENARIO`, the file named in the message and
 * every zod issue attached with its path.
 */
export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) throw HandoffError.fromZod('INVALID_SCENARIO', `scenario ${source}`, parsed.error);
  return parsed.data;
}

/** The JSON Schema (draft 2020-12) of a scenario file as written, for editors and `$schema`. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' });
}
