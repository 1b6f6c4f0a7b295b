// The timeline as a person reads it: one line per step, the states it went through, the routing
// decision rule by rule, messages, timeouts and expectations; failures as expected-versus-actual.
import { palette, type Palette } from './ansi.js';
import { describeTarget } from './step-summary.js';
import type { ExpectationFailure, ScenarioResult, TimelineEntry } from './timeline.js';

const gutter = ' '.repeat(10);
const weekdayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Options of the text formatters. */
export interface FormatOptions {
  /** ANSI colours (default false: plain text). */
  readonly color?: boolean;
}

/** `09:00:20`: the simulated time of day in UTC. */
function clockTime(at: string): string {
  return at.slice(11, 19);
}

function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** One scenario's timeline and failures as readable text, ending with a newline. */
export function formatScenarioResult(result: ScenarioResult, options: FormatOptions = {}): string {
  const p = palette(options.color ?? false);
  const first = result.timeline[0];
  const start = first ? `${first.at.slice(0, 10)} ${clockTime(first.at)} UTC (${weekdayNames[new Date(first.at).getUTCDay()] ?? ''})` : '';
  const lines = [p.bold(`━━ ${result.name} ━━ ${p.dim(start)}`)];
  if (result.description) lines.push(p.dim(result.description));
  lines.push('');
  let lastTime = '';
  const stamp = (at: string, always = false): string => {
    const time = clockTime(at);
    if (!always && time === lastTime) return gutter;
    lastTime = time;
    return `${p.dim(time)}  `;
  };
  const entries = result.timeline;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!e) continue;
    if (e.kind === 'state') {
      // Consecutive state changes read as one path.
      const path = [e.from === null ? e.to : `${e.from} → ${e.to}`];
      let next = entries[i + 1];
      while (next?.kind === 'state') {
        path.push(next.to);
        i++;
        next = entries[i + 1];
      }
      lines.push(`${stamp(e.at)}${p.blue('◆')} ${p.blue(path.join(' → '))}`);
      continue;
    }
    lines.push(...formatEntry(e, stamp, p));
  }
  if (result.failures.length > 0) {
    lines.push('', p.red(p.bold(`✗ ${result.name}: ${result.failures.length} expectation${result.failures.length === 1 ? '' : 's'} failed`)));
    lines.push(formatFailures(result.failures, options));
  } else {
    const expectations = entries.filter((e) => e.kind === 'expect').length;
    lines.push('', p.green(`✓ ${result.name}: ${expectations} expectation step${expectations === 1 ? '' : 's'} passed`));
  }
  return `${lines.join('\n')}\n`;
}

function formatEntry(e: Exclude<TimelineEntry, { kind: 'state' }>, stamp: (at: string, always?: boolean) => string, p: Palette): string[] {
  switch (e.kind) {
    case 'step':
      return [`${stamp(e.at, true)}${p.bold('▶')} ${p.bold(e.summary)}`];
    case 'routed': {
      const by = e.rule === null ? 'the default target (no rule held)' : `rule ${JSON.stringify(e.rule)}`;
      const lines = [`${stamp(e.at)}${p.magenta('⇒')} routed by ${p.magenta(by)} → ${describeTarget(e.target)}`];
      const width = Math.max(0, ...e.rules.map((r) => r.rule.length));
      for (const r of e.rules) {
        const mark = r.outcome === 'won' ? p.green('★') : r.outcome === 'outranked' ? p.yellow('✓') : p.dim('✗');
        lines.push(`${gutter}    ${mark} ${r.rule.padEnd(width)}  ${p.dim(r.why)}`);
      }
      return lines;
    }
    case 'userMessage':
      return [`${stamp(e.at)}${p.cyan('✉')} to the user ${p.dim(`(${e.message})`)}: ${p.cyan(JSON.stringify(e.text))}`];
    case 'agentMessage':
      return [`${stamp(e.at)}${p.cyan('✉')} ${e.agentId} to the user: ${p.cyan(JSON.stringify(e.text))}`];
    case 'timer':
      return [`${stamp(e.at)}${p.yellow('⏰')} timeout ${p.yellow(e.timer)} fired`];
    case 'notice':
      return [`${stamp(e.at)}${p.dim('•')} ${e.summary}`];
    case 'expect':
      return [`${stamp(e.at)}${e.passed ? p.green('✓ expect') : p.red('✗ expect')} ${e.checked.join(', ')}`];
    case 'error':
      return [`${stamp(e.at)}${p.red('✗')} ${p.red(`step ${e.index} refused: ${e.code} ${e.message}`)}`];
  }
}

/** Failures as a diff: the step and field, then the expected and the actual value. */
export function formatFailures(failures: readonly ExpectationFailure[], options: FormatOptions = {}): string {
  const p = palette(options.color ?? false);
  const lines: string[] = [];
  for (const f of failures) {
    lines.push(`  $.steps[${f.step}] ${p.bold(f.field)}: ${f.message}`);
    lines.push(p.green(`    - expected: ${show(f.expected)}`));
    lines.push(p.red(`    + actual:   ${show(f.actual)}`));
  }
  return lines.join('\n');
}

/** The last line of a run: how many scenarios passed. */
export function formatSummary(results: readonly Pick<ScenarioResult, 'name' | 'passed'>[], options: FormatOptions = {}): string {
  const p = palette(options.color ?? false);
  const failed = results.filter((r) => !r.passed);
  const count = `${results.length} scenario${results.length === 1 ? '' : 's'}`;
  return failed.length === 0
    ? `${p.green(p.bold(`✓ ${count}, all expectations passed`))}\n`
    : `${p.red(p.bold(`✗ ${count}, ${failed.length} failed: ${failed.map((r) => r.name).join(', ')}`))}\n`;
}
