export * from './vocabulary.ts';
export * from './entries.ts';
export * from './ids.ts';
export * from './richtext.ts';
export * from './document.ts';
export * from './content.ts';
export * from './templates.ts';
export * from './snapshot.ts';
export * from './sections.ts';
export {
  conditionPlain,
  drugInfo,
  GOAL_STATUS_PLAIN,
  goalTargetPlain,
  howToTake,
  MEDICATION_STATUS_PLAIN,
  MODALITY_PLAIN,
  PHASING_PLAIN,
  plainDate,
  plainRoute,
} from './plain.ts';
