import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HandoffError, formatIssue, formatPath, handoffErrorCodes, isHandoffError } from '../src/index.js';

describe('HandoffError', () => {
  it('keeps zod issues unchanged and names the first one in its message', () => {
    const parsed = z.object({ rules: z.array(z.object({ name: z.string() })) }).safeParse({ rules: [{ name: 1 }] });
    if (parsed.success) throw new Error('expected a failure');
    const error = HandoffError.fromZod('INVALID_RULES', 'connection rules', parsed.error);
    expect(error.issues).toBe(parsed.error.issues);
    expect(isHandoffError(error, 'INVALID_RULES')).toBe(true);
    expect(isHandoffError(error, 'INVALID_CONFIG')).toBe(false);
    expect(error.message).toMatchInlineSnapshot(`"Invalid connection rules: $.rules[0].name: Invalid input: expected string, received number"`);
  });

  it('renders paths as JSON paths a user can paste into jq', () => {
    expect(formatPath(['rules', 0, 'conditions', 'all', 1, 'fact'])).toBe('$.rules[0].conditions.all[1].fact');
    expect(formatPath(['parameters', 'user name'])).toBe('$.parameters["user name"]');
    expect(formatIssue({ code: 'custom', path: [], message: 'Expected an object' })).toBe('$: Expected an object');
  });
});

describe('the README', () => {
  it('explains every error code in its error-code table', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('\n## ', readme.indexOf('## Error codes') + 1));
    const rows = table.split('\n').filter((line) => line.startsWith('| `'));
    expect(handoffErrorCodes.filter((code) => !rows.some((row) => row.split('|')[1]?.includes(`\`${code}\``)))).toEqual([]);
  });
});
