import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateError, isCryptoError } from '../../crypto/errors.js';
import { OID } from '../../crypto/oids.js';
import { issueTimestampToken, timestampTokenFromResponse, verifyTimestampToken } from '../../crypto/timestamp.js';
import { openssl, TestPki, tempDir, writeFile } from '../helpers/test-pki.js';

async function expectCode(promise: Promise<unknown>, ...codes: string[]): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isCryptoError(error), String(error)).to.equal(true);
    expect(codes, (error as Error).message).to.include((error as { code: string }).code);
    return;
  }
  expect.fail(`expected ${codes.join('|')}, but it succeeded`);
}

const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash('sha256').update(data).digest());

describe('crypto/timestamp: RFC 3161 timestamp authority', function () {
  this.timeout(120_000);
  const pki = new TestPki('Tenderhall TSA Test Root');
  const tsa = pki.issue('tsa', 'Tenderhall TSA');
  const platform = pki.issue('platform', 'Tenderhall Platform'); // no timeStamping usage
  const strangers = new TestPki('Some Other Root');
  const dir = tempDir();
  const rootPath = writeFile(dir, 'root.crt', pki.root.certificatePem);
  const tsaCertPath = writeFile(dir, 'tsa.crt', tsa.certificatePem);
  writeFile(dir, 'tsa.key', tsa.privateKeyPem);
  const data = new TextEncoder().encode('sealed envelope bytes 投标文件\n');
  const dataPath = writeFile(dir, 'data.bin', data);
  const imprint = sha256(data);
  // a minute ago, whole seconds: inside the test TSA certificate's validity whenever the test runs
  const genTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const opensslTime = (d: Date) => `${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()} GMT`;

  const issue = (overrides: Partial<Parameters<typeof issueTimestampToken>[0]> = {}) =>
    issueTimestampToken({ messageImprintSha256: imprint, tsaCertificatePem: tsa.certificatePem, tsaPrivateKeyPem: tsa.privateKeyPem, serialNumber: 42n, genTime, nonce: 0x1234567890n, ...overrides });

  it('can issue a token that our verifier accepts with its time, serial and policy', async () => {
    const token = await issue();
    const verified = await verifyTimestampToken(token, { expectedImprintSha256: imprint, trustAnchorsPem: pki.root.certificatePem });
    expect(verified.genTime.toISOString()).to.equal(genTime.toISOString());
    expect(verified.serialNumber).to.equal('42');
    expect(verified.nonce).to.equal(String(0x1234567890n));
    expect(verified.policyOid).to.equal(OID.tenderhallTsaPolicy);
    expect(verified.tsaCertificatePem.replace(/\r/g, '')).to.equal(tsa.certificatePem.replace(/\r/g, ''));
  });

  it('openssl ts -verify accepts our token (-data and -digest)', async () => {
    const tokenPath = writeFile(dir, 'ours.tsr', await issue());
    const byData = openssl(['ts', '-verify', '-data', dataPath, '-in', tokenPath, '-token_in', '-CAfile', rootPath, '-untrusted', tsaCertPath]);
    expect(byData.status, byData.output).to.equal(0);
    expect(byData.output).to.contain('Verification: OK');
    const byDigest = openssl(['ts', '-verify', '-digest', Buffer.from(imprint).toString('hex'), '-in', tokenPath, '-token_in', '-CAfile', rootPath]);
    expect(byDigest.status, byDigest.output).to.equal(0);
    const text = openssl(['ts', '-reply', '-in', tokenPath, '-token_in', '-text', '-token_out']);
    expect(text.output).to.contain('Serial number: 0x2A');
    expect(text.output).to.contain(opensslTime(genTime));
  });

  it('openssl ts -verify refuses our token after any flipped byte in the TSTInfo, signed attributes or signature, and for other data', async () => {
    const token = await issue();
    const tokenPath = writeFile(dir, 'ok.tsr', token);
    // Where the signed parts lie, from openssl's own parse: eContent (TSTInfo), signedAttrs, signature value.
    const lines = openssl(['asn1parse', '-inform', 'DER', '-in', tokenPath]).output.split('\n');
    const region = (re: RegExp): [number, number] => {
      const line = lines.find((l) => re.test(l));
      const m = line?.match(/^\s*(\d+):d=\d+\s+hl=(\d+) l=\s*(\d+)/);
      if (!m) throw new Error(`no ${re} in asn1parse output`);
      return [Number(m[1]), Number(m[1]) + Number(m[2]) + Number(m[3])];
    };
    const signedParts = [region(/d=5 .*prim:\s+OCTET STRING/), region(/d=5 .*cont \[ 0 \]/), region(/d=5 .*l= 256 prim:\s+OCTET STRING/)];
    const acceptedAt: number[] = [];
    // every 3rd byte keeps the run near 15 s (one openssl process per flip); our own verifier is checked at every bit below
    for (let pos = 0; pos < token.length; pos += 3) {
      const bad = token.slice();
      bad[pos] = bad[pos]! ^ 0x10;
      const result = openssl(['ts', '-verify', '-data', dataPath, '-in', writeFile(dir, 'bad.tsr', bad), '-token_in', '-CAfile', rootPath]);
      if (result.status === 0) acceptedAt.push(pos);
    }
    const inSigned = acceptedAt.filter((pos) => signedParts.some(([a, b]) => pos >= a && pos < b));
    expect(inSigned, `openssl accepted flips inside signed parts at ${inSigned.join(',')}`).to.deep.equal([]);
    // OpenSSL tolerates flips in a few unsigned CMS fields (versions, NULL parameters, the signature
    // algorithm OID): our verifier refuses those too.
    expect(acceptedAt.length).to.be.lessThan(20);
    for (const pos of acceptedAt) {
      const bad = token.slice();
      bad[pos] = bad[pos]! ^ 0x10;
      await expectCode(verifyTimestampToken(bad, { expectedImprintSha256: imprint, trustAnchorsPem: pki.root.certificatePem }), 'TIMESTAMP_INVALID', 'CMS_MALFORMED', 'CMS_UNSUPPORTED');
    }
    const other = openssl(['ts', '-verify', '-data', writeFile(dir, 'other.bin', 'other'), '-in', tokenPath, '-token_in', '-CAfile', rootPath]);
    expect(other.status).to.not.equal(0);
  });

  it('refuses a token after any flipped byte (typed error, every byte)', async () => {
    const token = await issue();
    for (let pos = 0; pos < token.length; pos++) {
      const bad = token.slice();
      bad[pos] = bad[pos]! ^ (1 << (pos % 8));
      if (pos % 2 === 0) bad[pos] = bad[pos]! ^ 0x20; // two bits: also a case flip in names
      await expectCode(
        verifyTimestampToken(bad, { expectedImprintSha256: imprint, trustAnchorsPem: pki.root.certificatePem }),
        'TIMESTAMP_INVALID', 'CMS_MALFORMED', 'CMS_UNSUPPORTED', 'CERT_UNTRUSTED', 'PEM_MALFORMED',
      );
    }
  });

  it('refuses a token for other data, from an untrusted TSA, or refused by the trust callback', async () => {
    const token = await issue();
    await expectCode(verifyTimestampToken(token, { expectedImprintSha256: sha256('other'), trustAnchorsPem: pki.root.certificatePem }), 'TIMESTAMP_INVALID');
    await expectCode(verifyTimestampToken(token, { expectedImprintSha256: imprint, trustAnchorsPem: strangers.root.certificatePem }), 'CERT_UNTRUSTED');
    let seen = '';
    await expectCode(
      verifyTimestampToken(token, {
        expectedImprintSha256: imprint,
        trust: async (pem) => {
          seen = pem;
          throw new CertificateError('CERT_REVOKED', 'revoked');
        },
      }),
      'CERT_REVOKED',
    );
    expect(seen).to.contain('BEGIN CERTIFICATE');
  });

  it('refuses to issue with a certificate that is not a TSA certificate', async () => {
    await expectCode(issue({ tsaCertificatePem: platform.certificatePem, tsaPrivateKeyPem: platform.privateKeyPem }), 'CERT_WRONG_USAGE');
  });

  for (const essAlg of ['sha1', 'sha256'] as const) {
    it(`accepts a token made by openssl ts -reply (ess_cert_id_alg ${essAlg}), as a token and inside a TimeStampResp`, async () => {
      const cnf = join(dir, `tsa-${essAlg}.cnf`);
      writeFileSync(join(dir, 'tsaserial'), '0100\n');
      writeFileSync(
        cnf,
        [
          '[ tsa ]',
          'default_tsa = tsa_config1',
          '[ tsa_config1 ]',
          `dir = ${dir}`,
          'serial = $dir/tsaserial',
          'crypto_device = builtin',
          'signer_cert = $dir/tsa.crt',
          'signer_key = $dir/tsa.key',
          'signer_digest = sha256',
          'default_policy = 1.2.3.4.1',
          'digests = sha256',
          'accuracy = secs:1',
          'ordering = no',
          'tsa_name = yes',
          'ess_cert_id_chain = no',
          `ess_cert_id_alg = ${essAlg}`,
          '',
        ].join('\n'),
      );
      const query = openssl(['ts', '-query', '-data', dataPath, '-sha256', '-cert', '-out', join(dir, 'req.tsq')]);
      expect(query.status, query.output).to.equal(0);
      const reply = openssl(['ts', '-reply', '-config', cnf, '-queryfile', join(dir, 'req.tsq'), '-out', join(dir, 'resp.tsr')]);
      expect(reply.status, reply.output).to.equal(0);
      const token = timestampTokenFromResponse(new Uint8Array(readFileSync(join(dir, 'resp.tsr'))));
      const verified = await verifyTimestampToken(token, { expectedImprintSha256: imprint, trustAnchorsPem: pki.root.certificatePem });
      expect(verified.policyOid).to.equal('1.2.3.4.1');
      expect(verified.serialNumber).to.equal(String(0x101)); // openssl increments the serial file before use
      expect(Math.abs(verified.genTime.getTime() - Date.now())).to.be.lessThan(120_000);
      await expectCode(verifyTimestampToken(token, { expectedImprintSha256: sha256('x'), trustAnchorsPem: pki.root.certificatePem }), 'TIMESTAMP_INVALID');
      const tokenOut = openssl(['ts', '-reply', '-config', cnf, '-queryfile', join(dir, 'req.tsq'), '-token_out', '-out', join(dir, 'token.tsr')]);
      expect(tokenOut.status, tokenOut.output).to.equal(0);
      await verifyTimestampToken(new Uint8Array(readFileSync(join(dir, 'token.tsr'))), { expectedImprintSha256: imprint, trustAnchorsPem: pki.root.certificatePem });
      // requested without -cert: the token carries no certificate, the TSA certificate is supplied
      expect(openssl(['ts', '-query', '-data', dataPath, '-sha256', '-out', join(dir, 'req-nocert.tsq')]).status).to.equal(0);
      expect(openssl(['ts', '-reply', '-config', cnf, '-queryfile', join(dir, 'req-nocert.tsq'), '-token_out', '-out', join(dir, 'token-nocert.tsr')]).status).to.equal(0);
      const bare = new Uint8Array(readFileSync(join(dir, 'token-nocert.tsr')));
      await expectCode(verifyTimestampToken(bare, { expectedImprintSha256: imprint, trustAnchorsPem: pki.root.certificatePem }), 'TIMESTAMP_INVALID');
      await verifyTimestampToken(bare, { expectedImprintSha256: imprint, trustAnchorsPem: pki.root.certificatePem, untrustedPem: tsa.certificatePem });
    });
  }
});
