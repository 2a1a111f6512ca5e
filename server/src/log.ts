import { pino, type Logger } from 'pino';
import type { Config } from './env.ts';

export type { Logger };

/**
 * Structured logger. Log ids and counts, never patient content: names, plan
 * text, comments and emails stay out of log lines (redacted if passed by mistake).
 */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: [
        'email',
        'password',
        'name',
        'text',
        'body',
        'token',
        '*.email',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}
