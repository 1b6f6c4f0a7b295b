import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnValid, maskCardNumbers, maskEmails, maskPhoneNumbers } from '../src/masking/detectors.js';
import { createMasker, maskJsonValue, type MaskingSettings } from '../src/masking/mask.js';
import { patternProblem } from '../src/masking/safe-pattern.js';
import { arbitraryCardNumber, arbitrarySensitiveText } from '../src/testing/arbitraries/masking.arbitrary.js';

const defaults: MaskingSettings = { enabled: true, emails: true, phoneNumbers: true, cardNumbers: true, patterns: [] };
const mask = createMasker(defaults);

/** Every Luhn-valid card number left in `text`: stretches of 13 to 19 digits made of whole groups of a digit run. */
function cardNumbersIn(text: string): string[] {
  const found: string[] = [];
  for (const run of text.match(/\d(?:[ \-\u00a0]?\d)*/g) ?? []) {
    const groups = run.split(/[ \-\u00a0]/);
    for (let first = 0; first < groups.length; first += 1) {
      for (let last = first, digits = ''; last < groups.length && digits.length <= 19; last += 1) {
        digits += groups[last] ?? '';
        if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) found.push(digits);
      }
    }
  }
  return found;
}

describe('built-in detectors', () => {
  it('masks e-mail addresses, including unusual but valid local parts', () => {
    expect(maskEmails('write to ada.lovelace+billing@example.co.uk or o\'brien@mail.ie.')).toBe('write to [email] or [email].');
    expect(maskEmails('no address @ here, nor user@localhost')).toBe('no address @ here, nor user@localhost');
  });

  it('masks Luhn-valid card numbers written plain, spaced or hyphenated, and keeps other numbers', () => {
    expect(maskCardNumbers('card 4111111111111111, 4111 1111 1111 1111 and 5500-0000-0000-0004')).toBe('card [card], [card] and [card]');
    expect(maskCardNumbers('order 4111111111111112 is not a card')).toBe('order 4111111111111112 is not a card');
    expect(maskCardNumbers('Amex 378282246310005, Diners 3056 9309 0259 04')).toBe('Amex [card], Diners [card]');
  });

  it('masks a card number glued by a separator to a neighbouring number', () => {
    expect(maskCardNumbers('I am 38 4111 1111 1111 1111')).toBe('I am 38 [card]');
    expect(maskCardNumbers('2 x 4111-1111-1111-1111-7')).toBe('2 x [card]-7');
  });

  it('leaves longer numbers alone, such as a 22-digit tracking number', () => {
    expect(maskCardNumbers('tracking 9400111899223100012345 and 14111111111111111')).toBe('tracking 9400111899223100012345 and 14111111111111111');
  });

  it('masks international and ten-digit national phone numbers, and keeps dates, times and short numbers', () => {
    expect(maskPhoneNumbers('call +44 20 7946 0958, (555) 123-4567 or 0049 30 901820')).toBe('call [phone], [phone] or [phone]');
    expect(maskPhoneNumbers('on 2024-05-01 12:30, order 12345, room 555-1234, total 1,250.00')).toBe(
      'on 2024-05-01 12:30, order 12345, room 555-1234, total 1,250.00',
    );
  });

  it('checks the Luhn sum', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('4111 1111')).toBe(false);
  });
});

describe('createMasker', () => {
  it('runs the extra patterns first, then e-mails, cards and phones', () => {
    const iban = { name: 'iban', pattern: '\\bGB\\d{2} ?[A-Z]{4}(?: ?\\d{2,4}){4}\\b' };
    expect(createMasker({ ...defaults })('GB82 WEST 1234 5698 7654 32')).toBe('GB82 WEST [phone]');
    expect(createMasker({ ...defaults, patterns: [iban] })('a@b.co paid with 4111 1111 1111 1111 from GB82 WEST 1234 5698 7654 32, call +1 415 555 2671')).toBe(
      '[email] paid with [card] from [iban], call [phone]',
    );
  });

  it('turns each detector off on its own, and everything off with enabled: false', () => {
    const text = 'a@b.co 4111111111111111 +44 20 7946 0958';
    expect(createMasker({ ...defaults, emails: false })(text)).toBe('a@b.co [card] [phone]');
    expect(createMasker({ ...defaults, cardNumbers: false })(text)).toBe('[email] 4111111111111111 [phone]');
    expect(createMasker({ ...defaults, phoneNumbers: false })(text)).toBe('[email] [card] +44 20 7946 0958');
    expect(createMasker({ ...defaults, enabled: false })(text)).toBe(text);
  });

  it('masks inside JSON values, turning a number that holds a card number into the masked string', () => {
    const value = { summary: 'mail a@b.co', card: 4111111111111111, score: 0.75, tags: ['+44 20 7946 0958', true, null] };
    expect(maskJsonValue(value, mask)).toEqual({ summary: 'mail [email]', card: '[card]', score: 0.75, tags: ['[phone]', true, null] });
  });
});

describe('patternProblem', () => {
  it('accepts ordinary patterns', () => {
    expect(patternProblem('\\b[A-Z]{2}\\d{2}[A-Z0-9]{11,30}\\b')).toBeUndefined();
    expect(patternProblem('(?:\\d{3}[- ]?){3}', 'i')).toBeUndefined();
  });

  it('rejects patterns that do not compile, match empty text, backtrack catastrophically or use other flags', () => {
    expect({
      empty: patternProblem(''),
      broken: patternProblem('(abc'),
      matchesEmpty: patternProblem('a*'),
      nested: patternProblem('(a+)+b'),
      nestedClass: patternProblem('([a-z]*\\s?)*x'),
      backreference: patternProblem('(a)\\1'),
      flags: patternProblem('abc', 'gy'),
      long: patternProblem('a'.repeat(501)),
    }).toMatchInlineSnapshot(`
      {
        "backreference": "Expected no backreferences: they can backtrack catastrophically",
        "broken": "Expected a valid regular expression: Invalid regular expression: /(abc/: Unterminated group",
        "empty": "Expected a non-empty pattern",
        "flags": "Expected flags among 'imsu', received 'g' ('g' is always added)",
        "long": "Expected a pattern of at most 500 characters",
        "matchesEmpty": "Expected a pattern that cannot match empty text",
        "nested": "Expected no nested quantifiers such as (a+)+: they can backtrack catastrophically",
        "nestedClass": "Expected no nested quantifiers such as (a+)+: they can backtrack catastrophically",
      }
    `);
  });
});

describe('masking properties', () => {
  it('never leaves a Luhn-valid card number or an embedded e-mail address in the output', () => {
    fc.assert(
      fc.property(arbitrarySensitiveText(), ({ text, emails, cards }) => {
        const masked = mask(text);
        expect(cardNumbersIn(masked)).toEqual([]);
        for (const card of cards) expect(masked).not.toContain(card);
        for (const email of emails) expect(masked).not.toContain(email);
      }),
      { numRuns: 300 },
    );
  });

  it('never leaves a Luhn-valid card number among other numbers, whatever separates them', () => {
    const digitsAndSeparators = fc.string({ unit: fc.constantFrom('0', '1', '4', '5', '9', ' ', '-', '\u00a0', 'a'), maxLength: 60 });
    const boundary = fc.constantFrom(' ', '-', 'a', '\u00a0');
    fc.assert(
      fc.property(digitsAndSeparators, boundary, arbitraryCardNumber(), boundary, digitsAndSeparators, (before, open, card, close, after) => {
        const masked = mask(before + open + card + close + after);
        expect(cardNumbersIn(masked)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves text without digits or @ unchanged', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/[\d@]/.test(s)), (text) => {
        expect(mask(text)).toBe(text);
      }),
    );
  });
});
