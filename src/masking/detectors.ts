/** The label that replaces each kind of sensitive data the built-in detectors find. */
export const maskLabels = { email: '[email]', card: '[card]', phone: '[phone]' } as const;

// RFC 5322 dot-atom local part and a dotted domain with an alphabetic top-level label.
const atext = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const emailPattern = new RegExp(`${atext}+(?:\\.${atext}+)*@(?:[A-Za-z0-9-]+\\.)+[A-Za-z]{2,63}`, 'g');

/** Replaces every e-mail address in `text` with `[email]`. */
export function maskEmails(text: string): string {
  // Without an '@' there is nothing to find; skipping the scan keeps long texts linear.
  return text.includes('@') ? text.replace(emailPattern, maskLabels.email) : text;
}

/** True when `digits` (ASCII digits only) pass the Luhn checksum that payment card numbers carry. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let k = 0; k < digits.length; k += 1) {
    let d = digits.charCodeAt(digits.length - 1 - k) - 48;
    if (k % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const asciiDigit = /\d/;

/**
 * False when `text` has no ASCII digit (`\d` without the u flag), so neither `maskCardNumbers` nor
 * `maskPhoneNumbers` can change it: one test that lets a masker skip both, as most texts have none.
 */
export function mayHoldNumbers(text: string): boolean {
  return asciiDigit.test(text);
}

// Digits joined by at most one space, hyphen or no-break space: how people write card numbers.
const digitRun = /\d(?:[ \-\u00a0]?\d)*/g;
const separator = /[ \-\u00a0]/;
const minCardDigits = 13;
const maxCardDigits = 19;

/**
 * Replaces Luhn-valid card numbers (13 to 19 digits) with `[card]`. A number is a run of digits
 * joined by single spaces, hyphens or no-break spaces; every stretch of whole digit groups in the
 * run is checked, because a separator can glue a card number to a neighbouring number
 * ("I am 38 4111 1111 1111 1111"). Digits glued without a separator form a different, longer
 * number and are left alone, as card scanners do, so long tracking and account numbers survive.
 */
export function maskCardNumbers(text: string): string {
  return text.replace(digitRun, maskCardsInRun);
}

function maskCardsInRun(run: string): string {
  const groups = run.split(separator);
  const total = groups.reduce((sum, group) => sum + group.length, 0);
  if (total < minCardDigits) return run;
  const masked = groups.map(() => false);
  let found = false;
  for (let first = 0; first < groups.length; first += 1) {
    let digits = '';
    for (let last = first; last < groups.length; last += 1) {
      digits += groups[last] ?? '';
      if (digits.length > maxCardDigits) break;
      if (digits.length >= minCardDigits && luhnValid(digits)) {
        for (let i = first; i <= last; i += 1) masked[i] = true;
        found = true;
      }
    }
  }
  if (!found) return run;
  // Rebuild the run: each stretch of masked groups, separators included, becomes one label.
  const separators = run.match(/[ \-\u00a0]/g) ?? [];
  let out = '';
  groups.forEach((group, i) => {
    if (i > 0 && !(masked[i] && masked[i - 1])) out += separators[i - 1] ?? '';
    if (!masked[i]) out += group;
    else if (i === 0 || !masked[i - 1]) out += maskLabels.card;
  });
  return out;
}

// An optional '+' or '00' country prefix, an optional '(', then digits joined by up to two of
// space . - ( ) — never glued to a word or another number on either side.
const phoneCandidate = /(?<![\w+])(?:\+|\(\+?)?\d(?:[ .\-()\u00a0]{0,2}\d){6,18}(?!\w)/g;
const isoDate = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}(?!\d)/;

/**
 * Replaces phone numbers with `[phone]`: 8 to 15 digits after an international prefix (`+`, `00`),
 * otherwise 10 to 15 digits, so dates, times and short numbers stay.
 */
export function maskPhoneNumbers(text: string): string {
  return text.replace(phoneCandidate, (candidate) => {
    const count = candidate.replace(/\D/g, '').length;
    const international = /^\(?(\+|00)/.test(candidate);
    const min = international ? 8 : 10;
    if (count < min || count > 15 || isoDate.test(candidate)) return candidate;
    return maskLabels.phone;
  });
}
