// The machines stay pure: no I/O, no timers, no clock, no Node built-ins, no rules engine; only
// xstate, each other, the error type, and types from the shared contracts.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../machines/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('machines/ purity', () => {
  it.each(files)('%s imports only xstate, sibling machine files, HandoffError and types', (file) => {
    const source = readFileSync(dir + file, 'utf8');
    const imports = [...source.matchAll(/^import (type )?[^'"]*from '([^']+)';/gm)].map(([, typeOnly, from]) => ({ typeOnly: typeOnly !== undefined, from: from! }));
    for (const { typeOnly, from } of imports) {
      const allowed = from === 'xstate' || from.startsWith('./') || from === '../src/errors.js' || (typeOnly && from.startsWith('../src/'));
      expect(allowed, `${file} imports ${typeOnly ? 'type ' : ''}'${from}'`).toBe(true);
    }
  });

  it.each(files)('%s reads no clock, sets no timer and logs nothing', (file) => {
    const source = readFileSync(dir + file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    expect(source).not.toMatch(/Date\.now|new Date\(\)|setTimeout|setInterval|performance\.|process\.|console\./);
  });
});
