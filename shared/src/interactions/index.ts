export * from './drugs.ts';
export * from './rules.ts';
export * from './check.ts';
export * from './api.ts';
