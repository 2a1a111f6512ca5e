import {
  ROLE_LABELS,
  type ActionItem,
  type AttendanceEntry,
  type ConferenceDecision,
  type ConferenceMinutes,
  type MinutesCase,
} from '@tandem/shared';

/** "2030-01-07 09:05 UTC": minutes are read later and elsewhere, so times carry their zone. */
export function minuteTime(iso: string | null): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function duration(ms: number): string {
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
}

/** Text people typed, made inert: no headings, links, HTML or table breaks of their own. */
export function inline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/([\\`*_{}[\]()<>#+!|~])/g, '\\$1');
}

/** A block of typed text: each line inert, paragraphs kept. */
function block(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => (line.trim() ? inline(line) : ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function attendanceTable(rows: AttendanceEntry[]): string[] {
  if (rows.length === 0) return ['No one attended while the conference was live.'];
  const out = ['| Name | Role | Joined | Left |', '| --- | --- | --- | --- |'];
  for (const p of rows) {
    for (const i of p.intervals) {
      out.push(
        `| ${inline(p.name)} | ${ROLE_LABELS[p.role]} | ${minuteTime(i.joinedAt)} | ${minuteTime(i.leftAt)} |`,
      );
    }
  }
  return out;
}

function decisionLine(d: ConferenceDecision): string {
  const proposal = d.proposalId ? ' _(medication change proposed to the prescriber)_' : '';
  return `- ${inline(d.text)}${proposal} — recorded by ${inline(d.createdBy.name)}`;
}

function actionLine(a: ActionItem): string {
  const box = a.status === 'done' ? '[x]' : '[ ]';
  return `- ${box} ${inline(a.text)} — **${inline(a.owner.name)}**, due ${a.dueDate}`;
}

function caseSection(k: MinutesCase): string[] {
  const out = [
    `### ${k.position}. ${inline(k.patient.name)}`,
    '',
    `**Reason for presentation:** ${inline(k.reason)}  `,
    `**Time:** ${duration(k.timeUsedMs)} of ${k.timeBoxMinutes} min`,
    '',
    '#### Discussion',
    '',
    k.discussion.trim() ? block(k.discussion) : '_No discussion was minuted._',
    '',
    '#### Decisions',
    '',
  ];
  out.push(...(k.decisions.length ? k.decisions.map(decisionLine) : ['_None._']));
  out.push('', '#### Action items', '');
  out.push(...(k.actionItems.length ? k.actionItems.map(actionLine) : ['_None._']));
  return out;
}

/** The minutes of a conference as Markdown, exactly from what was recorded. */
export function renderMinutesMarkdown(m: ConferenceMinutes): string {
  const lines = [
    `# Case conference minutes: ${inline(m.title)}`,
    '',
    `**Team:** ${inline(m.team.name)}  `,
    `**Scheduled:** ${minuteTime(m.scheduledAt)}  `,
    `**Held:** ${minuteTime(m.startedAt)} – ${minuteTime(m.endedAt)}${m.status === 'ended' ? '' : ' (in progress)'}`,
    '',
    '## Attendance',
    '',
    ...attendanceTable(m.attendance),
    '',
    '## Cases',
    '',
  ];
  for (const k of m.cases) lines.push(...caseSection(k), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
