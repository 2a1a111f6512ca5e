import { afterEach, describe, expect, it } from 'vitest';
import { localDay } from './dates.ts';

const zone = process.env.TZ;
afterEach(() => {
  process.env.TZ = zone;
});

describe('localDay', () => {
  it('is the date on the device’s calendar, not in UTC', () => {
    process.env.TZ = 'America/New_York';
    // 19:17 in New York on Dec 7 is 00:17 UTC on Dec 8.
    const evening = new Date('2026-12-08T00:17:00Z');
    expect(localDay(0, evening)).toBe('2026-12-07');
    expect(localDay(7, evening)).toBe('2026-12-14');
    expect(localDay(-7, evening)).toBe('2026-11-30');
  });

  it('counts calendar days across a change of clocks', () => {
    process.env.TZ = 'America/New_York';
    // Daylight saving time ends on Nov 1, 2026: that day has 25 hours.
    expect(localDay(1, new Date('2026-10-31T23:30:00-04:00'))).toBe('2026-11-01');
    expect(localDay(2, new Date('2026-10-31T23:30:00-04:00'))).toBe('2026-11-02');
  });
});
