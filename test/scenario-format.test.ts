// The timeline as text: plain without colours, ANSI with them, failures as expected versus actual.
import { describe, expect, it } from 'vitest';
import { formatFailures, formatScenarioResult, formatSummary } from '../src/scenarios/format-timeline.js';
import { runScenario } from '../src/scenarios/run-scenario.js';
import { bundledScenarios } from '../src/scenarios/scenario-files.js';

const ansi = new RegExp(`${String.fromCharCode(27)}\\[`);

describe('formatScenarioResult', () => {
  it('reads as one line per step with states, the routing decision rule by rule, messages and timeouts', async () => {
    const file = bundledScenarios().find((f) => f.scenario.name === 'cancels-while-waiting');
    if (!file) throw new Error('bundled scenario missing');
    const text = formatScenarioResult(await runScenario(file.scenario));
    expect(text).not.toMatch(ansi);
    expect(text).toContain('━━ cancels-while-waiting ━━ 2025-06-02 11:00:00 UTC (Mon)');
    expect(text).toContain('11:00:00  ▶ the AI fires the handoff event (repeated_failure)');
    expect(text).toContain('◆ aiHandling → handoffRequested → delivering.attempt.sending');
    expect(text).toContain('⇒ routed by the default target (no rule held) → live agent, queue "general" (priority 5)');
    expect(text).toMatch(/✗ out-of-hours +Did not hold: withinBusinessHours equal false failed, the value was true/);
    expect(text).toContain('11:01:00  ⏰ timeout periodicMessage fired');
    expect(text).toContain('✉ to the user (queueOffer): "This is taking longer than usual.');
    expect(text).toContain('◆ queued.waiting → leavingQueue → aiHandling');
    expect(text).toContain('✓ cancels-while-waiting: 4 expectation steps passed');
  });

  it('colours only when asked', async () => {
    const [file] = bundledScenarios();
    if (!file) throw new Error('no bundled scenario');
    expect(formatScenarioResult(await runScenario(file.scenario), { color: true })).toMatch(ansi);
  });
});

describe('formatFailures and formatSummary', () => {
  const failures = [{ step: 3, field: 'state', expected: 'liveAgent', actual: 'queued.waiting', message: 'Expected the conversation in state "liveAgent"' }];

  it('shows each failure as a diff of expected and actual', () => {
    expect(formatFailures(failures)).toMatchInlineSnapshot(`
      "  $.steps[3] state: Expected the conversation in state "liveAgent"
          - expected: "liveAgent"
          + actual:   "queued.waiting""
    `);
  });

  it('counts scenarios and names the failed ones', () => {
    expect(formatSummary([{ name: 'a', passed: true }])).toBe('✓ 1 scenario, all expectations passed\n');
    expect(formatSummary([{ name: 'a', passed: true }, { name: 'b', passed: false }])).toBe('✗ 2 scenarios, 1 failed: b\n');
  });
});
