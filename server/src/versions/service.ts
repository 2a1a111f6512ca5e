import { Types } from 'mongoose';
import {
  diffPlans,
  type ChangesSinceReview,
  type PlanSnapshot,
  type Role,
  type Signature,
  type SignatureKind,
  type VersionDetail,
  type VersionDiff,
  type VersionHistory,
  type VersionSummary,
} from '@tandem/shared';
import type { AppContext } from '../context.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { authorizePlan, type PlanScope, type RequestMeta } from '../authz/authorize.ts';
import { conflict, notFound } from '../errors.ts';
import { readPlanSnapshot } from '../plans/content.ts';
import { auditPlanEvent } from '../audit/plan-events.ts';
import { signatureModel, versionModel, type SignatureDoc, type VersionDoc } from './model.ts';
import { canonicalJson, sha256 } from './hash.ts';
import { recordHead, renameHead, type VersionHead } from './head.ts';
import { announceStanding } from '../plans/circle.ts';
import { notifyAboutPlan, settleSignatureRequests } from '../notifications/service.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

type StoredVersion = VersionDoc & { _id: Types.ObjectId };

function summary(v: StoredVersion, signatures: SignatureDoc[]): VersionSummary {
  return {
    id: String(v._id),
    number: v.number,
    label: v.label,
    createdAt: v.createdAt.toISOString(),
    createdBy: { id: v.createdBy.id, name: v.createdBy.name, role: v.createdBy.role },
    contentHash: v.contentHash,
    status: signatures.some((s) => s.kind === 'sign') ? 'signed' : 'draft',
    signatures: signatures.map((s): Signature => ({
      userId: s.userId,
      name: s.name,
      role: s.role as Role,
      kind: s.kind as SignatureKind,
      at: s.at.toISOString(),
      contentHash: s.contentHash,
    })),
  };
}

const headOf = (v: StoredVersion): VersionHead => ({
  id: v._id,
  number: v.number,
  label: v.label,
  createdAt: v.createdAt,
});

const SIGN_ACTION = {
  sign: 'plan.sign',
  cosign: 'plan.cosign',
  acknowledge: 'plan.acknowledge',
} as const;

export function versionService(ctx: AppContext) {
  const Versions = versionModel(ctx.conn);
  const Signatures = signatureModel(ctx.conn);

  /** Signatures of the given versions, oldest first, grouped by version id. */
  async function signaturesOf(versionIds: Types.ObjectId[]): Promise<Map<string, SignatureDoc[]>> {
    const rows = await Signatures.find({ versionId: { $in: versionIds } })
      .sort({ at: 1 })
      .lean();
    const out = new Map<string, SignatureDoc[]>();
    for (const r of rows) {
      const k = String(r.versionId);
      out.set(k, [...(out.get(k) ?? []), r]);
    }
    return out;
  }
  const summarize = async (v: StoredVersion) =>
    summary(v, (await signaturesOf([v._id])).get(String(v._id)) ?? []);

  const audit = (
    user: AuthUser,
    scope: PlanScope,
    action: string,
    meta: RequestMeta,
    resourceId: string,
    details?: Record<string, unknown>,
  ) =>
    auditPlanEvent(
      ctx,
      user,
      scope,
      { action, resourceType: 'plan_version', resourceId, details: details ?? null },
      meta,
    );

  async function find(planId: string, number: number): Promise<StoredVersion> {
    const v = await Versions.findOne({ planId, number }).lean<StoredVersion>();
    if (!v) throw notFound('No such version of this plan.');
    return v;
  }

  const contentOf = (v: StoredVersion) => JSON.parse(v.content) as PlanSnapshot;

  /** Tells the plan's open pages (history, the patient's review) at once, and everyone's plan lists. */
  const announce = async (scope: PlanScope, version: VersionSummary): Promise<VersionSummary> => {
    ctx.realtime.toPlan(scope.planId, 'version:updated', { planId: scope.planId, version });
    await announceStanding(ctx, scope);
    return version;
  };

  return {
    async create(user: AuthUser, planId: string, label: string, meta: RequestMeta) {
      const scope = await authorizePlan(ctx, user, { doc: 'care', access: 'write' }, planId, meta);
      const content = canonicalJson(await readPlanSnapshot(ctx, planId));
      const contentHash = sha256(content);
      // The unique (planId, number) index settles people saving at the same moment: whoever
      // loses a number takes the next one, so each save lands after a few tries at most.
      const last = await Versions.findOne({ planId }, { number: 1 }).sort({ number: -1 }).lean();
      let number = (last?.number ?? 0) + 1;
      for (let attempt = 0; attempt < 50; attempt++, number++) {
        try {
          const created = await Versions.create({
            planId,
            number,
            label,
            createdBy: { id: user.id, name: user.name, role: scope.role },
            content,
            contentHash,
          });
          const v = created.toObject() as StoredVersion;
          await recordHead(ctx, planId, headOf(v));
          await audit(user, scope, 'version.create', meta, String(v._id), { number: v.number });
          return announce(scope, summary(v, []));
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      throw conflict('version_conflict', 'Another version was saved at the same moment; retry.');
    },

    async history(user: AuthUser, planId: string, meta: RequestMeta): Promise<VersionHistory> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
      const rows = await Versions.find({ planId }).sort({ number: -1 }).lean<StoredVersion[]>();
      const live = await readPlanSnapshot(ctx, planId);
      const changes = rows[0] ? diffPlans(contentOf(rows[0]), live) : [];
      const signatures = await signaturesOf(rows.map((r) => r._id));
      // Mends the plan's head if a save stopped between storing a version and recording it.
      if (rows[0]) await recordHead(ctx, planId, headOf(rows[0]));
      await audit(user, scope, 'version.list', meta, planId);
      return {
        versions: rows.map((r) => summary(r, signatures.get(String(r._id)) ?? [])),
        live: { changedSinceLatest: changes.length > 0, changes },
      };
    },

    async get(user: AuthUser, planId: string, number: number, meta: RequestMeta) {
      const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
      const v = await find(planId, number);
      await audit(user, scope, 'version.read', meta, String(v._id));
      return { ...(await summarize(v)), content: contentOf(v) } satisfies VersionDetail;
    },

    async rename(user: AuthUser, planId: string, number: number, label: string, meta: RequestMeta) {
      const scope = await authorizePlan(ctx, user, { doc: 'care', access: 'write' }, planId, meta);
      const v = await find(planId, number);
      // Versions signed before sealing existed have a signature but no seal.
      const renamed =
        !(await Signatures.exists({ versionId: v._id, key: 'sign' })) &&
        (await Versions.updateOne({ _id: v._id, sealed: { $ne: true } }, { $set: { label } }))
          .matchedCount === 1;
      if (!renamed) throw conflict('version_signed', 'A signed version can never change.');
      await renameHead(ctx, planId, v._id, label);
      await audit(user, scope, 'version.rename', meta, String(v._id));
      return announce(scope, await summarize({ ...v, label }));
    },

    /** Records a signature; each kind once per person, co-signing and acknowledging need the prescriber's signature first. */
    async sign(
      user: AuthUser,
      planId: string,
      number: number,
      kind: SignatureKind,
      meta: RequestMeta,
    ) {
      const scope = await authorizePlan(ctx, user, { action: SIGN_ACTION[kind] }, planId, meta);
      let v = await find(planId, number);
      const existing = (await signaturesOf([v._id])).get(String(v._id)) ?? [];
      const signed = existing.some((s) => s.kind === 'sign');
      if (kind === 'sign' && signed)
        throw conflict('already_signed', 'This version is already signed.');
      if (kind !== 'sign' && !signed)
        throw conflict('not_signed', 'The prescriber has to sign this version first.');
      // The content is re-hashed at signing: a record edited behind our back is never signed.
      if (sha256(v.content) !== v.contentHash)
        throw conflict('hash_mismatch', 'This version does not match its recorded hash.');
      // Sealed first, the label read back here is the one the signature keeps.
      if (kind === 'sign')
        v = (await Versions.findOneAndUpdate(
          { _id: v._id },
          { $set: { sealed: true } },
          { new: true },
        ).lean<StoredVersion>())!;
      const signature: SignatureDoc = {
        versionId: v._id,
        planId: v.planId,
        key: kind === 'sign' ? 'sign' : `${kind}:${user.id}`,
        userId: user.id,
        name: user.name,
        role: scope.role,
        kind,
        at: new Date(ctx.clock.now()),
        contentHash: v.contentHash,
      };
      try {
        await Signatures.create(signature);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        throw kind === 'sign'
          ? conflict('already_signed', 'This version is already signed.')
          : conflict('already_recorded', 'You have already done this for this version.');
      }
      await audit(user, scope, `version.${kind}`, meta, String(v._id), {
        number,
        contentHash: v.contentHash,
      });
      // Signed, the version waits for the therapist's co-signature and the patient's review;
      // co-signed or acknowledged, it no longer waits for this person.
      if (kind === 'sign') {
        await notifyAboutPlan(
          ctx,
          scope,
          user,
          { mayAct: ['plan.cosign', 'plan.acknowledge'] },
          { type: 'version_signed', version: number },
        );
      } else {
        await settleSignatureRequests(ctx, planId, user.id, number);
      }
      return announce(scope, summary(v, [...existing, signature]));
    },

    async verify(user: AuthUser, planId: string, number: number, meta: RequestMeta) {
      await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
      const v = await find(planId, number);
      const recomputed = sha256(v.content);
      const signatures = (await signaturesOf([v._id])).get(String(v._id)) ?? [];
      return {
        ok: recomputed === v.contentHash && signatures.every((s) => s.contentHash === recomputed),
        contentHash: v.contentHash,
        recomputed,
      };
    },

    async diff(
      user: AuthUser,
      planId: string,
      from: number | 'live',
      to: number | 'live',
      meta: RequestMeta,
    ): Promise<VersionDiff> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
      const load = async (n: number | 'live') =>
        n === 'live' ? readPlanSnapshot(ctx, planId) : contentOf(await find(planId, n));
      const [a, b] = await Promise.all([load(from), load(to)]);
      await audit(user, scope, 'version.diff', meta, planId, { from, to });
      return { from, to, changes: diffPlans(a, b) };
    },

    /**
     * For the patient: what the newest signed version changed since the
     * version they last acknowledged (what acknowledging it confirms), and
     * apart from that, what the care team has changed since and not signed yet.
     */
    async changesSinceReview(
      user: AuthUser,
      planId: string,
      meta: RequestMeta,
    ): Promise<ChangesSinceReview> {
      const scope = await authorizePlan(ctx, user, { action: 'plan.read' }, planId, meta);
      const [ack, signs] = await Promise.all([
        Signatures.findOne({ planId, kind: 'acknowledge', userId: scope.patientUserId })
          .sort({ at: -1 })
          .lean(),
        Signatures.find({ planId, kind: 'sign' }, { versionId: 1 }).lean(),
      ]);
      const [reviewed, signed, live] = await Promise.all([
        ack ? Versions.findById(ack.versionId).lean<StoredVersion>() : null,
        Versions.findOne({ _id: { $in: signs.map((s) => s.versionId) } })
          .sort({ number: -1 })
          .lean<StoredVersion>(),
        readPlanSnapshot(ctx, planId),
      ]);
      await audit(user, scope, 'version.changes_since_review', meta, planId);
      const base = reviewed ? contentOf(reviewed) : {};
      const toReview = signed && signed.number !== reviewed?.number ? signed : null;
      return {
        lastReviewed:
          reviewed && ack
            ? { number: reviewed.number, label: reviewed.label, at: ack.at.toISOString() }
            : null,
        toReview: toReview && { number: toReview.number, label: toReview.label },
        changes: toReview ? diffPlans(base, contentOf(toReview)) : [],
        unsigned: diffPlans(signed ? contentOf(signed) : base, live),
      };
    },
  };
}
