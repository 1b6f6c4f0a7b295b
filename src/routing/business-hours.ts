import { z } from 'zod';
import { HandoffError } from '../errors.js';

/** The days of a weekly schedule, as keys of `BusinessHours['weekly']`. */
export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** One day of the week. */
export type Weekday = (typeof weekdays)[number];

const timePattern = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const timeOfDay = z.string().regex(timePattern, 'Expected a time of day as HH:MM, 00:00 to 24:00');

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const intervalSchema = z
  .strictObject({ from: timeOfDay, to: timeOfDay })
  // Only ordered when both times are valid: a bad time already has its own issue.
  .refine((i) => !timePattern.test(i.from) || !timePattern.test(i.to) || minutesOf(i.from) < minutesOf(i.to), {
    message: 'Expected "from" before "to"; split hours past midnight over two days',
    path: ['to'],
  });

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** A weekly schedule in an IANA time zone, with whole-day holidays; a day that is absent is closed. */
export const businessHoursSchema = z.strictObject({
  timeZone: z.string().refine(isTimeZone, { message: 'Expected an IANA time zone such as Europe/Paris or America/New_York' }),
  weekly: z.partialRecord(z.enum(weekdays), z.array(intervalSchema)),
  /** Dates (YYYY-MM-DD, in the schedule's time zone) when the business is closed all day. */
  holidays: z.array(z.iso.date('Expected a date as YYYY-MM-DD')).default([]),
});

/** The business-hours configuration as written by the host. */
export type BusinessHoursInput = z.input<typeof businessHoursSchema>;
/** A validated business-hours configuration. */
export type BusinessHours = z.output<typeof businessHoursSchema>;

/** Validates a business-hours configuration, throwing `INVALID_CONFIG` with the path of every issue. */
export function parseBusinessHours(input: unknown): BusinessHours {
  const result = businessHoursSchema.safeParse(input);
  if (!result.success) throw HandoffError.fromZod('INVALID_CONFIG', 'business hours', result.error);
  return result.data;
}

const weekdayByShortName: Readonly<Record<string, Weekday>> = {
  Mon: 'monday',
  Tue: 'tuesday',
  Wed: 'wednesday',
  Thu: 'thursday',
  Fri: 'friday',
  Sat: 'saturday',
  Sun: 'sunday',
};

/**
 * Compiles a schedule into a test of one instant (milliseconds since the epoch): inside an
 * interval of that local weekday (`from` included, `to` excluded) and not on a holiday.
 *
 * @example
 * ```ts
 * const open = businessHoursChecker({ timeZone: 'Europe/Paris', weekly: { monday: [{ from: '09:00', to: '17:00' }] } });
 * open(Date.parse('2025-06-02T08:30:00Z')); // true: 10:30 in Paris on a Monday
 * ```
 */
export function businessHoursChecker(input: BusinessHoursInput): (at: number) => boolean {
  const hours = parseBusinessHours(input);
  // Building a formatter is costly; one per schedule, reused for every instant.
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const holidays = new Set(hours.holidays);
  const weekly = new Map<Weekday, readonly (readonly [number, number])[]>(
    weekdays.map((day) => [day, (hours.weekly[day] ?? []).map((i) => [minutesOf(i.from), minutesOf(i.to)] as const)]),
  );
  return (at) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(at)) parts[part.type] = part.value;
    if (holidays.has(`${parts.year ?? ''}-${parts.month ?? ''}-${parts.day ?? ''}`)) return false;
    const day = weekdayByShortName[parts.weekday ?? ''];
    if (day === undefined) return false;
    const minute = Number(parts.hour) * 60 + Number(parts.minute);
    return (weekly.get(day) ?? []).some(([from, to]) => from <= minute && minute < to);
  };
}
