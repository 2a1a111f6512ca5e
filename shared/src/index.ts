export * from './roles.ts';
export * from './permissions.ts';
export * from './close-codes.ts';
export * from './errors.ts';
export * from './health.ts';
