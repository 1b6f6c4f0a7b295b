// Runs a set of scenario files for the CLI and collects one report, telling progress as it goes.
import { runScenario, type ScenarioRunOptions } from './run-scenario.js';
import type { ScenarioFile } from './scenario-files.js';
import type { ScenarioResult } from './timeline.js';

/** One scenario's result and the file it came from. */
export interface ScenarioFileResult extends ScenarioResult {
  readonly file: string;
}

/** What `demo --json` and `simulate --json` print: every result, and whether all passed. */
export interface ScenarioReport {
  readonly passed: boolean;
  readonly scenarios: readonly ScenarioFileResult[];
}

/** Runs the scenarios one after the other; `onProgress` hears each one before it starts. */
export async function runScenarioFiles(
  files: readonly ScenarioFile[],
  options: ScenarioRunOptions = {},
  onProgress?: (done: number, total: number, file: ScenarioFile) => void,
): Promise<ScenarioReport> {
  const scenarios: ScenarioFileResult[] = [];
  for (const [index, file] of files.entries()) {
    onProgress?.(index, files.length, file);
    scenarios.push({ file: file.file, ...(await runScenario(file.scenario, options)) });
  }
  return { passed: scenarios.every((s) => s.passed), scenarios };
}
