import type {
  ChangesSinceReview,
  Comment,
  CommentThread,
  CreateProposalRequest,
  InteractionWarning,
  NotificationList,
  PlanEdits,
  PlanInteraction,
  Proposal,
  SignatureKind,
  TeamDetail,
  VersionDiff,
  VersionHistory,
  VersionSummary,
} from '@tandem/shared';
import { api } from '$lib/api.ts';
import { localDay } from '../dates.ts';

/** Typed calls to the plan-lifecycle endpoints (versions, comments, proposals, interactions, export). */

const plan = (planId: string) => `/plans/${encodeURIComponent(planId)}`;
const post = <T>(path: string, body: unknown = {}) =>
  api<T>(path, { method: 'POST', body: JSON.stringify(body) });

export const versionsApi = {
  history: (planId: string) => api<VersionHistory>(`${plan(planId)}/versions`),
  save: (planId: string, label: string) =>
    post<VersionSummary>(`${plan(planId)}/versions`, { label }),
  sign: (planId: string, number: number, kind: SignatureKind) =>
    post<VersionSummary>(`${plan(planId)}/versions/${number}/${kind}`),
  verify: (planId: string, number: number) =>
    api<{ ok: boolean; contentHash: string; recomputed: string }>(
      `${plan(planId)}/versions/${number}/verify`,
    ),
  diff: (planId: string, from: number | 'live', to: number | 'live') =>
    api<VersionDiff>(`${plan(planId)}/diff?from=${from}&to=${to}`),
  sinceReview: (planId: string) => api<ChangesSinceReview>(`${plan(planId)}/changes-since-review`),
  edits: (planId: string) => api<PlanEdits>(`${plan(planId)}/edits`),
};

export const commentsApi = {
  list: (planId: string) => api<CommentThread[]>(`${plan(planId)}/comments`),
  create: (planId: string, goalId: string, body: string, mentions: string[]) =>
    post<Comment>(`${plan(planId)}/comments`, { goalId, body, mentions }),
  reply: (planId: string, threadId: string, body: string, mentions: string[]) =>
    post<Comment>(`${plan(planId)}/comments/${threadId}/replies`, { body, mentions }),
  edit: (planId: string, commentId: string, body: string) =>
    api<Comment>(`${plan(planId)}/comments/${commentId}`, {
      method: 'PATCH',
      body: JSON.stringify({ body }),
    }),
  setResolved: (planId: string, threadId: string, resolved: boolean) =>
    post<Comment>(`${plan(planId)}/comments/${threadId}/${resolved ? 'resolve' : 'reopen'}`),
};

export const notificationsApi = {
  list: () => api<NotificationList>('/notifications'),
  markRead: (ids: string[] | 'all') =>
    post<{ updated: number }>('/notifications/read', ids === 'all' ? { all: true } : { ids }),
};

export const proposalsApi = {
  list: (planId: string) => api<Proposal[]>(`${plan(planId)}/proposals`),
  create: (planId: string, body: CreateProposalRequest) =>
    post<Proposal>(`${plan(planId)}/proposals`, body),
  accept: (planId: string, id: string, reason: string) =>
    post<{ proposal: Proposal; warnings: InteractionWarning[] }>(
      `${plan(planId)}/proposals/${id}/accept`,
      { ...(reason ? { reason } : {}), today: localDay() },
    ),
  decline: (planId: string, id: string, reason: string) =>
    post<Proposal>(`${plan(planId)}/proposals/${id}/decline`, { reason }),
};

export const interactionsApi = {
  list: (planId: string) => api<PlanInteraction[]>(`${plan(planId)}/interactions`),
  acknowledge: (planId: string, key: string, reason: string) =>
    post<PlanInteraction>(`${plan(planId)}/interactions/acknowledge`, { key, reason }),
};

export const teamApi = {
  get: (teamId: string) => api<TeamDetail>(`/teams/${encodeURIComponent(teamId)}`),
};

/** The plan as a FHIR R4 Bundle, fetched with the session cookie (a plain link could not report errors). */
export async function fetchFhirBundle(planId: string): Promise<Blob> {
  const res = await fetch(`/api/v1${plan(planId)}/fhir`, {
    credentials: 'same-origin',
    headers: { Accept: 'application/fhir+json' },
  });
  if (!res.ok) {
    // Reuse api()'s error handling for the message and the session-lost redirect.
    await api(`${plan(planId)}/fhir`);
    throw new Error(`The export failed (${res.status}).`);
  }
  return res.blob();
}
