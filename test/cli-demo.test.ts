// `agent-handoff demo` through the built bin, as `npm start` runs it.
import { describe, expect, it } from 'vitest';
import { runBuiltCli, type CliRun } from './support/built-cli.js';

const cli = (args: string[], env: Record<string, string> = {}): CliRun => runBuiltCli(args, { env });

const escape = String.fromCharCode(27);

describe('agent-handoff demo', () => {
  it('plays every bundled scenario in seconds, prints plain timelines when piped, and exits 0', () => {
    const started = Date.now();
    const { code, stdout, stderr } = cli(['demo']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).not.toContain(escape);
    for (const name of ['asks-for-a-person', 'billing-capability-gap', 'vip-on-voice', 'out-of-hours', 'no-agents', 'cancels-while-waiting', 'agent-returns-to-ai']) {
      expect(stdout).toContain(`━━ ${name} ━━`);
      expect(stdout).toContain(`✓ ${name}:`);
    }
    expect(stdout).toContain('⇒ routed by rule "vip-voice" → live agent, queue "vip" (skills voice, priority 0)');
    expect(stdout).toContain('⏰ timeout periodicMessage fired');
    expect(stdout).toContain('✓ 7 scenarios, all expectations passed');
  });

  it('prints the report as JSON with --json', () => {
    const { code, stdout } = cli(['demo', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { passed: boolean; scenarios: { name: string; file: string; passed: boolean; failures: unknown[]; timeline: { kind: string; at: string }[] }[] };
    expect(report.passed).toBe(true);
    expect(report.scenarios).toHaveLength(7);
    expect(report.scenarios[0]).toMatchObject({ name: 'asks-for-a-person', file: 'src/scenarios/bundled/01-asks-for-a-person.json', passed: true, failures: [] });
    expect(new Set(report.scenarios.flatMap((s) => s.timeline.map((e) => e.kind)))).toEqual(
      new Set(['state', 'step', 'notice', 'userMessage', 'routed', 'expect', 'agentMessage', 'timer']),
    );
  });

  it('plays only the scenarios named with --scenario', () => {
    const { code, stdout } = cli(['demo', '--scenario', 'out-of-hours', '--json']);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { scenarios: { name: string }[] }).scenarios.map((s) => s.name)).toEqual(['out-of-hours']);
  });

  it('refuses an unknown scenario name with exit 2 and the names it knows', () => {
    const { code, stdout, stderr } = cli(['demo', '--scenario', 'nope']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('agent-handoff demo: No bundled scenario named "nope": expected one of asks-for-a-person, billing-capability-gap');
    expect(stderr).not.toContain('    at ');
  });

  it('explains itself with --help', () => {
    const { code, stdout } = cli(['demo', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: agent-handoff demo [--scenario NAME]... [--json]');
  });

  it('is listed in the command list', () => {
    expect(cli(['--help']).stdout).toMatch(/demo +Play the bundled scenarios/);
  });
});
