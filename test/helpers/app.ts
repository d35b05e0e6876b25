import { expect } from 'chai';
import request from 'supertest';
import { boot, type Running } from '../../server/boot.js';
import { loadConfig, type Config } from '../../server/config.js';
import { ManualClock, OffsetClock, type SettableClock } from '../../server/kernel/clock.js';
import { createLogger } from '../../server/kernel/logger.js';
import { DEMO_PASSWORD } from '../../server/seed/demo-data.js';
import { freshDatabase, type FreshDatabase } from './database.js';

export interface TestApp extends Running {
  config: Config;
  /** A ManualClock, or a running OffsetClock when asked for. */
  clock: SettableClock;
  database: FreshDatabase;
  http: ReturnType<typeof request>;
  /** Logs a demo user in over HTTP and answers the bearer token. */
  tokenFor(username: string): Promise<string>;
  /** Drops cached tokens (after moving the clock past the session lifetime). */
  forgetTokens(): void;
  /** Sets the clock and logs everyone in afresh on their next request. */
  setClock(to: Date | string): void;
  stop(): Promise<void>;
}

/**
 * The real app on port 0 over a fresh database (SQLite, or MariaDB when DATABASE_URL says so),
 * migrated and seeded with the demo set, with a clock the test can move.
 */
export async function givenApp(env: Record<string, string> = {}, options: { runningClock?: boolean } = {}): Promise<TestApp> {
  const database = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // seeded passwords hashed with scrypt N = 2^10, not the production 2^15 (~240 ms a login): tests log in thousands of times
    SCRYPT_LOG_N: '10',
    ...database.env,
    ...env,
  });
  const clock: SettableClock = options.runningClock ? new OffsetClock('2026-11-25T02:00:00.000Z') : new ManualClock('2026-11-25T02:00:00.000Z');
  const running = await boot(config, createLogger(config), clock);
  const http = request(running.url);
  const tokens = new Map<string, string>();
  return {
    ...running,
    config,
    clock,
    database,
    http,
    async tokenFor(username: string) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await http.post('/api/auth/login').send({ username, password: DEMO_PASSWORD });
      expect(res.status, `login ${username}: ${res.text}`).to.equal(200);
      tokens.set(username, res.body.token as string);
      return res.body.token as string;
    },
    forgetTokens() {
      tokens.clear();
    },
    setClock(to: Date | string) {
      clock.set(to);
      tokens.clear();
    },
    async stop() {
      await running.close();
      await database.drop();
    },
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
