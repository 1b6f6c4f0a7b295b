import { z } from 'zod';
import { HandoffError } from '../../errors.js';

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
type Weekday = (typeof weekdays)[number];

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const interval = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'Expected "HH:MM-HH:MM" (24-hour, end may be 24:00)')
  .refine((value) => minutesOf(value) < minutesOf(value.slice(6)), 'Expected the opening time before the closing time (split intervals across midnight in two)');

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'Expected an IANA time zone such as "Europe/Paris"');

/** A weekly opening schedule in one time zone, with whole days closed. */
export const weeklyHoursSchema = z.strictObject({
  timeZone,
  /** Opening intervals per weekday, `"09:00-17:30"`; a day without intervals is closed. */
  weekly: z.partialRecord(z.enum(weekdays), z.array(interval)),
  /** Local dates (`YYYY-MM-DD`) closed all day: holidays. */
  closedDates: z.array(z.iso.date()).default([]),
});

/** A weekly schedule as written in options; `closedDates` may be omitted. */
export type WeeklyHoursInput = z.input<typeof weeklyHoursSchema>;
/** A validated weekly schedule. */
export type WeeklyHours = z.output<typeof weeklyHoursSchema>;

/** Validates a weekly schedule, reporting problems as `INVALID_CONFIG` with their paths. */
export function parseWeeklyHours(input: unknown): WeeklyHours {
  const parsed = weeklyHoursSchema.safeParse(input);
  if (!parsed.success) throw HandoffError.fromZod('INVALID_CONFIG', 'business hours', parsed.error);
  return parsed.data;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(zone: string, at: number): { weekday: Weekday; date: string; minutes: number } {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, format);
  }
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of format.formatToParts(at)) part[type] = value;
  const weekday = (part.weekday ?? 'Sun').slice(0, 3).toLowerCase() as Weekday;
  return { weekday, date: `${part.year ?? ''}-${part.month ?? ''}-${part.day ?? ''}`, minutes: Number(part.hour) * 60 + Number(part.minute) };
}

/** True when `at` (epoch ms) falls inside an opening interval of its local weekday and not on a closed date. */
export function isWithinBusinessHours(hours: WeeklyHours, at: number): boolean {
  const local = localParts(hours.timeZone, at);
  if (hours.closedDates.includes(local.date)) return false;
  return (hours.weekly[local.weekday] ?? []).some((range) => minutesOf(range) <= local.minutes && local.minutes < minutesOf(range.slice(6)));
}
