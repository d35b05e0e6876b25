import type { Response } from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { LoginRequest, SESSION_COOKIE } from '../../../contracts/auth.js';
import { ChangeRoleRequest, CreateOrganisationRequest, OrganisationQuery, RegionParams, UscCheckRequest } from '../../../contracts/identity.js';
import { IdParams } from '../../../contracts/values.js';
import { usccDivisionCode } from '../../../contracts/uscc.js';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { AUTHENTICATED, PUBLIC, roles, route, type RouteSpec } from '../../kernel/http.js';
import type { UserRow } from './models.js';
import type { ClientFacts, IdentityService } from './service.js';

/**
 * passport-local does the credential step of login; the session it opens is ours (cookie for the
 * browser, the same token as bearer for scripts), so passport runs with `session: false`.
 */
function localPassport(identity: IdentityService): passport.PassportStatic {
  const instance = new passport.Passport() as passport.PassportStatic;
  instance.use(
    new LocalStrategy({ passReqToCallback: true, session: false }, (req, username, password, done) => {
      const client: ClientFacts = { ip: req.ip ?? '', userAgent: req.get('user-agent') ?? null };
      identity.checkCredentials(username, password, client).then((user) => done(null, user), done);
    }),
  );
  return instance;
}

function checkWithPassport(instance: passport.PassportStatic, req: unknown, res: Response): Promise<UserRow> {
  return new Promise((resolve, reject) => {
    instance.authenticate('local', { session: false }, (err: unknown, user: UserRow | false) => {
      if (err) reject(err);
      else if (!user) reject(new Error('passport-local returned no user'));
      else resolve(user);
    })(req, res, (err: unknown) => reject(err));
  });
}

export function identityRoutes(identity: IdentityService, config: Pick<Config, 'cookieSecure' | 'sessionTtlMs'>): RouteSpec[] {
  const local = localPassport(identity);
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: config.cookieSecure, path: '/' };

  return [
    route({
      method: 'post',
      path: '/api/auth/login',
      guard: PUBLIC,
      summary: 'Log in with username and password; answers a bearer token and sets the session cookie',
      body: LoginRequest,
      async handle({ body, client, res }) {
        // Give passport-local the validated, normalised fields only.
        const req = res.req;
        req.body = { username: body.username, password: body.password };
        const user = await checkWithPassport(local, req, res);
        const session = await identity.openSession(user, client);
        res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions, maxAge: config.sessionTtlMs });
        return { token: session.token, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString(), user: session.user };
      },
    }),
    route({
      method: 'get',
      path: '/api/auth/me',
      guard: AUTHENTICATED,
      summary: 'The logged-in user and the CSRF token for the browser session',
      handle: ({ actor }) => identity.me(actor),
    }),
    route({
      method: 'post',
      path: '/api/auth/logout',
      guard: AUTHENTICATED,
      summary: 'End this session (cookie or bearer)',
      status: 204,
      async handle({ actor, res }) {
        await identity.logout(actor);
        res.clearCookie(SESSION_COOKIE, cookieOptions);
      },
    }),
    route({
      method: 'get',
      path: '/api/regions',
      guard: PUBLIC,
      summary: 'The administrative region tree (行政区划)',
      handle: async () => identity.listRegions(),
    }),
    route({
      method: 'get',
      path: '/api/regions/:code/organisations',
      guard: roles('admin', 'center_staff', 'supervisor'),
      summary: 'Organisations registered in a region and below it (within your jurisdiction)',
      params: RegionParams,
      region: ({ params }) => params.code,
      handle: ({ actor, params }) => identity.listOrganisations(actor, { regionCode: params.code }),
    }),
    route({
      method: 'post',
      path: '/api/uscc/check',
      guard: PUBLIC,
      summary: 'Check a 统一社会信用代码 (GB 32100-2015) and say whether it is registered',
      body: UscCheckRequest,
      async handle({ body }) {
        const organisation = await identity.findOrganisationByUscc(body.uscc);
        return { uscc: body.uscc, valid: true, divisionCode: usccDivisionCode(body.uscc), registered: organisation !== null };
      },
    }),
    route({
      method: 'get',
      path: '/api/organisations',
      guard: roles('admin', 'center_staff', 'supervisor', 'agent'),
      summary: 'Organisations within your jurisdiction, optionally one region subtree or a name/USCC search',
      query: OrganisationQuery,
      region: ({ query }) => query.regionCode,
      handle: ({ actor, query }) => identity.listOrganisations(actor, query),
    }),
    route({
      method: 'post',
      path: '/api/organisations',
      guard: roles('admin', 'center_staff'),
      summary: 'Register an organisation by its USCC in a region within your jurisdiction',
      body: CreateOrganisationRequest,
      region: ({ body }) => body.regionCode,
      status: 201,
      handle: ({ actor, body }) => identity.createOrganisation(actor, body),
    }),
    route({
      method: 'get',
      path: '/api/admin/users',
      guard: roles('admin'),
      summary: 'All users with role, region and status',
      handle: () => identity.listUsers(),
    }),
    route({
      method: 'patch',
      path: '/api/admin/users/:id/role',
      guard: roles('admin'),
      summary: "Change a user's role (audited)",
      params: IdParams,
      body: ChangeRoleRequest,
      handle: ({ actor, params, body }) => identity.changeRole(actor, params.id, body.role),
    }),
    route({
      method: 'patch',
      path: '/api/admin/users/:id/status',
      guard: roles('admin'),
      summary: 'Disable or re-enable a user (audited; disabling ends their sessions)',
      params: IdParams,
      body: z.strictObject({ status: z.enum(['active', 'disabled']) }),
      handle: ({ actor, params, body }) => identity.setStatus(actor, params.id, body.status),
    }),
  ];
}
