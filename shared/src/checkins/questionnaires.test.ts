import { describe, expect, it } from 'vitest';
import {
  ANSWER_LOINC,
  ANSWER_OPTIONS,
  checkInProgress,
  maxScore,
  QUESTIONNAIRES,
  scoreCheckIn,
  type Instrument,
} from './questionnaires.ts';
import { SubmitCheckInRequest } from './api.ts';

const all = (instrument: Instrument, answer: number) =>
  QUESTIONNAIRES[instrument].items.map(() => answer);

describe('scoreCheckIn', () => {
  it('puts each PHQ-9 total in its published band', () => {
    const bands: [number, string][] = [
      [0, 'minimal'],
      [4, 'minimal'],
      [5, 'mild'],
      [9, 'mild'],
      [10, 'moderate'],
      [14, 'moderate'],
      [15, 'moderately_severe'],
      [19, 'moderately_severe'],
      [20, 'severe'],
      [27, 'severe'],
    ];
    for (const [total, severity] of bands) {
      // Fill the first items with 3s, then the remainder, leaving item 9 at 0 where possible.
      const answers = [0, 0, 0, 0, 0, 0, 0, 0, 0];
      let left = total;
      for (let i = 0; i < 9 && left > 0; i++) {
        answers[i] = Math.min(3, left);
        left -= answers[i]!;
      }
      expect(scoreCheckIn('phq9', answers)).toMatchObject({ score: total, severity });
    }
  });

  it('has GAD-7 end at severe from 15, with no moderately severe band', () => {
    expect(scoreCheckIn('gad7', [3, 3, 3, 3, 3, 0, 0]).severity).toBe('severe');
    expect(scoreCheckIn('gad7', [3, 3, 3, 3, 2, 0, 0]).severity).toBe('moderate');
    expect(scoreCheckIn('gad7', all('gad7', 3))).toMatchObject({ score: 21, severity: 'severe' });
  });

  it('flags any answer above "Not at all" to PHQ-9 item 9, whatever the total', () => {
    const answers = [0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(scoreCheckIn('phq9', answers)).toEqual({ score: 1, severity: 'minimal', safety: true });
    expect(scoreCheckIn('phq9', [3, 3, 3, 3, 3, 3, 3, 3, 0]).safety).toBe(false);
    // GAD-7 asks nothing about self-harm.
    expect(scoreCheckIn('gad7', all('gad7', 3)).safety).toBe(false);
  });

  it('knows each form’s maximum', () => {
    expect(maxScore('phq9')).toBe(27);
    expect(maxScore('gad7')).toBe(21);
  });
});

describe('checkInProgress', () => {
  it('calls a fall of half a response, and a score under 5 a remission', () => {
    expect(checkInProgress(18, 9)).toEqual({
      change: -9,
      percent: -50,
      response: true,
      remission: false,
    });
    expect(checkInProgress(18, 10)).toMatchObject({ response: false, percent: -44 });
    expect(checkInProgress(12, 4)).toMatchObject({ response: true, remission: true });
    expect(checkInProgress(6, 9)).toMatchObject({ change: 3, percent: 50, response: false });
    expect(checkInProgress(0, 3)).toMatchObject({ percent: null, response: false });
  });
});

describe('SubmitCheckInRequest', () => {
  it('takes a complete form, with or without the difficulty question', () => {
    expect(SubmitCheckInRequest.parse({ instrument: 'gad7', answers: all('gad7', 1) })).toEqual({
      instrument: 'gad7',
      answers: [1, 1, 1, 1, 1, 1, 1],
      difficulty: null,
    });
    expect(
      SubmitCheckInRequest.safeParse({ instrument: 'phq9', answers: all('phq9', 0), difficulty: 2 })
        .success,
    ).toBe(true);
  });

  it('refuses missing answers, answers out of range and unknown forms', () => {
    const bad = [
      { instrument: 'phq9', answers: all('gad7', 1) },
      { instrument: 'gad7', answers: all('phq9', 1) },
      { instrument: 'phq9', answers: [...all('phq9', 0).slice(1), 4] },
      { instrument: 'phq9', answers: [...all('phq9', 0).slice(1), 1.5] },
      { instrument: 'phq9', answers: [...all('phq9', 0).slice(1), -1] },
      { instrument: 'phq2', answers: [0, 0] },
      { instrument: 'gad7', answers: all('gad7', 0), score: 0 },
      { instrument: 'gad7', answers: all('gad7', 0), difficulty: 4 },
    ];
    for (const body of bad) expect(SubmitCheckInRequest.safeParse(body).success).toBe(false);
  });
});

describe('LOINC codes for the FHIR export', () => {
  it('names every item of each form once, and every answer', () => {
    for (const q of Object.values(QUESTIONNAIRES)) {
      expect(q.itemLoinc, q.name).toHaveLength(q.items.length);
      expect(new Set(q.itemLoinc).size, q.name).toBe(q.items.length);
      for (const code of [q.loinc.code, ...q.itemLoinc]) expect(code).toMatch(/^\d{4,5}-\d$/);
    }
    expect(ANSWER_LOINC).toHaveLength(ANSWER_OPTIONS.length);
  });
});
