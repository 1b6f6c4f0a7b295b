import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HandoffError, namingFile } from '../errors.js';
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
  return namingFile(file, () => load(json));
}
