import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../server/kernel/paths.js';

/**
 * Runs the README's "A sealed bid from end to end with the CLI" block exactly as written, in an empty
 * folder, with `npx tenderhall` resolved to this checkout. If the README drifts from the CLI, this fails.
 */
function readmeBlock(): string {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const section = readme.split('## A sealed bid from end to end with the CLI')[1];
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error('README walkthrough block not found');
  return block;
}

describe('README walkthrough: CA, opening-key shares, seal, receipt, open (CLI + openssl)', function () {
  this.timeout(600_000);

  it('runs every command of the block successfully, and the opened bid equals the original', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-walkthrough-'));
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-bin-'));
    try {
      // `npx tenderhall` inside the temp folder must reach this checkout's CLI: put a shim first on PATH.
      fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\nif [ "$1" = tenderhall ]; then shift; exec node ${path.join(projectRoot, 'bin', 'tenderhall.js')} "$@"; fi\nexec ${process.env.npm_execpath ? 'npx' : '/usr/bin/env npx'} "$@"\n`, { mode: 0o755 });
      const script = `set -e\n${readmeBlock()}`;
      const result = spawnSync('bash', ['-c', script], { cwd: dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
      expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0);
      expect(fs.readFileSync(path.join(dir, 'opened.json'), 'utf8')).to.equal(fs.readFileSync(path.join(dir, 'bid.json'), 'utf8'));
      expect(fs.existsSync(path.join(dir, 'opening.key'))).to.equal(false);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'receipt.json'), 'utf8'))).to.include({ trade: 'T-2026-001', bidder: '91360702MA37U2D948', seq: 1 });
      expect(result.stdout).to.contain('not revoked (1 CRL)');
      expect(result.stderr).to.contain('CERT_REVOKED');
      expect(result.stdout).to.contain('refused as revoked');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
