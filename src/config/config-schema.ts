import { z } from 'zod';
import { handoffEventConfigSchema } from './event-schema.js';
import { integrationSchema } from './integration-schema.js';
import { lifecycleSettingsSchema } from './lifecycle-schema.js';

/** The whole handoff configuration: the event, the integration of the two apps, and the lifecycle. */
export const handoffConfigSchema = z.strictObject({
  // Editors read "$schema" to find the JSON Schema; it is allowed so config files can point at it.
  $schema: z.string().optional(),
  event: handoffEventConfigSchema,
  integration: integrationSchema,
  lifecycle: lifecycleSettingsSchema.prefault({}),
});

/** A validated configuration with every default applied. */
export type HandoffConfig = z.output<typeof handoffConfigSchema>;
/** A configuration as written in JSON, defaults optional. */
export type HandoffConfigInput = z.input<typeof handoffConfigSchema>;
