import { parseArgs } from 'node:util';
import { HandoffError } from '../../errors.js';
import { loadConnectionRules } from '../../rules/load-rules.js';
import { describeCondition, showValue, type ConditionExplanation, type RouteExplanation } from '../../routing/explanation.js';
import { parseBusinessHours } from '../../routing/business-hours.js';
import { createRouter } from '../../routing/router.js';
import type { RouteDecision } from '../../routing/target-schema.js';
import { exitCodes, type CliCommand } from '../command.js';
import { bundledDefaultRules } from '../../package-files.js';
import { loadJsonInput, readJsonInput } from '../files.js';

const help = [
  'Usage: agent-handoff route [--rules FILE] --facts FILE|- [--json] [--explain]',
  '                           [--business-hours FILE] [--now ISO-8601]',
  '',
  'Decides where a handed-off conversation goes: the first rule that holds, by priority then',
  'order in the file, or the default. The facts are a JSON object (the handoff payload); "-"',
  'reads them from standard input.',
  '',
  'Options:',
  '  --rules FILE           connection rules (default: the bundled rules/default.json)',
  '  --facts FILE|-         the facts to decide on',
  '  --explain              every rule: held or not, each condition with the value seen',
  '  --json                 print the decision (or the explanation) as JSON',
  '  --business-hours FILE  a schedule for the withinBusinessHours fact',
  '  --now ISO-8601         the clock for withinBusinessHours (default: now)',
  '',
  'Facts the router computes (withinBusinessHours, agentsAvailable) may also be given directly',
  'in the facts, e.g. "agentsAvailable": false, which is how to try them offline.',
  '',
  'Exit codes: 0 decided, 2 invalid input (rules, facts, arguments).',
].join('\n');

/** `agent-handoff route`: decides (and optionally explains) one routing decision offline. */
export const routeCommand: CliCommand = {
  name: 'route',
  summary: 'Decide where a conversation goes from rules and facts (--explain says why)',
  help,
  run: async (args, io) => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        rules: { type: 'string' },
        facts: { type: 'string' },
        json: { type: 'boolean', default: false },
        explain: { type: 'boolean', default: false },
        'business-hours': { type: 'string' },
        now: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.facts === undefined) {
      throw new HandoffError('INVALID_INPUT', 'Missing --facts FILE: the facts to decide on, or - to read them from standard input.');
    }
    const rules = values.rules === undefined ? bundledDefaultRules() : await loadJsonInput(values.rules, io, loadConnectionRules);
    const businessHours = values['business-hours'] === undefined ? undefined : await loadJsonInput(values['business-hours'], io, parseBusinessHours);
    let now: (() => number) | undefined;
    if (values.now !== undefined) {
      const at = Date.parse(values.now);
      if (Number.isNaN(at)) throw new HandoffError('INVALID_INPUT', `--now ${JSON.stringify(values.now)} is not a date: expected ISO 8601 such as 2025-06-02T09:30:00Z.`);
      now = () => at;
    }
    const router = createRouter(rules, { businessHours, now });
    const facts = await readJsonInput(values.facts, io);
    if (values.explain) {
      const explanation = await router.explain(facts);
      io.stdout(values.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation));
    } else {
      const decision = await router.route(facts);
      io.stdout(values.json ? `${JSON.stringify(decision, null, 2)}\n` : `${renderDecision(decision)}\n`);
    }
    return exitCodes.ok;
  },
};

/** One line for a decision: the rule (or the default) and the target. */
function renderDecision(decision: RouteDecision): string {
  const by = decision.rule === null ? 'default (no rule held)' : `rule ${JSON.stringify(decision.rule)}`;
  return `${by} → ${decision.target.type} ${JSON.stringify(decision.target.params)}`;
}

const mark = (outcome: ConditionExplanation['outcome']): string => (outcome === 'held' ? '✓' : outcome === 'failed' ? '✗' : '·');

function renderCondition(c: ConditionExplanation, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth);
  if (c.kind === 'fact') {
    const seen = c.outcome === 'not-evaluated' ? 'not evaluated' : `seen ${showValue(c.seen)}`;
    lines.push(`${pad}${mark(c.outcome)} ${describeCondition(c)}   (${seen})   ${c.at}`);
    return;
  }
  lines.push(`${pad}${mark(c.outcome)} ${c.kind}   ${c.at}`);
  for (const nested of c.conditions) renderCondition(nested, depth + 1, lines);
}

function renderExplanation(explanation: RouteExplanation): string {
  const lines = [renderDecision(explanation.decision), explanation.why, ''];
  for (const rule of explanation.rules) {
    lines.push(`${rule.outcome === 'won' ? '★' : rule.held ? '✓' : '✗'} ${rule.rule} (priority ${rule.priority}, ${rule.at}): ${rule.why}`);
    renderCondition(rule.conditions, 1, lines);
  }
  return `${lines.join('\n')}\n`;
}
