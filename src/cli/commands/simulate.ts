import { parseArgs } from 'node:util';
import { loadHandoffConfig } from '../../config/load-config.js';
import { HandoffError } from '../../errors.js';
import { loadConnectionRules } from '../../rules/load-rules.js';
import { parseScenario } from '../../scenarios/scenario-schema.js';
import { bundledScenariosNamed, type ScenarioFile } from '../../scenarios/scenario-files.js';
import { runScenarioFiles, type ScenarioReport } from '../../scenarios/scenario-report.js';
import { exitCodes, type CliCommand, type CliIo } from '../command.js';
import { loadJsonInput, readJsonInput } from '../files.js';
import { printScenarioReport } from '../print-scenario-report.js';

const help = [
  'Usage: agent-handoff simulate --scenario FILE|bundled:NAME [--scenario ...]... [--config FILE]',
  '                              [--rules FILE] [--timeline] [--json]',
  '',
  'Plays scenario files through the real handoff runtime, offline and deterministically: a',
  'simulated clock starting at the scenario\'s "start", the simulated agent desk (agents act only',
  'through desk.* steps unless the scenario sets "offerAcceptance": "auto"), an in-memory store.',
  'Each scenario\'s expect steps are checked; a failed one is shown as expected versus actual.',
  '',
  'A scenario file (JSON) holds: name, description, start (ISO 8601), conversation, and optional',
  'desk agents, businessHours, config changes and rules; then steps, each with a "type":',
  '  a host event          handoff.invoke, user.message, user.cancel, user.left (how: hangup),',
  '                        user.acceptOffer, target.completed, target.failed, dialog.completed, ...',
  '  clock.advance         { "seconds": 60 }: timeouts due on the way fire',
  '  desk.offer            { "agentId"? }   desk.accept   desk.reject { "reason"? }',
  '  desk.message          { "text" }       desk.endChat { "returnReason"? }',
  '  desk.setAvailability  { "agentId", "available" }',
  '  expect                state, aiMayRespond, owner, rule, target, agentId, returned, ended,',
  '                        userMessages (texts sent to the user so far)',
  '',
  'Options:',
  '  --scenario FILE  a scenario file (repeatable; progress shows on a terminal), or',
  '                   bundled:NAME for a scenario bundled with the package, by the name',
  '                   `agent-handoff demo` shows (such as bundled:no-agents)',
  '  --config FILE    the handoff config (default: the built-in demo config); a scenario\'s',
  '                   own "config" changes are merged into it',
  '  --rules FILE     connection rules (default: the bundled rules/default.json); a scenario\'s',
  '                   own "rules" take precedence',
  '  --timeline       print every scenario\'s timeline, not only the results',
  '  --json           print the report as JSON: { passed, scenarios: [{ name, file, passed,',
  '                   timeline, failures: [{ step, field, expected, actual, message }] }] }',
  '',
  'Exit codes: 0 every expectation held, 1 an expectation failed (or a step was refused),',
  '2 invalid input (a missing file, not JSON, not a valid scenario, config or rules).',
].join('\n');

// `--scenario bundled:no-agents` names a bundled scenario instead of a file.
const bundledPrefix = 'bundled:';

/** `agent-handoff simulate`: plays scenario files and checks their expectations, for a team's own CI. */
export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'Play scenario files on the real runtime and check their expectations',
  help,
  run: async (args, io) => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        scenario: { type: 'string', multiple: true },
        config: { type: 'string' },
        rules: { type: 'string' },
        timeline: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.scenario || values.scenario.length === 0) {
      throw new HandoffError('INVALID_INPUT', 'Missing --scenario FILE: the scenario file to play (repeat it for several).');
    }
    // Every input is read and validated before anything runs, so invalid input never half-runs.
    const config = values.config === undefined ? undefined : await loadJsonInput(values.config, io, loadHandoffConfig);
    const rules = values.rules === undefined ? undefined : await loadJsonInput(values.rules, io, loadConnectionRules);
    const files: ScenarioFile[] = [];
    for (const file of values.scenario) {
      if (file.startsWith(bundledPrefix)) {
        // Installed, the bundled files sit deep in node_modules; a name finds them from anywhere.
        files.push(...bundledScenariosNamed([file.slice(bundledPrefix.length)]));
        continue;
      }
      // parseScenario names the file in its own message.
      files.push({ file, scenario: parseScenario(await readJsonInput(file, io), file) });
    }

    const progress = io.isTty && !values.json && files.length > 1 ? showProgress(io) : undefined;
    let report: ScenarioReport;
    try {
      report = await runScenarioFiles(files, { config, rules }, progress?.update);
    } finally {
      progress?.done();
    }

    printScenarioReport(io, report, { json: values.json, timelines: values.timeline });
    return report.passed ? exitCodes.ok : exitCodes.findings;
  },
};

/** Progress on standard error, one rewritten line; only used on a terminal. */
function showProgress(io: CliIo): { update: (done: number, total: number, file: ScenarioFile) => void; done: () => void } {
  return {
    update: (done, total, file) => {
      io.stderr(`\r\u001b[K[${done + 1}/${total}] ${file.scenario.name}`);
    },
    done: () => {
      io.stderr('\r\u001b[K');
    },
  };
}

