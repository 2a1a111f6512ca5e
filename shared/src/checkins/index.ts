export * from './questionnaires.ts';
export * from './api.ts';
