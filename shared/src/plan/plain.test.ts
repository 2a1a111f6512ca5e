import { describe, expect, it } from 'vitest';
import { conditionPlain, drugInfo, goalTargetPlain, howToTake, plainDate } from './plain.ts';

describe('plain-language helpers', () => {
  it('says how to take a medicine in everyday words', () => {
    expect(howToTake({ dose: 50, unit: 'mg', route: 'oral', frequency: 'once daily' })).toBe(
      '50 mg by mouth, once a day',
    );
    expect(howToTake({ dose: 0.5, unit: 'mg', route: 'sublingual', frequency: 'as needed' })).toBe(
      '0.5 mg under the tongue, only when needed',
    );
    expect(howToTake({ dose: null, unit: '', route: '', frequency: 'twice daily' })).toBe(
      'twice a day',
    );
  });

  it('explains what a kind of medicine is for, by generic or brand name', () => {
    expect(drugInfo('Sertraline')?.kind).toBe('an antidepressant (SSRI)');
    expect(drugInfo('Concerta 36 mg')?.kind).toBe('a stimulant');
    expect(drugInfo('Lithium carbonate')?.purpose).toContain('blood tests');
    expect(drugInfo('unknownium')).toBeNull();
  });

  it('explains common conditions', () => {
    expect(conditionPlain('Major depressive disorder, recurrent')).toContain('Low mood');
    expect(conditionPlain('Bipolar I disorder')).toContain('mania');
    expect(conditionPlain('Something rare')).toBeNull();
  });

  it('writes dates and targets for people', () => {
    expect(plainDate('2025-03-01')).toBe('March 1, 2025');
    expect(plainDate('soon')).toBe('soon');
    expect(goalTargetPlain({ target: 'PHQ-9 below 10', dueDate: '2025-06-01' })).toBe(
      'Aim: PHQ-9 below 10 by June 1, 2025',
    );
  });
});
