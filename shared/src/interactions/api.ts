import { z } from 'zod';
import { requiredText } from '../text.ts';
import type { InteractionWarning } from './check.ts';

export const AcknowledgeInteractionRequest = z.strictObject({
  key: z.string().min(1).max(200),
  reason: requiredText(1000),
});

export type InteractionAcknowledgement = {
  by: { id: string; name: string };
  at: string;
  reason: string;
};

export type PlanInteraction = InteractionWarning & {
  acknowledged: InteractionAcknowledgement | null;
};
