import { Types } from 'mongoose';
import type {
  AddMemberRequest,
  AddMemberResponse,
  PasswordResetResponse,
  TeamDetail,
  TeamMemberInfo,
  TeamRole,
  TeamSummary,
} from '@tandem/shared';
import { isClinicianRole, ROLE_LABELS, TEAM_ROLES, type Role } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { TeamScope } from '../authz/authorize.ts';
import type { Actor } from '../http/request-meta.ts';
import { AppError, badRequest, conflict, notFound } from '../errors.ts';
import { hashPassword } from '../auth/passwords.ts';
import { newInitialPassword, resetToInitialPassword } from '../auth/initial-password.ts';
import { userModel } from '../users/model.ts';
import { patientModel } from '../patients/model.ts';
import { forgetTeamNews } from '../notifications/service.ts';
import { teamModel, type TeamMember } from './model.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

type MemberWriter = (
  teamId: string,
  change: (members: TeamMember[]) => TeamMember[],
) => Promise<void>;

export type TeamService = ReturnType<typeof teamService>;

/** Team administration; one per instance, so changes to a team's members queue up in it. */
export function teamService(ctx: AppContext) {
  const updateMembers = createMemberWriter(ctx);
  return {
    list: (user: AuthUser) => listTeams(ctx, user),
    get: (scope: TeamScope) => getTeam(ctx, scope),
    addMember: (scope: TeamScope, input: AddMemberRequest, actor: Actor) =>
      addMember(ctx, updateMembers, scope, input, actor),
    changeMemberRole: (scope: TeamScope, memberId: string, role: TeamRole, actor: Actor) =>
      changeMemberRole(ctx, updateMembers, scope, memberId, role, actor),
    removeMember: (scope: TeamScope, memberId: string, actor: Actor) =>
      removeMember(ctx, updateMembers, scope, memberId, actor),
    resetMemberPassword: (scope: TeamScope, memberId: string, actor: Actor) =>
      resetMemberPassword(ctx, scope, memberId, actor),
  };
}

/** The teams the caller belongs to, with their role there. Patients belong to none. */
async function listTeams(ctx: AppContext, user: AuthUser): Promise<TeamSummary[]> {
  if (user.role === 'patient') return [];
  const teams = await teamModel(ctx.conn).find({ 'members.userId': user.id }).lean();
  const Patients = patientModel(ctx.conn);
  const out: TeamSummary[] = [];
  for (const team of teams) {
    const me = team.members.find((m) => String(m.userId) === user.id);
    if (!me) continue;
    out.push({
      id: String(team._id),
      name: team.name,
      role: me.role,
      memberCount: team.members.length,
      // countDocuments, not $group/$sum: FerretDB v1 returns 0 for `$sum: 1`.
      patientCount: await Patients.countDocuments({ teamId: team._id }),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

async function getTeam(ctx: AppContext, scope: TeamScope): Promise<TeamDetail> {
  const team = await teamModel(ctx.conn).findById(scope.teamId).lean();
  if (!team) throw notFound();
  return {
    id: scope.teamId,
    name: team.name,
    role: scope.role as TeamRole,
    members: await describeMembers(ctx, team.members),
  };
}

/**
 * Adds a clinician to the team: an existing clinician account by email, in
 * the role of that account, or a new account in the role asked for, whose
 * initial password is returned once (only its hash is kept).
 */
async function addMember(
  ctx: AppContext,
  updateMembers: MemberWriter,
  scope: TeamScope,
  input: AddMemberRequest,
  actor: Actor,
): Promise<AddMemberResponse> {
  const Users = userModel(ctx.conn);
  const existing = await Users.findOne({ email: input.email }).lean();
  let userId: Types.ObjectId;
  let initialPassword: string | undefined;
  if (existing) {
    if (existing.role === 'patient') {
      await refuse(ctx, actor, scope, String(existing._id), input.role, 'not_a_clinician');
      throw conflict(
        'not_a_clinician',
        'This email belongs to a patient account; only clinicians can join a care team.',
      );
    }
    if (existing.status === 'disabled') {
      throw conflict('account_disabled', 'This account is disabled.');
    }
    userId = existing._id;
  } else {
    if (!input.name) {
      throw badRequest('Give a name to create a new account.', [
        { path: 'name', message: 'required when the email has no account yet' },
      ]);
    }
    initialPassword = newInitialPassword();
    try {
      const created = await Users.create({
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(initialPassword),
        passwordChangeDue: true,
        status: 'active',
      });
      userId = created._id;
    } catch (err) {
      if (isDuplicateKey(err)) {
        throw conflict('email_taken', 'An account with this email was just created; try again.');
      }
      throw err;
    }
  }

  const addedAt = new Date(ctx.clock.now());
  try {
    await updateMembers(scope.teamId, (members) => {
      if (members.some((m) => m.userId.equals(userId))) {
        throw conflict('already_member', 'This person is already on the team.');
      }
      if (existing && existing.role !== input.role) {
        const theirs = withArticle(existing.role as Role);
        throw conflict(
          'role_mismatch',
          `This email belongs to ${theirs}'s account: add them as ${theirs}, the role they hold on every team.`,
        );
      }
      return [...members, { userId, role: input.role, addedAt }];
    });
  } catch (err) {
    const code = err instanceof AppError ? err.code : null;
    // An account made for this team and not added to it would be an orphan nobody knows the
    // password of. One already on it stays: a request at the same moment found the account
    // this one had just made, and added it.
    if (initialPassword && code !== 'already_member') await Users.deleteOne({ _id: userId });
    if (code === 'role_mismatch') {
      await refuse(ctx, actor, scope, String(userId), input.role, 'role_mismatch');
    }
    throw err;
  }

  await ctx.audit.record({
    ...auditBase(actor, scope),
    action: 'team.member_add',
    resourceType: 'user',
    resourceId: String(userId),
    details: { role: input.role, accountCreated: !existing },
  });
  ctx.events.emit('membership:changed', {
    teamId: scope.teamId,
    userId: String(userId),
    kind: 'added',
  });
  const [member] = await describeMembers(ctx, [{ userId, role: input.role, addedAt }]);
  return {
    member: member!,
    accountCreated: !existing,
    ...(initialPassword ? { initialPassword } : {}),
  };
}

/**
 * A member holds their account's role on every team, so a new role is a new
 * role for the account, on all its teams. Only a coordinator of every one of
 * those teams makes that change, only between the clinical roles (a care
 * coordinator signs in with an account of their own), and never for
 * themselves: otherwise a coordinator could take a clinical role and read
 * what only clinicians may. A membership that differs from its account's
 * role (made before this rule) can be set back to it.
 */
async function changeMemberRole(
  ctx: AppContext,
  updateMembers: MemberWriter,
  scope: TeamScope,
  memberId: string,
  role: TeamRole,
  actor: Actor,
): Promise<TeamMemberInfo> {
  const userId = memberObjectId(memberId);
  const team = await teamModel(ctx.conn).findById(scope.teamId, { members: 1 }).lean();
  const current = team?.members.find((m) => m.userId.equals(userId));
  const account = current && (await userModel(ctx.conn).findById(userId, { role: 1 }).lean());
  if (!current || !account) throw notFound('This person is not on the team.');
  const from = current.role as TeamRole;
  if (from === role && account.role === role) return (await describeMembers(ctx, [current]))[0]!;

  const refusal = async (reason: string, message: string): Promise<never> => {
    await refuse(ctx, actor, scope, memberId, role, reason);
    throw conflict(reason, message);
  };
  if (memberId === actor.user.id) {
    return refusal('own_role', 'Nobody changes their own role on a team.');
  }
  if (account.role === role) {
    return setTeamRole(ctx, updateMembers, scope, userId, role, actor);
  }
  if (!isClinicianRole(account.role) || !isClinicianRole(role) || from !== account.role) {
    return refusal('role_mismatch', roleMismatch(account.role as Role, role));
  }
  if (!(await coordinatesEveryTeamOf(ctx, userId, actor.user.id))) {
    return refusal(
      'other_team',
      'This person is also on a care team you do not coordinate; a coordinator of all their teams can change their role.',
    );
  }

  const updated = await moveAccountRole(ctx, updateMembers, scope, userId, from, role, actor);
  const [member] = await describeMembers(ctx, [updated ?? { ...current, role }]);
  return member!;
}

/**
 * Gives the account its new role, then its membership on every team it is on
 * by then (read afterwards, so a team it joined meanwhile follows too).
 * Returns the membership on the scope's team.
 */
async function moveAccountRole(
  ctx: AppContext,
  updateMembers: MemberWriter,
  scope: TeamScope,
  userId: Types.ObjectId,
  from: TeamRole,
  role: TeamRole,
  actor: Actor,
): Promise<TeamMember | undefined> {
  const moved = await userModel(ctx.conn).updateOne(
    { _id: userId, role: from },
    { $set: { role } },
  );
  if (moved.matchedCount !== 1) {
    throw conflict('concurrent_update', 'The account changed while saving. Try again.');
  }
  const theirTeams = await teamModel(ctx.conn)
    .find({ 'members.userId': userId }, { _id: 1 })
    .lean();
  let updated: TeamMember | undefined;
  for (const t of theirTeams) {
    const teamId = String(t._id);
    let changed: TeamMember | undefined;
    await updateMembers(teamId, (members) => {
      changed = undefined;
      return members.map((m) => {
        if (!m.userId.equals(userId) || m.role !== from) return m;
        return (changed = { ...m, role });
      });
    });
    if (!changed) continue;
    if (teamId === scope.teamId) updated = changed;
    await recordRoleChange(ctx, { ...scope, teamId }, String(userId), from, role, actor);
  }
  return updated;
}

/** Sets one team's membership back to the role of the member's account. */
async function setTeamRole(
  ctx: AppContext,
  updateMembers: MemberWriter,
  scope: TeamScope,
  userId: Types.ObjectId,
  role: TeamRole,
  actor: Actor,
): Promise<TeamMemberInfo> {
  let from: TeamRole = role;
  let updated: TeamMember | undefined;
  await updateMembers(scope.teamId, (members) => {
    const current = members.find((m) => m.userId.equals(userId));
    if (!current) throw notFound('This person is not on the team.');
    from = current.role;
    if (from === 'coordinator' && role !== 'coordinator') keepACoordinator(members, userId);
    updated = { ...current, role };
    return members.map((m) => (m.userId.equals(userId) ? updated! : m));
  });
  if (from !== role) await recordRoleChange(ctx, scope, String(userId), from, role, actor);
  const [member] = await describeMembers(ctx, [updated!]);
  return member!;
}

async function recordRoleChange(
  ctx: AppContext,
  scope: TeamScope,
  memberId: string,
  from: TeamRole,
  to: TeamRole,
  actor: Actor,
): Promise<void> {
  await ctx.audit.record({
    ...auditBase(actor, scope),
    action: 'team.member_role',
    resourceType: 'user',
    resourceId: memberId,
    details: { from, to },
  });
  ctx.events.emit('membership:changed', { teamId: scope.teamId, userId: memberId, kind: 'role' });
}

async function removeMember(
  ctx: AppContext,
  updateMembers: MemberWriter,
  scope: TeamScope,
  memberId: string,
  actor: Actor,
): Promise<void> {
  const userId = memberObjectId(memberId);
  let role: TeamRole | undefined;
  await updateMembers(scope.teamId, (members) => {
    const current = members.find((m) => m.userId.equals(userId));
    if (!current) throw notFound('This person is not on the team.');
    role = current.role;
    if (role === 'coordinator') keepACoordinator(members, userId);
    return members.filter((m) => !m.userId.equals(userId));
  });
  await forgetTeamNews(ctx, scope.teamId, memberId);
  await ctx.audit.record({
    ...auditBase(actor, scope),
    action: 'team.member_remove',
    resourceType: 'user',
    resourceId: memberId,
    details: { role },
  });
  ctx.events.emit('membership:changed', {
    teamId: scope.teamId,
    userId: memberId,
    kind: 'removed',
  });
}

/**
 * A new first password for a member who forgot theirs. Not one's own (that
 * is Change password, which asks for the current one), and only for someone
 * whose every team the caller coordinates: otherwise one team's coordinator
 * could sign in as them and read another team's patients.
 */
async function resetMemberPassword(
  ctx: AppContext,
  scope: TeamScope,
  memberId: string,
  actor: Actor,
): Promise<PasswordResetResponse> {
  const userId = memberObjectId(memberId);
  const Teams = teamModel(ctx.conn);
  const team = await Teams.findById(scope.teamId).lean();
  if (!team?.members.some((m) => m.userId.equals(userId))) {
    throw notFound('This person is not on the team.');
  }
  if (memberId === actor.user.id) {
    throw conflict('own_account', 'Change your own password under Change password in your menu.');
  }
  if (!(await coordinatesEveryTeamOf(ctx, userId, actor.user.id))) {
    throw conflict(
      'other_team',
      'This person is also on a care team you do not coordinate; a coordinator of all their teams can set a new password.',
    );
  }
  const initialPassword = await resetToInitialPassword(ctx, userId);
  await ctx.audit.record({
    ...auditBase(actor, scope),
    action: 'team.member_password_reset',
    resourceType: 'user',
    resourceId: memberId,
  });
  return { initialPassword };
}

/** Whether `coordinatorId` coordinates every team `userId` is on: a change to their account reaches all of them. */
async function coordinatesEveryTeamOf(
  ctx: AppContext,
  userId: Types.ObjectId,
  coordinatorId: string,
): Promise<boolean> {
  const theirTeams = await teamModel(ctx.conn)
    .find({ 'members.userId': userId }, { members: 1 })
    .lean();
  return theirTeams.every((t) =>
    t.members.some((m) => String(m.userId) === coordinatorId && m.role === 'coordinator'),
  );
}

/**
 * Audits a refused change to who holds which role, as authorize() audits the
 * refusals it makes; the caller then throws the refusal.
 */
async function refuse(
  ctx: AppContext,
  actor: Actor,
  scope: TeamScope,
  memberId: string,
  role: TeamRole,
  reason: string,
): Promise<void> {
  await ctx.audit.record({
    ...auditBase(actor, scope),
    action: 'access.denied',
    outcome: 'denied',
    resourceType: 'user',
    resourceId: memberId,
    details: { permission: 'team.manage', reason, role },
  });
}

/** Why an account cannot take `role`; what a coordinator can do instead. */
function roleMismatch(account: Role, role: TeamRole): string {
  if (account === 'coordinator') {
    return "This is a care coordinator's account, which stays one: a clinician signs in with an account of their own.";
  }
  if (role === 'coordinator') {
    return "A clinician's account cannot become a care coordinator's: a coordinator signs in with an account of their own.";
  }
  return `This person has ${withArticle(account)}'s account: set their role on this team back to it first.`;
}

/** "a prescriber", "a care coordinator": how a message names a role. */
function withArticle(role: Role): string {
  return `a ${ROLE_LABELS[role].toLowerCase()}`;
}

function memberObjectId(id: string): Types.ObjectId {
  if (!/^[a-f0-9]{24}$/.test(id)) throw notFound('This person is not on the team.');
  return new Types.ObjectId(id);
}

/** A team without a coordinator could never be administered again. */
function keepACoordinator(members: TeamMember[], leaving: Types.ObjectId): void {
  if (!members.some((m) => m.role === 'coordinator' && !m.userId.equals(leaving))) {
    throw conflict('last_coordinator', 'A team needs at least one coordinator.');
  }
}

function auditBase(actor: Actor, scope: TeamScope) {
  return {
    actorId: actor.user.id,
    actorRole: scope.role,
    outcome: 'success' as const,
    teamId: scope.teamId,
    requestId: actor.meta.requestId ?? null,
    ip: actor.meta.ip ?? null,
  };
}

/**
 * Read-modify-write of a team's member list. Two guards, because there are no
 * transactions: changes to one team run one at a time in this instance, and
 * the write only lands if the document version is still the one read, which
 * the database checks atomically (the embedded one since
 * `tools/embedded-db/patches/ferretdb-update-atomic.patch`) across instances.
 */
function createMemberWriter(ctx: AppContext): MemberWriter {
  const queues = new Map<string, Promise<unknown>>();
  const Teams = teamModel(ctx.conn);

  async function attempt(
    teamId: string,
    change: (members: TeamMember[]) => TeamMember[],
  ): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const team = await Teams.findById(teamId).lean();
      if (!team) throw notFound();
      const version = (team as { __v?: number }).__v;
      const next = change(team.members as TeamMember[]);
      const res = await Teams.updateOne(
        { _id: team._id, __v: version ?? { $exists: false } },
        { $set: { members: next }, $inc: { __v: 1 } },
      );
      if (res.matchedCount === 1) return;
    }
    throw conflict('concurrent_update', 'The team changed while saving. Try again.');
  }

  return (teamId: string, change: (members: TeamMember[]) => TeamMember[]): Promise<void> => {
    const prev = queues.get(teamId) ?? Promise.resolve();
    const run = prev.then(() => attempt(teamId, change));
    const settled = run.catch(() => {});
    queues.set(teamId, settled);
    void settled.then(() => {
      if (queues.get(teamId) === settled) queues.delete(teamId);
    });
    return run;
  };
}

const ROLE_ORDER = new Map(TEAM_ROLES.map((r, i) => [r, i]));

async function describeMembers(
  ctx: AppContext,
  members: { userId: Types.ObjectId; role: TeamRole; addedAt: Date }[],
): Promise<TeamMemberInfo[]> {
  const users = await userModel(ctx.conn)
    .find({ _id: { $in: members.map((m) => m.userId) } }, { name: 1, email: 1 })
    .lean();
  const byId = new Map(users.map((u) => [String(u._id), u]));
  return members
    .map((m) => {
      const u = byId.get(String(m.userId));
      return {
        id: String(m.userId),
        name: u?.name ?? '',
        email: u?.email ?? '',
        role: m.role,
        addedAt: m.addedAt.toISOString(),
      };
    })
    .sort(
      (a, b) =>
        (ROLE_ORDER.get(a.role) ?? 9) - (ROLE_ORDER.get(b.role) ?? 9) ||
        a.name.localeCompare(b.name),
    );
}
