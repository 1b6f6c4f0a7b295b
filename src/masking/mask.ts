import type { JsonValue } from '../payload/payload-schema.js';
import { setOwn } from '../set-own.js';
import { maskCardNumbers, maskEmails, maskPhoneNumbers, mayHoldNumbers } from './detectors.js';

/** An extra masking pattern: matches are replaced with `[<name>]`. */
export interface MaskingPattern {
  readonly name: string;
  readonly pattern: string;
  readonly flags?: string;
}

/** Which detectors run; the config's `event.masking` has this shape with every default applied. */
export interface MaskingSettings {
  readonly enabled: boolean;
  readonly emails: boolean;
  readonly phoneNumbers: boolean;
  readonly cardNumbers: boolean;
  readonly patterns: readonly MaskingPattern[];
}

/** Masks sensitive data in one string. */
export type TextMasker = (text: string) => string;

/**
 * Builds a masker from settings: the extra patterns first, in order (the host knows its own data
 * best, so an IBAN pattern wins over the card detector reading part of it), then e-mail addresses,
 * card numbers, and phone numbers (after cards, so a card number is never half-read as a phone).
 * Patterns are expected to have passed `patternProblem` (the config schema checks them at load).
 * @example
 * createMasker({ enabled: true, emails: true, phoneNumbers: true, cardNumbers: true, patterns: [] })('mail me at a@b.co');
 * // 'mail me at [email]'
 */
export function createMasker(settings: MaskingSettings): TextMasker {
  if (!settings.enabled) return (text) => text;
  const steps: TextMasker[] = settings.patterns.map((extra) => {
    const regex = new RegExp(extra.pattern, `${extra.flags ?? ''}g`);
    const label = `[${extra.name}]`;
    // A zero-length match would only insert labels between characters; it masks nothing.
    return (text: string) => text.replace(regex, (match) => (match === '' ? match : label));
  });
  if (settings.emails) steps.push(maskEmails);
  const { cardNumbers, phoneNumbers } = settings;
  // One digit test for the two detectors, rather than a scan each.
  if (cardNumbers || phoneNumbers) {
    steps.push((text) => {
      if (!mayHoldNumbers(text)) return text;
      const cardsMasked = cardNumbers ? maskCardNumbers(text) : text;
      return phoneNumbers ? maskPhoneNumbers(cardsMasked) : cardsMasked;
    });
  }
  return (text) => {
    let out = text;
    for (const step of steps) out = step(out);
    return out;
  };
}

interface BuiltMasker {
  /** A copy of the settings it was built from, to notice settings edited in place. */
  readonly settings: MaskingSettings;
  readonly mask: TextMasker;
}

// Keyed by the settings object, so a config that goes away takes its masker with it.
const maskers = new WeakMap<MaskingSettings, BuiltMasker>();

/**
 * The masker of `settings`, built once per settings object and rebuilt when they were edited in place
 * since, so it always masks as `createMasker(settings)` would, without compiling patterns per call.
 */
export function maskerFor(settings: MaskingSettings): TextMasker {
  const built = maskers.get(settings);
  if (built !== undefined && sameSettings(built.settings, settings)) return built.mask;
  const copy: MaskingSettings = {
    enabled: settings.enabled,
    emails: settings.emails,
    phoneNumbers: settings.phoneNumbers,
    cardNumbers: settings.cardNumbers,
    patterns: settings.patterns.map(({ name, pattern, flags }) => ({ name, pattern, flags })),
  };
  const mask = createMasker(copy);
  maskers.set(settings, { settings: copy, mask });
  return mask;
}

function sameSettings(a: MaskingSettings, b: MaskingSettings): boolean {
  if (a.enabled !== b.enabled || a.emails !== b.emails || a.phoneNumbers !== b.phoneNumbers || a.cardNumbers !== b.cardNumbers) return false;
  if (a.patterns.length !== b.patterns.length) return false;
  return a.patterns.every((p, i) => {
    const q = b.patterns[i];
    return q !== undefined && p.name === q.name && p.pattern === q.pattern && p.flags === q.flags;
  });
}

/**
 * Masks every string inside a JSON value, leaving keys alone; a number whose digits would be masked
 * (a card or phone number sent as a number) becomes the masked string, because a number cannot
 * carry a mask.
 */
export function maskJsonValue(value: JsonValue, mask: TextMasker): JsonValue {
  if (typeof value === 'string') return mask(value);
  if (typeof value === 'number') {
    const text = String(value);
    const masked = mask(text);
    return masked === text ? value : masked;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => maskJsonValue(item, mask));
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) setOwn(out, key, maskJsonValue(value[key] as JsonValue, mask));
  return out;
}
