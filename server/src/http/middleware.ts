import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.ts';
import { AppError, notFound } from '../errors.ts';
import type {} from './express-augment.ts';

/** Gives each request an id (echoed as X-Request-Id) used by logs and the audit trail. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  req.id = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
};

export const apiNotFound: RequestHandler = (_req, _res, next) =>
  next(notFound('No such endpoint.'));

/** Renders every error as `{"error":{"code","message"}}`; unknown errors become a 500 without internals. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status >= 500) log.error({ err, reqId: req.id, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.set(appError.headers);
    res.status(appError.status).json({
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.details === undefined ? {} : { details: appError.details }),
      },
    });
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // body-parser errors carry a `type` and a `status`.
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large')
    return new AppError(413, 'payload_too_large', 'The request body is too large.');
  if (e?.type === 'entity.parse.failed')
    return new AppError(400, 'malformed_json', 'The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError(415, 'unsupported_encoding', 'The request body encoding is not supported.');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new AppError(e.status, 'bad_request', 'The request could not be processed.');
  return new AppError(500, 'internal_error', 'Something went wrong on our side.');
}
