import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { handoffPayloadSchema, type HandoffPayload } from '../src/payload/payload-schema.js';
import { lintConnectionRules } from '../src/rules/lint.js';
import { loadConnectionRules } from '../src/rules/load-rules.js';
import { createRouter, type RouterOptions } from '../src/routing/router.js';

const rulesDir = fileURLToPath(new URL('../rules/', import.meta.url));
const readJson = (file: string): unknown => JSON.parse(readFileSync(`${rulesDir}${file}`, 'utf8'));
const files = ['default.json', ...readdirSync(`${rulesDir}examples`).filter((f) => f.endsWith('.json')).map((f) => `examples/${f}`)];

describe('bundled rule files', () => {
  it('ships a default and at least three examples', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s loads and lints clean', (file) => {
    const json = readJson(file);
    expect(() => loadConnectionRules(json)).not.toThrow();
    expect(lintConnectionRules(json)).toEqual([]);
  });
});

describe('rules/default.json', () => {
  const rules = loadConnectionRules(readJson('default.json'));
  const monday = Date.UTC(2025, 5, 2, 10);
  const sunday = Date.UTC(2025, 5, 1, 10);
  const weekday = [{ from: '08:00', to: '20:00' }];
  const options = (now: number, free = true): RouterOptions => ({
    businessHours: { timeZone: 'Europe/London', weekly: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday } },
    agentsAvailable: ({ queue }) => Promise.resolve(free || queue !== 'general'),
    now: () => now,
  });
  const payload = (overrides: Partial<HandoffPayload>): HandoffPayload =>
    handoffPayloadSchema.parse({
      automationNode: 'live-agent-handoff',
      sessionId: 'session-1',
      userId: 'user-1',
      channel: 'chat',
      language: 'en',
      reason: 'other',
      parameters: {},
      firedAt: '2025-06-02T10:00:00Z',
      context: { steps: {} },
      ...overrides,
    });

  it.each<[string, Partial<HandoffPayload>, string | null, { now?: number; free?: boolean }]>([
    ['a Sunday, whatever was asked', { reason: 'user_requested' }, 'out-of-hours', { now: sunday }],
    ['open, but nobody free in the general queue', { reason: 'user_requested' }, 'no-agents-available', { free: false }],
    ['a gold customer calling', { channel: 'voice', parameters: { customerTier: 'gold' } }, 'vip-voice', {}],
    ['a platinum customer in chat', { parameters: { customerTier: 'platinum' } }, 'vip', {}],
    ['any other call', { channel: 'voice', parameters: { customerTier: 'silver' } }, 'voice', {}],
    ['a refund, asked for a person too', { reason: 'user_requested', parameters: { intent: 'refund' } }, 'refund-request', {}],
    ['an invoice question', { reason: 'capability_gap', parameters: { intent: 'invoice' } }, 'billing-question', {}],
    ['a frustrated user', { reason: 'negative_sentiment' }, 'frustrated-user', {}],
    ['negative sentiment collected as a parameter', { reason: 'repeated_failure', parameters: { sentiment: 'negative' } }, 'frustrated-user', {}],
    ['a user who asked for a person', { reason: 'user_requested' }, 'asked-for-a-person', {}],
    ['anything else', { reason: 'capability_gap', parameters: { intent: 'shipping' } }, null, {}],
  ])('%s → %s', async (_label, overrides, expected, { now = monday, free = true }) => {
    const router = createRouter(rules, options(now, free));
    const facts = payload(overrides);
    const decision = await router.route(facts);
    expect(decision.rule).toBe(expected);
    expect((await router.explain(facts)).decision).toEqual(decision);
  });

  it('sends anything unmatched to the general queue at the default priority', async () => {
    const decision = await createRouter(rules, options(monday)).route(payload({}));
    expect(decision).toEqual({ rule: null, target: { type: 'agentTransfer', params: { queue: 'general', priority: 5, waitForAgentSeconds: 30 } } });
  });
});
