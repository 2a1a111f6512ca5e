import { describe, expect, it } from 'vitest';
import { requiredText, typedText } from './text.ts';

describe('typed text', () => {
  it('is trimmed and normalized, and keeps line breaks, tabs and every script', () => {
    const text = requiredText(200);
    expect(text.parse('  Cafe\u0301 au lait \n')).toBe('Café au lait');
    expect(text.parse('Line one\n\tLine two')).toBe('Line one\n\tLine two');
    expect(text.parse('سيرترالين 50 ملغ')).toBe('سيرترالين 50 ملغ');
    expect(text.parse('睡眠日記')).toBe('睡眠日記');
    expect(typedText(10).parse('   ')).toBe('');
  });

  it('refuses control and text-direction characters, and text with nothing visible', () => {
    const text = requiredText(200);
    for (const bad of [
      '\u0000',
      'Alex\u0000Morgan',
      'sertraline \u202e gm 05',
      'a\u2066b\u2069',
      '\u007f',
      '\u0085name',
      '\u200b\u200b',
      '   ',
    ]) {
      expect(text.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(requiredText(3).safeParse('abcd').success).toBe(false);
  });
});
