import { describe, expect, it } from 'vitest';
import type { ConferenceMinutes } from '@tandem/shared';
import { inline, renderMinutesMarkdown } from './markdown.ts';
import { summarizeAttendance } from './attendance.ts';

const t = (min: number) => new Date(Date.UTC(2030, 0, 7, 9, min));

describe('attendance', () => {
  it('counts time present while live, merging tabs and dropping the waiting room', () => {
    const rows = [
      { userId: 'a', name: 'Ana', role: 'coordinator', joinedAt: t(0), leftAt: t(50) },
      { userId: 'a', name: 'Ana', role: 'coordinator', joinedAt: t(10), leftAt: t(20) },
      { userId: 'b', name: 'Ben', role: 'therapist', joinedAt: t(0), leftAt: t(4) },
      { userId: 'c', name: 'Cy', role: 'prescriber', joinedAt: t(30), leftAt: null },
      { userId: 'c', name: 'Cy', role: 'prescriber', joinedAt: t(12), leftAt: t(15) },
    ];
    expect(summarizeAttendance(rows, { from: t(5), to: t(45) })).toEqual([
      {
        userId: 'a',
        name: 'Ana',
        role: 'coordinator',
        intervals: [{ joinedAt: t(5).toISOString(), leftAt: t(45).toISOString() }],
      },
      {
        userId: 'c',
        name: 'Cy',
        role: 'prescriber',
        intervals: [
          { joinedAt: t(12).toISOString(), leftAt: t(15).toISOString() },
          { joinedAt: t(30).toISOString(), leftAt: t(45).toISOString() },
        ],
      },
    ]);
  });
});

describe('minutes in Markdown', () => {
  it('make typed text inert', () => {
    expect(inline('# Title | [link](http://x) <b>')).toBe(
      '\\# Title \\| \\[link\\]\\(http://x\\) \\<b\\>',
    );
  });

  it('list attendance, and per case the reason, discussion, decisions and action items', () => {
    const minutes: ConferenceMinutes = {
      conferenceId: 'c1',
      title: 'Weekly review',
      team: { id: 't', name: 'North Team' },
      scheduledAt: t(0).toISOString(),
      status: 'ended',
      startedAt: t(1).toISOString(),
      endedAt: t(40).toISOString(),
      attendance: [
        {
          userId: 'a',
          name: 'Ana',
          role: 'coordinator',
          intervals: [{ joinedAt: t(1).toISOString(), leftAt: t(40).toISOString() }],
        },
      ],
      cases: [
        {
          caseId: 'k1',
          position: 1,
          patient: { id: 'p', name: 'Alex Morgan' },
          planId: 'plan',
          reason: 'Sleep',
          timeBoxMinutes: 10,
          timeUsedMs: 125_000,
          discussion: 'Better.\n\n\n\nStill tired.',
          decisions: [
            {
              id: 'd',
              conferenceId: 'c1',
              caseId: 'k1',
              planId: 'plan',
              text: 'Raise dose',
              medicationChange: null,
              proposalId: 'prop',
              createdBy: { id: 'u', name: 'Dr. Okafor' },
              createdAt: t(10).toISOString(),
            },
          ],
          actionItems: [],
        },
      ],
    };
    expect(renderMinutesMarkdown(minutes)).toBe(
      [
        '# Case conference minutes: Weekly review',
        '',
        '**Team:** North Team  ',
        '**Scheduled:** 2030-01-07 09:00 UTC  ',
        '**Held:** 2030-01-07 09:01 UTC – 2030-01-07 09:40 UTC',
        '',
        '## Attendance',
        '',
        '| Name | Role | Joined | Left |',
        '| --- | --- | --- | --- |',
        '| Ana | Care coordinator | 2030-01-07 09:01 UTC | 2030-01-07 09:40 UTC |',
        '',
        '## Cases',
        '',
        '### 1. Alex Morgan',
        '',
        '**Reason for presentation:** Sleep  ',
        '**Time:** 2 min 05 s of 10 min',
        '',
        '#### Discussion',
        '',
        'Better.\n\nStill tired.',
        '',
        '#### Decisions',
        '',
        '- Raise dose _(medication change proposed to the prescriber)_ — recorded by Dr. Okafor',
        '',
        '#### Action items',
        '',
        '_None._',
        '',
      ].join('\n'),
    );
  });
});
