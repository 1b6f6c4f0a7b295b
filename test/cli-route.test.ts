import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot as root, runBuiltCli, type CliRun } from './support/built-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-handoff-cli-'));

const cli = (args: string[], stdin?: string): CliRun => runBuiltCli(args, { cwd: dir, ...(stdin === undefined ? {} : { stdin }) });

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

const target = (queue: string) => ({ type: 'agentTransfer', params: { queue } });
const voiceRules = file('voice.json', {
  rules: [{ name: 'voice', conditions: { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }] }, event: target('voice') }],
  default: target('general'),
});
const voiceFacts = file('voice-facts.json', { channel: 'voice' });

describe('agent-handoff route', () => {
  it('prints the decision and exits 0', () => {
    const { code, stdout, stderr } = cli(['route', '--rules', voiceRules, '--facts', voiceFacts]);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'rule "voice" → agentTransfer {"queue":"voice","priority":5,"waitForAgentSeconds":30}\n', stderr: '' });
  });

  it('reads the facts from standard input and prints JSON', () => {
    const { code, stdout } = cli(['route', '--rules', voiceRules, '--facts', '-', '--json'], '{"channel":"chat"}');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ rule: null, target: { type: 'agentTransfer', params: { queue: 'general', priority: 5, waitForAgentSeconds: 30 } } });
  });

  it('uses the bundled rules/default.json when --rules is left out', () => {
    const facts = file('refund.json', { channel: 'chat', reason: 'user_requested', parameters: { intent: 'refund' }, withinBusinessHours: true, agentsAvailable: true });
    const { code, stdout } = cli(['route', '--facts', facts, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ rule: 'refund-request', target: { params: { queue: 'billing', skills: ['refunds'] } } });
  });

  it('explains the decision rule by rule, as text and as JSON', () => {
    const text = cli(['route', '--rules', voiceRules, '--facts', voiceFacts, '--explain']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('★ voice (priority 1, $.rules[0]): Won');
    expect(text.stdout).toContain('✓ channel equal "voice"   (seen "voice")   $.rules[0].conditions.all[0]');
    const json = cli(['route', '--rules', voiceRules, '--facts', voiceFacts, '--explain', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ decision: { rule: 'voice' }, rules: [{ rule: 'voice', outcome: 'won', held: true }] });
  });

  it('computes withinBusinessHours from --business-hours and --now', () => {
    const hours = file('hours.json', { timeZone: 'Europe/Paris', weekly: { monday: [{ from: '09:00', to: '18:00' }] } });
    const facts = file('open-facts.json', { agentsAvailable: true, reason: 'other' });
    const monday = cli(['route', '--facts', facts, '--business-hours', hours, '--now', '2025-06-02T10:00:00Z', '--json']);
    expect(JSON.parse(monday.stdout)).toMatchObject({ rule: null });
    const sunday = cli(['route', '--facts', facts, '--business-hours', hours, '--now', '2025-06-01T10:00:00Z', '--json']);
    expect(JSON.parse(sunday.stdout)).toMatchObject({ rule: 'out-of-hours', target: { type: 'workflow' } });
  });

  it('reports invalid rules on stderr with their paths and exits 2', () => {
    const bad = file('bad.json', { rules: [{ name: 'a', conditions: { all: [{ fact: 'x', operator: 'equals', value: 1 }] }, event: target('a') }] });
    const { code, stdout, stderr } = cli(['route', '--rules', bad, '--facts', voiceFacts]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatchInlineSnapshot(`
      "agent-handoff route: bad.json: Invalid connection rules: $.rules[0].conditions.all[0].operator: Unknown operator "equals": expected one of equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, exists, notExists (and 1 more)
        $.rules[0].conditions.all[0].operator: Unknown operator "equals": expected one of equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, exists, notExists
        $.default: Expected a default: the target used when no rule holds (the product requires a fallback)
      "
    `);
  });

  it.each([
    [['route', '--rules', 'voice.json', '--facts', '-'], 'null', 'Invalid facts: expected an object'],
    [['route', '--rules', 'voice.json', '--facts', 'missing.json'], undefined, 'Cannot read missing.json: no such file.'],
    [['route', '--rules', 'voice.json'], undefined, 'Missing --facts FILE'],
    [['route', '--facts', 'voice-facts.json', '--now', 'soon'], undefined, '--now "soon" is not a date'],
    [['route', '--facts', 'voice-facts.json', '--colour'], undefined, "Unknown option '--colour'"],
  ])('exits 2 on invalid input: %j', (args, stdin, message) => {
    const { code, stderr, stdout } = cli(args, stdin);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('agent-handoff lint', () => {
  it('exits 0 on a clean file', () => {
    expect(cli(['lint', '--rules', join(root, 'rules/default.json')])).toMatchObject({ code: 0, stdout: `${join(root, 'rules/default.json')}: no findings\n` });
  });

  it('lists findings with their paths and exits 1', () => {
    const shadowed = file('shadowed.json', {
      rules: [
        { name: 'voice', conditions: { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }] }, event: target('voice') },
        { name: 'voice-vip', conditions: { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }, { fact: 'vip', operator: 'equal', value: true }] }, event: target('vip') },
        { name: 'never', conditions: { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }, { fact: 'channel', operator: 'equal', value: 'chat' }] }, event: target('x') },
      ],
      default: target('general'),
    });
    const text = cli(['lint', '--rules', shadowed]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatchInlineSnapshot(`
      "shadowed.json: $.rules[1]  shadowed  Rule "voice-vip" can never win: whenever it holds, rule "voice" ($.rules[0]) holds too and comes earlier in the file with the same priority
      shadowed.json: $.rules[2].conditions  never-holds  The conditions of rule "never" can never hold: no single value satisfies these conditions together ($.rules[2].conditions.all[0], $.rules[2].conditions.all[1])
      2 findings
      "
    `);
    const json = cli(['lint', '--rules', shadowed, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ file: shadowed, findings: [{ code: 'shadowed', path: '$.rules[1]' }, { code: 'never-holds', path: '$.rules[2].conditions' }] });
  });

  it('reports schema errors as findings (exit 1) and unreadable input as invalid (exit 2)', () => {
    const bad = file('lint-bad.json', { rules: [], default: { type: 'human' } });
    expect(cli(['lint', '--rules', bad])).toMatchObject({ code: 1, stdout: expect.stringContaining('$.default.type  invalid-rules  Unknown target type "human"') as unknown });
    expect(cli(['lint', '--rules', file('broken.json', '{ "rules": [')])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('broken.json is not valid JSON') as unknown });
    expect(cli(['lint'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Missing --rules FILE') as unknown });
  });

  it("is described so by the README's exit codes, which otherwise count invalid rules as invalid input (exit 2)", () => {
    const exitCodes = readFileSync(join(root, 'README.md'), 'utf8').split('\n\n').find((p) => p.startsWith('Exit codes (every command)')) ?? '';
    expect(exitCodes.replace(/\s+/g, ' ')).toContain('reports each schema error as `invalid-rules` and exits `1`, and exits `2` only when the file cannot be read or is not JSON');
  });
});
