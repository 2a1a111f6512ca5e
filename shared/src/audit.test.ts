import { describe, expect, it } from 'vitest';
import { accessLogLabel, accessVisits, auditLabel, type AccessLogEntry } from './audit.ts';

const maya = { name: 'Dr. Maya Okafor', role: 'prescriber' as const };
const sam = { name: 'Sam Rivera, LCSW', role: 'therapist' as const };

function entry(minute: number, label: string, over: Partial<AccessLogEntry> = {}): AccessLogEntry {
  const at = new Date(Date.UTC(2026, 10, 28, 9, 0) + minute * 60_000).toISOString();
  return { at, action: 'plan.read', label, outcome: 'success', actor: maya, self: false, ...over };
}

describe('accessVisits', () => {
  it('makes one visit of one person’s entries close together, each line once', () => {
    const visits = accessVisits([
      entry(30, 'Read the comments on your plan'),
      entry(29, 'Opened your plan'),
      entry(28, 'Read the comments on your plan'),
      entry(20, 'Opened your plan'),
    ]);
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({
      labels: ['Read the comments on your plan', 'Opened your plan'],
      entries: 4,
      at: entry(30, '').at,
      since: entry(20, '').at,
    });
  });

  it('starts a new visit for another person, a long pause, or yourself', () => {
    const visits = accessVisits([
      entry(100, 'Opened your plan'),
      entry(99, 'Opened your plan', { actor: sam }),
      entry(98, 'Opened your plan'),
      // 15 minutes or more after the previous entry: another visit.
      entry(83, 'Opened your plan'),
      entry(82, 'Opened your plan', {
        self: true,
        actor: { name: 'Alex Morgan', role: 'patient' },
      }),
    ]);
    expect(visits.map((v) => [v.actor?.name, v.self, v.entries])).toEqual([
      ['Dr. Maya Okafor', false, 1],
      ['Sam Rivera, LCSW', false, 1],
      ['Dr. Maya Okafor', false, 1],
      ['Dr. Maya Okafor', false, 1],
      ['Alex Morgan', true, 1],
    ]);
  });

  it('never folds a refused access into a visit', () => {
    const visits = accessVisits([
      entry(10, 'Opened your plan'),
      entry(9, 'Was refused access to your plan', { outcome: 'denied' }),
      entry(8, 'Opened your plan'),
    ]);
    expect(visits.map((v) => v.outcome)).toEqual(['success', 'denied', 'success']);
  });
});

describe('accessLogLabel', () => {
  it('says a live plan opened by someone who may only read it was opened to read', () => {
    expect(accessLogLabel('plan.doc.open', { doc: 'care', access: 'read' })).toBe(
      'Opened your plan to read',
    );
    expect(accessLogLabel('plan.doc.open', { doc: 'care', access: 'write' })).toBe(
      'Opened your plan for editing',
    );
    expect(accessLogLabel('plan.doc.open')).toBe('Opened your plan for editing');
    expect(accessLogLabel('conference.join')).toBe('Discussed your plan in a case conference');
    // Looking at past conferences is not discussing the plan in one.
    expect(accessLogLabel('conference.summaries.read')).toBe(
      'Looked at the case conferences about your plan',
    );
  });
});

describe('auditLabel', () => {
  it('words an action for the people who review the trail, and leaves unknown ones to their code', () => {
    expect(auditLabel('auth.login')).toBe('Signed in');
    expect(auditLabel('plan.doc.open', { doc: 'care', access: 'read' })).toBe(
      'Opened the plan to read',
    );
    expect(auditLabel('plan.doc.open', { doc: 'private', access: 'write' })).toBe(
      'Opened the plan for editing',
    );
    expect(auditLabel('conference.start')).toBe('Started a case conference');
    expect(auditLabel('something.new')).toBeNull();
  });
});
