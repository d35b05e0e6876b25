import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { nodeProvider } from '../../crypto/node/provider.js';
import { derToPem, pemBlocks, pemToDer } from '../../crypto/pem.js';
import { DEFAULT_SUITE } from '../../crypto/suite.js';
import { webProvider } from '../../crypto/web/provider.js';
import { prngBytes, sealPki, typedError } from './helpers.js';

describe('crypto/provider: node:crypto and WebCrypto agree', function () {
  const pki = sealPki();
  const pairs = [
    ['node', nodeProvider, 'webcrypto', webProvider],
    ['webcrypto', webProvider, 'node', nodeProvider],
  ] as const;

  it('hashes like Node (SHA-256 known answer for "abc")', async () => {
    const abc = new TextEncoder().encode('abc');
    for (const provider of [nodeProvider, webProvider]) {
      expect(Buffer.from(await provider.sha256(abc)).toString('hex')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(Buffer.from(await provider.digest('SHA-512', abc)).toString('hex')).to.equal(createHash('sha512').update('abc').digest('hex'));
    }
  });

  for (const [a, pa, b, pb] of pairs) {
    it(`can sign RSA-PSS and wrap a key with RSA-OAEP with ${a} and undo it with ${b}`, async () => {
      const data = prngBytes(1000, 1);
      const signature = await pa.sign(DEFAULT_SUITE.signature, pki.bidder.privateKeyPem, data);
      expect(await pb.verify(DEFAULT_SUITE.signature, pki.bidder.certificatePem, data, signature)).to.equal(true);
      expect(await pb.verify(DEFAULT_SUITE.signature, pki.otherBidder.certificatePem, data, signature)).to.equal(false);
      const cek = pa.randomBytes(32);
      const wrapped = await pa.encryptKey(pki.opening.certificatePem, cek, 'SHA-256');
      expect(Buffer.from(await pb.decryptKey(pki.opening.privateKeyPem, wrapped, 'SHA-256')).equals(Buffer.from(cek))).to.equal(true);
      expect((await typedError(() => pb.decryptKey(pki.bidder.privateKeyPem, wrapped, 'SHA-256'))).code).to.equal('KEY_MISMATCH');
      const iv = pa.randomBytes(12);
      const { ciphertext, tag } = await pa.aesGcmEncrypt(cek, iv, data);
      expect(Buffer.from(await pb.aesGcmDecrypt(cek, iv, ciphertext, tag)).equals(Buffer.from(data))).to.equal(true);
      const badTag = tag.slice();
      badTag[0]! ^= 1;
      expect((await typedError(() => pb.aesGcmDecrypt(cek, iv, ciphertext, badTag))).code).to.equal('AUTH_TAG_INVALID');
    });
  }

  it('refuses unreadable keys (PEM_MALFORMED)', async () => {
    for (const provider of [nodeProvider, webProvider]) {
      expect((await typedError(() => provider.sign(DEFAULT_SUITE.signature, 'not a key', new Uint8Array(1)))).code).to.equal('PEM_MALFORMED');
      expect((await typedError(() => provider.encryptKey('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', new Uint8Array(32), 'SHA-256'))).code).to.be.oneOf(['PEM_MALFORMED', 'CMS_MALFORMED']);
    }
  });
});

describe('crypto/pem', () => {
  it('round-trips DER through PEM and reads every block of a chain', () => {
    const der = prngBytes(1000, 3);
    const pem = derToPem(der, 'CERTIFICATE');
    expect(pem.split('\n')[1]).to.have.length(64);
    expect(Buffer.from(pemToDer(pem)).equals(Buffer.from(der))).to.equal(true);
    expect(pemBlocks(pem + derToPem(Uint8Array.of(1, 2, 3), 'PUBLIC KEY')).map((b) => b.label)).to.deep.equal(['CERTIFICATE', 'PUBLIC KEY']);
  });

  it('refuses garbage (PEM_MALFORMED)', async () => {
    for (const text of ['', 'hello', '-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----', '-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----']) {
      expect((await typedError(async () => pemToDer(text))).code).to.equal('PEM_MALFORMED');
    }
    expect((await typedError(async () => pemToDer(derToPem(Uint8Array.of(1), 'PUBLIC KEY'), 'CERTIFICATE'))).code).to.equal('PEM_MALFORMED');
  });
});
