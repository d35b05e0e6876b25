import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { describeCertificate, parseCrl } from '../../crypto/certificates.js';
import { projectRoot } from '../../server/kernel/paths.js';

const USCC = '91360702MA37U2D948';
const ORG = '赣州宏达建设工程有限公司';

function tenderhall(args: string[]): { code: number | null; output: string } {
  const result = spawnSync('node', [path.join(projectRoot, 'bin/tenderhall.js'), ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

function openssl(args: string[], cwd: string): { code: number | null; output: string } {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('tenderhall keygen / csr / ca init|issue|revoke|crl', function () {
  this.timeout(120_000);
  let dir: string;
  let ca: string;
  const file = (name: string) => path.join(dir, name);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-ca-cli-'));
    ca = path.join(dir, 'ca');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ca init makes root, issuing and chain with 0600 keys, and refuses to run twice', () => {
    const first = tenderhall(['ca', 'init', '--dir', ca]);
    expect(first.code, first.output).to.equal(0);
    for (const name of ['root.crt', 'issuing.crt', 'chain.pem', 'root.key', 'issuing.key']) expect(fs.existsSync(path.join(ca, name)), name).to.equal(true);
    for (const name of ['root.key', 'issuing.key']) expect(fs.statSync(path.join(ca, name)).mode & 0o777, name).to.equal(0o600);
    const chain = openssl(['verify', '-CAfile', 'root.crt', 'issuing.crt'], ca);
    expect(chain.code, chain.output).to.equal(0);
    const again = tenderhall(['ca', 'init', '--dir', ca]);
    expect(again.code).to.equal(2);
    expect(again.output).to.contain('already holds a CA');
  });

  it('keygen + csr + ca issue give a certificate openssl verify accepts, with the USCC in the subject', () => {
    expect(tenderhall(['keygen', '--out', file('bidder.key')]).code).to.equal(0);
    expect(fs.statSync(file('bidder.key')).mode & 0o777).to.equal(0o600);
    expect(fs.readFileSync(file('bidder.key'), 'utf8')).to.contain('-----BEGIN PRIVATE KEY-----');
    expect(tenderhall(['keygen', '--out', file('bidder.key')]).code, 'refuses to overwrite a key').to.equal(1);
    const csr = tenderhall(['csr', '--key', file('bidder.key'), '--cn', ORG, '--org', ORG, '--uscc', USCC, '--out', file('bidder.csr')]);
    expect(csr.code, csr.output).to.equal(0);
    expect(openssl(['req', '-in', 'bidder.csr', '-noout', '-verify'], dir).code).to.equal(0);
    const issued = tenderhall(['ca', 'issue', '--dir', ca, '--csr', file('bidder.csr'), '--role', 'bidder', '--days', '30', '--out', file('bidder.crt')]);
    expect(issued.code, issued.output).to.equal(0);
    const verify = openssl(['verify', '-CAfile', path.join(ca, 'root.crt'), '-untrusted', path.join(ca, 'issuing.crt'), 'bidder.crt'], dir);
    expect(verify.code, verify.output).to.equal(0);
    const info = describeCertificate(fs.readFileSync(file('bidder.crt'), 'utf8'));
    expect(info.subject).to.include({ uscc: USCC, organization: ORG });
    expect(info.notAfter.getTime() - info.notBefore.getTime()).to.equal(30 * 86_400_000);
    // An openssl-made key works with our csr verb too.
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'tsa.key'], dir);
    expect(tenderhall(['csr', '--key', file('tsa.key'), '--cn', 'Tenderhall TSA', '--out', file('tsa.csr')]).code).to.equal(0);
    expect(tenderhall(['ca', 'issue', '--dir', ca, '--csr', file('tsa.csr'), '--role', 'tsa', '--out', file('tsa.crt')]).code).to.equal(0);
    const tsa = openssl(['verify', '-purpose', 'timestampsign', '-CAfile', path.join(ca, 'root.crt'), '-untrusted', path.join(ca, 'issuing.crt'), 'tsa.crt'], dir);
    expect(tsa.code, tsa.output).to.equal(0);
  });

  it('ca revoke writes a CRL that openssl accepts and that makes openssl verify -crl_check refuse the certificate', () => {
    expect(tenderhall(['keygen', '--out', file('other.key')]).code).to.equal(0);
    expect(tenderhall(['csr', '--key', file('other.key'), '--cn', '王专家', '--out', file('other.csr')]).code).to.equal(0);
    expect(tenderhall(['ca', 'issue', '--dir', ca, '--csr', file('other.csr'), '--role', 'expert', '--out', file('other.crt')]).code).to.equal(0);

    const revoked = tenderhall(['ca', 'revoke', '--dir', ca, '--cert', file('bidder.crt'), '--reason', 'keyCompromise']);
    expect(revoked.code, revoked.output).to.equal(0);
    const crlPath = path.join(ca, 'crl.der');
    const check = openssl(['crl', '-inform', 'DER', '-in', crlPath, '-noout', '-text', '-CAfile', path.join(ca, 'issuing.crt'), '-verify'], dir);
    expect(check.code, check.output).to.equal(0);
    expect(check.output).to.contain('Key Compromise');
    openssl(['crl', '-inform', 'DER', '-in', crlPath, '-out', 'crl.pem'], dir);
    const refused = openssl(['verify', '-crl_check', '-CAfile', path.join(ca, 'root.crt'), '-untrusted', path.join(ca, 'issuing.crt'), '-CRLfile', 'crl.pem', 'bidder.crt'], dir);
    expect(refused.code).to.not.equal(0);
    expect(refused.output).to.contain('certificate revoked');
    const kept = openssl(['verify', '-crl_check', '-CAfile', path.join(ca, 'root.crt'), '-untrusted', path.join(ca, 'issuing.crt'), '-CRLfile', 'crl.pem', 'other.crt'], dir);
    expect(kept.code, kept.output).to.equal(0);

    const twice = tenderhall(['ca', 'revoke', '--dir', ca, '--cert', file('bidder.crt')]);
    expect(twice.code).to.equal(1);
    expect(twice.output).to.contain('already revoked');

    const crl = tenderhall(['ca', 'crl', '--dir', ca, '--out', file('fresh.crl')]);
    expect(crl.code, crl.output).to.equal(0);
    const fresh = parseCrl(new Uint8Array(fs.readFileSync(file('fresh.crl'))));
    const first = parseCrl(new Uint8Array(fs.readFileSync(crlPath)));
    expect(Number(fresh.crlNumber)).to.be.greaterThan(1);
    expect(fresh.revoked.map((r) => r.serial)).to.deep.equal([describeCertificate(fs.readFileSync(file('bidder.crt'), 'utf8')).serial]);
    expect(first.crlNumber).to.equal(fresh.crlNumber);
  });

  it('fails with one clear line and a non-zero code on bad input', () => {
    const badCsr = file('bad.csr');
    fs.writeFileSync(badCsr, '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n');
    const bad = tenderhall(['ca', 'issue', '--dir', ca, '--csr', badCsr, '--out', file('x.crt')]);
    expect(bad.code).to.equal(1);
    expect(bad.output).to.match(/^tenderhall: CSR_INVALID: /);
    const role = tenderhall(['ca', 'issue', '--dir', ca, '--csr', file('other.csr'), '--role', 'king', '--out', file('x.crt')]);
    expect(role.code).to.equal(2);
    const noDir = tenderhall(['ca', 'issue', '--dir', file('nowhere'), '--csr', file('other.csr'), '--out', file('x.crt')]);
    expect(noDir.code).to.equal(2);
    const noOrg = tenderhall(['ca', 'issue', '--dir', ca, '--csr', file('other.csr'), '--role', 'bidder', '--out', file('x.crt')]);
    expect(noOrg.code).to.equal(1);
    expect(noOrg.output).to.contain('CERT_SUBJECT_MISMATCH');
  });
});
