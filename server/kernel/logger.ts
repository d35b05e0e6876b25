import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';

export type { Logger };

/** pino JSON logs. Secrets never reach them: credentials, cookies and tokens are redacted. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'tenderhall' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.csrfToken',
      ],
      censor: '[redacted]',
    },
  });
}
