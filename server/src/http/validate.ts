import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { badRequest } from '../errors.ts';

/**
 * Route step: replaces req.body with the parsed value, or answers 400 naming
 * each bad field (after `onInvalid`, for routes that audit a refused attempt).
 */
export function validateBody(
  schema: z.ZodType,
  onInvalid?: (req: Request) => Promise<void>,
): RequestHandler {
  return async (req, _res, next) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) {
      await onInvalid?.(req);
      return next(
        badRequest(
          'Some fields are missing or invalid.',
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        ),
      );
    }
    req.body = parsed.data;
    next();
  };
}

/** Parses query parameters the same way. */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw badRequest(
      'Some query parameters are invalid.',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

/** Express 5 forwards rejected promises to the error middleware; this keeps handlers typed. */
export type Handler = RequestHandler;

/** A route parameter as a string (Express types dynamic paths' params loosely). */
export function param(
  req: { params: Record<string, string | string[] | undefined> },
  name: string,
): string {
  const v = req.params[name];
  return typeof v === 'string' ? v : '';
}
