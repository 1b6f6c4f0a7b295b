import { z } from 'zod';
import { duplicateIndexes, entityNameSchema } from './names.js';

const uniqueNames = (what: string) =>
  z.array(entityNameSchema).superRefine((names, ctx) => {
    for (const index of duplicateIndexes(names)) ctx.addIssue({ code: 'custom', path: [index], message: `Expected each ${what} once` });
  });

/**
 * How the agentic app and the service app are wired: their workspaces, the service app's channel
 * flows and automation nodes. A valid integration may still miss a prerequisite; `checkPrerequisites`
 * reports those.
 */
export const integrationSchema = z.strictObject({
  agenticApp: z.strictObject({
    name: entityNameSchema.optional(),
    workspace: entityNameSchema,
  }),
  serviceApp: z.strictObject({
    name: entityNameSchema.optional(),
    workspace: entityNameSchema,
    channelFlows: uniqueNames('channel').meta({ description: 'The channels that have a channel flow, such as chat and voice.' }),
    automationNodes: uniqueNames('automation node').meta({ description: 'The automation nodes configured for the agentic app.' }),
  }),
});

/** The integration settings, as validated. */
export type IntegrationConfig = z.output<typeof integrationSchema>;
