import { parseArgs } from 'node:util';
import { formatPath, HandoffError } from '../../errors.js';
import { lintConnectionRules } from '../../rules/lint.js';
import { exitCodes, type CliCommand } from '../command.js';
import { readJsonInput } from '../files.js';

const help = [
  'Usage: agent-handoff lint --rules FILE [--json]',
  '',
  'Checks a connection rules file and reports, each with its JSON path in the file:',
  '  invalid-rules        schema errors (unknown operators, bad paths, bad targets, ...)',
  '  never-holds          conditions that can never hold (e.g. two different equal values',
  '                       for one fact and path)',
  '  shadowed             rules that can never win: an earlier or higher rule holds whenever',
  '                       they do',
  '  default-unreachable  a rule always holds, so the default is never used',
  '',
  'The analysis is sound and conservative: it reasons per fact, path and params with the',
  "operators' exact semantics, so it may miss a problem but never reports a false one.",
  '',
  'Exit codes: 0 no findings, 1 findings, 2 invalid input (unreadable file, not JSON, bad arguments).',
].join('\n');

/** `agent-handoff lint`: schema errors, impossible conditions and shadowed rules in a rules file. */
export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'Check a rules file: schema errors, impossible conditions, rules that can never win',
  help,
  run: async (args, io) => {
    const { values } = parseArgs({
      args: [...args],
      options: { rules: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    if (values.rules === undefined) throw new HandoffError('INVALID_INPUT', 'Missing --rules FILE: the connection rules to check.');
    const findings = lintConnectionRules(await readJsonInput(values.rules, io));
    if (values.json) {
      const report = { file: values.rules, findings: findings.map((f) => ({ code: f.code, path: formatPath(f.path), message: f.message })) };
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    } else if (findings.length === 0) {
      io.stdout(`${values.rules}: no findings\n`);
    } else {
      const lines = findings.map((f) => `${values.rules}: ${formatPath(f.path)}  ${f.code}  ${f.message}`);
      io.stdout(`${lines.join('\n')}\n${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
    }
    return findings.length === 0 ? exitCodes.ok : exitCodes.findings;
  },
};
