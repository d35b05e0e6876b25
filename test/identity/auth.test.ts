import { expect } from 'chai';
import request from 'supertest';
import { SESSION_COOKIE } from '../../contracts/auth.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';

const login = (app: TestApp, username: string, password: string, ip?: string) => {
  const req = app.http.post('/api/auth/login');
  return (ip ? req.set('X-Forwarded-For', ip) : req).send({ username, password });
};

describe('identity: login, sessions and throttling', () => {
  let app: TestApp;
  before(async () => {
    app = await givenApp({ TRUST_PROXY: '1', SCRYPT_LOG_N: '15' }); // the production cost: its hash format is asserted below
  });
  after(() => app.stop());

  it('can log in: 200 with token and user, and an httpOnly session cookie', async () => {
    const res = await login(app, 'staff', 'demo1234');
    expect(res.status).to.equal(200);
    expect(res.body.token).to.be.a('string').with.length.greaterThan(30);
    expect(res.body.user).to.deep.include({ username: 'staff', role: 'center_staff', regionCode: '360700', regionName: '赣州市' });
    expect(res.body.user.organisation.name).to.equal('赣州市公共资源交易中心');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).to.contain(`${SESSION_COOKIE}=`).and.to.match(/HttpOnly/i).and.to.match(/SameSite=Strict/i);
    expect(res.body).not.to.have.nested.property('user.passwordHash');
  });

  it('refuses a wrong password with 401 AUTH_INVALID_CREDENTIALS and audits it', async () => {
    const before = await app.services.audit.head();
    const res = await login(app, 'agent', 'wrong-password');
    expect(res.status).to.equal(401);
    expect(res.headers['content-type']).to.match(/application\/problem\+json/);
    expect(res.body.code).to.equal('AUTH_INVALID_CREDENTIALS');
    const events = await app.services.audit.list(before.seq);
    expect(events.map((e) => e.action)).to.include('auth.login_failed');
    expect(JSON.stringify(events)).not.to.contain('wrong-password');
  });

  it('refuses an unknown user exactly like a wrong password', async () => {
    const res = await login(app, 'nobody-here', 'demo1234');
    expect(res.status).to.equal(401);
    expect(res.body.code).to.equal('AUTH_INVALID_CREDENTIALS');
  });

  it('throttles a username after repeated failures, even with the right password, until the lock ends', async () => {
    const max = app.config.loginThrottle.maxFailures;
    for (let i = 0; i < max; i++) {
      const res = await login(app, 'bidder2', `guess-${i}`, '10.0.0.2');
      expect(res.status).to.equal(401);
    }
    const locked = await login(app, 'bidder2', 'demo1234', '10.0.0.3');
    expect(locked.status).to.equal(429);
    expect(locked.body.code).to.equal('AUTH_THROTTLED');
    expect(locked.body.retryAfterSeconds).to.be.a('number').greaterThan(0);
    expect(locked.headers['retry-after']).to.equal(String(locked.body.retryAfterSeconds));
    // other users are not affected
    expect((await login(app, 'bidder3', 'demo1234', '10.0.0.4')).status).to.equal(200);
    app.clock.advance(app.config.loginThrottle.lockMs + 1000);
    expect((await login(app, 'bidder2', 'demo1234', '10.0.0.3')).status).to.equal(200);
  });

  it('throttles one client address guessing across many usernames', async () => {
    const limit = app.config.loginThrottle.maxFailures * 4;
    for (let i = 0; i < limit; i++) await login(app, `ghost${i}`, 'x', '10.9.9.9');
    const res = await login(app, 'expert1', 'demo1234', '10.9.9.9');
    expect(res.status).to.equal(429);
    expect((await login(app, 'expert1', 'demo1234', '10.9.9.10')).status).to.equal(200);
  });

  it('accepts the bearer token for API calls and answers /api/auth/me', async () => {
    const token = await app.tokenFor('supervisor');
    const me = await app.http.get('/api/auth/me').set(bearer(token));
    expect(me.status).to.equal(200);
    expect(me.body.user).to.deep.include({ username: 'supervisor', role: 'supervisor' });
    const anonymous = await app.http.get('/api/auth/me');
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body.code).to.equal('AUTH_REQUIRED');
    const forged = await app.http.get('/api/auth/me').set(bearer('A'.repeat(43)));
    expect(forged.status).to.equal(401);
  });

  it('can log out: the token stops working and the logout is audited', async () => {
    const res = await login(app, 'official1', 'demo1234');
    const token = res.body.token as string;
    const out = await app.http.post('/api/auth/logout').set(bearer(token));
    expect(out.status).to.equal(204);
    expect((await app.http.get('/api/auth/me').set(bearer(token))).status).to.equal(401);
    const events = await app.services.audit.list(0, 500);
    expect(events.some((e) => e.action === 'auth.logout' && e.actor === 'user:official1')).to.equal(true);
  });

  it('keeps a browser session in the cookie and demands the CSRF token on state changes', async () => {
    const agent = request.agent(app.url);
    const res = await agent.post('/api/auth/login').send({ username: 'official2', password: 'demo1234' });
    const csrf = res.body.csrfToken as string;
    const me = await agent.get('/api/auth/me');
    expect(me.status).to.equal(200);
    expect(me.body.csrfToken).to.equal(csrf);
    const noToken = await agent.post('/api/auth/logout');
    expect(noToken.status).to.equal(403);
    expect(noToken.body.code).to.equal('CSRF_FAILED');
    const out = await agent.post('/api/auth/logout').set('X-CSRF-Token', csrf);
    expect(out.status).to.equal(204);
    expect(String(out.headers['set-cookie'])).to.contain(`${SESSION_COOKIE}=;`);
    expect((await agent.get('/api/auth/me')).status).to.equal(401);
  });

  it('refuses a login posted from another site (login CSRF)', async () => {
    const res = await app.http.post('/api/auth/login').set('Origin', 'https://evil.example').send({ username: 'staff', password: 'demo1234' });
    expect(res.status).to.equal(403);
    expect(res.body.code).to.equal('CSRF_FAILED');
  });

  it('ends sessions when they expire', async () => {
    const token = (await login(app, 'expert2', 'demo1234')).body.token as string;
    app.clock.advance(app.config.sessionTtlMs + 1);
    expect((await app.http.get('/api/auth/me').set(bearer(token))).status).to.equal(401);
  });

  it('audits a role change and applies it at once; a disabled user cannot log in', async () => {
    const admin = await login(app, 'admin', 'demo1234');
    const adminToken = admin.body.token as string;
    const users = await app.http.get('/api/admin/users').set(bearer(adminToken));
    const expert3 = (users.body as { id: number; username: string }[]).find((u) => u.username === 'expert3')!;
    const expertToken = (await login(app, 'expert3', 'demo1234')).body.token as string;
    const changed = await app.http.patch(`/api/admin/users/${expert3.id}/role`).set(bearer(adminToken)).send({ role: 'official' });
    expect(changed.status).to.equal(200);
    expect(changed.body.role).to.equal('official');
    expect((await app.http.get('/api/auth/me').set(bearer(expertToken))).body.user.role).to.equal('official');
    const events = await app.services.audit.list(0, 500);
    const event = events.find((e) => e.action === 'identity.role_changed')!;
    expect(event.actor).to.equal('user:admin');
    expect(event.payload).to.deep.equal({ username: 'expert3', from: 'expert', to: 'official' });

    const disabled = await app.http.patch(`/api/admin/users/${expert3.id}/status`).set(bearer(adminToken)).send({ status: 'disabled' });
    expect(disabled.status).to.equal(200);
    expect((await app.http.get('/api/auth/me').set(bearer(expertToken))).status).to.equal(401);
    const refused = await login(app, 'expert3', 'demo1234');
    expect(refused.status).to.equal(403);
    expect(refused.body.code).to.equal('AUTH_ACCOUNT_DISABLED');
  });

  it('refuses an administrator removing their own admin role or disabling themselves (409 CONFLICT)', async () => {
    const token = (await login(app, 'admin', 'demo1234')).body.token as string;
    const me = (await app.http.get('/api/auth/me').set(bearer(token))).body.user as { id: number };
    const demote = await app.http.patch(`/api/admin/users/${me.id}/role`).set(bearer(token)).send({ role: 'supervisor' });
    expect(demote.status).to.equal(409);
    expect(demote.body.code).to.equal('CONFLICT');
    const disable = await app.http.patch(`/api/admin/users/${me.id}/status`).set(bearer(token)).send({ status: 'disabled' });
    expect(disable.status).to.equal(409);
    expect(disable.body.code).to.equal('CONFLICT');
    expect((await app.http.get('/api/auth/me').set(bearer(token))).body.user.role).to.equal('admin');
  });

  it('stores only a scrypt hash of each password and only a hash of each session token', async () => {
    const [users] = await app.db.query("SELECT password_hash FROM users WHERE username = 'staff'");
    expect((users as { password_hash: string }[])[0]!.password_hash).to.match(/^scrypt\$15\$8\$1\$/);
    const token = await app.tokenFor('staff');
    const [sessions] = await app.db.query('SELECT token_hash FROM sessions');
    expect((sessions as { token_hash: string }[]).map((s) => s.token_hash)).not.to.include(token);
  });
});

describe('identity: concurrent failed logins', () => {
  let app: TestApp;
  before(async () => {
    app = await givenApp();
  });
  after(() => app.stop());

  it('counts simultaneous failures for a new username without losing one or failing', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 4 }, () => app.http.post('/api/auth/login').send({ username: 'bidder4', password: 'guess' })),
    );
    expect(attempts.map((r) => r.status)).to.deep.equal([401, 401, 401, 401]);
    const row = await app.services.identity.models.LoginThrottle.findByPk('user:bidder4');
    expect(row?.failures).to.equal(4);
  });
});
