import fc from 'fast-check';

function luhnCheckDigit(body: readonly number[]): number {
  let sum = 0;
  // The check digit will sit at the end, so the body's last digit is the first one doubled.
  for (let k = 0; k < body.length; k += 1) {
    let d = body[body.length - 1 - k] ?? 0;
    if (k % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Options of `arbitraryCardNumber`. */
export interface ArbitraryCardNumberOptions {
  /** How the digits are grouped: `none` (default: any), or groups of four joined by a space or hyphen. */
  readonly format?: 'none' | 'spaced' | 'hyphenated' | 'any';
}

/** A Luhn-valid payment card number of 13 to 19 digits, as users type it. */
export function arbitraryCardNumber(options: ArbitraryCardNumberOptions = {}): fc.Arbitrary<string> {
  const format = options.format ?? 'any';
  const separators = format === 'none' ? [''] : format === 'spaced' ? [' '] : format === 'hyphenated' ? ['-'] : ['', ' ', '-'];
  return fc
    .tuple(fc.integer({ min: 13, max: 19 }).chain((length) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1, maxLength: length - 1 })), fc.constantFrom(...separators))
    .map(([body, separator]) => {
      const digits = [...body, luhnCheckDigit(body)].join('');
      return separator === '' ? digits : (digits.match(/.{1,4}/g) ?? []).join(separator);
    });
}

/**
 * Arbitrary text with e-mail addresses and card numbers embedded as words (a space on each side,
 * so a card number is never glued to other digits without a separator).
 */
export function arbitrarySensitiveText(): fc.Arbitrary<{ readonly text: string; readonly emails: readonly string[]; readonly cards: readonly string[] }> {
  const secret = fc.oneof(
    fc.emailAddress().map((value) => ({ kind: 'email' as const, value })),
    arbitraryCardNumber().map((value) => ({ kind: 'card' as const, value })),
  );
  return fc
    .array(fc.tuple(fc.string({ maxLength: 12 }), secret), { minLength: 1, maxLength: 4 })
    .chain((pieces) => fc.string({ maxLength: 12 }).map((tail) => ({ pieces, tail })))
    .map(({ pieces, tail }) => ({
      text: pieces.map(([filler, s]) => `${filler} ${s.value} `).join('') + tail,
      emails: pieces.filter(([, s]) => s.kind === 'email').map(([, s]) => s.value),
      cards: pieces.filter(([, s]) => s.kind === 'card').map(([, s]) => s.value),
    }));
}
