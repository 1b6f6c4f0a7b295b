// `Date.prototype.toISOString` costs about 0.4 µs in Node 20, more than the rest of a handoff's
// bookkeeping; the common case (the built-in Date, a four-digit year) is formatted here instead.

// Read for identity only, to notice a Date whose methods were replaced.
const nativeToISOString: unknown = Reflect.get(Date.prototype, 'toISOString');
const nativeGetTime: unknown = Reflect.get(Date.prototype, 'getTime');
const msPerDay = 86_400_000;
// The times toISOString writes with a four-digit year; outside them it writes ±YYYYYY.
const firstFourDigitTime = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const lastFourDigitTime = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

// '00' to '99': looking a pair up is cheaper than padding a number's string.
const pairs: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const pair = (n: number): string => pairs[n] ?? '';

/**
 * What `date.toISOString()` returns, when `date` uses the built-in methods and its year has four
 * digits; otherwise `undefined`, and the caller asks `toISOString` itself (an override, a far year
 * or an invalid date behave as they always did).
 */
export function fourDigitIsoTimestamp(date: Date): string | undefined {
  if (date.toISOString !== nativeToISOString || date.getTime !== nativeGetTime) return undefined;
  const time = date.getTime();
  if (!(time >= firstFourDigitTime && time <= lastFourDigitTime)) return undefined;
  const days = Math.floor(time / msPerDay);
  let rest = time - days * msPerDay;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  const { year, month, day } = civilDate(days);
  return `${pair(Math.floor(year / 100))}${pair(year % 100)}-${pair(month)}-${pair(day)}T${pair(hours)}:${pair(minutes)}:${pair(seconds)}.${Math.floor(millis / 100)}${pair(millis % 100)}Z`;
}

/** The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's `civil_from_days`). */
function civilDate(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
