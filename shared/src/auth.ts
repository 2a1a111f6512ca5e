import { z } from 'zod';
import { ROLES } from './roles.ts';
import { CrisisLines } from './crisis.ts';

export const SESSION_COOKIE = 'tandem_session';
/** Sessions end after 15 minutes without activity, and 12 hours after sign-in at the latest. */
export const SESSION_IDLE_TIMEOUT_MS = 15 * 60 * 1000;
export const SESSION_ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;

export const LoginRequest = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const PublicUser = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
});
export type PublicUser = z.infer<typeof PublicUser>;

export const LoginResponse = z.object({ user: PublicUser, token: z.string() });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const MeResponse = z.object({
  user: PublicUser,
  session: z.object({ idleExpiresAt: z.string(), absoluteExpiresAt: z.string() }),
  /** The account still has the first password a coordinator was shown; the app asks for a new one. */
  passwordChangeDue: z.boolean(),
  /** Where to send a patient who may be in danger, in this deployment. */
  crisisLines: CrisisLines,
});
export type MeResponse = z.infer<typeof MeResponse>;

/** `GET /auth/session`: the session if there is one; no session is an answer, not a refusal. */
export type SessionResponse = MeResponse | { user: null };

/**
 * `GET /auth/device-key`: the caller's key (AES-256, base64) that seals the
 * edits a device keeps until the server has stored them. The same on every
 * device and in every session of the person, so a later sign-in can send them.
 */
export type DeviceKeyResponse = { key: string };

export const PASSWORD_MIN_LENGTH = 10;

/** Changes the caller's password; other sessions of the account end. */
export const ChangePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(1024),
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;
