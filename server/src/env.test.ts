import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      mongodbUri: undefined,
      redisUrl: undefined,
      seedDemo: true,
      logLevel: 'info',
      bodyLimit: '256kb',
      embeddedDbPriority: 'normal',
    });
    expect(c.dataDir).toMatch(/\/data$/);
  });

  it('turns demo seeding off by default when MONGODB_URI is set', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://db/tandem' }).seedDemo).toBe(false);
    expect(loadConfig({ MONGODB_URI: 'mongodb://db/tandem', SEED_DEMO: 'true' }).seedDemo).toBe(
      true,
    );
  });

  it("takes the deployment's crisis numbers, the United States' by default, and refuses what cannot be dialled", () => {
    expect(loadConfig({}).crisisLines).toEqual({
      emergency: '911',
      line: { name: 'the Suicide & Crisis Lifeline', number: '988', texts: true },
    });
    expect(
      loadConfig({
        CRISIS_EMERGENCY_NUMBER: '999',
        CRISIS_LINE_NAME: 'Samaritans',
        CRISIS_LINE_NUMBER: '116 123',
        CRISIS_LINE_TEXTS: 'false',
      }).crisisLines,
    ).toEqual({ emergency: '999', line: { name: 'Samaritans', number: '116 123', texts: false } });
    expect(() => loadConfig({ CRISIS_LINE_NUMBER: 'call us' })).toThrow(
      /CRISIS_LINE_NUMBER must be a phone number/,
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' })).toMatchObject({
      port: 3000,
      redisUrl: undefined,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a number/],
    [{ PORT: '70000' }, /PORT/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL must start with redis:\/\//],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ SEED_DEMO: 'maybe' }, /SEED_DEMO/],
    [{ EMBEDDED_DB_PRIORITY: 'high' }, /EMBEDDED_DB_PRIORITY/],
  ])('names the bad variable in %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
