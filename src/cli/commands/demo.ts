import { parseArgs } from 'node:util';
import { bundledScenarios, bundledScenariosNamed } from '../../scenarios/scenario-files.js';
import { runScenarioFiles } from '../../scenarios/scenario-report.js';
import { exitCodes, type CliCommand } from '../command.js';
import { printScenarioReport } from '../print-scenario-report.js';

const help = [
  'Usage: agent-handoff demo [--scenario NAME]... [--json]',
  '',
  'Plays the bundled scenarios through the real handoff runtime on its defaults (the default',
  'config, rules/default.json, an in-memory store, a simulated agent desk and a simulated clock)',
  'and prints a timeline for each: the steps, the states the conversation went through, the',
  'routing decision with why each rule did or did not match, messages to the user, timeouts.',
  '',
  'Scenarios: a user who asks for a person, a capability gap in billing, a VIP on voice, a',
  'request out of hours, a queue with no agents, a user who cancels while waiting, an agent who',
  'returns the user to the AI.',
  '',
  'Options:',
  '  --scenario NAME  play only this bundled scenario (repeatable)',
  '  --json           print the report as JSON: { passed, scenarios: [{ name, file, passed,',
  '                   timeline, failures }] }',
  '',
  'Colours on a terminal; plain text when piped or when NO_COLOR is set.',
  'Write your own scenarios and play them with `agent-handoff simulate`.',
  '',
  'Exit codes: 0 every expectation held, 1 an expectation failed, 2 invalid arguments.',
].join('\n');

/** `agent-handoff demo`: plays the bundled scenarios and prints their timelines (what `npm start` runs). */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Play the bundled scenarios on the real runtime and print their timelines',
  help,
  run: async (args, io) => {
    const { values } = parseArgs({
      args: [...args],
      options: { scenario: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    const wanted = values.scenario ?? [];
    const files = wanted.length === 0 ? bundledScenarios() : bundledScenariosNamed(wanted);
    const report = await runScenarioFiles(files);
    printScenarioReport(io, report, { json: values.json, timelines: true });
    if (!values.json) io.stdout('Write your own: agent-handoff simulate --scenario my-scenario.json (see agent-handoff simulate --help).\n');
    return report.passed ? exitCodes.ok : exitCodes.findings;
  },
};
