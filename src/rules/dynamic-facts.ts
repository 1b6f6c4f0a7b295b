import { z } from 'zod';

/** The fact a condition reads to test whether now is inside the configured business hours. */
export const withinBusinessHoursFact = 'withinBusinessHours';

/** The fact a condition reads to ask the host whether agents are available for a queue or skills. */
export const agentsAvailableFact = 'agentsAvailable';

/** Facts the router computes on demand, only when a condition asks for them. */
export const dynamicFactNames = [withinBusinessHoursFact, agentsAvailableFact] as const;

/** The name of a fact the router computes on demand. */
export type DynamicFactName = (typeof dynamicFactNames)[number];

/** The `params` of an `agentsAvailable` condition: which queue, or which skills, to ask about. */
export const agentAvailabilityQuerySchema = z
  .strictObject({
    queue: z.string().min(1).optional(),
    skills: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((q) => (q.queue === undefined) !== (q.skills === undefined), {
    message: 'Expected exactly one of queue or skills: the agents to ask about',
  });

/** What an `agentsAvailable` condition asks the host: a queue, or a set of skills. */
export type AgentAvailabilityQuery = { readonly queue: string; readonly skills?: undefined } | { readonly skills: readonly string[]; readonly queue?: undefined };

/** True when `name` is a fact the router computes on demand. */
export function isDynamicFact(name: string): name is DynamicFactName {
  return name === withinBusinessHoursFact || name === agentsAvailableFact;
}
