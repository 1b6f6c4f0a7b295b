import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConnectionRules, loadHandoffConfig, postgresStoreMigration } from 'agent-handoff';
import { scenarioSchema } from '../src/scenarios/scenario-schema.js';
import { builtBin, projectRoot as root } from './support/built-cli.js';
import { codeBlocks, transcript, withOutputAssertions } from './support/readme-blocks.js';

// Every code block of the README runs here, so the documentation cannot drift from the code.
const blocks = codeBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
// Inside the package, so `import 'agent-handoff'` resolves to the built package by self-reference;
// one folder per run, so two runs at once (two checkouts' CI, a watcher) do not delete each other's.
mkdirSync(join(root, 'test', '.readme'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test', '.readme', 'run-'));
const bin = join(scratch, 'bin');
mkdirSync(bin, { recursive: true });
writeFileSync(join(bin, 'agent-handoff'), `#!/bin/sh\nexec "${process.execPath}" "${builtBin}" "$@"\n`);
chmodSync(join(bin, 'agent-handoff'), 0o755);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const jsonLoaders: Record<string, (json: unknown) => unknown> = {
  rules: loadConnectionRules,
  config: loadHandoffConfig,
  scenario: (json) => scenarioSchema.parse(json),
};

/** Runs a TypeScript file of README code with its `// →` lines asserted, as a user would run it. */
function runAsserted(name: string, code: string) {
  const file = join(scratch, `${name}.ts`);
  writeFileSync(file, withOutputAssertions(code));
  return spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

const shell = (command: string) =>
  spawnSync('bash', ['-c', command], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1' },
    timeout: 60_000,
  });

describe('README', () => {
  it('has only blocks this test knows how to run', () => {
    const known = new Set(['ts', 'json', 'sh', 'mermaid', 'sql']);
    expect(blocks.filter((b) => !known.has(b.lang)).map((b) => `line ${b.line}: ${b.lang || '(none)'}`)).toEqual([]);
    expect(blocks.filter((b) => b.lang === 'json' && !(b.kind in jsonLoaders)).map((b) => `line ${b.line}: json ${b.kind}`)).toEqual([]);
  });

  it('checks `// →` lines by value, telling undefined from null', () => {
    const outcome = (name: string, line: string) => runAsserted(name, line).status;
    expect(outcome('shown-undefined', 'console.log(undefined); // → undefined')).toBe(0);
    expect(outcome('shown-null', 'console.log(null); // → null')).toBe(0);
    expect(outcome('shown-json', "console.log({ a: [1], b: undefined }); // → { a: [1] }")).toBe(0);
    expect(outcome('undefined-shown-as-null', 'console.log(undefined); // → null')).not.toBe(0);
    expect(outcome('null-shown-as-undefined', 'console.log(null); // → undefined')).not.toBe(0);
  });

  for (const block of blocks.filter((b) => b.lang === 'ts')) {
    it(`runs the TypeScript block at line ${block.line}`, () => {
      const run = runAsserted(`block-${block.line}`, block.code);
      expect(run.stderr, run.stdout).toBe('');
      expect(run.status).toBe(0);
    });
  }

  for (const block of blocks.filter((b) => b.lang === 'json')) {
    it(`loads the ${block.kind} JSON block at line ${block.line}`, () => {
      expect(() => jsonLoaders[block.kind]?.(JSON.parse(block.code))).not.toThrow();
    });
  }

  for (const block of blocks.filter((b) => b.lang === 'sh')) {
    const steps = transcript(block.code);
    if (steps.length > 0) {
      it(`prints what the shell transcript at line ${block.line} shows`, () => {
        for (const step of steps) {
          const run = shell(step.command);
          expect(`${run.stdout}${run.stderr}`.trim(), step.command).toBe(step.output);
        }
      });
    } else {
      // The Quick start: installing is what got us here and `npm test` is this very run; the rest runs.
      it(`runs the commands at line ${block.line}`, () => {
        const commands = block.code
          .split('\n')
          .flatMap((line) => line.replace(/#.*$/, '').split('&&'))
          .map((c) => c.trim())
          .filter((c) => c !== '' && !['npm install', 'npm ci', 'npm test'].includes(c));
        expect(commands.length).toBeGreaterThan(0);
        for (const command of commands) {
          // The global setup built dist/ already; rebuilding here would race the CLI tests that run it.
          const run = shell(command.startsWith('npm ') ? `${command} --ignore-scripts` : command);
          expect(run.status, `${command}\n${run.stdout}${run.stderr}`).toBe(0);
        }
      });
    }
  }

  for (const block of blocks.filter((b) => b.lang === 'sql')) {
    it(`shows the PostgreSQL migration the store runs (line ${block.line})`, () => {
      expect(block.code.trim()).toBe(postgresStoreMigration().trim());
    });
  }

});
