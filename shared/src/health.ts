import { z } from 'zod';

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.enum(['ok', 'down']),
  redis: z.enum(['ok', 'down', 'disabled']),
  version: z.string(),
});
export type Health = z.infer<typeof Health>;
