import type { Types } from 'mongoose';
import type {
  CreatePatientRequest,
  CreatePatientResponse,
  PasswordResetResponse,
  PatientSummary,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { TeamScope } from '../authz/authorize.ts';
import type { Actor } from '../http/request-meta.ts';
import { conflict, notFound } from '../errors.ts';
import { hashPassword } from '../auth/passwords.ts';
import { newInitialPassword, resetToInitialPassword } from '../auth/initial-password.ts';
import { userModel } from '../users/model.ts';
import { planModel } from '../plans/model.ts';
import { patientModel } from './model.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

const DEFAULT_PLAN_TITLE = 'Treatment plan';

/**
 * Creates a patient's record, their own account and their treatment plan.
 * The account's initial password is returned once for the coordinator to hand
 * over; only its hash is stored. Without transactions, a failure part-way
 * removes what was already created.
 */
export async function createPatient(
  ctx: AppContext,
  scope: TeamScope,
  input: CreatePatientRequest,
  actor: Actor,
): Promise<CreatePatientResponse> {
  const Users = userModel(ctx.conn);
  const Patients = patientModel(ctx.conn);
  const Plans = planModel(ctx.conn);
  if (await Users.exists({ email: input.email })) {
    throw conflict('email_taken', 'An account with this email already exists.');
  }
  const initialPassword = newInitialPassword();
  const created: { model: { deleteOne(f: object): unknown }; id: Types.ObjectId }[] = [];
  try {
    const user = await Users.create({
      email: input.email,
      name: input.name,
      role: 'patient',
      passwordHash: await hashPassword(initialPassword),
      passwordChangeDue: true,
      status: 'active',
    });
    created.push({ model: Users, id: user._id });
    const patient = await Patients.create({
      teamId: scope.teamId,
      userId: user._id,
      name: input.name,
      dateOfBirth: input.dateOfBirth ?? null,
    });
    created.push({ model: Patients, id: patient._id });
    const plan = await Plans.create({
      patientId: patient._id,
      teamId: scope.teamId,
      title: input.planTitle ?? DEFAULT_PLAN_TITLE,
    });
    created.push({ model: Plans, id: plan._id });

    await ctx.audit.record({
      actorId: actor.user.id,
      actorRole: scope.role,
      action: 'patient.create',
      outcome: 'success',
      resourceType: 'patient',
      resourceId: String(patient._id),
      patientId: String(patient._id),
      teamId: scope.teamId,
      requestId: actor.meta.requestId ?? null,
      ip: actor.meta.ip ?? null,
      details: { planId: String(plan._id), userId: String(user._id) },
    });
    return {
      patient: {
        id: String(patient._id),
        name: patient.name,
        email: user.email,
        dateOfBirth: patient.dateOfBirth ?? null,
        plan: { id: String(plan._id), title: plan.title, status: 'active' },
      },
      initialPassword,
    };
  } catch (err) {
    for (const c of created.reverse()) {
      await Promise.resolve(c.model.deleteOne({ _id: c.id })).catch(() => {});
    }
    if (isDuplicateKey(err)) {
      throw conflict('email_taken', 'An account with this email already exists.');
    }
    throw err;
  }
}

/** The team's patients with their plans; a read of patient data, so audited. */
export async function listPatients(
  ctx: AppContext,
  scope: TeamScope,
  actor: Actor,
): Promise<PatientSummary[]> {
  const patients = await patientModel(ctx.conn).find({ teamId: scope.teamId }).lean();
  const [users, plans] = await Promise.all([
    userModel(ctx.conn)
      .find({ _id: { $in: patients.map((p) => p.userId) } }, { email: 1 })
      .lean(),
    planModel(ctx.conn)
      .find(
        { patientId: { $in: patients.map((p) => p._id) } },
        { patientId: 1, title: 1, status: 1 },
      )
      .lean(),
  ]);
  const emailOf = new Map(users.map((u) => [String(u._id), u.email]));
  const planOf = new Map(plans.map((p) => [String(p.patientId), p]));
  await ctx.audit.record({
    actorId: actor.user.id,
    actorRole: scope.role,
    action: 'patient.list',
    outcome: 'success',
    resourceType: 'team',
    resourceId: scope.teamId,
    teamId: scope.teamId,
    requestId: actor.meta.requestId ?? null,
    ip: actor.meta.ip ?? null,
    details: { count: patients.length },
  });
  return patients
    .map((p) => {
      const plan = planOf.get(String(p._id));
      return {
        id: String(p._id),
        name: p.name,
        email: emailOf.get(String(p.userId)) ?? '',
        dateOfBirth: p.dateOfBirth ?? null,
        plan: plan
          ? {
              id: String(plan._id),
              title: plan.title,
              status: plan.status as 'active' | 'archived',
            }
          : null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A new first password for a patient of the team who forgot theirs; audited on their record. */
export async function resetPatientPassword(
  ctx: AppContext,
  scope: TeamScope,
  patientId: string,
  actor: Actor,
): Promise<PasswordResetResponse> {
  const patient = /^[a-f0-9]{24}$/.test(patientId)
    ? await patientModel(ctx.conn).findOne({ _id: patientId, teamId: scope.teamId }).lean()
    : null;
  if (!patient) throw notFound('This patient is not on the team.');
  const initialPassword = await resetToInitialPassword(ctx, patient.userId);
  await ctx.audit.record({
    actorId: actor.user.id,
    actorRole: scope.role,
    action: 'patient.password_reset',
    outcome: 'success',
    resourceType: 'patient',
    resourceId: patientId,
    patientId,
    teamId: scope.teamId,
    requestId: actor.meta.requestId ?? null,
    ip: actor.meta.ip ?? null,
  });
  return { initialPassword };
}
