import type { Config } from '../../config.js';
import { lockFor, type Db } from '../../db/index.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError, isUniqueViolation } from '../../kernel/errors.js';
import type { IdentityModels } from './models.js';

/**
 * Login throttling against password guessing. Failures are counted per username and per client
 * address inside a window; reaching the limit locks that key for a while, refusing even the right
 * password. Counters live in the database so every server process sees the same ones. An address
 * gets four times the username allowance, so one office behind NAT does not lock itself out.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly models: IdentityModels,
    private readonly clock: Clock,
    private readonly limits: Config['loginThrottle'],
  ) {}

  keys(username: string, ip: string): { key: string; max: number }[] {
    return [
      { key: `user:${username.toLowerCase()}`, max: this.limits.maxFailures },
      { key: `ip:${ip}`, max: this.limits.maxFailures * 4 },
    ];
  }

  /** Throws AUTH_THROTTLED while any of the keys is locked. */
  async assertOpen(username: string, ip: string): Promise<void> {
    const now = this.clock.now().getTime();
    const rows = await this.models.LoginThrottle.findAll({
      where: { throttleKey: this.keys(username, ip).map((k) => k.key) },
    });
    const until = Math.max(0, ...rows.map((r) => (r.lockedUntil ? new Date(r.lockedUntil).getTime() : 0)));
    if (until > now) {
      const retryAfterSeconds = Math.ceil((until - now) / 1000);
      throw new AppError('AUTH_THROTTLED', `too many failed logins; try again in ${retryAfterSeconds} s`, {
        extra: { retryAfterSeconds },
        headers: { 'Retry-After': String(retryAfterSeconds) },
      });
    }
  }

  /** Counts one failure; returns true when this failure locked a key. */
  async recordFailure(username: string, ip: string): Promise<boolean> {
    const now = this.clock.now();
    let locked = false;
    for (const { key, max } of this.keys(username, ip)) {
      await retryOnRace(() => this.db.transaction(async (t) => {
        const row = await this.models.LoginThrottle.findByPk(key, lockFor(t));
        const windowOpen = row && now.getTime() - new Date(row.windowStart).getTime() < this.limits.windowMs;
        const failures = windowOpen ? row.failures + 1 : 1;
        const lockedUntil = failures >= max ? new Date(now.getTime() + this.limits.lockMs) : null;
        if (lockedUntil) locked = true;
        const values = { failures, windowStart: windowOpen ? row.windowStart : now, lockedUntil };
        if (row) await row.update(values, { transaction: t });
        else await this.models.LoginThrottle.create({ throttleKey: key, ...values }, { transaction: t });
      }));
    }
    return locked;
  }

  async reset(username: string): Promise<void> {
    await this.models.LoginThrottle.destroy({ where: { throttleKey: `user:${username.toLowerCase()}` } });
  }
}

/**
 * Two failed logins for a new key at the same moment both find no row and both insert; on MySQL the
 * loser gets a duplicate key or a deadlock. Running it again sees the winner's row.
 */
async function retryOnRace<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const deadlock = /Deadlock|ER_LOCK_DEADLOCK/i.test(String((error as Error).message)) || (error as { parent?: { code?: string } }).parent?.code === 'ER_LOCK_DEADLOCK';
      if (attempt >= attempts || !(isUniqueViolation(error) || deadlock)) throw error;
    }
  }
}
