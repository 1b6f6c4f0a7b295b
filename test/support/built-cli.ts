// Runs the built bin as a user would (vitest's global setup builds dist/ first).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder. */
export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The built bin's entry point. */
export const builtBin = join(projectRoot, 'dist/src/cli/main.js');

/** What one run of the bin printed, and how it exited. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `agent-handoff <args>` in `cwd`, with `stdin` and extra environment variables when given. */
export function runBuiltCli(args: readonly string[], options: { readonly cwd?: string; readonly stdin?: string; readonly env?: Readonly<Record<string, string>> } = {}): CliRun {
  const result = spawnSync(process.execPath, [builtBin, ...args], {
    cwd: options.cwd ?? projectRoot,
    encoding: 'utf8',
    ...(options.stdin === undefined ? {} : { input: options.stdin }),
    env: { ...process.env, ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
