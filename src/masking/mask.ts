import type { JsonValue } from '../payload/payload-schema.js';
import { maskCardNumbers, maskEmails, maskPhoneNumbers } from './detectors.js';

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
  if (settings.cardNumbers) steps.push(maskCardNumbers);
  if (settings.phoneNumbers) steps.push(maskPhoneNumbers);
  return (text) => steps.reduce((acc, step) => step(acc), text);
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
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, { value: maskJsonValue(item, mask), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
