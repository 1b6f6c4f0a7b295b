// The scenario files bundled with the package, which the demo plays.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
