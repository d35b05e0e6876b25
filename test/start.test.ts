import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { projectRoot } from '../server/kernel/paths.js';
import { freshDatabase, type FreshDatabase } from './helpers/database.js';
import { run } from './helpers/processes.js';

/**
 * What `npm start` runs after building: the compiled server on a fresh database. It must migrate,
 * seed, print the URL and demo accounts, serve /health, the login page and a demo login, and stop
 * cleanly on SIGTERM.
 */
describe('npm start (the built server as a process)', function () {
  this.timeout(180_000);
  let database: FreshDatabase;
  before(() => {
    if (!fs.existsSync(path.join(projectRoot, 'dist', 'server', 'main.js')) || !fs.existsSync(path.join(projectRoot, 'dist', 'client', 'index.html'))) {
      const built = spawnSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: 'inherit' });
      expect(built.status, 'npm run build').to.equal(0);
    }
  });
  beforeEach(async () => {
    database = await freshDatabase();
  });
  afterEach(() => database.drop());

  it('serves /health, the login page and a demo login, then shuts down gracefully', async () => {
    const server = run('node', ['dist/server/main.js'], { ...database.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/);
      await server.waitFor(/supervisor\s+supervisor/);
      expect(server.output()).to.contain('demo accounts (password demo1234)');
      expect(server.output()).to.match(/bidder\s+bidder1, bidder2, bidder3, bidder4, bidder5/);

      const health = await fetch(`${url}/health`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.deep.include({ status: 'ok', db: 'ok' });

      const page = await fetch(`${url}/`);
      expect(page.status).to.equal(200);
      const html = await page.text();
      expect(html).to.contain('<div id="root">');
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script, 'the page loads its bundle').to.be.a('string');
      expect((await fetch(`${url}${script}`)).status).to.equal(200);

      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'staff', password: 'demo1234' }),
      });
      expect(login.status).to.equal(200);
      const { token } = (await login.json()) as { token: string };
      const me = await fetch(`${url}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
      expect(((await me.json()) as { user: { username: string } }).user.username).to.equal('staff');
    } finally {
      server.process.kill('SIGTERM');
    }
    expect(await server.exit()).to.equal(0);
  });

  it('restarts on the same database without migrating or seeding again', async () => {
    const first = run('node', ['dist/server/main.js'], { ...database.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    await first.waitFor(/applied 7 migrations|applied \d+ migrations/);
    await first.waitFor(/supervisor\s+supervisor/);
    first.process.kill('SIGTERM');
    expect(await first.exit()).to.equal(0);
    const second = run('node', ['dist/server/main.js'], { ...database.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    const [, url] = await second.waitFor(/listening on (http:\/\/\S+)/);
    await second.waitFor(/data dir/);
    expect(second.output()).not.to.match(/applied \d+ migrations/);
    const health = await fetch(`${url}/health`);
    expect(health.status).to.equal(200);
    second.process.kill('SIGTERM');
    expect(await second.exit()).to.equal(0);
  });

  it('refuses to start with a bad setting, naming the variable', async () => {
    const server = run('node', ['dist/server/main.js'], { ...database.env, PORT: 'eighty' });
    expect(await server.exit()).to.equal(2);
    expect(server.output()).to.contain('PORT');
  });
});
