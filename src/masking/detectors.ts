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

// Digits joined by at most one space, hyphen or no-break space: how people write card numbers.
const digitRun = /\d(?:[ \-\u00a0]?\d)*/g;
const minCardDigits = 13;
const maxCardDigits = 19;

/**
 * Replaces every Luhn-valid stretch of 13 to 19 digits with `[card]`, checking every stretch of a
 * longer run too, because a separator can glue a card number to a neighbouring number ("42 4111 …").
 */
export function maskCardNumbers(text: string): string {
  return text.replace(digitRun, maskCardsInRun);
}

function maskCardsInRun(run: string): string {
  const positions: number[] = [];
  const digits: number[] = [];
  for (let i = 0; i < run.length; i += 1) {
    const code = run.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      positions.push(i);
      digits.push(code - 48);
    }
  }
  const n = digits.length;
  if (n < minCardDigits) return run;
  // Difference array: +1 where a Luhn-valid window starts, -1 after it ends.
  const cover = new Int32Array(n + 1);
  let found = false;
  for (let end = minCardDigits - 1; end < n; end += 1) {
    let sum = 0;
    for (let k = 0; k < maxCardDigits && k <= end; k += 1) {
      let d = digits[end - k] ?? 0;
      if (k % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      if (k >= minCardDigits - 1 && sum % 10 === 0) {
        cover[end - k] = (cover[end - k] ?? 0) + 1;
        cover[end + 1] = (cover[end + 1] ?? 0) - 1;
        found = true;
      }
    }
  }
  if (!found) return run;
  let out = '';
  let copied = 0;
  let depth = 0;
  let spanStart = -1;
  for (let i = 0; i < n; i += 1) {
    depth += cover[i] ?? 0;
    const position = positions[i] ?? 0;
    if (depth > 0 && spanStart < 0) spanStart = position;
    const next = depth + (cover[i + 1] ?? 0);
    if (spanStart >= 0 && (i === n - 1 || next <= 0)) {
      out += run.slice(copied, spanStart) + maskLabels.card;
      copied = position + 1;
      spanStart = -1;
    }
  }
  return out + run.slice(copied);
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
