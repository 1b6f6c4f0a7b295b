import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHandoffEvent } from '../src/events/event-schema.js';
import { canonicalJson, eventFingerprint, eventFingerprintLength } from '../src/runtime/event-fingerprint.js';
import { reversedKeys } from './support/reversed-keys.js';

const invoke = {
  type: 'handoff.invoke',
  reason: 'user_requested',
  parameters: { summary: 'double charge', order: { id: 'A-1', lines: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 2 }] } },
} as const;

describe('event fingerprint', () => {
  it('is a short base64url digest that ignores the key order of the event and its parameters at any depth', () => {
    const fingerprint = eventFingerprint(parseHandoffEvent(invoke));
    expect(fingerprint).toMatch(new RegExp(`^[A-Za-z0-9_-]{${eventFingerprintLength}}$`));
    expect(eventFingerprint(parseHandoffEvent(reversedKeys(invoke)))).toBe(fingerprint);
    expect(JSON.stringify(reversedKeys(invoke))).not.toBe(JSON.stringify(invoke));
  });

  it('changes with the type, a field, a parameter, the order of an array, and the event’s own at', () => {
    const lines = [{ sku: 'y', qty: 2 }, { sku: 'x', qty: 1 }];
    const others = [
      { ...invoke, reason: 'policy' },
      { ...invoke, parameters: { ...invoke.parameters, summary: 'single charge' } },
      { ...invoke, parameters: { ...invoke.parameters, order: { id: 'A-1', lines } } },
      { ...invoke, at: 1_000 },
      { type: 'user.message', text: 'double charge' },
    ];
    const fingerprints = new Set([invoke, ...others].map((event) => eventFingerprint(parseHandoffEvent(event))));
    expect(fingerprints.size).toBe(others.length + 1);
    expect(eventFingerprint(parseHandoffEvent({ type: 'user.message', text: 'a', at: 1 }))).not.toBe(eventFingerprint(parseHandoffEvent({ type: 'user.message', text: 'a', at: 2 })));
  });

  it('serializes JSON canonically: the same value back, sorted keys, undefined members left out', () => {
    expect(canonicalJson({ b: [1, { d: null, c: 'é' }], a: true, skipped: undefined })).toBe('{"a":true,"b":[1,{"c":"é","d":null}]}');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const canonical = canonicalJson(value);
        expect(JSON.parse(canonical)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversedKeys(value))).toBe(canonical);
      }),
    );
  });
});
