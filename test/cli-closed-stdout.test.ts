// Every command through the built bin with a reader that closes standard output before reading it all,
// as `agent-handoff demo | head -1` does.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtBin, projectRoot } from './support/built-cli.js';

/** Runs the bin with stdout piped into a reader that closes at once, so every write meets a closed pipe. */
function runIntoClosedReader(args: readonly string[], stdin = '{"channel":"voice"}'): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [builtBin, ...args], { cwd: projectRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.destroy();
  child.stdin.end(stdin);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

const commands: readonly (readonly string[])[] = [
  ['demo'],
  ['demo', '--json'],
  ['simulate', '--scenario', 'src/scenarios/bundled/05-no-agents.json', '--timeline'],
  ['schema'],
  ['diagram'],
  ['route', '--facts', '-', '--explain'],
  ['lint', '--rules', 'rules/default.json'],
  ['--help'],
];

describe('a reader that closes standard output early', () => {
  for (const args of commands) {
    it(`ends \`agent-handoff ${args.join(' ')}\` quietly with exit 0`, async () => {
      expect(await runIntoClosedReader(args)).toEqual({ code: 0, stderr: '' });
    });
  }

  it('keeps a failing command\'s own exit code, so `set -o pipefail` sees the failure', async () => {
    const run = await runIntoClosedReader(['lint', '--rules', '-'], '{"rules": [}');
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('EPIPE');
    expect(run.stderr).not.toBe('');
  });
});
