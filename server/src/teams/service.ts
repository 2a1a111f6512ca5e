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
import { TEAM_ROLES } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { TeamScope } from '../authz/authorize.ts';
import type { Actor } from '../http/request-meta.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
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
 * Adds a clinician to the team: an existing clinician account by email, or a
 * new account whose initial password is returned once (only its hash is kept).
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
      return [...members, { userId, role: input.role, addedAt }];
    });
  } catch (err) {
    // An account made for this team and not added to it would be an orphan nobody knows the password of.
    if (initialPassword) await Users.deleteOne({ _id: userId });
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

async function changeMemberRole(
  ctx: AppContext,
  updateMembers: MemberWriter,
  scope: TeamScope,
  memberId: string,
  role: TeamRole,
  actor: Actor,
): Promise<TeamMemberInfo> {
  const userId = memberObjectId(memberId);
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
  if (from !== role) {
    await ctx.audit.record({
      ...auditBase(actor, scope),
      action: 'team.member_role',
      resourceType: 'user',
      resourceId: memberId,
      details: { from, to: role },
    });
    ctx.events.emit('membership:changed', { teamId: scope.teamId, userId: memberId, kind: 'role' });
  }
  const [member] = await describeMembers(ctx, [updated!]);
  return member!;
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
  const theirTeams = await Teams.find({ 'members.userId': userId }, { members: 1 }).lean();
  const coordinatesAll = theirTeams.every((t) =>
    t.members.some((m) => String(m.userId) === actor.user.id && m.role === 'coordinator'),
  );
  if (!coordinatesAll) {
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
