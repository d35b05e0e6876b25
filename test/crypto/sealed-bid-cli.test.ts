import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../server/kernel/paths.js';
import { openssl, removeDir, sealPki, sha256File, tempDir, writePrngFile } from './helpers.js';

const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';

function tenderhall(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(projectRoot, 'bin/tenderhall.js'), ...args], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `tenderhall seal | verify | open | unlock`, as a bidder and an auditor use them. */
describe('tenderhall sealed-bid CLI', function () {
  this.timeout(120_000);
  const pki = sealPki();
  let dir: string;
  let want: string;
  const path = (name: string) => join(dir, name);
  before(async () => {
    dir = tempDir();
    want = await writePrngFile(path('bid.zip'), 9 * 1024 * 1024, 17);
  });
  after(() => removeDir(dir));

  it('can seal a file into SEALED and SEALED.sig, with a progress line for a big file', () => {
    const r = tenderhall('seal', '--key', pki.bidder.keyPath, '--cert', pki.bidder.certPath, '--to', pki.opening.certPath, '--in', path('bid.zip'), '--out', path('bid.sealed'), '--chain', pki.chainPath);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/sealed 9437184 bytes/);
    expect(r.stderr).to.match(/sealing 100%/);
    expect(statSync(path('bid.sealed')).size).to.be.greaterThan(9437184);
    expect(existsSync(path('bid.sealed.sig'))).to.equal(true);
  });

  it('can verify the outer signature without opening, with and without --ca', () => {
    const plain = tenderhall('verify', '--in', path('bid.sealed'), '--sig', path('bid.sealed.sig'));
    expect(plain.code, plain.stderr).to.equal(0);
    expect(plain.stdout).to.match(/^signature OK: signed by O=Tenderhall Test, CN=投标人甲 Bidder A/);
    const chained = tenderhall('verify', '--in', path('bid.sealed'), '--sig', path('bid.sealed.sig'), '--ca', pki.rootPath);
    expect(chained.code, chained.stderr).to.equal(0);
    expect(chained.stdout).to.match(/chain (OK|not checked)/);
  });

  it('refuses a tampered SEALED (exit 1, DIGEST_MISMATCH) and an untrusted chain (exit 1)', () => {
    const bytes = readFileSync(path('bid.sealed'));
    bytes[1000]! ^= 1;
    writeFileSync(path('bad.sealed'), bytes);
    const r = tenderhall('verify', '--in', path('bad.sealed'), '--sig', path('bid.sealed.sig'));
    expect(r.code).to.equal(1);
    expect(lastLine(r.stderr)).to.equal('tenderhall: DIGEST_MISMATCH: messageDigest does not match the content');
    const untrusted = tenderhall('verify', '--in', path('bid.sealed'), '--sig', path('bid.sealed.sig'), '--ca', join(pki.dir, 'strangeroot.crt'));
    expect(untrusted.code).to.equal(1);
    expect(lastLine(untrusted.stderr)).to.match(/^tenderhall: CERT_UNTRUSTED/);
  });

  it('can open with the opening key after checking both signatures', async () => {
    const r = tenderhall('open', '--key', pki.opening.keyPath, '--in', path('bid.sealed'), '--sig', path('bid.sealed.sig'), '--out', path('opened.zip'), '--ca', pki.chainPath);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/bid package signed by .*投标人甲/);
    expect(await sha256File(path('opened.zip'))).to.equal(want);
  });

  it('can unlock only the content key with the bidder key, and open with it', async () => {
    const u = tenderhall('unlock', '--key', pki.bidder.keyPath, '--in', path('bid.sealed'), '--out', path('bid.cek'));
    expect(u.code, u.stderr).to.equal(0);
    expect(statSync(path('bid.cek')).size).to.equal(32);
    const o = tenderhall('open', '--cek', path('bid.cek'), '--in', path('bid.sealed'), '--out', path('by-cek.zip'));
    expect(o.code, o.stderr).to.equal(0);
    expect(await sha256File(path('by-cek.zip'))).to.equal(want);
  });

  it('refuses a key that is not a recipient (exit 1, NOT_A_RECIPIENT) and writes nothing', () => {
    const r = tenderhall('open', '--key', pki.otherBidder.keyPath, '--in', path('bid.sealed'), '--out', path('nope.zip'));
    expect(r.code).to.equal(1);
    expect(lastLine(r.stderr)).to.match(/^tenderhall: NOT_A_RECIPIENT: /);
    expect(existsSync(path('nope.zip'))).to.equal(false);
  });

  it('refuses a tampered ciphertext when opening (exit 1, AUTH_TAG_INVALID) and writes nothing', () => {
    const r = tenderhall('open', '--key', pki.opening.keyPath, '--in', path('bad.sealed'), '--out', path('nope.zip'));
    expect(r.code).to.equal(1);
    expect(lastLine(r.stderr)).to.match(/^tenderhall: AUTH_TAG_INVALID: /);
    expect(existsSync(path('nope.zip'))).to.equal(false);
  });

  it('refuses bad usage with exit 2', () => {
    expect(tenderhall('open', '--in', path('bid.sealed'), '--out', path('x')).code).to.equal(2);
    expect(tenderhall('seal', '--key', pki.bidder.keyPath).code).to.equal(2);
    const missing = tenderhall('verify', '--in', path('missing.sealed'), '--sig', path('bid.sealed.sig'));
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/cannot read input/);
  });

  it('writes files that openssl checks with the commands of docs/sealed-bid-format.md', async () => {
    const outer = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', path('bid.sealed.sig'), '-content', path('bid.sealed'), '-CAfile', pki.rootPath, '-purpose', 'any', '-out', '/dev/null']);
    expect(outer.status, outer.stderr).to.equal(0);
    const decrypt = openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', path('bid.sealed'), '-recip', pki.opening.certPath, '-inkey', pki.opening.keyPath, '-out', path('inner.der')]);
    expect(decrypt.status, decrypt.stderr).to.equal(0);
    const inner = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', path('inner.der'), '-CAfile', pki.rootPath, '-purpose', 'any', '-out', path('bid.out')]);
    expect(inner.status, inner.stderr).to.equal(0);
    expect(await sha256File(path('bid.out'))).to.equal(want);
  });
});
