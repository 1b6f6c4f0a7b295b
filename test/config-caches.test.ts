import { describe, expect, it } from 'vitest';
import { defaultHandoffConfig } from '../src/config/default-config.js';
import { maskerFor, type MaskingSettings } from '../src/masking/mask.js';
import { buildHandoffPayload } from '../src/payload/build-payload.js';
import { renderTemplate } from '../src/templates/template.js';
import { catchHandoffError } from './support/catch-handoff-error.js';

const settings = (overrides: Partial<MaskingSettings> = {}): MaskingSettings => ({
  enabled: true,
  emails: true,
  phoneNumbers: true,
  cardNumbers: true,
  patterns: [],
  ...overrides,
});

const conversation = () => ({ sessionId: 's-1', userId: 'u-1', channel: 'chat', language: 'en', memory: { userProfile: { firstName: 'Ada', tier: 'gold' } } });
const invocation = { reason: 'user_requested', parameters: { interactionSummary: 'Mail ada@example.com about REF-42', sentiment: 'negative' } } as const;
const now = () => new Date('2026-03-02T09:30:00.000Z');

describe('the masker remembered per settings object', () => {
  it('is built once per settings object, and each settings object keeps its own', () => {
    const plain = settings();
    const withReferences = settings({ patterns: [{ name: 'ref', pattern: 'REF-\\d+' }] });
    expect(maskerFor(plain)).toBe(maskerFor(plain));
    for (let round = 0; round < 3; round += 1) {
      expect(maskerFor(plain)('REF-42 a@b.co')).toBe('REF-42 [email]');
      expect(maskerFor(withReferences)('REF-42 a@b.co')).toBe('[ref] [email]');
    }
  });

  it('follows settings edited in place: the next call masks by the edited settings', () => {
    const edited = settings();
    expect(maskerFor(edited)('REF-42 a@b.co')).toBe('REF-42 [email]');
    Object.assign(edited, { patterns: [{ name: 'ref', pattern: 'ref-\\d+' }] });
    expect(maskerFor(edited)('REF-42 a@b.co')).toBe('REF-42 [email]');
    Object.assign(edited.patterns[0] ?? {}, { flags: 'i' });
    expect(maskerFor(edited)('REF-42 a@b.co')).toBe('[ref] [email]');
    Object.assign(edited, { emails: false });
    expect(maskerFor(edited)('REF-42 a@b.co')).toBe('[ref] a@b.co');
    Object.assign(edited, { enabled: false });
    expect(maskerFor(edited)('REF-42 a@b.co')).toBe('REF-42 a@b.co');
  });
});

describe('buildHandoffPayload with configs used again', () => {
  it('gives each of two configs used alternately its own payload', async () => {
    const masked = defaultHandoffConfig();
    const plain = defaultHandoffConfig();
    plain.event.masking.enabled = false;
    plain.event.systemParameters = [{ key: 'tier', value: 'Tier {{memory.userProfile.tier}}', onMissing: 'error' }];
    for (let round = 0; round < 3; round += 1) {
      const fromMasked = await buildHandoffPayload(masked, conversation(), invocation, { now });
      const fromPlain = await buildHandoffPayload(plain, conversation(), invocation, { now });
      expect(fromMasked.parameters).toEqual({ interactionSummary: 'Mail [email] about REF-42', sentiment: 'negative', firstName: 'Ada', customerTier: 'gold', source: 'agentic-app' });
      expect(fromPlain.parameters).toEqual({ interactionSummary: 'Mail ada@example.com about REF-42', sentiment: 'negative', tier: 'Tier gold' });
    }
  });

  it('applies a config edited in place after its first handoff to the next one', async () => {
    const config = defaultHandoffConfig();
    await buildHandoffPayload(config, conversation(), invocation, { now });
    config.event.masking.patterns.push({ name: 'ref', pattern: 'REF-\\d+', flags: '' });
    const parameter = config.event.systemParameters[0];
    if (parameter) parameter.value = 'Dear {{memory.userProfile.firstName}}';
    const payload = await buildHandoffPayload(config, conversation(), invocation, { now });
    expect(payload.parameters.interactionSummary).toBe('Mail [email] about [ref]');
    expect(payload.parameters.firstName).toBe('Dear Ada');
  });
});

describe('templates parsed once', () => {
  it('hands every caller issues of its own: editing one leaves the next render as it was', () => {
    const render = () => catchHandoffError(() => renderTemplate('Hi {{memory.name}}', {}, { onMissing: 'error' }));
    const first = render();
    expect(first.issues[0]?.path).toEqual(['memory', 'name']);
    (first.issues[0]?.path as PropertyKey[]).push('edited');
    expect(render().issues[0]?.path).toEqual(['memory', 'name']);
  });
});
