import { expect } from 'chai';
import { givenApp, type TestApp } from './helpers/app.js';
import { runToEnd } from './helpers/processes.js';

/** `npm run audit:verify` and the `tenderhall` command against a real database. */
describe('tenderhall CLI', function () {
  this.timeout(120_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
    await app.tokenFor('staff');
  });
  after(() => app.stop());

  const env = () => ({ ...app.database.env, LOG_LEVEL: 'silent' });

  it('npm run audit:verify passes on a clean chain', async () => {
    const { code, output } = await runToEnd('npm', ['run', '-s', 'audit:verify'], env());
    expect(code, output).to.equal(0);
    expect(output).to.match(/audit chain OK: \d+ events/);
  });

  it('npm run audit:verify fails and names the seq after a raw edit', async () => {
    await app.db.query("UPDATE audit_events SET subject = 'user:999' WHERE seq = 5");
    const { code, output } = await runToEnd('npm', ['run', '-s', 'audit:verify'], env());
    expect(code).to.equal(1);
    expect(output).to.contain('audit chain BROKEN at seq 5');
    const json = await runToEnd('node', ['bin/tenderhall.js', 'audit', 'verify', '--json'], env());
    expect(JSON.parse(json.output)).to.include({ ok: false, firstBrokenSeq: 5 });
  });

  it('npm run audit:verify checks the platform-signed checkpoints against CA_DIR', async () => {
    const other = await givenApp();
    await other.tokenFor('agent');
    await other.services.audit.checkpoint();
    await other.close(); // the server signs the head once more on the way out
    try {
      const env2 = { ...other.database.env, LOG_LEVEL: 'silent' };
      const clean = await runToEnd('npm', ['run', '-s', 'audit:verify'], env2);
      expect(clean.code, clean.output).to.equal(0);
      expect(clean.output).to.match(/audit chain OK: \d+ events, [12] signed checkpoint/);
    } finally {
      await other.database.drop();
    }
  });

  it('tenderhall migrate status lists every migration as applied', async () => {
    const { code, output } = await runToEnd('node', ['bin/tenderhall.js', 'migrate', 'status'], env());
    expect(code).to.equal(0);
    expect(output).to.match(/applied\s+20261125-0001-regions/);
    expect(output).not.to.contain('pending');
  });

  it('answers an unknown command with usage and exit code 2', async () => {
    const { code, output } = await runToEnd('node', ['bin/tenderhall.js', 'frobnicate'], env());
    expect(code).to.equal(2);
    expect(output).to.contain('usage: tenderhall');
  });
});
