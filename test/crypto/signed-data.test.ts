import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeProvider } from '../../crypto/node/provider.js';
import { signAttached, signDetached, verifySignedData, sameCertificate } from '../../crypto/signed-data.js';
import { webProvider } from '../../crypto/web/provider.js';
import { openssl, prngBytes, removeDir, sealPki, sha256Hex, tempDir, typedError } from './helpers.js';

describe('crypto/signed-data: CMS SignedData (RSA-PSS, signingCertificateV2)', function () {
  const pki = sealPki();
  const bidder = { ...pki.bidder, chainPem: [pki.issuingPem] };
  let dir: string;
  before(() => (dir = tempDir()));
  after(() => removeDir(dir));
  const file = (name: string, bytes?: Uint8Array) => {
    const path = join(dir, name);
    if (bytes) writeFileSync(path, bytes);
    return path;
  };

  for (const [name, provider] of [['node', nodeProvider], ['webcrypto', webProvider]] as const) {
    for (const size of [0, 1, 1_000_000]) {
      it(`can sign attached and detached and verify ${size} bytes (${name} provider)`, async () => {
        const content = prngBytes(size, 11);
        const signingTime = new Date('2026-03-01T08:00:00Z');
        const attached = await signAttached(content, bidder, { provider, signingTime });
        const verified = await verifySignedData(attached, { provider });
        expect(sha256Hex(verified.content)).to.equal(sha256Hex(content));
        expect(verified.detached).to.equal(false);
        expect(verified.signingTime?.toISOString()).to.equal(signingTime.toISOString());
        expect(sameCertificate(verified.signerCertificatePem, pki.bidder.certificatePem)).to.equal(true);
        expect(verified.certificatesPem).to.have.length(2);
        expect(verified.signatureAlgorithm).to.deep.equal({ name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 });
        const detached = await signDetached(content, bidder, { provider });
        const checked = await verifySignedData(detached, { provider, detachedContent: content });
        expect(checked.detached).to.equal(true);
      });
    }
  }

  it('is accepted by openssl cms -verify -CAfile root (attached and detached)', async () => {
    const content = prngBytes(100_000, 12);
    file('content.bin', content);
    file('attached.der', await signAttached(content, bidder));
    const a = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', file('attached.der'), '-CAfile', pki.rootPath, '-purpose', 'any', '-out', file('out.bin')]);
    expect(a.status, a.stderr).to.equal(0);
    expect(sha256Hex(readFileSync(file('out.bin')))).to.equal(sha256Hex(content));
    file('detached.der', await signDetached(content, bidder));
    const d = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', file('detached.der'), '-content', file('content.bin'), '-CAfile', pki.rootPath, '-purpose', 'any', '-out', '/dev/null']);
    expect(d.status, d.stderr).to.equal(0);
    // and openssl refuses it once the content changes (the check is real)
    file('content2.bin', prngBytes(100_000, 13));
    const bad = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', file('detached.der'), '-content', file('content2.bin'), '-CAfile', pki.rootPath, '-purpose', 'any', '-out', '/dev/null']);
    expect(bad.status).to.not.equal(0);
  });

  for (const padding of ['pkcs1', 'pss'] as const) {
    for (const mode of ['attached', 'detached'] as const) {
      it(`can verify a ${mode} signature made by openssl cms -sign (${padding === 'pss' ? 'RSA-PSS' : 'PKCS#1 v1.5'})`, async () => {
        const content = prngBytes(5000, 14);
        file('c.bin', content);
        const args = ['cms', '-sign', '-binary', '-md', 'sha256', '-in', file('c.bin'), '-signer', pki.bidder.certPath, '-inkey', pki.bidder.keyPath, '-certfile', pki.chainPath, '-outform', 'DER', '-out', file('o.der')];
        if (mode === 'attached') args.push('-nodetach');
        if (padding === 'pss') args.push('-keyopt', 'rsa_padding_mode:pss');
        const result = openssl(args);
        expect(result.status, result.stderr).to.equal(0);
        const der = new Uint8Array(readFileSync(file('o.der')));
        const verified = await verifySignedData(der, mode === 'detached' ? { detachedContent: content } : {});
        expect(verified.signatureAlgorithm.name).to.equal(padding === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5');
        if (mode === 'attached') expect(sha256Hex(verified.content)).to.equal(sha256Hex(content));
        expect(sameCertificate(verified.signerCertificatePem, pki.bidder.certificatePem)).to.equal(true);
        // tampered content → DIGEST_MISMATCH
        const other = content.slice();
        other[0]! ^= 1;
        if (mode === 'detached') expect((await typedError(() => verifySignedData(der, { detachedContent: other }))).code).to.equal('DIGEST_MISMATCH');
      });
    }
  }

  it('can verify a BER signature streamed by openssl cms -sign -stream (indefinite lengths)', async () => {
    const content = prngBytes(50_000, 15);
    file('s.bin', content);
    const result = openssl(['cms', '-sign', '-stream', '-binary', '-nodetach', '-in', file('s.bin'), '-signer', pki.bidder.certPath, '-inkey', pki.bidder.keyPath, '-outform', 'DER', '-out', file('s-ber.der')]); // (OpenSSL 3.0 cannot stream with -keyopt rsa_padding_mode:pss)
    expect(result.status, result.stderr).to.equal(0);
    const der = new Uint8Array(readFileSync(file('s-ber.der')));
    expect(der[1]).to.equal(0x80);
    expect(sha256Hex((await verifySignedData(der)).content)).to.equal(sha256Hex(content));
  });

  describe('bad input', () => {
    const content = new TextEncoder().encode('投标文件 bid package');

    it('refuses a signature by a different key than the certificate it claims (SIGNATURE_INVALID)', async () => {
      const forged = await signAttached(content, { certificatePem: pki.bidder.certificatePem, privateKeyPem: pki.otherBidder.privateKeyPem });
      expect((await typedError(() => verifySignedData(forged))).code).to.equal('SIGNATURE_INVALID');
    });

    it('refuses a signature whose signer certificate was swapped for another (SIGNER_MISMATCH)', async () => {
      const der = await signAttached(content, pki.bidder);
      // replace the embedded certificate by another one of the same length would be rare; instead drop it and offer the wrong one
      const genuine = await verifySignedData(der);
      expect(genuine.certificatesPem).to.have.length(1);
      const other = await signAttached(content, pki.otherBidder);
      const otherCert = readFileSync(pki.otherBidder.certPath, 'utf8');
      // splice: the bidder's SignerInfo with the other bidder's certificate in the certificates field
      const { parseSignedData } = await import('../../crypto/signed-data.js');
      const mine = parseSignedData(der);
      const theirs = parseSignedData(other);
      const mineCert = mine.tail.certificates[0]!;
      const theirsCert = theirs.tail.certificates[0]!;
      const at = Buffer.from(der).indexOf(Buffer.from(mineCert));
      const spliced = Buffer.concat([Buffer.from(der.subarray(0, at)), Buffer.from(theirsCert), Buffer.from(der.subarray(at + mineCert.length))]);
      // fix up the outer lengths by re-encoding is not needed when both certificates have the same length
      if (theirsCert.length === mineCert.length) {
        expect((await typedError(() => verifySignedData(new Uint8Array(spliced)))).code).to.equal('SIGNER_MISMATCH');
      }
      expect(otherCert).to.contain('BEGIN CERTIFICATE');
      // signer's certificate missing entirely and the wrong one offered from outside → SIGNER_MISMATCH
      const noCerts = openssl(['cms', '-sign', '-binary', '-nocerts', '-nodetach', '-in', pki.bidder.certPath, '-signer', pki.bidder.certPath, '-inkey', pki.bidder.keyPath, '-outform', 'DER']);
      expect(noCerts.status, noCerts.stderr).to.equal(0);
      const bare = new Uint8Array(noCerts.stdout);
      expect((await typedError(() => verifySignedData(bare, { extraCertificatesPem: [otherCert] }))).code).to.equal('SIGNER_MISMATCH');
      expect((await verifySignedData(bare, { extraCertificatesPem: [pki.bidder.certificatePem] })).content.length).to.be.greaterThan(0);
    });

    it('refuses altered content (DIGEST_MISMATCH) and altered signed attributes (SIGNATURE_INVALID)', async () => {
      const der = await signAttached(content, pki.bidder);
      const at = Buffer.from(der).indexOf(Buffer.from(content));
      const altered = der.slice();
      altered[at]! ^= 1;
      expect((await typedError(() => verifySignedData(altered))).code).to.equal('DIGEST_MISMATCH');
      const detached = await signDetached(content, pki.bidder);
      expect((await typedError(() => verifySignedData(detached, { detachedContent: new Uint8Array(0) }))).code).to.equal('DIGEST_MISMATCH');
      expect((await typedError(() => verifySignedData(detached))).code).to.equal('CMS_MALFORMED');
    });

    // (signed without a chain: a flip inside an embedded CA certificate is for the caller's chain check)
    it('refuses every single-bit flip with a typed error', async () => {
      const der = await signAttached(content, pki.bidder);
      for (let at = 0; at < der.length; at++) {
        const copy = der.slice();
        copy[at]! ^= 0x04;
        await typedError(() => verifySignedData(copy));
      }
    });

    it('refuses truncated, garbage and malformed ASN.1 (CMS_MALFORMED/TRUNCATED)', async () => {
      const der = await signAttached(content, pki.bidder);
      for (const bad of [der.subarray(0, der.length - 1), der.subarray(0, 10), new Uint8Array(0), prngBytes(200, 2), Uint8Array.of(0x30, 0x80, 0x00), Uint8Array.of(0x30, 0x03, 0x06, 0x01, 0x00)]) {
        expect((await typedError(() => verifySignedData(bad))).code).to.be.oneOf(['CMS_MALFORMED', 'TRUNCATED', 'CMS_UNSUPPORTED']);
      }
    });
  });
});
