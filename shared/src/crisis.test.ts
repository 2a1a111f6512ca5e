import { describe, expect, it } from 'vitest';
import { CrisisLines, telHref, US_CRISIS_LINES } from './crisis.ts';

describe('crisis lines', () => {
  it('accepts numbers as people write them and dials them without spaces', () => {
    expect(CrisisLines.safeParse(US_CRISIS_LINES).success).toBe(true);
    const uk = { emergency: '999', line: { name: 'Samaritans', number: '116 123', texts: false } };
    expect(CrisisLines.safeParse(uk).success).toBe(true);
    expect(telHref('116 123')).toBe('tel:116123');
    expect(telHref('+1-800-273-8255')).toBe('tel:+18002738255');
  });

  it('refuses what is not a number to dial', () => {
    for (const number of ['', 'call us', '9', '988; javascript:alert(1)', '+', '1'.repeat(25)]) {
      const lines = { ...US_CRISIS_LINES, line: { ...US_CRISIS_LINES.line, number } };
      expect(CrisisLines.safeParse(lines).success, number).toBe(false);
    }
  });
});
