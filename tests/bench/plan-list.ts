import { Types } from 'mongoose';
import type { AppContext } from '@tandem/server/context.ts';
import { recordHead } from '@tandem/server/versions/head.ts';
import { INSTRUMENTS, QUESTIONNAIRES, scoreCheckIn, type PlanListItem } from '@tandem/shared';
import { checkInModel } from '@tandem/server/checkins/model.ts';
import { recordLatest } from '@tandem/server/checkins/latest.ts';
import { commentModel } from '@tandem/server/comments/model.ts';
import { patientModel } from '@tandem/server/patients/model.ts';
import { planModel } from '@tandem/server/plans/model.ts';
import { proposalModel } from '@tandem/server/proposals/model.ts';
import { signatureModel, versionModel } from '@tandem/server/versions/model.ts';
import { teamModel } from '@tandem/server/teams/model.ts';
import type { UserApi } from '../helpers/api.ts';

/**
 * The plan list as a care team grows: adds patients to the prescriber's
 * North Team, each plan with a life behind it (4 versions, the newest two
 * signed, 6 signatures; 3 proposals, one open; 6 goal threads of 3 comments,
 * 2 open; a year of fortnightly PHQ-9 and GAD-7 check-ins, one safety answer
 * followed up and, on every fifth plan, one waiting), and at each size times the prescriber's `GET /plans`, which reads
 * each plan's standing.
 */
export async function planList(
  ctx: AppContext,
  prescriber: UserApi,
  sizes: number[],
  time: (f: () => Promise<unknown>) => Promise<{ p50: number; max: number }>,
) {
  const conn = ctx.conn;
  const team = (await teamModel(conn).findOne({ name: 'North Team' }).lean())!;
  // Each version holds a copy of the whole plan: the demo plan's, as a real version stores it.
  const [demo] = (await prescriber.get<PlanListItem[]>('/plans')).body;
  await prescriber.post(`/plans/${demo!.id}/versions`, { label: 'Demo' });
  const { content, contentHash } = (await versionModel(conn).findOne({ planId: demo!.id }).lean())!;
  console.warn(`a version of the demo plan holds ${content.length} characters`);
  const results = [];
  let stored = 1;
  for (const size of sizes) {
    for (; stored < size; stored++) await addPlan(ctx, team._id, stored, content, contentHash);
    const listMs = await time(async () => {
      const res = await prescriber.get<PlanListItem[]>('/plans');
      if (res.body.length !== size) throw new Error(`listed ${res.body.length} of ${size} plans`);
    });
    results.push({ plans: size, listMs });
    console.warn(
      `${size} plans: the prescriber's plan list p50 ${listMs.p50} ms, max ${listMs.max} ms`,
    );
  }
  return results;
}

async function addPlan(
  ctx: AppContext,
  teamId: Types.ObjectId,
  i: number,
  content: string,
  contentHash: string,
) {
  const conn = ctx.conn;
  const patient = await patientModel(conn).create({
    teamId,
    userId: new Types.ObjectId(),
    name: `Bench Patient ${i}`,
  });
  const plan = await planModel(conn).create({ patientId: patient._id, teamId, title: 'Plan' });
  const planId = plan._id;
  const by = { id: 'bench', name: 'Bench Prescriber', role: 'prescriber' };
  for (let n = 1; n <= 4; n++) {
    const v = await versionModel(conn).create({
      planId,
      number: n,
      label: `Version ${n}`,
      createdBy: by,
      content,
      contentHash,
    });
    // As saving a version through the API does.
    await recordHead(ctx, planId, { id: v._id, number: n, label: v.label, createdAt: v.createdAt });
    if (n < 3) continue;
    for (const kind of ['sign', 'cosign', 'acknowledge'])
      await signatureModel(conn).create({
        versionId: v._id,
        planId,
        key: kind === 'sign' ? 'sign' : `${kind}:bench`,
        userId: 'bench',
        name: 'Bench',
        role: kind === 'acknowledge' ? 'patient' : kind === 'sign' ? 'prescriber' : 'therapist',
        kind,
        at: new Date(),
        contentHash,
      });
  }
  await proposalModel(conn).insertMany(
    ['open', 'accepted', 'declined'].map((status) => ({
      planId,
      status,
      change: { kind: 'stop', medicationId: 'm1' },
      summary: 'Stop',
      rationale: 'Bench',
      proposedBy: by,
      source: { type: 'person', conferenceId: null },
    })),
  );
  await addCheckIns(ctx, planId, i);
  const Comments = commentModel(conn);
  for (let t = 0; t < 6; t++) {
    const author = { authorId: new Types.ObjectId(), authorName: 'Bench', body: 'Bench' };
    const root = await Comments.create({
      ...author,
      planId,
      goalId: `goal-${t}`,
      authorRole: 'patient',
      resolvedAt: t < 4 ? new Date() : null,
    });
    await Comments.insertMany(
      ['therapist', 'patient'].map((authorRole) => ({
        ...author,
        planId,
        goalId: `goal-${t}`,
        threadId: root._id,
        authorRole,
      })),
    );
    // Who wrote last, as replying through the API records it.
    await Comments.updateOne(
      { _id: root._id },
      { $set: { lastAuthorRole: 'patient', lastCommentAt: new Date() } },
    );
  }
}

/** 26 fortnightly check-ins of each kind, as submitting them through the API stores them. */
async function addCheckIns(ctx: AppContext, planId: Types.ObjectId, i: number) {
  const now = Date.now();
  const docs = INSTRUMENTS.flatMap((instrument) =>
    Array.from({ length: 26 }, (_, n) => {
      const answers = QUESTIONNAIRES[instrument].items.map((_, k) => (k + n) % 3);
      // The oldest PHQ-9 (followed up) and, on every fifth plan, the newest report self-harm.
      const flagged = instrument === 'phq9' && (n === 0 || (n === 25 && i % 5 === 0));
      if (instrument === 'phq9') answers[8] = flagged ? 1 : 0;
      const scored = scoreCheckIn(instrument, answers);
      const submittedAt = new Date(now - (26 - n) * 14 * 86_400_000);
      return {
        planId,
        instrument,
        seq: n + 1,
        answers,
        difficulty: 1,
        ...scored,
        followUpState: !flagged ? 'not_needed' : n === 0 ? 'done' : 'needed',
        submittedBy: { id: 'bench', name: 'Bench Patient' },
        submittedAt,
        followUp:
          flagged && n === 0
            ? { by: { id: 'bench', name: 'Bench' }, at: submittedAt, note: 'Bench' }
            : null,
      };
    }),
  );
  const stored = await checkInModel(ctx.conn).insertMany(docs);
  for (const instrument of INSTRUMENTS) {
    const newest = stored.filter((c) => c.instrument === instrument).at(-1)!;
    await recordLatest(ctx, planId, newest.toObject());
  }
}
