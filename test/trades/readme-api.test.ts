import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../server/kernel/paths.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';

/**
 * Runs the README's "A trade and a bid over the API with curl" block exactly as written against the
 * real server (clock at the real time, since the block computes dates with `date`), with
 * `npx tenderhall` resolved to this checkout. If the README drifts from the API, this fails.
 */
function readmeBlock(): string {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const block = readme.split('### A trade and a bid over the API with curl')[1]?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error('README curl block not found');
  return block;
}

describe('README: a trade and a bid over the API with curl', function () {
  this.timeout(600_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp({}, { runningClock: true });
    app.clock.set(Date.now());
  });
  after(async () => app?.stop());

  it('runs every command; the bid is on record with the receipt the block verified', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-curl-'));
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-bin-'));
    try {
      fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\nif [ "$1" = tenderhall ]; then shift; exec node ${path.join(projectRoot, 'bin', 'tenderhall.js')} "$@"; fi\nexec /usr/bin/env npx "$@"\n`, { mode: 0o755 });
      // asynchronously: the server answering the block's curl runs in this process
      const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('bash', ['-c', `set -eo pipefail\n${readmeBlock()}`], { cwd: dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, API: app.url } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
      expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0);
      const receipt = JSON.parse(fs.readFileSync(path.join(dir, 'receipt.json'), 'utf8'));
      expect(receipt).to.include({ bidder: '91360702MA37U2D948', seq: 1 });
      expect(result.stdout).to.contain('true'); // the retried upload was replayed
      expect(fs.existsSync(path.join(dir, 'opening.crt'))).to.equal(true);
      const trades = (await app.http.get('/api/trades')).body.trades as { id: number; code: string; state: string }[];
      const trade = trades.find((t) => t.code === receipt.trade)!;
      expect(trade.state).to.equal('bidding');
      const bids = (await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(await app.tokenFor('bidder1')))).body.bids as { sha256: string }[];
      expect(bids.map((b) => b.sha256)).to.deep.equal([receipt.sha256]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
