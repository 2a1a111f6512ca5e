import { z } from 'zod';
import { requiredText } from '../text.ts';
import { ROLES } from '../roles.ts';
import type { PlanChange } from './diff.ts';
import type { PlanSnapshot } from './snapshot.ts';

export const SIGNATURE_KINDS = ['sign', 'cosign', 'acknowledge'] as const;
export type SignatureKind = (typeof SIGNATURE_KINDS)[number];

export const CreateVersionRequest = z.strictObject({
  label: requiredText(120),
});
export const RenameVersionRequest = CreateVersionRequest;

export const Signature = z.object({
  userId: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  kind: z.enum(SIGNATURE_KINDS),
  at: z.string(),
  contentHash: z.string(),
});
export type Signature = z.infer<typeof Signature>;

export type VersionSummary = {
  id: string;
  number: number;
  label: string;
  createdAt: string;
  createdBy: { id: string; name: string; role: string };
  contentHash: string;
  status: 'draft' | 'signed';
  signatures: Signature[];
};

export type VersionDetail = VersionSummary & { content: PlanSnapshot };

export type VersionHistory = {
  versions: VersionSummary[];
  /** How the live plan differs from the newest version: a draft in progress when not empty. */
  live: { changedSinceLatest: boolean; changes: PlanChange[] };
};

export type VersionDiff = {
  from: number | 'live';
  to: number | 'live';
  changes: PlanChange[];
};

/** What changed for the patient since the version they last acknowledged. */
export type ChangesSinceReview = {
  lastReviewed: { number: number; label: string; at: string } | null;
  /** The newest signed version, when the patient has not acknowledged it. */
  toReview: { number: number; label: string } | null;
  /** What `toReview` changed since `lastReviewed`: what acknowledging it confirms. */
  changes: PlanChange[];
  /** Changes in the live plan since the newest signed version, not signed yet. */
  unsigned: PlanChange[];
};
