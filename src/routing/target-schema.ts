import { z } from 'zod';

/** Parameters of an Agent Transfer node: queue the user for a live agent. */
export const agentTransferParamsSchema = z
  .strictObject({
    queue: z.string().min(1),
    skills: z.array(z.string().min(1)).min(1).optional(),
    agents: z.array(z.string().min(1)).min(1).optional(),
    /** 0 is the highest priority, 10 the lowest, as in the product's Set Queue node. */
    priority: z.number().int().min(0).max(10).default(5),
    /** How long named `agents` are waited for before the queue takes over. */
    waitForAgentSeconds: z.number().int().min(0).max(3600).default(30),
    metadata: z.record(z.string(), z.json()).optional(),
  })
  .refine((p) => !(p.skills && p.agents), {
    message: 'Expected either skills or agents, not both: transfer by skills, or to named agents',
    path: ['agents'],
  });

/** Where a routed conversation goes: the event of a connection rule, validated per type. */
export const targetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('agentTransfer'), params: agentTransferParamsSchema }),
  z.strictObject({ type: z.literal('agent'), params: z.strictObject({ agent: z.string().min(1) }) }),
  z.strictObject({
    type: z.literal('workflow'),
    params: z.strictObject({ workflow: z.string().min(1), input: z.record(z.string(), z.json()).optional() }),
  }),
], {
  error: (issue) => {
    // Typed as a union issue, but zod also asks here about a missing object (invalid_type): keep its message.
    if ((issue.code as string) !== 'invalid_union') return undefined;
    const type = typeof issue.input === 'object' && issue.input !== null && 'type' in issue.input ? issue.input.type : undefined;
    const known = 'expected agentTransfer (a live-agent queue), agent (another conversational agent) or workflow';
    return type === undefined ? `Missing target type: ${known}` : `Unknown target type ${JSON.stringify(type)}: ${known}`;
  },
});

/** A validated routing target, with defaults applied. */
export type Target = z.output<typeof targetSchema>;
/** The parameters of an `agentTransfer` target. */
export type AgentTransferParams = z.output<typeof agentTransferParamsSchema>;
/** The target types a connection rule may name. */
export type TargetType = Target['type'];

/** What the router decided: the target, and the rule that won (`null` for the default). */
export interface RouteDecision {
  readonly target: Target;
  readonly rule: string | null;
}
