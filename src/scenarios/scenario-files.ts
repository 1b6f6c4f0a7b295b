// Scenario files on disk: the ones bundled with the package, and reading one with its name in errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledFile } from '../cli/files.js';
import { HandoffError } from '../errors.js';
import { parseScenario, type Scenario } from './scenario-schema.js';

/** A validated scenario and the file it came from. */
export interface ScenarioFile {
  /** The file as the user named it (or its path inside the package, for bundled ones). */
  readonly file: string;
  readonly scenario: Scenario;
}

/** The folder of the bundled scenarios, inside the installed package. */
export const bundledScenarioFolder = 'src/scenarios/bundled';

/** Parses the text of a scenario file; not JSON is `INVALID_INPUT`, not a scenario `INVALID_SCENARIO`, both naming `file`. */
export function parseScenarioText(text: string, file: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new HandoffError('INVALID_INPUT', `${file} is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}.`, [], { cause });
  }
  return parseScenario(json, file);
}

/** Every bundled scenario, in file-name order (the order the demo plays them). */
export function bundledScenarios(): ScenarioFile[] {
  const folder = bundledFile(bundledScenarioFolder);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = `${bundledScenarioFolder}/${name}`;
      return { file, scenario: parseScenarioText(readFileSync(join(folder, name), 'utf8'), file) };
    });
}
