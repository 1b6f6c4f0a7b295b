import { z } from 'zod';
import { HandoffError } from '../errors.js';
import { handoffConfigSchema, type HandoffConfig } from './config-schema.js';

/**
 * Validates a configuration loaded from JSON and applies every default.
 * @throws HandoffError with code `INVALID_CONFIG` and zod's issues, each with its path.
 * @example
 * const config = loadHandoffConfig(JSON.parse(readFileSync('handoff.json', 'utf8')));
 */
export function loadHandoffConfig(json: unknown): HandoffConfig {
  const parsed = handoffConfigSchema.safeParse(json);
  if (!parsed.success) throw HandoffError.fromZod('INVALID_CONFIG', 'handoff config', parsed.error);
  return parsed.data;
}

/** Validates a configuration without throwing: zod's result, for hosts that collect problems. */
export function safeLoadHandoffConfig(json: unknown): z.ZodSafeParseResult<HandoffConfig> {
  return handoffConfigSchema.safeParse(json);
}

/**
 * The JSON Schema of the configuration as written (defaults optional), for editors; the load-time
 * checks that JSON Schema cannot express (unique names, template roots, safe patterns) are not in it.
 */
export function handoffConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(handoffConfigSchema, { io: 'input', target: 'draft-2020-12' });
}
