import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPlatformCa, issueCertificate, type CertificateProfile, type PlatformCa } from '../../crypto/ca.js';
import { createCsr } from '../../crypto/csr.js';
import { isCryptoError } from '../../crypto/errors.js';
import { generateOpeningKeyPair } from '../../crypto/node/opening-key.js';
import { combineShares, openSealedShare, sealShareFor, splitOpeningKey } from '../../crypto/opening-key.js';
import { makeReceipt, verifyReceipt } from '../../crypto/receipt.js';
import { makeKeyPair, openssl, tempDir, writeFile } from '../helpers/test-pki.js';

/** The opening key and receipts with certificates from the real platform CA (root → issuing → leaf). */
describe('opening key and receipts with the platform CA (crypto/ca.ts profiles)', function () {
  this.timeout(180_000);
  const now = new Date();
  let ca: PlatformCa;
  let chainPem: string;
  const issue = (profile: CertificateProfile, commonName: string, keyPair = makeKeyPair()) => ({
    certificatePem: issueCertificate(ca.issuing, createCsr(keyPair.privateKeyPem, { commonName }), { profile, now: new Date(now.getTime() - 60_000) }).certPem,
    privateKeyPem: keyPair.privateKeyPem,
  });

  before(async () => {
    ca = await createPlatformCa({ now: new Date(now.getTime() - 3_600_000) });
    chainPem = `${ca.issuing.certPem}${ca.root.certPem}`;
  });

  it('splits an RSA-3072 opening key certified with the opening profile, seals shares to officials, and rebuilds it', async () => {
    const keyPair = await generateOpeningKeyPair();
    const opening = issue('opening', 'Opening key T-CA-1', keyPair);
    const officials = [1, 2, 3].map((i) => issue('official', `Official ${i}`));
    const shares = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId: 'T-CA-1', k: 2, n: 3 });
    const sealed = await Promise.all(shares.map((s, i) => sealShareFor(s, officials[i]!.certificatePem)));
    const opened = [await openSealedShare(sealed[0]!, officials[0]!), await openSealedShare(sealed[2]!, officials[2]!)];
    expect(await combineShares(opened, { openingCertificatePem: opening.certificatePem, tradeId: 'T-CA-1' })).to.equal(keyPair.privateKeyPem);
  });

  it('makes a receipt with platform- and tsa-profile certificates that verifies with the chain, here and in openssl', async () => {
    const platform = issue('platform', 'Tenderhall Platform');
    const tsa = issue('tsa', 'Tenderhall TSA');
    const envelope = new TextEncoder().encode('sealed bytes');
    const sha256 = createHash('sha256').update(envelope).digest('hex');
    const fields = { trade: 'T-CA-1', bidder: '91110000MA01ABCD2X', sha256, size: envelope.length, receivedAt: now.toISOString(), seq: 1 };
    const receipt = await makeReceipt(fields, {
      platformCertificatePem: platform.certificatePem,
      platformPrivateKeyPem: platform.privateKeyPem,
      platformChainPem: ca.issuing.certPem,
      tsa: { ...tsa, chainPem: ca.issuing.certPem },
      now,
    });
    const verified = await verifyReceipt(receipt, { trustAnchorsPem: ca.root.certPem });
    expect(verified.fields).to.deep.equal(fields);
    // what `tenderhall receipt verify --ca chain.pem` passes: the issuing CA and the root together
    expect((await verifyReceipt(receipt, { trustAnchorsPem: chainPem })).fields).to.deep.equal(fields);

    const dir = tempDir();
    const rootPath = writeFile(dir, 'root.crt', ca.root.certPem);
    writeFile(dir, 'chain.pem', chainPem);
    const receiptPath = writeFile(dir, 'receipt.der', receipt);
    const cms = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', receiptPath, '-CAfile', rootPath, '-out', join(dir, 'receipt.json')]);
    expect(cms.status, cms.output).to.equal(0);
    const json = JSON.parse(readFileSync(join(dir, 'receipt.json'), 'utf8')) as { timestampToken: string };
    const tokenPath = writeFile(dir, 'token.tsr', Buffer.from(json.timestampToken, 'base64'));
    const ts = openssl(['ts', '-verify', '-digest', sha256, '-in', tokenPath, '-token_in', '-CAfile', rootPath]);
    expect(ts.status, ts.output).to.equal(0);

    // A platform certificate may not stamp time: a token signed with it is refused.
    try {
      await makeReceipt(fields, { platformCertificatePem: platform.certificatePem, platformPrivateKeyPem: platform.privateKeyPem, tsa: platform, now });
      expect.fail('a platform certificate was accepted as a TSA');
    } catch (error) {
      expect(isCryptoError(error) && error.code).to.equal('CERT_WRONG_USAGE');
    }
  });
});
