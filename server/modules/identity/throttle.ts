import type { Config } from '../../config.js';
import { lockFor, type Db } from '../../db/index.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
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
      await this.db.transaction(async (t) => {
        const row = await this.models.LoginThrottle.findByPk(key, lockFor(t));
        const windowOpen = row && now.getTime() - new Date(row.windowStart).getTime() < this.limits.windowMs;
        const failures = windowOpen ? row.failures + 1 : 1;
        const lockedUntil = failures >= max ? new Date(now.getTime() + this.limits.lockMs) : null;
        if (lockedUntil) locked = true;
        const values = { failures, windowStart: windowOpen ? row.windowStart : now, lockedUntil };
        if (row) await row.update(values, { transaction: t });
        else await this.models.LoginThrottle.create({ throttleKey: key, ...values }, { transaction: t });
      });
    }
    return locked;
  }

  async reset(username: string): Promise<void> {
    await this.models.LoginThrottle.destroy({ where: { throttleKey: `user:${username.toLowerCase()}` } });
  }
}
