import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HandoffError } from '../errors.js';
import { loadConnectionRules } from '../rules/load-rules.js';
import type { ConnectionRules } from '../rules/rule-schema.js';
import type { CliIo } from './command.js';

// Where input files are read from: the working folder, and standard input for `-`.
type InputIo = Pick<CliIo, 'cwd' | 'readStdin'>;

/** Reads and parses a JSON file, or `-` for standard input; every failure names the file. */
export async function readJsonInput(file: string, io: InputIo): Promise<unknown> {
  const label = file === '-' ? 'standard input' : file;
  let text: string;
  try {
    text = file === '-' ? await io.readStdin() : readFileSync(resolve(io.cwd, file), 'utf8');
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

/** Reads a JSON input (see `readJsonInput`) and validates it with `load`; a validation error gets the file's name in front. */
export async function loadJsonInput<T>(file: string, io: InputIo, load: (json: unknown) => T): Promise<T> {
  const json = await readJsonInput(file, io);
  return naming(file, () => load(json));
}

let defaultRules: ConnectionRules | undefined;

/** The bundled `rules/default.json`, validated once (the rules frozen, so one copy serves every caller). */
export function bundledDefaultRules(): ConnectionRules {
  defaultRules ??= naming('rules/default.json (bundled)', () => loadConnectionRules(JSON.parse(readFileSync(bundledFile('rules/default.json'), 'utf8'))));
  return defaultRules;
}

// Puts the file's name in front of a validation error, keeping its code and issues.
function naming<T>(file: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof HandoffError) throw new HandoffError(error.code, `${file}: ${error.message}`, error.issues, { cause: error });
    throw error;
  }
}

/** The package's root folder, found by walking up from this file (works from `src/` and `dist/src/`). */
function packageRoot(): string {
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
