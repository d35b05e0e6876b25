import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createCrl, createPlatformCa, issueCertificate, parseCsr, type PlatformCa } from '../../crypto/ca.js';
import { checkCertificate, describeCertificate, parseCertificate, parseCrl, pemToDer, verifyCrl, type CheckOptions } from '../../crypto/certificates.js';
import { createCsr } from '../../crypto/csr.js';
import { CryptoError } from '../../crypto/errors.js';
import { generateRsaKeyPairPem } from '../../crypto/keys.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { createPkcs12 } from '../../crypto/pkcs12.js';

const USCC = '91360702MA37U2D948';
const ORG = '赣州宏达建设工程有限公司';
const NOW = new Date('2026-11-25T02:00:00Z');
const DAY = 86_400_000;

async function rejectsWith(work: () => unknown, code: string): Promise<CryptoError> {
  try {
    await work();
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(CryptoError);
    expect((error as CryptoError).code, (error as Error).message).to.equal(code);
    return error as CryptoError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

function openssl(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('crypto/ca: platform CA, CSRs, certificates and CRLs', function () {
  this.timeout(120_000);
  let dir: string;
  let ca: PlatformCa;
  let bidderKeyPem: string;
  let bidderCsr: string;
  const expectBidder = { uscc: USCC, organisationName: ORG, commonNames: [ORG, '投标经办人'] };

  const checkOptions = (extra: Partial<CheckOptions> = {}): CheckOptions => ({
    trustAnchorsPem: [ca.root.certPem],
    intermediatesPem: [ca.issuing.certPem],
    at: NOW,
    usage: 'signature',
    ...extra,
  });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-ca-'));
    ca = await createPlatformCa({ now: NOW });
    fs.writeFileSync(path.join(dir, 'root.crt'), ca.root.certPem);
    fs.writeFileSync(path.join(dir, 'issuing.crt'), ca.issuing.certPem);
    bidderKeyPem = (await generateRsaKeyPairPem()).privateKeyPem;
    bidderCsr = createCsr(bidderKeyPem, { commonName: ORG, organisation: ORG, uscc: USCC });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('can create a root and an issuing CA (pathLen 0) that OpenSSL verifies', () => {
    const out = openssl(['verify', '-CAfile', 'root.crt', 'issuing.crt'], dir);
    expect(out.status, out.output).to.equal(0);
    const text = execFileSync('openssl', ['x509', '-in', 'issuing.crt', '-noout', '-text'], { cwd: dir, encoding: 'utf8' });
    expect(text).to.match(/CA:TRUE, pathlen:0/);
    expect(text).to.match(/Certificate Sign, CRL Sign/);
  });

  it('can issue an organisation certificate from a browser-style CSR that OpenSSL verifies', () => {
    const issued = issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: NOW, expect: expectBidder });
    expect(issued.serial).to.match(/^[0-9a-f]{32}$/);
    expect(parseInt(issued.serial.slice(0, 2), 16)).to.be.below(0x80);
    fs.writeFileSync(path.join(dir, 'bidder.crt'), issued.certPem);
    const out = openssl(['verify', '-CAfile', 'root.crt', '-untrusted', 'issuing.crt', 'bidder.crt'], dir);
    expect(out.status, out.output).to.equal(0);
    const info = describeCertificate(issued.certPem);
    expect(info.subject).to.include({ uscc: USCC, organization: ORG, commonName: ORG });
    expect(info.role).to.equal('bidder');
    const text = execFileSync('openssl', ['x509', '-in', 'bidder.crt', '-noout', '-text', '-nameopt', 'utf8'], { cwd: dir, encoding: 'utf8' });
    expect(text).to.contain(`organizationIdentifier=${USCC}`);
    expect(text).to.contain(`O=${ORG}`);
    expect(text).to.match(/Digital Signature, Non Repudiation, Key Encipherment/);
  });

  it('can issue from a CSR made by openssl req (CLI holders)', () => {
    const key = path.join(dir, 'ossl.key');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { stdio: 'pipe' });
    const csr = execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=王专家', '-utf8'], { encoding: 'utf8' });
    const issued = issueCertificate(ca.issuing, csr, { profile: 'expert', now: NOW, expect: { uscc: null, organisationName: null, commonNames: ['王专家'] } });
    expect(describeCertificate(issued.certPem).subject.commonName).to.equal('王专家');
  });

  it('gives each profile its key usages (opening: keyEncipherment only; tsa: critical timeStamping)', async () => {
    const keys = await generateRsaKeyPairNode();
    const csr = createCsr(keys.privateKeyPem, { commonName: 'Trade 2026-001 opening key' });
    const opening = issueCertificate(ca.issuing, csr, { profile: 'opening', now: NOW });
    const tsa = issueCertificate(ca.issuing, createCsr(keys.privateKeyPem, { commonName: 'Tenderhall TSA' }), { profile: 'tsa', now: NOW });
    await checkCertificate(opening.certPem, checkOptions({ usage: 'encryption' }));
    await rejectsWith(() => checkCertificate(opening.certPem, checkOptions({ usage: 'signature' })), 'CERT_WRONG_USAGE');
    await checkCertificate(tsa.certPem, checkOptions({ usage: 'timestamp' }));
    await rejectsWith(() => checkCertificate(tsa.certPem, checkOptions({ usage: 'encryption' })), 'CERT_WRONG_USAGE');
    const bidder = issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: NOW });
    await rejectsWith(() => checkCertificate(bidder.certPem, checkOptions({ usage: 'timestamp' })), 'CERT_WRONG_USAGE');
    fs.writeFileSync(path.join(dir, 'tsa.crt'), tsa.certPem);
    const text = execFileSync('openssl', ['x509', '-in', 'tsa.crt', '-noout', '-text'], { cwd: dir, encoding: 'utf8' });
    expect(text).to.match(/X509v3 Extended Key Usage: critical\s+Time Stamping/);
    const purpose = openssl(['verify', '-CAfile', 'root.crt', '-untrusted', 'issuing.crt', '-purpose', 'timestampsign', 'tsa.crt'], dir);
    expect(purpose.status, purpose.output).to.equal(0);
  });

  it('accepts its own certificates through checkCertificate with the whole chain', async () => {
    const issued = issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: NOW });
    const checked = await checkCertificate(issued.certPem, checkOptions());
    expect(checked.chain.map((c) => c.subject.commonName)).to.deep.equal([ORG, 'Tenderhall Issuing CA', 'Tenderhall Root CA']);
    expect(checked.fingerprint).to.match(/^[0-9a-f]{64}$/);
    // DER input works too
    await checkCertificate(pemToDer(issued.certPem), checkOptions({ usage: 'encryption' }));
  });

  it('makes a CRL that openssl crl -verify accepts and openssl verify -crl_check enforces', async () => {
    const revoked = issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: NOW });
    const kept = issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: NOW });
    const crl = createCrl(ca.issuing, {
      revoked: [{ serial: revoked.serial, revokedAt: new Date(NOW.getTime() + 1000), reason: 'keyCompromise' }],
      crlNumber: 7,
      thisUpdate: new Date(NOW.getTime() + 1000),
      nextUpdate: new Date(NOW.getTime() + 7 * DAY),
    });
    fs.writeFileSync(path.join(dir, 'crl.der'), crl);
    fs.writeFileSync(path.join(dir, 'revoked.crt'), revoked.certPem);
    fs.writeFileSync(path.join(dir, 'kept.crt'), kept.certPem);
    const verified = openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-noout', '-text', '-CAfile', 'issuing.crt', '-verify'], dir);
    expect(verified.status, verified.output).to.equal(0);
    expect(verified.output).to.contain('verify OK');
    expect(verified.output).to.match(/CRL Number:\s+7/);
    expect(verified.output).to.contain('Key Compromise');
    execFileSync('openssl', ['crl', '-inform', 'DER', '-in', 'crl.der', '-out', 'crl.pem'], { cwd: dir });
    // OpenSSL checks against the wall clock; the CRL was made for NOW, so pin -attime.
    const at = String(Math.floor(NOW.getTime() / 1000) + 3600);
    const refused = openssl(['verify', '-attime', at, '-crl_check', '-CAfile', 'root.crt', '-untrusted', 'issuing.crt', '-CRLfile', 'crl.pem', 'revoked.crt'], dir);
    expect(refused.status).to.not.equal(0);
    expect(refused.output).to.contain('certificate revoked');
    const accepted = openssl(['verify', '-attime', at, '-crl_check', '-CAfile', 'root.crt', '-untrusted', 'issuing.crt', '-CRLfile', 'crl.pem', 'kept.crt'], dir);
    expect(accepted.status, accepted.output).to.equal(0);

    const info = verifyCrl(crl, ca.issuing.certPem);
    expect(info.crlNumber).to.equal('7');
    expect(info.revoked).to.deep.equal([{ serial: revoked.serial, revokedAt: new Date(NOW.getTime() + 1000), reason: 'keyCompromise' }]);
    const later = new Date(NOW.getTime() + DAY);
    await rejectsWith(() => checkCertificate(revoked.certPem, checkOptions({ crlsDer: [crl], at: later })), 'CERT_REVOKED');
    await checkCertificate(kept.certPem, checkOptions({ crlsDer: [crl], at: later }));
    // Before the revocation date the certificate was still good (signatures made then stay valid).
    await checkCertificate(revoked.certPem, checkOptions({ crlsDer: [crl], at: NOW }));
  });

  it('makes an empty CRL OpenSSL accepts', () => {
    const crl = createCrl(ca.issuing, { revoked: [], crlNumber: 1, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + DAY) });
    fs.writeFileSync(path.join(dir, 'empty.der'), crl);
    const verified = openssl(['crl', '-inform', 'DER', '-in', 'empty.der', '-noout', '-CAfile', 'issuing.crt', '-verify'], dir);
    expect(verified.status, verified.output).to.equal(0);
    expect(parseCrl(crl).revoked).to.deep.equal([]);
  });

  it('refuses an expired and a not-yet-valid certificate', async () => {
    const issued = issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: NOW, days: 30 });
    await rejectsWith(() => checkCertificate(issued.certPem, checkOptions({ at: new Date(NOW.getTime() + 31 * DAY) })), 'CERT_EXPIRED');
    await rejectsWith(() => checkCertificate(issued.certPem, checkOptions({ at: new Date(NOW.getTime() - 1000) })), 'CERT_NOT_YET_VALID');
  });

  it('refuses a certificate from an unconfigured CA, and accepts an external OpenSSL-made chain once its root is configured', async () => {
    const other = await createPlatformCa({ now: NOW, name: 'Rogue' });
    const rogue = issueCertificate(other.issuing, bidderCsr, { profile: 'bidder', now: NOW });
    await rejectsWith(() => checkCertificate(rogue.certPem, checkOptions()), 'CERT_UNTRUSTED');
    // Even when the rogue issuing CA is offered as an intermediate, nothing leads to a trusted root.
    await rejectsWith(() => checkCertificate(rogue.certPem, checkOptions({ intermediatesPem: [ca.issuing.certPem, other.issuing.certPem] })), 'CERT_UNTRUSTED');

    // An external CA built by OpenSSL alone: root → intermediate → holder.
    const x = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    fs.writeFileSync(path.join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    fs.writeFileSync(path.join(dir, 'leaf.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment\n');
    x(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ext-root.key', '-out', 'ext-root.crt', '-subj', '/C=CN/O=Jiangxi CA/CN=Jiangxi Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    x(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ext-int.key', '-out', 'ext-int.csr', '-subj', '/C=CN/O=Jiangxi CA/CN=Jiangxi Sub']);
    x(['x509', '-req', '-in', 'ext-int.csr', '-CA', 'ext-root.crt', '-CAkey', 'ext-root.key', '-CAcreateserial', '-out', 'ext-int.crt', '-days', '3650', '-extfile', 'ca.ext']);
    x(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ext-leaf.key', '-out', 'ext-leaf.csr', '-subj', `/C=CN/O=${ORG}/organizationIdentifier=${USCC}/CN=${ORG}`, '-utf8']);
    x(['x509', '-req', '-in', 'ext-leaf.csr', '-CA', 'ext-int.crt', '-CAkey', 'ext-int.key', '-CAcreateserial', '-out', 'ext-leaf.crt', '-days', '365', '-extfile', 'leaf.ext']);
    const leaf = fs.readFileSync(path.join(dir, 'ext-leaf.crt'), 'utf8');
    const externalRoot = fs.readFileSync(path.join(dir, 'ext-root.crt'), 'utf8');
    const externalInt = fs.readFileSync(path.join(dir, 'ext-int.crt'), 'utf8');
    const now = new Date();
    await rejectsWith(() => checkCertificate(leaf, checkOptions({ at: now, intermediatesPem: [ca.issuing.certPem, externalInt] })), 'CERT_UNTRUSTED');
    const checked = await checkCertificate(leaf, {
      trustAnchorsPem: [ca.root.certPem + externalRoot],
      intermediatesPem: [ca.issuing.certPem, externalInt],
      at: now,
      usage: 'signature',
    });
    expect(checked.subject.uscc).to.equal(USCC);
    expect(checked.chain).to.have.length(3);
    expect(checked.role).to.equal(null);
  });

  it('refuses chains that break CA rules: a sub-CA below the pathLen-0 issuing CA, a certificate signed by an end entity', async () => {
    const x = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    fs.writeFileSync(path.join(dir, 'issuing.key'), ca.issuing.keyPem, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'sub.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    fs.writeFileSync(path.join(dir, 'ee.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment\n');
    x(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'sub.key', '-out', 'sub.csr', '-subj', '/CN=Sneaky Sub CA']);
    x(['x509', '-req', '-in', 'sub.csr', '-CA', 'issuing.crt', '-CAkey', 'issuing.key', '-set_serial', '7', '-out', 'sub.crt', '-days', '30', '-extfile', 'sub.ext']);
    x(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'under-sub.key', '-out', 'under-sub.csr', '-subj', '/CN=Under Sub']);
    x(['x509', '-req', '-in', 'under-sub.csr', '-CA', 'sub.crt', '-CAkey', 'sub.key', '-set_serial', '8', '-out', 'under-sub.crt', '-days', '30', '-extfile', 'ee.ext']);
    const now = new Date();
    const sub = fs.readFileSync(path.join(dir, 'sub.crt'), 'utf8');
    const underSub = fs.readFileSync(path.join(dir, 'under-sub.crt'), 'utf8');
    const pathLen = await rejectsWith(() => checkCertificate(underSub, checkOptions({ at: now, intermediatesPem: [ca.issuing.certPem, sub] })), 'CERT_UNTRUSTED');
    expect(pathLen.message).to.contain('intermediate CA');
    expect(openssl(['verify', '-CAfile', 'root.crt', '-untrusted', 'issuing.crt', '-untrusted', 'sub.crt', 'under-sub.crt'], dir).status).to.not.equal(0);

    // An end-entity certificate (CA:FALSE) used as an issuer.
    const holderKey = path.join(dir, 'holder.key');
    fs.writeFileSync(holderKey, bidderKeyPem, { mode: 0o600 });
    const holder = issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: new Date(now.getTime() - 60_000) });
    fs.writeFileSync(path.join(dir, 'holder.crt'), holder.certPem);
    x(['x509', '-req', '-in', 'under-sub.csr', '-CA', 'holder.crt', '-CAkey', 'holder.key', '-set_serial', '9', '-out', 'by-holder.crt', '-days', '30', '-extfile', 'ee.ext']);
    const byHolder = fs.readFileSync(path.join(dir, 'by-holder.crt'), 'utf8');
    const notCa = await rejectsWith(() => checkCertificate(byHolder, checkOptions({ at: now, intermediatesPem: [ca.issuing.certPem, holder.certPem] })), 'CERT_UNTRUSTED');
    expect(notCa.message).to.match(/no trusted issuer|is not a CA/);
  });

  it('refuses a CSR whose signature does not verify (CSR_INVALID)', async () => {
    const der = pemToDer(bidderCsr, 'CERTIFICATE REQUEST');
    der[der.length - 5]! ^= 0x01; // a bit inside the signature value
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await rejectsWith(() => issueCertificate(ca.issuing, tampered, { profile: 'bidder', now: NOW }), 'CSR_INVALID');
    await rejectsWith(() => parseCsr(tampered), 'CSR_INVALID');
    await rejectsWith(() => parseCsr('not a csr'), 'CSR_INVALID');
    await rejectsWith(() => parseCsr('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'), 'CSR_INVALID');
  });

  it('refuses a CSR whose subject does not match the requesting organisation (CERT_SUBJECT_MISMATCH)', async () => {
    const otherUscc = createCsr(bidderKeyPem, { commonName: ORG, organisation: ORG, uscc: '91360781MA35R6L47R' });
    await rejectsWith(() => issueCertificate(ca.issuing, otherUscc, { profile: 'bidder', now: NOW, expect: expectBidder }), 'CERT_SUBJECT_MISMATCH');
    const otherName = createCsr(bidderKeyPem, { commonName: ORG, organisation: '瑞金红都建筑工程有限公司', uscc: USCC });
    await rejectsWith(() => issueCertificate(ca.issuing, otherName, { profile: 'bidder', now: NOW, expect: expectBidder }), 'CERT_SUBJECT_MISMATCH');
    const noUscc = createCsr(bidderKeyPem, { commonName: ORG });
    await rejectsWith(() => issueCertificate(ca.issuing, noUscc, { profile: 'bidder', now: NOW }), 'CERT_SUBJECT_MISMATCH');
    const claimsOrg = createCsr(bidderKeyPem, { commonName: '王专家', organisation: ORG, uscc: USCC });
    await rejectsWith(
      () => issueCertificate(ca.issuing, claimsOrg, { profile: 'expert', now: NOW, expect: { uscc: null, organisationName: null, commonNames: ['王专家'] } }),
      'CERT_SUBJECT_MISMATCH',
    );
  });

  it('packs key and chain into a PKCS#12 (PBES2/AES-256) that openssl pkcs12 opens with the password', () => {
    const issued = issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: NOW });
    const p12 = createPkcs12(bidderKeyPem, [issued.certPem, ca.issuing.certPem, ca.root.certPem], 'pa55-word!', { friendlyName: ORG });
    fs.writeFileSync(path.join(dir, 'holder.p12'), p12);
    const info = openssl(['pkcs12', '-info', '-nodes', '-in', 'holder.p12', '-passin', 'pass:pa55-word!'], dir);
    expect(info.status, info.output).to.equal(0);
    expect(info.output).to.match(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/);
    expect(info.output).to.contain('-----BEGIN PRIVATE KEY-----');
    expect(info.output.match(/-----BEGIN CERTIFICATE-----/g)).to.have.length(3);
    expect(openssl(['pkcs12', '-info', '-nokeys', '-in', 'holder.p12', '-passin', 'pass:wrong'], dir).status).to.not.equal(0);
  });

  it('answers 6,000 random mutations of a certificate, a CSR and a CRL with typed errors only (no crash, no hang)', async () => {
    // A fixed-seed PRNG (mulberry32) so a failure is reproducible.
    let seed = 0x7e1de5;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const mutate = (bytes: Uint8Array): Uint8Array => {
      const out = Uint8Array.from(bytes);
      const kind = Math.floor(random() * 4);
      if (kind === 3) return out.subarray(0, Math.floor(random() * out.length)); // truncation
      const flips = 1 + Math.floor(random() * 3);
      for (let i = 0; i < flips; i++) {
        const at = Math.floor(random() * out.length);
        out[at] = kind === 0 ? out[at]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
      }
      return out;
    };
    const cert = pemToDer(issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: NOW }).certPem);
    const csr = pemToDer(bidderCsr, 'CERTIFICATE REQUEST');
    const crl = createCrl(ca.issuing, { revoked: [{ serial: '0a0b0c', revokedAt: NOW, reason: 'superseded' }], crlNumber: 3, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + DAY) });
    const toCsrPem = (der: Uint8Array) => `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const cases: [string, Uint8Array, (bytes: Uint8Array) => unknown][] = [
      ['certificate', cert, (b) => checkCertificate(b, checkOptions())],
      ['csr', csr, (b) => issueCertificate(ca.issuing, toCsrPem(b), { profile: 'bidder', now: NOW, expect: expectBidder })],
      ['crl', crl, (b) => checkCertificate(cert, checkOptions({ crlsDer: [b] }))],
    ];
    let refused = 0;
    for (const [name, valid, use] of cases) {
      for (let i = 0; i < 2000; i++) {
        const mutated = mutate(valid);
        try {
          await use(mutated);
        } catch (error) {
          expect(error, `${name} mutation ${i}: ${String(error)}`).to.be.instanceOf(CryptoError);
          refused++;
        }
      }
    }
    expect(refused).to.be.greaterThan(5000);
  });

  it('refuses malformed PEM and DER with typed errors', async () => {
    await rejectsWith(() => parseCertificate('hello'), 'PEM_MALFORMED');
    await rejectsWith(() => parseCertificate('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'), 'PEM_MALFORMED');
    await rejectsWith(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01])), 'CERT_MALFORMED');
    const der = pemToDer(ca.root.certPem);
    await rejectsWith(() => parseCertificate(der.subarray(0, der.length - 10)), 'CERT_MALFORMED');
    await rejectsWith(() => checkCertificate('garbage', checkOptions()), 'PEM_MALFORMED');
    await rejectsWith(() => parseCrl(new Uint8Array([1, 2, 3])), 'CRL_MALFORMED');
    await rejectsWith(() => parseCrl(der), 'CRL_MALFORMED');
    // A CRL that claims our issuing CA's name but was signed by another key.
    const other = await createPlatformCa({ now: NOW });
    const forged = createCrl({ certPem: ca.issuing.certPem, keyPem: other.issuing.keyPem }, { revoked: [], crlNumber: 1, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + DAY) });
    await rejectsWith(() => verifyCrl(forged, ca.issuing.certPem), 'CRL_INVALID');
    const issued = issueCertificate(ca.issuing, bidderCsr, { profile: 'bidder', now: NOW });
    await rejectsWith(() => checkCertificate(issued.certPem, checkOptions({ crlsDer: [forged] })), 'CRL_INVALID');
  });
});
