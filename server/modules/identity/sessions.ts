import crypto from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import type { Actor, ActorResolver } from '../../kernel/actor.js';
import type { Clock } from '../../kernel/clock.js';
import type { IdentityModels, UserRow } from './models.js';

/**
 * Login sessions. The token (32 random bytes) is given to the client once — as a bearer token and
 * as the httpOnly cookie — and only its SHA-256 is stored, so a copy of the database cannot be
 * replayed as anyone's session.
 */
export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export class Sessions implements ActorResolver {
  constructor(
    private readonly models: IdentityModels,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async open(user: UserRow, client: { ip: string; userAgent: string | null }, transaction?: Transaction) {
    const token = crypto.randomBytes(32).toString('base64url');
    const csrfToken = crypto.randomBytes(24).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await this.models.Session.create({
      tokenHash: hashToken(token),
      userId: user.id,
      csrfToken,
      createdAt: now,
      expiresAt,
      revokedAt: null,
      clientIp: client.ip.slice(0, 64) || null,
      userAgent: client.userAgent?.slice(0, 255) ?? null,
    }, { transaction });
    return { token, csrfToken, expiresAt, sessionId: hashToken(token) };
  }

  async resolve(token: string, via: Actor['via']): Promise<Actor | null> {
    const session = await this.models.Session.findByPk(hashToken(token), {
      include: [{ model: this.models.User, as: 'user' }],
    });
    const user = (session as unknown as { user?: UserRow } | null)?.user;
    if (!session || !user) return null;
    if (session.revokedAt || new Date(session.expiresAt).getTime() <= this.clock.now().getTime()) return null;
    if (user.status !== 'active') return null;
    return {
      kind: 'user',
      userId: user.id,
      username: user.username,
      role: user.role,
      regionCode: user.regionCode,
      organisationId: user.organisationId ?? null,
      sessionId: session.tokenHash,
      via,
      csrfToken: session.csrfToken,
    };
  }

  async expiresAt(sessionId: string): Promise<Date | null> {
    const session = await this.models.Session.findByPk(sessionId);
    return session ? new Date(session.expiresAt) : null;
  }

  /** Ends one session (logout), inside the caller's transaction so it lands with its audit event. */
  async revoke(sessionId: string, transaction?: Transaction): Promise<void> {
    await this.models.Session.update({ revokedAt: this.clock.now() }, { where: { tokenHash: sessionId, revokedAt: null }, transaction });
  }

  /** Ends every session of a user (e.g. when the account is disabled). */
  async revokeAllFor(userId: number, transaction?: Transaction): Promise<void> {
    await this.models.Session.update({ revokedAt: this.clock.now() }, { where: { userId, revokedAt: null }, transaction });
  }

  /** Drops sessions that ended more than a day ago (called at start and by the scheduler). */
  async purge(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - 24 * 3600_000);
    return this.models.Session.destroy({ where: { expiresAt: { [Op.lt]: cutoff } } });
  }
}
