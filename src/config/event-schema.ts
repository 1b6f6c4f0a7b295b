import { z } from 'zod';
import { patternProblem } from '../masking/safe-pattern.js';
import { templateProblems } from '../templates/template.js';
import { duplicateIndexes, entityNameSchema, parameterNameSchema } from './names.js';

/**
 * Our default event description: what the language model reads to decide when to fire. It covers
 * both triggers, and says when not to fire, because a vague description fires at the wrong moments.
 */
export const defaultEventDescription =
  'Hand the conversation over to a live human agent. Fire this event when either (1) the user explicitly asks ' +
  'to talk to a person, such as a human, an agent, a representative or someone from support, or (2) the ' +
  "available agents and tools cannot fulfil the user's request, for example because it needs a decision, an " +
  'exception or an action that no tool offers. Do not fire it for a request you can still handle yourself, and ' +
  'do not fire it again while a handoff for the same request is under way.';

/** Our default instructions when the handoff message is AI-generated. */
export const defaultMessageInstructions =
  'Tell the user in one short sentence, in their language, that you are connecting them with a member of our team.';

/** The JSON types an LLM-collected parameter may declare. */
export const llmParameterTypes = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;
/** A declared LLM parameter type. */
export type LlmParameterType = (typeof llmParameterTypes)[number];

/** The roots a system parameter template may read: the conversation's memory and context. */
export const systemTemplateRoots = ['memory', 'context'] as const;
/** The roots a custom handoff message may read: memory, context and the payload's parameters. */
export const messageTemplateRoots = ['memory', 'context', 'parameters'] as const;

/** One parameter the language model extracts when it fires the event, such as an interaction summary. */
export const llmParameterSchema = z
  .strictObject({
    name: parameterNameSchema.meta({ description: 'The key in parameters and in context.steps.<automationNode>.' }),
    description: z.string().trim().min(1, { message: 'Expected a non-empty description: the model reads it to know what to extract' }).max(1000).meta({ description: 'What the model should extract.' }),
    type: z.enum(llmParameterTypes).default('string'),
    required: z.boolean().default(true).meta({ description: 'A missing required parameter fails the handoff with MISSING_PARAMETERS.' }),
    enum: z.array(z.union([z.string(), z.number()])).min(1).max(100).optional().meta({ description: 'The only values allowed (string, number or integer types).' }),
  })
  .superRefine((parameter, ctx) => {
    const allowed = parameter.enum;
    if (allowed === undefined) return;
    const matches = (value: string | number): boolean =>
      parameter.type === 'string'
        ? typeof value === 'string'
        : parameter.type === 'integer'
          ? Number.isInteger(value)
          : parameter.type === 'number' && typeof value === 'number';
    if (!['string', 'number', 'integer'].includes(parameter.type)) {
      ctx.addIssue({ code: 'custom', path: ['enum'], message: `Expected no enum for type '${parameter.type}': enums apply to string, number and integer` });
      return;
    }
    allowed.forEach((value, index) => {
      if (!matches(value)) ctx.addIssue({ code: 'custom', path: ['enum', index], message: `Expected ${parameter.type === 'integer' ? 'an' : 'a'} ${parameter.type} like the parameter's type, received ${JSON.stringify(value)}` });
    });
    for (const index of duplicateIndexes(allowed.map((v) => JSON.stringify(v)))) {
      ctx.addIssue({ code: 'custom', path: ['enum', index], message: 'Expected each enum value once' });
    }
  });

/** What a system parameter does when its template resolves to nothing. */
export const missingValuePolicies = ['error', 'empty', 'omit'] as const;
/** `error` fails with TEMPLATE_UNRESOLVED, `empty` sends what resolved (an empty string for a lone reference), `omit` leaves the key out. */
export type MissingValuePolicy = (typeof missingValuePolicies)[number];

/** One system-defined parameter: a literal, or a template such as `{{memory.userProfile.firstName}}`. */
export const systemParameterSchema = z.strictObject({
  key: parameterNameSchema.meta({ description: 'The key in parameters and in context.steps.<automationNode>.' }),
  value: z
    .union([z.string(), z.number(), z.boolean()], { message: 'Expected a string (a literal or a template), a number or a boolean' })
    .superRefine((value, ctx) => {
      if (typeof value !== 'string') return;
      for (const problem of templateProblems(value, systemTemplateRoots)) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ description: 'A literal, or a template reading {{memory.…}} or {{context.…}}; a lone reference keeps its JSON type.' }),
  onMissing: z.enum(missingValuePolicies).default('error'),
});

/** Whether and how the user is told about the handoff when the event fires. */
export const handoffMessageSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('off') }),
    z.strictObject({
      mode: z.literal('aiGenerated'),
      instructions: z.string().trim().min(1).max(2000).default(defaultMessageInstructions),
    }),
    z.strictObject({
      mode: z.literal('custom'),
      text: z
        .string()
        .trim()
        .min(1)
        .max(2000)
        .superRefine((text, ctx) => {
          for (const problem of templateProblems(text, messageTemplateRoots)) ctx.addIssue({ code: 'custom', message: problem });
        }),
    }),
  ])
  // Off by default: the service app's waiting experience already greets the user in the queue.
  .default({ mode: 'off' });

/** An extra masking pattern, checked at load by `patternProblem`. */
export const maskingPatternSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'Expected a lowercase label such as "iban": matches become [iban]' }),
    pattern: z.string().meta({ description: 'A JavaScript regular expression source, without slashes.' }),
    flags: z.string().default('').meta({ description: "Any of 'i', 'm', 's', 'u'; 'g' is always added." }),
  })
  .superRefine((entry, ctx) => {
    const problem = patternProblem(entry.pattern, entry.flags);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
  });

/** Masking of parameters and transcript sent onward: on by default, like the product's "mask and send sensitive data". */
export const maskingSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    emails: z.boolean().default(true),
    phoneNumbers: z.boolean().default(true),
    cardNumbers: z.boolean().default(true).meta({ description: 'Luhn-valid 13 to 19 digit numbers.' }),
    patterns: z.array(maskingPatternSchema).max(50).default([]),
    unmaskedParameters: z.array(parameterNameSchema).default([]).meta({ description: 'Declared parameters sent as they are, such as an e-mail the agent desk looks up.' }),
  })
  .prefault({});

/** The Agent Handoff Event as configured in the agentic app. */
export const handoffEventConfigSchema = z
  .strictObject({
    description: z
      .string()
      .trim()
      .min(1, { message: 'Expected a non-empty description: the model reads it to decide when to fire' })
      .max(4000)
      .default(defaultEventDescription),
    enabled: z.boolean().default(false).meta({ description: 'A disabled event is never invoked.' }),
    automationNode: entityNameSchema.meta({ description: "The service app's automation node the payload is delegated to." }),
    llmParameters: z.array(llmParameterSchema).max(50).default([]),
    systemParameters: z.array(systemParameterSchema).max(50).default([]),
    undeclaredParameters: z
      .enum(['reject', 'keep'])
      .default('reject')
      .meta({ description: 'LLM parameters not declared in llmParameters: reject fails with INVALID_PARAMETERS; keep sends them.' }),
    message: handoffMessageSchema,
    session: z.enum(['keepAlive', 'terminate']).default('keepAlive'),
    masking: maskingSchema,
  })
  .superRefine((event, ctx) => {
    const llmNames = event.llmParameters.map((p) => p.name);
    for (const index of duplicateIndexes(llmNames)) {
      ctx.addIssue({ code: 'custom', path: ['llmParameters', index, 'name'], message: 'Expected each LLM parameter name once' });
    }
    event.systemParameters.forEach((parameter, index) => {
      if (llmNames.includes(parameter.key)) {
        ctx.addIssue({ code: 'custom', path: ['systemParameters', index, 'key'], message: `Expected a key that no LLM parameter uses: both end up in parameters, and '${parameter.key}' is an LLM parameter` });
      }
    });
    for (const index of duplicateIndexes(event.systemParameters.map((p) => p.key))) {
      ctx.addIssue({ code: 'custom', path: ['systemParameters', index, 'key'], message: 'Expected each system parameter key once' });
    }
    const declared = new Set([...llmNames, ...event.systemParameters.map((p) => p.key)]);
    event.masking.unmaskedParameters.forEach((name, index) => {
      if (!declared.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['masking', 'unmaskedParameters', index], message: `Expected a declared parameter name, received '${name}'` });
      }
    });
  });

/** One declared LLM parameter, defaults applied. */
export type LlmParameter = z.output<typeof llmParameterSchema>;
/** One system parameter, defaults applied. */
export type SystemParameter = z.output<typeof systemParameterSchema>;
/** The handoff message setting, defaults applied. */
export type HandoffMessageSetting = z.output<typeof handoffMessageSchema>;
/** The masking settings, defaults applied. */
export type MaskingConfig = z.output<typeof maskingSchema>;
/** The Agent Handoff Event, defaults applied. */
export type HandoffEventConfig = z.output<typeof handoffEventConfigSchema>;
