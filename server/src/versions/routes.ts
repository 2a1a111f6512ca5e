import { Router, type Request } from 'express';
import { z } from 'zod';
import { CreateVersionRequest, RenameVersionRequest } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { requireUser, userOf } from '../auth/authenticate.ts';
import { badRequest } from '../errors.ts';
import { param, parseQuery, validateBody } from '../http/validate.ts';
import { versionService } from './service.ts';

const VersionRef = z.union([z.literal('live'), z.coerce.number().int().min(1)]);
const DiffQuery = z.strictObject({ from: VersionRef, to: VersionRef.default('live') });

function versionNumber(req: Request): number {
  const n = Number(param(req, 'number'));
  if (!Number.isInteger(n) || n < 1) throw badRequest('A version number is a whole number from 1.');
  return n;
}

/** Named versions of a plan, their signatures and diffs: `/plans/:planId/versions`. */
export function versionRoutes(ctx: AppContext): Router {
  const versions = versionService(ctx);
  const router = Router();
  const base = '/plans/:planId/versions';
  const meta = (req: Request) => ({ requestId: req.id, ip: req.ip });
  router.use(
    [base, '/plans/:planId/diff', '/plans/:planId/changes-since-review'],
    requireUser(ctx),
  );

  router.get(base, async (req, res) => {
    res.json(await versions.history(userOf(req), param(req, 'planId'), meta(req)));
  });

  router.post(base, validateBody(CreateVersionRequest), async (req, res) => {
    const { label } = req.body as z.infer<typeof CreateVersionRequest>;
    res
      .status(201)
      .json(await versions.create(userOf(req), param(req, 'planId'), label, meta(req)));
  });

  router.get(`${base}/:number`, async (req, res) => {
    res.json(await versions.get(userOf(req), param(req, 'planId'), versionNumber(req), meta(req)));
  });

  router.patch(`${base}/:number`, validateBody(RenameVersionRequest), async (req, res) => {
    const { label } = req.body as z.infer<typeof RenameVersionRequest>;
    res.json(
      await versions.rename(
        userOf(req),
        param(req, 'planId'),
        versionNumber(req),
        label,
        meta(req),
      ),
    );
  });

  router.get(`${base}/:number/verify`, async (req, res) => {
    res.json(
      await versions.verify(userOf(req), param(req, 'planId'), versionNumber(req), meta(req)),
    );
  });

  for (const kind of ['sign', 'cosign', 'acknowledge'] as const) {
    router.post(`${base}/:number/${kind}`, async (req, res) => {
      res.json(
        await versions.sign(userOf(req), param(req, 'planId'), versionNumber(req), kind, meta(req)),
      );
    });
  }

  router.get('/plans/:planId/diff', async (req, res) => {
    const { from, to } = parseQuery(DiffQuery, req.query);
    res.json(await versions.diff(userOf(req), param(req, 'planId'), from, to, meta(req)));
  });

  router.get('/plans/:planId/changes-since-review', async (req, res) => {
    res.json(await versions.changesSinceReview(userOf(req), param(req, 'planId'), meta(req)));
  });

  return router;
}
