import { z } from 'zod';
import { forbiddenTemplateSegments } from '../templates/template.js';

/** A parameter name: an identifier, so later nodes can read it as `context.steps.<node>.<name>`. */
export const parameterNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, {
    message: 'Expected an identifier of at most 64 characters: a letter or _, then letters, digits or _',
  })
  .refine((name) => !forbiddenTemplateSegments.includes(name), {
    message: `Expected a name other than ${forbiddenTemplateSegments.join(', ')}`,
  });

/** A name of a workspace, node, channel or flow as the product shows it. */
export const entityNameSchema = z
  .string()
  .trim()
  .min(1, { message: 'Expected a non-empty name' })
  .max(200)
  .refine((name) => !forbiddenTemplateSegments.includes(name), {
    message: `Expected a name other than ${forbiddenTemplateSegments.join(', ')}`,
  });

/** The indexes of every entry of `values` that repeats an earlier one. */
export function duplicateIndexes(values: readonly string[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  values.forEach((value, index) => {
    if (seen.has(value)) out.push(index);
    seen.add(value);
  });
  return out;
}
