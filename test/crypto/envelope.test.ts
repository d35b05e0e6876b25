import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBytes, openWithContentKey, sealBytes, unlockContentKey, envelopeRecipients } from '../../crypto/envelope.js';
import { CryptoError } from '../../crypto/errors.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { webProvider } from '../../crypto/web/provider.js';
import { openssl, prngBytes, removeDir, sealPki, sha256Hex, tempDir, typedError } from './helpers.js';

const providers: Array<[string, CryptoProvider]> = [
  ['node', nodeProvider],
  ['webcrypto', webProvider],
];
const sizes = [0, 1, 1_000_000];

describe('crypto/envelope: CMS AuthEnvelopedData (AES-256-GCM, RSA-OAEP-SHA256)', function () {
  const pki = sealPki();
  let dir: string;
  before(() => (dir = tempDir()));
  after(() => removeDir(dir));

  for (const [name, provider] of providers) {
    for (const size of sizes) {
      it(`can seal and open ${size} bytes for each recipient (${name} provider)`, async () => {
        const plaintext = prngBytes(size, size + 1);
        const der = await sealBytes(plaintext, [pki.bidder.certificatePem, pki.opening.certificatePem], { provider });
        for (const recipient of [pki.bidder, pki.opening]) {
          const opened = await openBytes(der, recipient, { provider });
          expect(sha256Hex(opened)).to.equal(sha256Hex(plaintext));
        }
        expect(envelopeRecipients(der)).to.have.length(2);
      });
    }
  }

  it('can seal and open Node Buffers (views into a shared pool) with the webcrypto provider', async () => {
    const plaintext = Buffer.from('a small bid package in a pooled Buffer');
    const der = Buffer.from(await sealBytes(plaintext, [pki.opening.certificatePem], { provider: webProvider }));
    const opened = await openBytes(der, pki.opening, { provider: webProvider });
    expect(Buffer.from(opened).toString()).to.equal(plaintext.toString());
  });

  it('can open with the content key alone, and with the key alone (no certificate)', async () => {
    const plaintext = prngBytes(1000);
    const der = await sealBytes(plaintext, [pki.bidder.certificatePem, pki.opening.certificatePem]);
    const cek = await unlockContentKey(der, pki.bidder);
    expect(cek).to.have.length(32);
    expect(sha256Hex(await openWithContentKey(der, cek))).to.equal(sha256Hex(plaintext));
    const cek2 = await unlockContentKey(der, { privateKeyPem: pki.opening.privateKeyPem });
    expect(Buffer.from(cek2).equals(Buffer.from(cek))).to.equal(true);
  });

  for (const size of sizes) {
    it(`is opened byte-exact by openssl cms -decrypt with the opening key (${size} bytes)`, async () => {
      const plaintext = prngBytes(size, 3);
      const der = await sealBytes(plaintext, [pki.bidder.certificatePem, pki.opening.certificatePem], { provider: nodeProvider });
      writeFileSync(join(dir, 'env.der'), der);
      const result = openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', join(dir, 'env.der'), '-recip', pki.opening.certPath, '-inkey', pki.opening.keyPath, '-out', join(dir, 'plain.out')]);
      expect(result.status, result.stderr).to.equal(0);
      expect(sha256Hex(readFileSync(join(dir, 'plain.out')))).to.equal(sha256Hex(plaintext));
    });
  }

  for (const size of sizes) {
    it(`can open an envelope made by openssl cms -encrypt -aes-256-gcm with OAEP-SHA256 (${size} bytes)`, async () => {
      const plaintext = prngBytes(size, 5);
      writeFileSync(join(dir, 'in.bin'), plaintext);
      const result = openssl([
        'cms', '-encrypt', '-binary', '-aes-256-gcm', '-in', join(dir, 'in.bin'), '-outform', 'DER', '-out', join(dir, 'ossl.der'),
        '-recip', pki.opening.certPath, '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256',
      ]);
      expect(result.status, result.stderr).to.equal(0);
      const opened = await openBytes(new Uint8Array(readFileSync(join(dir, 'ossl.der'))), pki.opening);
      expect(sha256Hex(opened)).to.equal(sha256Hex(plaintext));
    });
  }

  it('can open a BER envelope streamed by openssl cms -encrypt -stream (indefinite lengths, constructed ciphertext)', async () => {
    const plaintext = prngBytes(100_000, 6);
    writeFileSync(join(dir, 'in.bin'), plaintext);
    const result = openssl([
      'cms', '-encrypt', '-stream', '-binary', '-aes-256-gcm', '-in', join(dir, 'in.bin'), '-outform', 'DER', '-out', join(dir, 'ber.der'),
      '-recip', pki.opening.certPath, '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256',
    ]);
    expect(result.status, result.stderr).to.equal(0);
    const der = new Uint8Array(readFileSync(join(dir, 'ber.der')));
    expect(der[1]).to.equal(0x80);
    expect(sha256Hex(await openBytes(der, pki.opening))).to.equal(sha256Hex(plaintext));
    const tampered = der.slice();
    tampered[der.length - 30]! ^= 1;
    expect((await typedError(() => openBytes(tampered, pki.opening))).code).to.be.oneOf(['AUTH_TAG_INVALID', 'CMS_MALFORMED']);
  });

  it('refuses an openssl envelope with PKCS#1 v1.5 key transport (CMS_UNSUPPORTED)', async () => {
    writeFileSync(join(dir, 'in.bin'), 'x');
    const result = openssl(['cms', '-encrypt', '-binary', '-aes-256-gcm', '-in', join(dir, 'in.bin'), '-outform', 'DER', '-out', join(dir, 'v15.der'), '-recip', pki.opening.certPath]);
    expect(result.status, result.stderr).to.equal(0);
    const error = await typedError(() => openBytes(new Uint8Array(readFileSync(join(dir, 'v15.der'))), pki.opening));
    expect(error.code).to.equal('CMS_UNSUPPORTED');
  });

  describe('bad input', () => {
    let der: Uint8Array;
    const plaintext = prngBytes(4096, 9);
    before(async () => {
      der = await sealBytes(plaintext, [pki.bidder.certificatePem, pki.opening.certificatePem]);
    });
    const flipped = (at: number): Uint8Array => {
      const copy = der.slice();
      copy[at]! ^= 0x01;
      return copy;
    };

    it('refuses a flipped bit in the ciphertext (AUTH_TAG_INVALID)', async () => {
      const error = await typedError(() => openBytes(flipped(der.length - 18 - 100), pki.opening));
      expect(error.code).to.equal('AUTH_TAG_INVALID');
    });

    it('refuses a flipped bit in the tag (AUTH_TAG_INVALID)', async () => {
      const error = await typedError(() => openBytes(flipped(der.length - 1), pki.opening));
      expect(error.code).to.equal('AUTH_TAG_INVALID');
    });

    // RecipientInfos are not authenticated by AuthEnvelopedData (RFC 5083 §2.1): a flip in one
    // recipient's info is seen only by that recipient; the outer signature covers all bytes
    // (sealed-bid.test.ts flips every byte under it).
    it('refuses a flipped bit anywhere in the header with a typed error for at least one recipient, and never opens it for both', async () => {
      const headerLength = der.length - plaintext.length - 18;
      const codes = new Set<string>();
      for (let at = 0; at < headerLength; at++) {
        let failures = 0;
        for (const recipient of [pki.opening, pki.bidder]) {
          try {
            const opened = await openBytes(flipped(at), recipient);
            expect(sha256Hex(opened)).to.equal(sha256Hex(plaintext));
          } catch (error) {
            expect(error, String(error)).to.be.instanceOf(CryptoError);
            codes.add((error as CryptoError).code);
            failures++;
          }
        }
        expect(failures, `flip at ${at}`).to.be.greaterThan(0);
      }
      expect([...codes]).to.include.members(['CMS_MALFORMED', 'NOT_A_RECIPIENT', 'AUTH_TAG_INVALID']);
    });

    it('refuses a truncated envelope (TRUNCATED)', async () => {
      for (const cut of [1, 17, 500, der.length - 10]) {
        const error = await typedError(() => openBytes(der.subarray(0, der.length - cut), pki.opening));
        expect(error.code, `cut ${cut}`).to.be.oneOf(['TRUNCATED', 'CMS_MALFORMED']);
      }
      expect((await typedError(() => openBytes(der.subarray(0, der.length - 1), pki.opening))).code).to.equal('TRUNCATED');
    });

    it('refuses a certificate that is not a recipient (NOT_A_RECIPIENT)', async () => {
      expect((await typedError(() => openBytes(der, pki.otherBidder))).code).to.equal('NOT_A_RECIPIENT');
      expect((await typedError(() => unlockContentKey(der, { privateKeyPem: pki.otherBidder.privateKeyPem }))).code).to.equal('NOT_A_RECIPIENT');
    });

    it('refuses the right certificate with the wrong private key (KEY_MISMATCH)', async () => {
      const error = await typedError(() => openBytes(der, { certificatePem: pki.opening.certificatePem, privateKeyPem: pki.otherBidder.privateKeyPem }));
      expect(error.code).to.equal('KEY_MISMATCH');
    });

    it('refuses a wrong content key (AUTH_TAG_INVALID) and one of the wrong size (KEY_MISMATCH)', async () => {
      expect((await typedError(() => openWithContentKey(der, new Uint8Array(32)))).code).to.equal('AUTH_TAG_INVALID');
      expect((await typedError(() => openWithContentKey(der, new Uint8Array(16)))).code).to.equal('KEY_MISMATCH');
    });

    it('refuses garbage and malformed ASN.1 (CMS_MALFORMED)', async () => {
      for (const garbage of [new Uint8Array(0), Uint8Array.of(0x30), Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff), prngBytes(300, 4), new TextEncoder().encode('-----BEGIN CMS-----')]) {
        const error = await typedError(() => openBytes(garbage, pki.opening));
        expect(error.code).to.be.oneOf(['CMS_MALFORMED', 'TRUNCATED']);
      }
    });
  });
});
