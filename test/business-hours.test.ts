import { describe, expect, it } from 'vitest';
import { formatIssue } from '../src/errors.js';
import { businessHoursChecker, parseBusinessHours, type BusinessHoursInput } from '../src/routing/business-hours.js';
import { catchHandoffError } from './support/catch-handoff-error.js';

const paris: BusinessHoursInput = {
  timeZone: 'Europe/Paris',
  weekly: {
    monday: [
      { from: '09:00', to: '12:30' },
      { from: '13:30', to: '18:00' },
    ],
    tuesday: [{ from: '09:00', to: '18:00' }],
    saturday: [{ from: '10:00', to: '24:00' }],
  },
  holidays: ['2025-07-14'],
};

const at = (iso: string): number => Date.parse(iso);

describe('businessHoursChecker', () => {
  const open = businessHoursChecker(paris);

  it.each([
    ['2025-06-02T07:00:00Z', true, 'Monday 09:00 in Paris (summer time, UTC+2): opening minute included'],
    ['2025-06-02T06:59:00Z', false, 'Monday 08:59'],
    ['2025-06-02T10:29:00Z', true, 'Monday 12:29'],
    ['2025-06-02T10:30:00Z', false, 'Monday 12:30: closing minute excluded'],
    ['2025-06-02T11:45:00Z', true, 'Monday 13:45, after lunch'],
    ['2025-06-03T15:59:00Z', true, 'Tuesday 17:59'],
    ['2025-06-04T10:00:00Z', false, 'Wednesday: no hours, closed'],
    ['2025-06-07T21:59:00Z', true, 'Saturday 23:59, open until midnight'],
    ['2025-06-07T22:00:00Z', false, 'Sunday 00:00'],
    ['2025-01-06T08:00:00Z', true, 'Monday 09:00 in winter (UTC+1)'],
    ['2025-01-06T07:30:00Z', false, 'Monday 08:30 in winter'],
    ['2025-07-14T09:00:00Z', false, 'Monday 14 July, a holiday'],
    ['2025-07-13T22:30:00Z', false, 'already 14 July in Paris though still 13 July in UTC'],
  ])('%s is %s (%s)', (iso, expected) => {
    expect(open(at(iso))).toBe(expected);
  });

  it('follows the zone across the daylight-saving change', () => {
    const ny = businessHoursChecker({ timeZone: 'America/New_York', weekly: { sunday: [{ from: '01:00', to: '04:00' }] } });
    // 9 March 2025: 02:00 EST jumps to 03:00 EDT.
    expect(ny(at('2025-03-09T06:30:00Z'))).toBe(true); // 01:30 EST
    expect(ny(at('2025-03-09T07:30:00Z'))).toBe(true); // 03:30 EDT
    expect(ny(at('2025-03-09T08:30:00Z'))).toBe(false); // 04:30 EDT
  });
});

describe('parseBusinessHours', () => {
  it('defaults holidays to none', () => {
    expect(parseBusinessHours({ timeZone: 'UTC', weekly: {} }).holidays).toEqual([]);
  });

  it('reports every problem with its path', () => {
    const error = catchHandoffError(() =>
      parseBusinessHours({
        timeZone: 'Mars/Olympus',
        weekly: { monday: [{ from: '18:00', to: '09:00' }], funday: [], tuesday: [{ from: '9:00', to: '25:00' }] },
        holidays: ['2025-02-30', 'tomorrow'],
      }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.issues.map(formatIssue)).toMatchInlineSnapshot(`
      [
        "$.timeZone: Expected an IANA time zone such as Europe/Paris or America/New_York",
        "$.weekly.monday[0].to: Expected "from" before "to"; split hours past midnight over two days",
        "$.weekly.tuesday[0].from: Expected a time of day as HH:MM, 00:00 to 24:00",
        "$.weekly.tuesday[0].to: Expected a time of day as HH:MM, 00:00 to 24:00",
        "$.weekly: Unrecognized key: "funday"",
        "$.holidays[0]: Expected a date as YYYY-MM-DD",
        "$.holidays[1]: Expected a date as YYYY-MM-DD",
      ]
    `);
  });
});
