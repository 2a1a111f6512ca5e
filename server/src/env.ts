import path from 'node:path';
import { z } from 'zod';
import { CrisisLines, PHONE_NUMBER, US_CRISIS_LINES } from '@tandem/shared';

/**
 * Configuration, parsed once at start-up. This is the only module that reads
 * `process.env`; everything else receives a `Config`.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/**
 * `true`, `false`, or how many proxies stand in front (Express's `trust proxy` hop count).
 * `true` believes the left-most X-Forwarded-For entry, which any client can write; a hop
 * count believes only the entries the proxies in front appended.
 */
const proxyTrust = z
  .string()
  .regex(
    /^(true|false|yes|no|on|off|\d{1,2})$/,
    'must be true, false or the number of proxies in front (such as 1)',
  )
  .transform((v) => {
    if (/^\d+$/.test(v)) return Number(v) === 0 ? false : Number(v);
    return ['true', 'yes', 'on'].includes(v);
  });

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0)
    .max(65535)
    .default(3000),
  PUBLIC_URL: z.url().optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  EMBEDDED_DB_PRIORITY: z.enum(['idle', 'normal']).default('normal'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SEED_DEMO: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: proxyTrust.default(false),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb')
    .default('256kb'),
  COLLAB_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(2 * 1024 * 1024),
  WEB_BUILD_DIR: z.string().optional(),
  CRISIS_EMERGENCY_NUMBER: z
    .string()
    .regex(PHONE_NUMBER, 'must be a phone number')
    .default(US_CRISIS_LINES.emergency),
  CRISIS_LINE_NAME: z.string().max(80).default(US_CRISIS_LINES.line.name),
  CRISIS_LINE_NUMBER: z
    .string()
    .regex(PHONE_NUMBER, 'must be a phone number')
    .default(US_CRISIS_LINES.line.number),
  CRISIS_LINE_TEXTS: bool.default(US_CRISIS_LINES.line.texts),
});

export type Config = {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string | undefined;
  mongodbUri: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  embeddedDbPriority: 'idle' | 'normal';
  sessionSecret: string | undefined;
  seedDemo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Whether X-Forwarded-* headers are believed at all (TRUST_PROXY is true or a hop count). */
  trustProxy: boolean;
  /** Express's `trust proxy`: `true`, `false`, or how many proxies stand in front. */
  proxyTrust: boolean | number;
  bodyLimit: string;
  collabMaxMessageBytes: number;
  webBuildDir: string | undefined;
  crisisLines: CrisisLines;
};

export class ConfigError extends Error {}

/** Parses configuration from an environment; throws a ConfigError naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset, as shells and compose files often leave them empty.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const sentences = parsed.error.issues.map(
      (i) => `${i.path.join('.')} ${i.message.replace(/^Invalid input: /, '')}`,
    );
    throw new ConfigError(`Invalid configuration: ${sentences.join('; ')}.`);
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL,
    mongodbUri: e.MONGODB_URI,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.DATA_DIR),
    embeddedDbPriority: e.EMBEDDED_DB_PRIORITY,
    sessionSecret: e.SESSION_SECRET,
    // Demo data is on by default only for the embedded database.
    seedDemo: e.SEED_DEMO ?? e.MONGODB_URI === undefined,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY !== false,
    proxyTrust: e.TRUST_PROXY,
    bodyLimit: e.BODY_LIMIT,
    collabMaxMessageBytes: e.COLLAB_MAX_MESSAGE_BYTES,
    webBuildDir: e.WEB_BUILD_DIR,
    crisisLines: {
      emergency: e.CRISIS_EMERGENCY_NUMBER,
      line: { name: e.CRISIS_LINE_NAME, number: e.CRISIS_LINE_NUMBER, texts: e.CRISIS_LINE_TEXTS },
    },
  };
}

/** The environment for a child process (a build tool), with overrides. */
export function childProcessEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
