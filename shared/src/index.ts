export * from './roles.ts';
export * from './permissions.ts';
export * from './close-codes.ts';
export * from './errors.ts';
export * from './health.ts';
export * from './auth.ts';
export * from './plans.ts';
export * from './events.ts';
