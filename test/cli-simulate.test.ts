// `agent-handoff simulate` through the built bin: scenario files as a team writes them in its CI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { runBuiltCli, type CliRun } from './support/built-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-handoff-simulate-'));

const cli = (args: string[]): CliRun => runBuiltCli(['simulate', ...args], { cwd: dir });

function file(name: string, content: unknown): string {
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

const scenario = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  name: 'refund',
  start: '2025-06-02T09:00:00Z',
  conversation: { sessionId: 's-1', userId: 'u-1', channel: 'chat', language: 'en', memory: { userProfile: { firstName: 'Ada' } } },
  desk: { agents: [{ id: 'ana' }] },
  steps,
  ...extra,
});
const invoke = { type: 'handoff.invoke', reason: 'user_requested', parameters: { interactionSummary: 'Wants a person.', sentiment: 'neutral' } };

const passing = file('passing.json', scenario([invoke, { type: 'expect', state: 'queued.waiting', rule: 'asked-for-a-person' }, { type: 'desk.offer' }, { type: 'desk.accept' }, { type: 'expect', state: 'liveAgent', agentId: 'ana' }]));
const failing = file('failing.json', scenario([invoke, { type: 'expect', state: 'liveAgent', rule: 'asked-for-a-person' }]));

describe('agent-handoff simulate', () => {
  it('exits 0 when every expectation holds', () => {
    const { code, stdout, stderr } = cli(['--scenario', passing]);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '✓ refund (passing.json)\n✓ 1 scenario, all expectations passed\n', stderr: '' });
  });

  it('exits 1 with a diff of expected and actual when an expectation fails', () => {
    const { code, stdout, stderr } = cli(['--scenario', failing]);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toMatchInlineSnapshot(`
      "✗ refund (failing.json)
        $.steps[1] state: Expected the conversation in state "liveAgent"
          - expected: "liveAgent"
          + actual:   "queued.waiting"
      ✗ 1 scenario, 1 failed: refund
      Run again with --timeline to see what happened, step by step.
      "
    `);
  });

  it('prints every timeline with --timeline', () => {
    const { code, stdout } = cli(['--scenario', passing, '--scenario', failing, '--timeline']);
    expect(code).toBe(1);
    expect(stdout).toContain('⇒ routed by rule "asked-for-a-person"');
    expect(stdout).toContain('✗ expect state, rule');
    expect(stdout).toContain('✗ 2 scenarios, 1 failed: refund');
  });

  it('prints the report as JSON with --json', () => {
    const { code, stdout } = cli(['--scenario', passing, '--scenario', failing, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { passed: boolean; scenarios: { file: string; passed: boolean; failures: unknown[]; timeline: unknown[] }[] };
    expect(report.passed).toBe(false);
    expect(report.scenarios.map((s) => [s.file, s.passed])).toEqual([
      ['passing.json', true],
      ['failing.json', false],
    ]);
    expect(report.scenarios[1]?.failures).toEqual([
      { step: 1, field: 'state', expected: 'liveAgent', actual: 'queued.waiting', message: 'Expected the conversation in state "liveAgent"' },
    ]);
  });

  it('uses --rules and --config instead of the defaults', () => {
    const rules = file('rules.json', { rules: [], default: { type: 'agentTransfer', params: { queue: 'billing' } } });
    const config = file('config.json', {
      event: { enabled: true, automationNode: 'Node', message: { mode: 'custom', text: 'One moment.' } },
      integration: { agenticApp: { name: 'A', workspace: 'w' }, serviceApp: { name: 'S', workspace: 'w', channelFlows: ['chat'], automationNodes: ['Node'] } },
    });
    const expecting = file('billing.json', scenario([{ type: 'handoff.invoke', reason: 'other', parameters: {} }, { type: 'expect', rule: null, target: { params: { queue: 'billing' } }, userMessages: ['One moment.'] }]));
    const { code, stdout } = cli(['--scenario', expecting, '--rules', rules, '--config', config]);
    expect(stdout).toContain('✓ refund (billing.json)');
    expect(code).toBe(0);
  });

  it('plays a bundled scenario by name from any folder, beside a real file', () => {
    const { code, stdout, stderr } = cli(['--scenario', 'bundled:no-agents', '--scenario', passing]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe('✓ no-agents (src/scenarios/bundled/05-no-agents.json)\n✓ refund (passing.json)\n✓ 2 scenarios, all expectations passed\n');
  });

  it('exits 2 on an unknown bundled name, listing the bundled names', () => {
    const { code, stdout, stderr } = cli(['--scenario', 'bundled:05-no-agent']);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      'agent-handoff simulate: No bundled scenario named "05-no-agent": expected one of asks-for-a-person, billing-capability-gap, vip-on-voice, out-of-hours, no-agents, cancels-while-waiting, agent-returns-to-ai.\n',
    );
  });

  it.each([
    ['a missing file', ['--scenario', 'missing.json'], 'agent-handoff simulate: Cannot read missing.json: no such file.\n'],
    ['a file that is not JSON', ['--scenario', file('broken.json', '{ "name": ')], 'agent-handoff simulate: broken.json is not valid JSON: '],
    ['no --scenario', [], 'agent-handoff simulate: Missing --scenario FILE'],
    ['an unknown option', ['--scenario', passing, '--verbose'], "agent-handoff simulate: Unknown option '--verbose'"],
  ])('exits 2 on %s, naming it, without a stack trace', (_what, args, message) => {
    const { code, stdout, stderr } = cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(message)).toBe(true);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a scenario invalid against the schema, naming the file and each path', () => {
    const bad = file('bad.json', scenario([invoke, { type: 'desk.wave' }, { type: 'clock.advance', seconds: 'soon' }], { start: 'Monday' }));
    const { code, stdout, stderr } = cli(['--scenario', passing, '--scenario', bad]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^agent-handoff simulate: Invalid scenario bad\.json: \$\.start: Expected an ISO 8601 date-time/);
    expect(stderr).toContain('\n  $.steps[1].type: Unknown step type "desk.wave": expected one of handoff.invoke');
    expect(stderr).toContain('\n  $.steps[2].seconds: Invalid input: expected number, received string');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on invalid rules or config, naming the file and the path', () => {
    const rules = file('bad-rules.json', { rules: [] });
    const rulesRun = cli(['--scenario', passing, '--rules', rules]);
    expect(rulesRun.code).toBe(2);
    expect(rulesRun.stderr).toContain('agent-handoff simulate: bad-rules.json: Invalid connection rules: $.default:');
    const inScenario = file('bad-inside.json', scenario([invoke], { config: { event: { session: 'forever' } } }));
    const configRun = cli(['--scenario', inScenario]);
    expect(configRun.code).toBe(2);
    expect(configRun.stderr).toContain('$.config.event.session: Invalid option');
    expect(configRun.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 when the desk refuses a step, saying which and why', () => {
    const refused = file('refused.json', scenario([invoke, { type: 'desk.accept' }]));
    const { code, stdout } = cli(['--scenario', refused]);
    expect(code).toBe(1);
    expect(stdout).toContain('$.steps[1] step: Step 1 (desk.accept) could not be played');
    expect(stdout).toContain('+ actual:   "INVALID_INPUT: ');
  });

  it('explains the scenario format with --help', () => {
    const { code, stdout } = cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: agent-handoff simulate --scenario FILE');
    expect(stdout).toContain('desk.setAvailability');
  });

  it('shows progress on standard error and colours on a terminal only', async () => {
    const run = async (isTty: boolean) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['simulate', '--scenario', passing, '--scenario', passing], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        readStdin: () => Promise.resolve(''),
        isTty,
        cwd: dir,
      });
      return { code, stdout, stderr };
    };
    const terminal = await run(true);
    expect(terminal.code).toBe(0);
    expect(terminal.stderr).toContain('[1/2] refund');
    expect(terminal.stderr).toContain('[2/2] refund');
    if (!process.env.NO_COLOR) expect(terminal.stdout).toContain(`${String.fromCharCode(27)}[32m✓`);
    const piped = await run(false);
    expect(piped).toEqual({ code: 0, stdout: '✓ refund (passing.json)\n✓ refund (passing.json)\n✓ 2 scenarios, all expectations passed\n', stderr: '' });
  });
});
