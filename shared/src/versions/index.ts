export * from './snapshot.ts';
export * from './wording.ts';
export * from './diff.ts';
export * from './api.ts';
