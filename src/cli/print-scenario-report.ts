// How `demo` and `simulate` print a scenario report; `demo` is `simulate --timeline` on the bundled scenarios.
import { palette } from '../scenarios/ansi.js';
import { formatFailures, formatScenarioResult, formatSummary } from '../scenarios/format-timeline.js';
import type { ScenarioReport } from '../scenarios/scenario-report.js';
import type { CliIo } from './command.js';

/**
 * Prints the report as JSON, or as text: each scenario's timeline (or a line, with its failures as
 * diffs), then the summary, and a pointer to `--timeline` when something failed without one.
 */
export function printScenarioReport(io: CliIo, report: ScenarioReport, layout: { readonly json: boolean; readonly timelines: boolean }): void {
  if (layout.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  // Colours on a terminal, unless NO_COLOR is set to anything non-empty (no-color.org).
  const color = io.isTty && !process.env.NO_COLOR;
  const p = palette(color);
  for (const result of report.scenarios) {
    if (layout.timelines) {
      io.stdout(`${formatScenarioResult(result, { color })}\n`);
    } else if (result.passed) {
      io.stdout(`${p.green('✓')} ${result.name} ${p.dim(`(${result.file})`)}\n`);
    } else {
      io.stdout(`${p.red('✗')} ${result.name} ${p.dim(`(${result.file})`)}\n${formatFailures(result.failures, { color })}\n`);
    }
  }
  io.stdout(formatSummary(report.scenarios, { color }));
  if (!report.passed && !layout.timelines) io.stdout('Run again with --timeline to see what happened, step by step.\n');
}
