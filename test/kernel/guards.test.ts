import { expect } from 'chai';
import { ROLES, type Role } from '../../contracts/roles.js';
import type { RouteSpec } from '../../server/kernel/http.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';

/** One demo user per role. */
const USER_OF: Record<Role, string> = {
  admin: 'admin',
  center_staff: 'staff',
  agent: 'agent',
  bidder: 'bidder1',
  expert: 'expert1',
  official: 'official1',
  supervisor: 'supervisor',
};

/** A concrete URL for a declared path: every `:param` becomes a plausible value. */
const concrete = (path: string) => path.replace(/:code\b/g, '360700').replace(/:[A-Za-z]+/g, '1');

function call(app: TestApp, spec: RouteSpec, token?: string) {
  const req = app.http[spec.method](concrete(spec.path));
  return token ? req.set(bearer(token)) : req;
}

describe('guards: every declared route × every role', () => {
  let app: TestApp;
  const tokens = {} as Record<Role, string>;
  before(async () => {
    app = await givenApp();
    for (const role of ROLES) tokens[role] = await app.tokenFor(USER_OF[role]);
  });
  after(() => app.stop());

  it('declares a guard on every API route', () => {
    expect(app.routes.length).to.be.greaterThan(5);
    for (const spec of app.routes) expect(spec.guard, `${spec.method} ${spec.path}`).to.be.an('object');
  });

  it('refuses anonymous callers with 401 AUTH_REQUIRED on every guarded route', async () => {
    const guarded = app.routes.filter((r) => r.guard.kind !== 'public');
    expect(guarded.length).to.be.greaterThan(5);
    for (const spec of guarded) {
      const res = await call(app, spec);
      expect(res.status, `${spec.method.toUpperCase()} ${spec.path}`).to.equal(401);
      expect(res.body.code).to.equal('AUTH_REQUIRED');
    }
  });

  it('refuses every role a route does not allow with 403 FORBIDDEN_ROLE', async () => {
    let checked = 0;
    for (const spec of app.routes) {
      if (spec.guard.kind !== 'roles') continue;
      for (const role of ROLES) {
        if (spec.guard.roles.includes(role)) continue;
        const res = await call(app, spec, tokens[role]);
        expect(res.status, `${role} → ${spec.method.toUpperCase()} ${spec.path}`).to.equal(403);
        expect(res.body.code).to.equal('FORBIDDEN_ROLE');
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(20);
  });

  it('lets every allowed role past the role guard', async () => {
    for (const spec of app.routes) {
      if (spec.guard.kind !== 'roles') continue;
      for (const role of spec.guard.roles) {
        const res = await call(app, spec, tokens[role]);
        const where = `${role} → ${spec.method.toUpperCase()} ${spec.path}`;
        expect(res.status, where).not.to.equal(401);
        expect(res.body.code, where).not.to.equal('FORBIDDEN_ROLE');
      }
    }
  });

  it("keeps staff inside their region's subtree (FORBIDDEN_REGION outside it)", async () => {
    const inside = await app.http.get('/api/regions/360781/organisations').set(bearer(tokens.center_staff));
    expect(inside.status).to.equal(200);
    expect(inside.body.map((o: { name: string }) => o.name)).to.include('瑞金市公共资源交易中心');
    for (const code of ['360000', '350800']) {
      const outside = await app.http.get(`/api/regions/${code}/organisations`).set(bearer(tokens.center_staff));
      expect(outside.status, code).to.equal(403);
      expect(outside.body.code).to.equal('FORBIDDEN_REGION');
    }
    // admins cover every region
    expect((await app.http.get('/api/regions/350800/organisations').set(bearer(tokens.admin))).status).to.equal(200);
  });

  it('lists only organisations within the caller’s jurisdiction by default', async () => {
    const res = await app.http.get('/api/organisations').set(bearer(tokens.center_staff));
    expect(res.status).to.equal(200);
    const regions = new Set(res.body.map((o: { regionCode: string }) => o.regionCode));
    expect([...regions].every((c) => String(c).startsWith('3607'))).to.equal(true);
    expect(res.body.map((o: { name: string }) => o.name)).not.to.include('龙岩闽西建设工程有限公司');
  });

  it('refuses staff registering an organisation in another city', async () => {
    const res = await app.http
      .post('/api/organisations')
      .set(bearer(tokens.center_staff))
      .send({ uscc: '91350800MA31P9B39E', name: '越界注册公司', kind: 'bidder', regionCode: '350800' });
    expect(res.status).to.equal(403);
    expect(res.body.code).to.equal('FORBIDDEN_REGION');
  });
});
