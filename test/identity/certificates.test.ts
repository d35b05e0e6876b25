import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createPlatformCa, issueCertificate } from '../../crypto/ca.js';
import { describeCertificate, pemBlocks, pemToDer, verifyCrl } from '../../crypto/certificates.js';
import { createCsr } from '../../crypto/csr.js';
import { CryptoError } from '../../crypto/errors.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';

const BIDDER1 = { uscc: '91360702MA37U2D948', org: '赣州宏达建设工程有限公司', person: '赣州宏达建设 投标经办人' };
const BIDDER2_USCC = '91360781MA35R6L47R';

async function rejectsWith(work: () => Promise<unknown>, code: string): Promise<void> {
  try {
    await work();
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(CryptoError);
    expect((error as CryptoError).code, (error as Error).message).to.equal(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

function binaryParser(res: NodeJS.ReadableStream, done: (err: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('certificates over HTTP: issue from a CSR, list, revoke, CRL, assertUsable', function () {
  this.timeout(120_000);
  let app: TestApp;
  let dir: string;
  let keyPem: string;

  const userId = async (username: string) => (await app.services.identity.models.User.findOne({ where: { username } }))!.id;
  const orgIdOf = async (username: string) => (await app.services.identity.models.User.findOne({ where: { username } }))!.organisationId!;
  const auditActions = async (action: string) => app.services.audit.models.AuditEvent.findAll({ where: { action } });

  before(async () => {
    app = await givenApp();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-certs-'));
    keyPem = (await generateRsaKeyPairNode()).privateKeyPem;
  });
  after(async () => {
    await app.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function issueForBidder1(): Promise<{ pem: string; serial: string; chainPem: string }> {
    const csr = createCsr(keyPem, { commonName: BIDDER1.person, organisation: BIDDER1.org, uscc: BIDDER1.uscc });
    const res = await app.http.post('/api/certificates/csr').set(bearer(await app.tokenFor('bidder1'))).send({ csr });
    expect(res.status, res.text).to.equal(201);
    return { pem: res.body.certificate.pem, serial: res.body.certificate.serial, chainPem: res.body.chainPem };
  }

  it('publishes the root and the chain (PEM) and creates the CA folder with private keys 0600', async () => {
    const root = await app.http.get('/api/ca/root');
    expect(root.status).to.equal(200);
    expect(root.headers['content-type']).to.match(/application\/x-pem-file/);
    expect(describeCertificate(root.text).isCa).to.equal(true);
    const chain = await app.http.get('/api/ca/chain');
    expect(pemBlocks(chain.text)).to.have.length(2);
    const caDir = app.config.caDir;
    for (const key of ['root.key', 'issuing.key']) expect(fs.statSync(path.join(caDir, key)).mode & 0o777).to.equal(0o600);
    expect(fs.readFileSync(path.join(caDir, 'root.crt'), 'utf8')).to.equal(root.text);
  });

  it('can issue bidder1 an organisation certificate carrying its USCC, that OpenSSL verifies, audited', async () => {
    const before = (await auditActions('certificate.issued')).length;
    const issued = await issueForBidder1();
    const info = describeCertificate(issued.pem);
    expect(info.subject).to.include({ uscc: BIDDER1.uscc, organization: BIDDER1.org, commonName: BIDDER1.person });
    expect(info.role).to.equal('bidder');
    expect(pemBlocks(issued.chainPem)).to.have.length(3);
    fs.writeFileSync(path.join(dir, 'root.crt'), (await app.http.get('/api/ca/root')).text);
    fs.writeFileSync(path.join(dir, 'chain.pem'), issued.chainPem);
    fs.writeFileSync(path.join(dir, 'bidder1.crt'), issued.pem);
    const attime = String(Math.floor(app.clock.now().getTime() / 1000) + 60);
    const verify = spawnSync('openssl', ['verify', '-attime', attime, '-CAfile', 'root.crt', '-untrusted', 'chain.pem', 'bidder1.crt'], { cwd: dir, encoding: 'utf8' });
    expect(verify.status, verify.stdout + verify.stderr).to.equal(0);

    const events = await auditActions('certificate.issued');
    expect(events.length).to.equal(before + 1);
    expect(events.at(-1)!.subject).to.equal(`certificate:${issued.serial}`);

    const mine = await app.http.get('/api/certificates').set(bearer(await app.tokenFor('bidder1')));
    expect(mine.status).to.equal(200);
    expect(mine.body.map((c: { serial: string }) => c.serial)).to.include(issued.serial);
    expect(mine.body[0]).to.include({ uscc: BIDDER1.uscc, status: 'valid', role: 'bidder', organisationId: await orgIdOf('bidder1') });
    const others = await app.http.get('/api/certificates').set(bearer(await app.tokenFor('bidder2')));
    expect(others.body.map((c: { serial: string }) => c.serial)).not.to.include(issued.serial);
  });

  it('refuses a CSR naming another organisation with 403 CERT_SUBJECT_MISMATCH, writing nothing', async () => {
    const count = await app.services.certificates.models.Certificate.count();
    for (const subject of [
      { commonName: BIDDER1.person, organisation: BIDDER1.org, uscc: BIDDER2_USCC },
      { commonName: BIDDER1.person, organisation: '瑞金红都建筑工程有限公司', uscc: BIDDER1.uscc },
      { commonName: '别人', organisation: BIDDER1.org, uscc: BIDDER1.uscc },
      { commonName: BIDDER1.person },
    ]) {
      const res = await app.http.post('/api/certificates/csr').set(bearer(await app.tokenFor('bidder1'))).send({ csr: createCsr(keyPem, subject) });
      expect(res.status, JSON.stringify(subject)).to.equal(403);
      expect(res.headers['content-type']).to.match(/application\/problem\+json/);
      expect(res.body.code).to.equal('CERT_SUBJECT_MISMATCH');
    }
    expect(await app.services.certificates.models.Certificate.count()).to.equal(count);
  });

  it('refuses a CSR whose signature does not verify with 400 CSR_INVALID, and junk with 400', async () => {
    const csr = createCsr(keyPem, { commonName: BIDDER1.person, organisation: BIDDER1.org, uscc: BIDDER1.uscc });
    const der = pemToDer(csr, 'CERTIFICATE REQUEST');
    der[der.length - 3]! ^= 0x40;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const token = await app.tokenFor('bidder1');
    const bad = await app.http.post('/api/certificates/csr').set(bearer(token)).send({ csr: tampered });
    expect(bad.status).to.equal(400);
    expect(bad.body.code).to.equal('CSR_INVALID');
    const junk = await app.http.post('/api/certificates/csr').set(bearer(token)).send({ csr: 'x'.repeat(200) });
    expect(junk.status).to.equal(400);
    expect(junk.body.code).to.equal('CSR_INVALID');
    const extra = await app.http.post('/api/certificates/csr').set(bearer(token)).send({ csr, privateKey: keyPem });
    expect(extra.status).to.equal(400);
    expect(extra.body.code).to.equal('VALIDATION_FAILED');
  });

  it('issues an expert a personal certificate by display name, and refuses organisation claims', async () => {
    const expert = await app.services.identity.models.User.findOne({ where: { username: 'expert1' } });
    const token = await app.tokenFor('expert1');
    const organisation = expert!.organisationId ? await app.services.identity.models.Organisation.findByPk(expert!.organisationId) : null;
    const subject = organisation
      ? { commonName: expert!.displayName, organisation: organisation.name, uscc: organisation.uscc }
      : { commonName: expert!.displayName };
    const ok = await app.http.post('/api/certificates/csr').set(bearer(token)).send({ csr: createCsr(keyPem, subject) });
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body.certificate.role).to.equal('expert');
    const claims = await app.http
      .post('/api/certificates/csr')
      .set(bearer(token))
      .send({ csr: createCsr(keyPem, { commonName: expert!.displayName, organisation: BIDDER1.org, uscc: BIDDER1.uscc }) });
    expect(claims.status).to.equal(403);
    expect(claims.body.code).to.equal('CERT_SUBJECT_MISMATCH');
  });

  it('assertUsable accepts a holder’s own certificate and refuses it for someone else, expired or for the wrong usage', async () => {
    const issued = await issueForBidder1();
    const certificates = app.services.certificates;
    const [bidder1Org, bidder2Org, bidder2User] = [await orgIdOf('bidder1'), await orgIdOf('bidder2'), await userId('bidder2')];
    const usable = await certificates.assertUsable(issued.pem, { organisationId: await orgIdOf('bidder1'), userId: await userId('bidder1'), usage: 'signature' });
    expect(usable.record?.serial).to.equal(issued.serial);
    await certificates.assertUsable(issued.pem, { organisationId: await orgIdOf('bidder1'), usage: 'encryption' });
    await rejectsWith(() => certificates.assertUsable(issued.pem, { organisationId: bidder2Org, usage: 'signature' }), 'CERT_SUBJECT_MISMATCH');
    await rejectsWith(() => certificates.assertUsable(issued.pem, { userId: bidder2User, usage: 'signature' }), 'CERT_SUBJECT_MISMATCH');
    await rejectsWith(() => certificates.assertUsable(issued.pem, { usage: 'timestamp' }), 'CERT_WRONG_USAGE');
    await rejectsWith(() => certificates.assertUsable(issued.pem, { usage: 'signature', at: new Date(Date.parse('2030-01-01T00:00:00Z')) }), 'CERT_EXPIRED');
    await rejectsWith(() => certificates.assertUsable(issued.pem, { usage: 'signature', at: new Date(Date.parse('2026-11-24T00:00:00Z')) }), 'CERT_NOT_YET_VALID');
    await rejectsWith(() => certificates.assertUsable('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----', { usage: 'signature' }), 'PEM_MALFORMED');
    const rogue = await createPlatformCa({ now: app.clock.now(), name: 'Rogue' });
    const foreign = issueCertificate(rogue.issuing, createCsr(keyPem, { commonName: BIDDER1.person, organisation: BIDDER1.org, uscc: BIDDER1.uscc }), { profile: 'bidder', now: app.clock.now() });
    await rejectsWith(() => certificates.assertUsable(foreign.certPem, { organisationId: bidder1Org, usage: 'signature' }), 'CERT_UNTRUSTED');
  });

  it('lets an admin revoke a certificate: audited, in the CRL at once (OpenSSL agrees), refused by assertUsable', async () => {
    const issued = await issueForBidder1();
    const admin = await app.tokenFor('admin');
    app.clock.advance(1000);
    const res = await app.http.post(`/api/certificates/${issued.serial}/revoke`).set(bearer(admin)).send({ reason: 'keyCompromise' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ status: 'revoked', revocationReason: 'keyCompromise' });
    const events = await auditActions('certificate.revoked');
    expect(events.at(-1)!.subject).to.equal(`certificate:${issued.serial}`);

    const crlRes = await app.http.get('/api/ca/crl').buffer(true).parse(binaryParser as never);
    expect(crlRes.status).to.equal(200);
    expect(crlRes.headers['content-type']).to.match(/^application\/pkix-crl/);
    const crl = new Uint8Array(crlRes.body as Buffer);
    const chain = (await app.http.get('/api/ca/chain')).text;
    const info = verifyCrl(crl, pemBlocks(chain)[0]!);
    expect(info.revoked.map((r) => r.serial)).to.include(issued.serial);
    expect(info.revoked.find((r) => r.serial === issued.serial)!.reason).to.equal('keyCompromise');
    fs.writeFileSync(path.join(dir, 'crl.der'), crl);
    fs.writeFileSync(path.join(dir, 'issuing.crt'), pemBlocks(chain)[0]!);
    const ossl = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', 'crl.der', '-noout', '-CAfile', 'issuing.crt', '-verify'], { cwd: dir, encoding: 'utf8' });
    expect(ossl.status, ossl.stdout + ossl.stderr).to.equal(0);

    await rejectsWith(() => app.services.certificates.assertUsable(issued.pem, { usage: 'signature', at: new Date(app.clock.now().getTime() + 5000) }), 'CERT_REVOKED');
    const again = await app.http.post(`/api/certificates/${issued.serial}/revoke`).set(bearer(admin)).send({});
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('CERT_ALREADY_REVOKED');
    const missing = await app.http.post('/api/certificates/abcdef/revoke').set(bearer(admin)).send({});
    expect(missing.status).to.equal(404);
    const bidder = await app.http.post(`/api/certificates/${issued.serial}/revoke`).set(bearer(await app.tokenFor('bidder1'))).send({});
    expect(bidder.status).to.equal(403);
    expect(bidder.body.code).to.equal('FORBIDDEN_ROLE');
    const mine = await app.http.get('/api/certificates').set(bearer(await app.tokenFor('bidder1')));
    expect(mine.body.find((c: { serial: string }) => c.serial === issued.serial).status).to.equal('revoked');
  });

  it('issues platform-held certificates (opening, tsa) for other modules, registered and audited', async () => {
    const certificates = app.services.certificates;
    const opening = await certificates.issueServiceCertificate(null, createCsr(keyPem, { commonName: 'Trade JXGZ-2026-001 opening key' }), 'opening', 90);
    expect(opening.role).to.equal('opening');
    expect(opening.userId).to.equal(null);
    expect(Date.parse(opening.notAfter) - Date.parse(opening.notBefore)).to.equal(90 * 86_400_000);
    await certificates.assertUsable(opening.pem, { usage: 'encryption' });
    await rejectsWith(() => certificates.assertUsable(opening.pem, { usage: 'signature' }), 'CERT_WRONG_USAGE');
    const tsa = await certificates.issueServiceCertificate(null, createCsr(keyPem, { commonName: 'Tenderhall TSA' }), 'tsa');
    await certificates.assertUsable(tsa.pem, { usage: 'timestamp' });
    const events = await auditActions('certificate.issued');
    expect(events.map((e) => e.subject)).to.include.members([`certificate:${opening.serial}`, `certificate:${tsa.serial}`]);
  });

  it('accepts certificates from an external CA once its root is configured in TRUST_ANCHORS', async () => {
    const issuedAt = new Date(Date.parse('2026-11-25T01:00:00Z')); // before either test app's clock
    const external = await createPlatformCa({ now: issuedAt, name: 'Jiangxi CA', organisation: 'Jiangxi CA' });
    const bundle = path.join(dir, 'anchors.pem');
    fs.writeFileSync(bundle, external.root.certPem);
    const cert = issueCertificate(external.issuing, createCsr(keyPem, { commonName: BIDDER1.org, organisation: BIDDER1.org, uscc: BIDDER1.uscc }), {
      profile: 'bidder',
      now: issuedAt,
    });
    const withAnchor = await givenApp({ TRUST_ANCHORS: bundle });
    try {
      const orgId = (await withAnchor.services.identity.models.User.findOne({ where: { username: 'bidder1' } }))!.organisationId!;
      const otherOrg = (await withAnchor.services.identity.models.User.findOne({ where: { username: 'bidder2' } }))!.organisationId!;
      const usable = await withAnchor.services.certificates.assertUsable(cert.certPem, { organisationId: orgId, usage: 'signature', intermediatesPem: [external.issuing.certPem] });
      expect(usable.record).to.equal(null);
      expect(usable.chain).to.have.length(3);
      await rejectsWith(() => withAnchor.services.certificates.assertUsable(cert.certPem, { organisationId: otherOrg, usage: 'signature', intermediatesPem: [external.issuing.certPem] }), 'CERT_SUBJECT_MISMATCH');
    } finally {
      await withAnchor.stop();
    }
    await rejectsWith(() => app.services.certificates.assertUsable(cert.certPem, { usage: 'signature', intermediatesPem: [external.issuing.certPem] }), 'CERT_UNTRUSTED');
  });
});
