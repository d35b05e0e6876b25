import { Op } from 'sequelize';
import type { UserView } from '../../../contracts/auth.js';
import type { AdminUserView, CreateOrganisationRequest, OrganisationView, RegionView } from '../../../contracts/identity.js';
import type { Role } from '../../../contracts/roles.js';
import type { Config } from '../../config.js';
import { lockFor, type Db } from '../../db/index.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError, isUniqueViolation, notFound } from '../../kernel/errors.js';
import { defineIdentityModels, type IdentityModels, type OrganisationRow, type UserRow } from './models.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import { RegionTree } from './regions.js';
import { Sessions } from './sessions.js';
import { LoginThrottle } from './throttle.js';

export interface ClientFacts {
  ip: string;
  userAgent: string | null;
}

export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  regionCode: string;
  organisationId?: number | null;
  locale?: 'zh-CN' | 'en';
  /** Precomputed hash (the seed hashes many passwords in parallel); `password` is ignored then. */
  passwordHash?: string;
}

/** Identity: who people are, what role they hold, where they belong, and how they log in. */
export class IdentityService {
  readonly models: IdentityModels;
  readonly regions: RegionTree;
  readonly sessions: Sessions;
  readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'sessionTtlMs' | 'loginThrottle' | 'scryptLogN'>,
  ) {
    this.models = defineIdentityModels(db);
    this.regions = new RegionTree(this.models);
    this.sessions = new Sessions(this.models, clock, config.sessionTtlMs);
    this.throttle = new LoginThrottle(db, this.models, clock, config.loginThrottle);
  }

  async start(): Promise<void> {
    await this.regions.load();
  }

  /**
   * Checks a username and password (passport-local's verify step). Throttled keys are refused
   * before the password is looked at; every failure is counted and audited.
   */
  async checkCredentials(typedUsername: string, password: string, client: ClientFacts): Promise<UserRow> {
    const username = typedUsername.trim().toLowerCase();
    await this.throttle.assertOpen(username, client.ip);
    const user = await this.models.User.findOne({ where: { username } });
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash(this.config.scryptLogN)));
    if (!user || !matches) {
      const locked = await this.throttle.recordFailure(username, client.ip);
      await this.audit.record({
        actor: null,
        action: 'auth.login_failed',
        subject: `username:${username.slice(0, 64)}`,
        payload: { ip: client.ip, reason: user ? 'wrong_password' : 'unknown_user', locked },
      });
      throw new AppError('AUTH_INVALID_CREDENTIALS');
    }
    if (user.status !== 'active') {
      await this.audit.record({
        actor: null,
        action: 'auth.login_refused',
        subject: `user:${user.id}`,
        payload: { ip: client.ip, reason: 'disabled' },
      });
      throw new AppError('AUTH_ACCOUNT_DISABLED');
    }
    return user;
  }

  /** Opens a session for a checked user; the session and its audit event are written together. */
  async openSession(user: UserRow, client: ClientFacts) {
    await this.throttle.reset(user.username);
    const session = await this.db.transaction(async (t) => {
      const opened = await this.sessions.open(user, client, t);
      await this.audit.append(t, {
        actor: { kind: 'system', name: 'auth' },
        action: 'auth.login',
        subject: `user:${user.id}`,
        payload: { username: user.username, role: user.role, ip: client.ip, via: 'password' },
      });
      return opened;
    });
    return { ...session, user: await this.userView(user) };
  }

  async logout(actor: Actor): Promise<void> {
    await this.db.transaction(async (t) => {
      await this.sessions.revoke(actor.sessionId, t);
      await this.audit.append(t, { actor, action: 'auth.logout', subject: `user:${actor.userId}`, payload: {} });
    });
  }

  async me(actor: Actor): Promise<{ user: UserView; csrfToken: string; expiresAt: string }> {
    const user = await this.models.User.findByPk(actor.userId);
    if (!user) throw new AppError('AUTH_SESSION_EXPIRED');
    const expiresAt = await this.sessions.expiresAt(actor.sessionId);
    return { user: await this.userView(user), csrfToken: actor.csrfToken, expiresAt: (expiresAt ?? this.clock.now()).toISOString() };
  }

  async userView(user: UserRow): Promise<UserView> {
    const organisation = user.organisationId ? await this.models.Organisation.findByPk(user.organisationId) : null;
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      regionCode: user.regionCode,
      regionName: this.regions.get(user.regionCode)?.name ?? user.regionCode,
      organisation: organisation ? { id: organisation.id, name: organisation.name, uscc: organisation.uscc } : null,
      locale: user.locale,
    };
  }

  // ── users (admin) ────────────────────────────────────────────────────────────────────────────

  async createUser(actor: Actor | null, input: NewUser): Promise<UserRow> {
    if (!this.regions.get(input.regionCode)) throw new AppError('REGION_UNKNOWN', `region ${input.regionCode}`);
    const passwordHash = input.passwordHash ?? (await hashPassword(input.password, this.config.scryptLogN));
    input = { ...input, username: input.username.toLowerCase() };
    try {
      return await this.db.transaction(async (t) => {
        const now = this.clock.now();
        const user = await this.models.User.create(
          {
            username: input.username,
            passwordHash,
            displayName: input.displayName,
            role: input.role,
            regionCode: input.regionCode,
            organisationId: input.organisationId ?? null,
            status: 'active',
            locale: input.locale ?? 'zh-CN',
            createdAt: now,
            updatedAt: now,
          },
          { transaction: t },
        );
        await this.audit.append(t, {
          actor: actor ?? { kind: 'system', name: 'seed' },
          action: 'identity.user_created',
          subject: `user:${user.id}`,
          payload: { username: user.username, role: user.role, regionCode: user.regionCode, organisationId: user.organisationId ?? null },
        });
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('USERNAME_TAKEN', `username ${input.username} is taken`);
      throw error;
    }
  }

  async listUsers(): Promise<AdminUserView[]> {
    const rows = await this.models.User.findAll({ order: [['id', 'ASC']] });
    return rows.map(adminUserView);
  }

  /** Role changes are security-relevant: audited with the old and new role, effective at once. */
  async changeRole(actor: Actor, userId: number, role: Role): Promise<AdminUserView> {
    return this.db.transaction(async (t) => {
      const user = await this.models.User.findByPk(userId, lockFor(t));
      if (!user) throw notFound('user');
      if (user.id === actor.userId && role !== 'admin') {
        throw new AppError('CONFLICT', 'an administrator cannot remove their own admin role');
      }
      const from = user.role;
      await user.update({ role, updatedAt: this.clock.now() }, { transaction: t });
      await this.audit.append(t, { actor, action: 'identity.role_changed', subject: `user:${user.id}`, payload: { username: user.username, from, to: role } });
      return adminUserView(user);
    });
  }

  async setStatus(actor: Actor, userId: number, status: 'active' | 'disabled'): Promise<AdminUserView> {
    return this.db.transaction(async (t) => {
      const user = await this.models.User.findByPk(userId, lockFor(t));
      if (!user) throw notFound('user');
      if (user.id === actor.userId) throw new AppError('CONFLICT', 'an administrator cannot disable themselves');
      const from = user.status;
      await user.update({ status, updatedAt: this.clock.now() }, { transaction: t });
      if (status === 'disabled') await this.sessions.revokeAllFor(userId, t);
      await this.audit.append(t, { actor, action: 'identity.user_status_changed', subject: `user:${user.id}`, payload: { username: user.username, from, to: status } });
      return adminUserView(user);
    });
  }

  // ── organisations ─────────────────────────────────────────────────────────────────────────────

  async createOrganisation(actor: Actor | null, input: CreateOrganisationRequest): Promise<OrganisationView> {
    if (!this.regions.get(input.regionCode)) throw new AppError('REGION_UNKNOWN', `region ${input.regionCode}`);
    try {
      return await this.db.transaction(async (t) => {
        const now = this.clock.now();
        const row = await this.models.Organisation.create({ ...input, createdAt: now, updatedAt: now }, { transaction: t });
        await this.audit.append(t, {
          actor: actor ?? { kind: 'system', name: 'seed' },
          action: 'identity.organisation_created',
          subject: `organisation:${row.uscc}`,
          payload: { id: row.id, name: row.name, kind: row.kind, regionCode: row.regionCode },
        });
        return organisationView(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('USCC_TAKEN', `${input.uscc} is already registered`);
      throw error;
    }
  }

  /** Organisations inside the actor's jurisdiction (all for admins), optionally one subtree or a name/USCC search. */
  async listOrganisations(actor: Actor, filter: { regionCode?: string | undefined; q?: string | undefined }): Promise<OrganisationView[]> {
    const scope = filter.regionCode ?? (actor.role === 'admin' ? undefined : actor.regionCode);
    const where: Record<string | symbol, unknown> = {};
    if (scope) where.regionCode = this.regions.subtree(scope);
    if (filter.q) {
      const like = `%${filter.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      where[Op.or] = [{ name: { [Op.like]: like } }, { uscc: { [Op.like]: like } }];
    }
    const rows = await this.models.Organisation.findAll({ where, order: [['id', 'ASC']], limit: 500 });
    return rows.map(organisationView);
  }

  async findOrganisationByUscc(uscc: string): Promise<OrganisationView | null> {
    const row = await this.models.Organisation.findOne({ where: { uscc } });
    return row ? organisationView(row) : null;
  }

  listRegions(): RegionView[] {
    return this.regions.list();
  }
}

export function organisationView(row: OrganisationRow): OrganisationView {
  return { id: row.id, uscc: row.uscc, name: row.name, kind: row.kind, regionCode: row.regionCode };
}

function adminUserView(user: UserRow): AdminUserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    regionCode: user.regionCode,
    organisationId: user.organisationId ?? null,
    status: user.status,
  };
}
