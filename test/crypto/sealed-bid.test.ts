import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sealBytes } from '../../crypto/envelope.js';
import { openBidFile, sealBidFile, unlockBidFile, verifyOuterFile } from '../../crypto/node/sealed-bid-file.js';
import { sealPartsToFile } from '../../crypto/node/sealed-file.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { openBid, sealBid, unlockBid, verifyOuter } from '../../crypto/sealed-bid.js';
import { sameCertificate, signAttached, signDetached, signDetachedDigest, signedDataParts } from '../../crypto/signed-data.js';
import { openssl, prngBytes, removeDir, sealPki, sha256File, sha256Hex, tempDir, typedError, writePrngFile } from './helpers.js';

describe('crypto/sealed-bid: inner SignedData → AuthEnvelopedData → outer detached SignedData', function () {
  const pki = sealPki();
  const bidder = { ...pki.bidder, chainPem: [pki.issuingPem] };
  let dir: string;
  before(() => (dir = tempDir()));
  after(() => removeDir(dir));
  const path = (name: string) => join(dir, name);

  describe('in memory (isomorphic API)', () => {
    for (const size of [0, 1, 1_000_000]) {
      it(`can seal ${size} bytes and open them with the bidder key, the opening key and the content key`, async () => {
        const bidPackage = prngBytes(size, 21);
        const sealed = await sealBid(bidPackage, bidder, pki.opening.certificatePem);
        const outer = await verifyOuter(sealed.envelope, sealed.signature);
        expect(sameCertificate(outer.signerCertificatePem, pki.bidder.certificatePem)).to.equal(true);
        for (const opener of [pki.bidder, pki.opening, { privateKeyPem: pki.opening.privateKeyPem }, { cek: await unlockBid(sealed.envelope, pki.bidder) }]) {
          const opened = await openBid(sealed.envelope, opener, { signature: sealed.signature });
          expect(sha256Hex(opened.bidPackage)).to.equal(sha256Hex(bidPackage));
          expect(sameCertificate(opened.innerSignerCertificatePem, pki.bidder.certificatePem)).to.equal(true);
          expect(opened.outer).to.not.equal(undefined);
        }
      });
    }

    it('refuses a flipped bit anywhere in SEALED under the outer signature (DIGEST_MISMATCH)', async () => {
      const sealed = await sealBid(prngBytes(2000, 22), bidder, pki.opening.certificatePem);
      for (let at = 0; at < sealed.envelope.length; at += at < 1200 ? 1 : 97) {
        const copy = sealed.envelope.slice();
        copy[at]! ^= 0x10;
        expect((await typedError(() => verifyOuter(copy, sealed.signature))).code, `at ${at}`).to.equal('DIGEST_MISMATCH');
      }
    });

    it('refuses an inner signer different from the outer signer (SIGNER_MISMATCH)', async () => {
      const inner = await signAttached(prngBytes(100, 23), pki.otherBidder, { role: 'inner' });
      const envelope = await sealBytes(inner, [pki.bidder.certificatePem, pki.opening.certificatePem]);
      const signature = await signDetached(envelope, pki.bidder);
      expect(sameCertificate((await verifyOuter(envelope, signature)).signerCertificatePem, pki.bidder.certificatePem)).to.equal(true);
      expect((await typedError(() => openBid(envelope, pki.opening, { signature }))).code).to.equal('SIGNER_MISMATCH');
      // without the outer signature the caller gets the inner signer to compare itself
      expect(sameCertificate((await openBid(envelope, pki.opening)).innerSignerCertificatePem, pki.otherBidder.certificatePem)).to.equal(true);
    });

    it('refuses an outer signature by a certificate other than the one it names (SIGNATURE_INVALID)', async () => {
      const sealed = await sealBid(prngBytes(100, 24), bidder, pki.opening.certificatePem);
      const forged = await signDetached(sealed.envelope, { certificatePem: pki.bidder.certificatePem, privateKeyPem: pki.otherBidder.privateKeyPem });
      expect((await typedError(() => verifyOuter(sealed.envelope, forged))).code).to.equal('SIGNATURE_INVALID');
    });

    it('refuses a recipient that is not the bidder or the opening certificate (NOT_A_RECIPIENT)', async () => {
      const sealed = await sealBid(prngBytes(10, 25), bidder, pki.opening.certificatePem);
      expect((await typedError(() => openBid(sealed.envelope, pki.otherBidder))).code).to.equal('NOT_A_RECIPIENT');
      expect((await typedError(() => openBid(sealed.envelope, pki.stranger))).code).to.equal('NOT_A_RECIPIENT');
    });
  });

  describe('streamed files (crypto/node)', () => {
    const sizes = [0, 1, 1_000_000];
    for (const size of sizes) {
      it(`can seal ${size} bytes to SEALED + SEALED.sig and open them with each key and with the content key`, async () => {
        const input = path(`bid-${size}.bin`);
        const want = await writePrngFile(input, size, size + 3);
        const sealed = path(`bid-${size}.sealed`);
        const result = await sealBidFile({ inputPath: input, outputPath: sealed, bidder, openingCertificatePem: pki.opening.certificatePem });
        expect(result.signaturePath).to.equal(`${sealed}.sig`);
        expect(statSync(sealed).size).to.equal(result.size);
        const outer = await verifyOuterFile(sealed, result.signaturePath);
        expect(sameCertificate(outer.signerCertificatePem, pki.bidder.certificatePem)).to.equal(true);
        for (const [name, opener] of [['bidder', pki.bidder], ['opening', pki.opening], ['cek', { cek: await unlockBidFile(sealed, pki.bidder) }]] as const) {
          const out = path(`bid-${size}.${name}.out`);
          const opened = await openBidFile({ sealedPath: sealed, outputPath: out, opener, signaturePath: result.signaturePath });
          expect(await sha256File(out), name).to.equal(want);
          expect(sameCertificate(opened.innerSignerCertificatePem, pki.bidder.certificatePem)).to.equal(true);
        }
        // the in-memory API reads the streamed format, byte for byte the same structure
        const inMemory = await openBid(new Uint8Array(readFileSync(sealed)), pki.opening, { signature: new Uint8Array(readFileSync(result.signaturePath)) });
        expect(sha256Hex(inMemory.bidPackage)).to.equal(want);
      });

      it(`is checked by openssl at every layer: outer -verify, -decrypt with the opening key, inner -verify (${size} bytes)`, async () => {
        const input = path(`bid-${size}.bin`);
        const sealed = path(`ossl-${size}.sealed`);
        const want = await writePrngFile(input, size, size + 3);
        await sealBidFile({ inputPath: input, outputPath: sealed, bidder, openingCertificatePem: pki.opening.certificatePem });
        await expectOpensslChecks(sealed, want);
      });
    }

    /** The exact commands docs/sealed-bid-format.md gives auditors. */
    async function expectOpensslChecks(sealed: string, wantSha256: string): Promise<void> {
      const outer = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${sealed}.sig`, '-content', sealed, '-CAfile', pki.rootPath, '-purpose', 'any', '-out', '/dev/null']);
      expect(outer.status, outer.stderr).to.equal(0);
      const decrypt = openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', sealed, '-recip', pki.opening.certPath, '-inkey', pki.opening.keyPath, '-out', `${sealed}.inner.der`]);
      expect(decrypt.status, decrypt.stderr).to.equal(0);
      const inner = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${sealed}.inner.der`, '-CAfile', pki.rootPath, '-purpose', 'any', '-out', `${sealed}.package`]);
      expect(inner.status, inner.stderr).to.equal(0);
      expect(await sha256File(`${sealed}.package`)).to.equal(wantSha256);
    }

    it('can seal and open 200 MB streamed, byte-exact, and openssl opens it too', async function () {
      this.timeout(600_000);
      const input = path('big.bin');
      const sealed = path('big.sealed');
      const out = path('big.out');
      try {
        const want = await writePrngFile(input, 200 * 1024 * 1024, 99);
        let t = performance.now();
        await sealBidFile({ inputPath: input, outputPath: sealed, bidder, openingCertificatePem: pki.opening.certificatePem });
        const sealMs = performance.now() - t;
        t = performance.now();
        await openBidFile({ sealedPath: sealed, outputPath: out, opener: pki.opening, signaturePath: `${sealed}.sig` });
        const openMs = performance.now() - t;
        expect(await sha256File(out)).to.equal(want);
        console.log(`      200 MiB: seal ${sealMs.toFixed(0)} ms, verify outer + open ${openMs.toFixed(0)} ms`);
        const decrypt = openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', sealed, '-recip', pki.opening.certPath, '-inkey', pki.opening.keyPath, '-out', path('big.inner.der')]);
        expect(decrypt.status, decrypt.stderr).to.equal(0);
        const inner = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', path('big.inner.der'), '-CAfile', pki.rootPath, '-purpose', 'any', '-out', path('big.package')]);
        expect(inner.status, inner.stderr).to.equal(0);
        expect(await sha256File(path('big.package'))).to.equal(want);
      } finally {
        for (const name of ['big.bin', 'big.sealed', 'big.sealed.sig', 'big.out', 'big.inner.der', 'big.package']) if (existsSync(path(name))) truncateSync(path(name), 0);
      }
    });

    describe('bad input never releases plaintext', () => {
      let sealed: string;
      const size = 3_000_000;
      before(async () => {
        await writePrngFile(path('victim.bin'), size, 5);
        sealed = path('victim.sealed');
        await sealBidFile({ inputPath: path('victim.bin'), outputPath: sealed, bidder, openingCertificatePem: pki.opening.certificatePem });
      });
      const leftovers = () => readdirSync(dir).filter((n) => n.startsWith('.victim') || n.startsWith('victim.out'));
      const tampered = (name: string, at: (len: number) => number): string => {
        const copy = path(name);
        const bytes = readFileSync(sealed);
        bytes[at(bytes.length)]! ^= 0x01;
        writeFileSync(copy, bytes);
        return copy;
      };

      for (const [where, at, code] of [
        ['ciphertext', (len: number) => Math.floor(len / 2), 'AUTH_TAG_INVALID'],
        ['last ciphertext byte', (len: number) => len - 19, 'AUTH_TAG_INVALID'],
        ['tag', (len: number) => len - 3, 'AUTH_TAG_INVALID'],
        ['GCM nonce in the header', (_len: number) => -1, 'AUTH_TAG_INVALID'],
        ['outer length in the header', (_len: number) => 3, 'CMS_MALFORMED'],
      ] as const) {
        it(`refuses a flipped bit in the ${where} (${code}), leaving no output and no temporary file`, async () => {
          let position = at(statSync(sealed).size);
          if (position < 0) {
            // the nonce follows the AES-GCM OID 60 86 48 01 65 03 04 01 2e and the GCMParameters header
            const bytes = readFileSync(sealed);
            position = bytes.indexOf(Buffer.from([0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2e])) + 9 + 4;
          }
          const bad = tampered('victim.bad', () => position);
          const error = await typedError(() => openBidFile({ sealedPath: bad, outputPath: path('victim.out'), opener: pki.opening }));
          expect(error.code).to.be.oneOf([code, 'TRUNCATED']);
          expect(existsSync(path('victim.out'))).to.equal(false);
          expect(leftovers()).to.deep.equal([]);
          // and under the outer signature every flip is a DIGEST_MISMATCH before anything is decrypted
          writeFileSync(path('victim.bad.sig'), readFileSync(`${sealed}.sig`));
          expect((await typedError(() => verifyOuterFile(bad, path('victim.bad.sig')))).code).to.equal('DIGEST_MISMATCH');
        });
      }

      it('refuses a truncated file (TRUNCATED), leaving no output', async () => {
        for (const cut of [1, 17, 1000, size]) {
          const bytes = readFileSync(sealed);
          writeFileSync(path('victim.cut'), bytes.subarray(0, bytes.length - cut));
          const error = await typedError(() => openBidFile({ sealedPath: path('victim.cut'), outputPath: path('victim.out'), opener: pki.opening }));
          expect(error.code, `cut ${cut}`).to.equal('TRUNCATED');
          expect(existsSync(path('victim.out'))).to.equal(false);
        }
        writeFileSync(path('victim.empty'), new Uint8Array(0));
        expect((await typedError(() => openBidFile({ sealedPath: path('victim.empty'), outputPath: path('victim.out'), opener: pki.opening }))).code).to.be.oneOf(['TRUNCATED', 'CMS_MALFORMED']);
        expect(leftovers()).to.deep.equal([]);
      });

      it('refuses a wrong recipient (NOT_A_RECIPIENT) and a wrong content key (AUTH_TAG_INVALID)', async () => {
        expect((await typedError(() => openBidFile({ sealedPath: sealed, outputPath: path('victim.out'), opener: pki.otherBidder }))).code).to.equal('NOT_A_RECIPIENT');
        expect((await typedError(() => unlockBidFile(sealed, { privateKeyPem: pki.stranger.privateKeyPem }))).code).to.equal('NOT_A_RECIPIENT');
        expect((await typedError(() => openBidFile({ sealedPath: sealed, outputPath: path('victim.out'), opener: { cek: new Uint8Array(32) } }))).code).to.equal('AUTH_TAG_INVALID');
        expect(existsSync(path('victim.out'))).to.equal(false);
        expect(leftovers()).to.deep.equal([]);
      });

      it('refuses garbage in place of SEALED (CMS_MALFORMED)', async () => {
        writeFileSync(path('victim.garbage'), prngBytes(5000, 6));
        expect((await typedError(() => openBidFile({ sealedPath: path('victim.garbage'), outputPath: path('victim.out'), opener: pki.opening }))).code).to.be.oneOf(['CMS_MALFORMED', 'TRUNCATED']);
        expect(existsSync(path('victim.out'))).to.equal(false);
      });

      it('refuses an inner signer different from the outer signer (SIGNER_MISMATCH), leaving no output', async () => {
        const input = path('victim.bin');
        const { sha256OfFile } = await import('../../crypto/node/sealed-bid-file.js');
        const parts = await signedDataParts(await sha256OfFile(input), statSync(input).size, pki.otherBidder, { role: 'inner', provider: nodeProvider });
        const mixed = path('victim.mixed');
        const result = await sealPartsToFile([parts.prefix, { path: input }, parts.suffix], [pki.bidder.certificatePem, pki.opening.certificatePem], mixed);
        writeFileSync(`${mixed}.sig`, await signDetachedDigest(result.sha256, pki.bidder, { provider: nodeProvider }));
        expect(sameCertificate((await verifyOuterFile(mixed, `${mixed}.sig`)).signerCertificatePem, pki.bidder.certificatePem)).to.equal(true);
        const error = await typedError(() => openBidFile({ sealedPath: mixed, outputPath: path('victim.out'), opener: pki.opening, signaturePath: `${mixed}.sig` }));
        expect(error.code).to.equal('SIGNER_MISMATCH');
        expect(existsSync(path('victim.out'))).to.equal(false);
        expect(leftovers()).to.deep.equal([]);
      });

      it('refuses an altered bid package under an intact envelope (DIGEST_MISMATCH), leaving no output', async () => {
        // a well-formed envelope whose inner SignedData was made for other bytes
        const input = path('victim.bin');
        const { sha256OfFile } = await import('../../crypto/node/sealed-bid-file.js');
        const digest = await sha256OfFile(input);
        digest[0]! ^= 1;
        const parts = await signedDataParts(digest, statSync(input).size, pki.bidder, { role: 'inner', provider: nodeProvider });
        const forged = path('victim.forged');
        await sealPartsToFile([parts.prefix, { path: input }, parts.suffix], [pki.bidder.certificatePem, pki.opening.certificatePem], forged);
        expect((await typedError(() => openBidFile({ sealedPath: forged, outputPath: path('victim.out'), opener: pki.opening }))).code).to.equal('DIGEST_MISMATCH');
        expect(existsSync(path('victim.out'))).to.equal(false);
        expect(leftovers()).to.deep.equal([]);
      });
    });
  });
});

