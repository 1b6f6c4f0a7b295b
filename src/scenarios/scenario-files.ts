// The scenario files bundled with the package, which the demo plays and `simulate` takes by name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HandoffError } from '../errors.js';
import { bundledFile } from '../package-files.js';
import { parseScenario, type Scenario } from './scenario-schema.js';

/** A validated scenario and the file it came from. */
export interface ScenarioFile {
  /** The file as the user named it (or its path inside the package, for bundled ones). */
  readonly file: string;
  readonly scenario: Scenario;
}

// The folder of the bundled scenarios, inside the installed package.
const bundledScenarioFolder = 'src/scenarios/bundled';

/** Every bundled scenario, in file-name order (the order the demo plays them). */
export function bundledScenarios(): ScenarioFile[] {
  const folder = bundledFile(bundledScenarioFolder);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = `${bundledScenarioFolder}/${name}`;
      // Shipped and tested with the package: a file that is not JSON is a bug here, not bad input.
      return { file, scenario: parseScenario(JSON.parse(readFileSync(join(folder, name), 'utf8')), file) };
    });
}

/**
 * The bundled scenarios with these scenario names, in file-name order; an unknown name is invalid
 * input whose message lists every bundled name, since an installed user cannot browse the folder.
 */
export function bundledScenariosNamed(names: readonly string[]): ScenarioFile[] {
  const all = bundledScenarios();
  const unknown = names.filter((name) => !all.some((f) => f.scenario.name === name));
  if (unknown.length > 0) {
    const known = all.map((f) => f.scenario.name).join(', ');
    throw new HandoffError('INVALID_INPUT', `No bundled scenario named ${unknown.map((n) => JSON.stringify(n)).join(', ')}: expected one of ${known}.`);
  }
  return all.filter((f) => names.includes(f.scenario.name));
}
