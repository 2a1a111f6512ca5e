/** An error with an HTTP status and a stable code, rendered by the error middleware. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new AppError(400, 'validation_failed', message, details);
export const unauthenticated = (message = 'Sign in to continue.') =>
  new AppError(401, 'unauthenticated', message);
export const forbidden = (message = 'You do not have access to this.') =>
  new AppError(403, 'forbidden', message);
/** The account still has a first password a coordinator was shown: the person sets their own first. */
export const passwordChangeRequired = () =>
  new AppError(
    403,
    'password_change_required',
    'Choose your own password first: the one you signed in with was given to you.',
  );
export const notFound = (message = 'Not found.') => new AppError(404, 'not_found', message);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const payloadTooLarge = (message = 'The request body is too large.') =>
  new AppError(413, 'payload_too_large', message);
export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many attempts.') =>
  new AppError(429, 'rate_limited', message, undefined, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
export const serviceUnavailable = (message: string) =>
  new AppError(503, 'service_unavailable', message);
