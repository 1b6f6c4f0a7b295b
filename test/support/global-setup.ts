import { execFileSync } from 'node:child_process';
import { projectRoot as root } from './built-cli.js';

/**
 * Builds `dist/` once so CLI tests and self-imports of `agent-handoff/...` run the shipped code.
 * A type error still emits JavaScript; `npm run check` reports it, so here it only warns.
 */
export default function setup(): void {
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    const output = error instanceof Error && 'stdout' in error ? String(error.stdout) : String(error);
    console.warn(`agent-handoff: the build reported errors; tests run on what was emitted.\n${output}`);
  }
}
