import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HandoffError } from '../errors.js';

/** Reads and parses a JSON file, or `-` for standard input; every failure names the file. */
export async function readJsonInput(file: string, cwd: string, readStdin: () => Promise<string>): Promise<unknown> {
  const label = file === '-' ? 'standard input' : file;
  let text: string;
  try {
    text = file === '-' ? await readStdin() : readFileSync(resolve(cwd, file), 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error && 'code' in cause && cause.code === 'ENOENT' ? 'no such file' : String(cause);
    throw new HandoffError('INVALID_INPUT', `Cannot read ${label}: ${reason}.`, [], { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new HandoffError('INVALID_INPUT', `${label} is not valid JSON: ${reason}.`, [], { cause });
  }
}

/** The package's root folder, found by walking up from this file (works from `src/` and `dist/src/`). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('agent-handoff: package.json not found above the CLI');
    dir = parent;
  }
  return dir;
}

/** Absolute path of a file shipped with the package, such as `rules/default.json`. */
export function bundledFile(relativePath: string): string {
  return join(packageRoot(), relativePath);
}
