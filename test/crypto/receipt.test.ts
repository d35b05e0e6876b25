import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCryptoError } from '../../crypto/errors.js';
import { makeReceipt, verifyReceipt, type ReceiptFields } from '../../crypto/receipt.js';
import { issueTimestampToken } from '../../crypto/timestamp.js';
import { openssl, TestPki, tempDir, writeFile } from '../helpers/test-pki.js';

async function expectCode(promise: Promise<unknown>, ...codes: string[]): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isCryptoError(error), String((error as Error).stack)).to.equal(true);
    const code = (error as { code: string }).code;
    expect(codes, `${code}: ${(error as Error).message}`).to.include(code);
    return code;
  }
  return expect.fail(`expected ${codes.join('|')}, but it succeeded`);
}

describe('crypto/receipt: platform-signed upload receipts with an RFC 3161 timestamp', function () {
  this.timeout(180_000);
  const pki = new TestPki('Tenderhall Receipt Test Root');
  const platform = pki.issue('platform', 'Tenderhall Platform');
  const tsa = pki.issue('tsa', 'Tenderhall TSA');
  const strangers = new TestPki('Some Other Root');
  const impostor = strangers.issue('platform', 'Tenderhall Platform');
  const envelope = new TextEncoder().encode('the sealed envelope bytes');
  const sha256 = createHash('sha256').update(envelope).digest('hex');
  const now = new Date();
  const fields: ReceiptFields = { trade: 'T-2026-001', bidder: '91110000MA01ABCD2X', sha256, size: envelope.length, receivedAt: now.toISOString(), seq: 7 };
  const options = { platformCertificatePem: platform.certificatePem, platformPrivateKeyPem: platform.privateKeyPem, tsa: { certificatePem: tsa.certificatePem, privateKeyPem: tsa.privateKeyPem, serialNumber: 1001n }, now };
  const trust = { trustAnchorsPem: pki.root.certificatePem };
  const dir = tempDir();
  const rootPath = writeFile(dir, 'root.crt', pki.root.certificatePem);
  let receipt: Uint8Array;

  before(async () => {
    receipt = await makeReceipt(fields, options);
  });

  it('can make a receipt that our verifier accepts, with its fields and the TSA time', async () => {
    const verified = await verifyReceipt(receipt, trust);
    expect(verified.fields).to.deep.equal(fields);
    expect(Math.abs(verified.genTime.getTime() - now.getTime())).to.be.lessThan(1000);
    expect(verified.timestampSerial).to.equal('1001');
    expect(verified.platformCertificatePem).to.contain('BEGIN CERTIFICATE');
    expect(verified.tsaCertificatePem).to.contain('BEGIN CERTIFICATE');
  });

  it('verifies offline with openssl: cms -verify prints the canonical JSON, ts -verify -digest checks the token', async () => {
    const receiptPath = writeFile(dir, 'receipt.der', receipt);
    const jsonPath = join(dir, 'receipt.json');
    const cms = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', receiptPath, '-CAfile', rootPath, '-out', jsonPath]);
    expect(cms.status, cms.output).to.equal(0);
    expect(cms.output).to.contain('Verification successful');
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ReceiptFields & { timestampToken: string };
    expect(json).to.include(fields);
    const tokenPath = writeFile(dir, 'token.tsr', Buffer.from(json.timestampToken, 'base64'));
    const ts = openssl(['ts', '-verify', '-digest', json.sha256, '-in', tokenPath, '-token_in', '-CAfile', rootPath]);
    expect(ts.status, ts.output).to.equal(0);
    expect(ts.output).to.contain('Verification: OK');
    const byData = openssl(['ts', '-verify', '-data', writeFile(dir, 'envelope.bin', envelope), '-in', tokenPath, '-token_in', '-CAfile', rootPath]);
    expect(byData.status, byData.output).to.equal(0);
  });

  it('the auditor commands in docs/receipts.md work as written (bash, openssl, jq, base64)', async () => {
    const work = tempDir();
    writeFile(work, 'receipt.der', receipt);
    writeFile(work, 'root.crt', pki.root.certificatePem);
    writeFile(work, 'bid.cms', envelope);
    const script = [
      'set -euo pipefail',
      'openssl cms -verify -binary -inform DER -in receipt.der -CAfile root.crt -out receipt.json',
      'jq -r .timestampToken receipt.json | base64 -d > token.tsr',
      'openssl ts -verify -digest "$(jq -r .sha256 receipt.json)" -in token.tsr -token_in -CAfile root.crt',
      'openssl ts -reply -in token.tsr -token_in -token_out -text | grep "Time stamp:"',
      'test "$(sha256sum bid.cms | cut -d" " -f1)" = "$(jq -r .sha256 receipt.json)"',
      'test "$(stat -c %s bid.cms)" = "$(jq -r .size receipt.json)"',
      'echo AUDIT-OK',
    ].join('\n');
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync('bash', ['-c', script], { cwd: work, encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).to.equal(0);
    expect(result.stdout).to.contain('Verification: OK');
    expect(result.stdout).to.contain('AUDIT-OK');
  });

  for (const field of ['trade', 'bidder', 'sha256', 'size', 'receivedAt', 'seq', 'timestampToken'] as const) {
    it(`refuses a receipt whose ${field} was edited in place (ours and openssl cms -verify)`, async () => {
      const text = Buffer.from(receipt).toString('latin1');
      const marker = `"${field}":`;
      const at = text.indexOf(marker) + marker.length + (field === 'size' || field === 'seq' ? 0 : 1) + (field === 'timestampToken' ? 200 : 0);
      expect(at).to.be.greaterThan(marker.length);
      const edited = Uint8Array.from(receipt);
      edited[at] = edited[at] === 0x31 ? 0x32 : 0x31; // another digit or letter, same length
      await expectCode(verifyReceipt(edited, trust), 'RECEIPT_INVALID');
      const result = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', writeFile(dir, 'edited.der', edited), '-CAfile', rootPath, '-out', join(dir, 'edited.json')]);
      expect(result.status).to.not.equal(0);
    });
  }

  it('refuses any flipped byte with a typed error (every 3rd byte)', async () => {
    for (let pos = 0; pos < receipt.length; pos += 3) {
      const bad = Uint8Array.from(receipt);
      bad[pos] = bad[pos]! ^ (1 << (pos % 8));
      await expectCode(verifyReceipt(bad, trust), 'RECEIPT_INVALID', 'TIMESTAMP_INVALID', 'CMS_MALFORMED', 'CMS_UNSUPPORTED', 'TRUNCATED', 'PEM_MALFORMED', 'CERT_UNTRUSTED');
    }
  });

  it('refuses a truncated receipt', async () => {
    for (const cut of [1, 10, receipt.length >> 1, receipt.length - 1]) await expectCode(verifyReceipt(receipt.subarray(0, cut), trust), 'CMS_MALFORMED', 'TRUNCATED');
  });

  it('refuses a receipt signed by a certificate outside the trust anchors', async () => {
    const forged = await makeReceipt(fields, { ...options, platformCertificatePem: impostor.certificatePem, platformPrivateKeyPem: impostor.privateKeyPem });
    await expectCode(verifyReceipt(forged, trust), 'CERT_UNTRUSTED');
  });

  it('refuses a receipt whose token stamps another hash (TIMESTAMP_INVALID)', async () => {
    const other = await issueTimestampToken({ messageImprintSha256: new Uint8Array(32).fill(7), tsaCertificatePem: tsa.certificatePem, tsaPrivateKeyPem: tsa.privateKeyPem, serialNumber: 5n, genTime: now });
    const wrong = await makeReceipt(fields, { ...options, tsa: { timestampToken: other } });
    await expectCode(verifyReceipt(wrong, trust), 'TIMESTAMP_INVALID');
  });

  it('refuses a token from a TSA outside the trust anchors', async () => {
    const rogueTsa = strangers.issue('tsa', 'Rogue TSA');
    const wrong = await makeReceipt(fields, { ...options, tsa: { certificatePem: rogueTsa.certificatePem, privateKeyPem: rogueTsa.privateKeyPem } });
    await expectCode(verifyReceipt(wrong, trust), 'CERT_UNTRUSTED');
  });

  it('refuses a receipt whose timestamp is far from receivedAt', async () => {
    const late = await makeReceipt(fields, { ...options, now: new Date(now.getTime() + 3_600_000) });
    await expectCode(verifyReceipt(late, trust), 'RECEIPT_INVALID');
    expect((await verifyReceipt(late, { ...trust, maxSkewMs: 2 * 3_600_000 })).fields).to.deep.equal(fields);
  });

  it('refuses to make a receipt from malformed fields', async () => {
    for (const bad of [{ sha256: 'ABC' }, { size: -1 }, { seq: 1.5 }, { receivedAt: '25/11/2026' }, { trade: '' }]) {
      try {
        await makeReceipt({ ...fields, ...bad } as ReceiptFields, options);
        expect.fail(`accepted ${JSON.stringify(bad)}`);
      } catch (error) {
        expect(error).to.be.instanceOf(RangeError);
      }
    }
  });
});
