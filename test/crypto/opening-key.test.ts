import { expect } from 'chai';
import { canonicalJson } from '../../crypto/canonical-json.js';
import { toHex } from '../../crypto/digest.js';
import { isCryptoError } from '../../crypto/errors.js';
import { generateOpeningKeyPair, OPENING_KEY_BITS } from '../../crypto/node/opening-key.js';
import { combineShares, decodeShare, encodeShare, openSealedShare, sealShareFor, splitOpeningKey, type OpeningKeyShare } from '../../crypto/opening-key.js';
import { base64ToBytes, bytesToBase64, pemToDer, sha256 } from '../../crypto/pkijs-support.js';
import { openssl, TestPki, tempDir, writeFile, type TestIdentity } from '../helpers/test-pki.js';

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isCryptoError(error), String(error)).to.equal(true);
    expect((error as { code: string }).code, (error as Error).message).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}, but it succeeded`);
}

function subsets<T>(items: T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [head, ...tail] = items;
  return [...subsets(tail, size - 1).map((s) => [head!, ...s]), ...subsets(tail, size)];
}

/** Re-signs a share's check after editing it — what a dishonest holder with the format spec could do. */
async function reforged(share: OpeningKeyShare, edit: Partial<OpeningKeyShare>): Promise<OpeningKeyShare> {
  const { check: _check, ...body } = { ...share, ...edit };
  const check = toHex(await sha256(new TextEncoder().encode(canonicalJson(body))));
  return { ...body, check };
}

describe('crypto/opening-key: k-of-n opening key', function () {
  this.timeout(120_000);
  const pki = new TestPki();
  const opening: TestIdentity = pki.issue('opening', 'Opening key T-2026-001');
  const otherOpening: TestIdentity = pki.issue('opening', 'Opening key T-2026-002');
  const tradeId = 'T-2026-001';
  const options = { openingCertificatePem: opening.certificatePem, tradeId };
  const originalDer = pemToDer(opening.privateKeyPem, 'PRIVATE KEY');

  let threeOfFive: OpeningKeyShare[];
  before(async () => {
    threeOfFive = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId, k: 3, n: 5 });
  });

  it('can rebuild a 2-of-3 key byte-identical from every pair', async () => {
    const shares = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId, k: 2, n: 3 });
    expect(shares).to.have.length(3);
    for (const pair of subsets(shares, 2)) {
      const pem = await combineShares(pair, options);
      expect(Buffer.from(pemToDer(pem, 'PRIVATE KEY')).equals(Buffer.from(originalDer))).to.equal(true);
    }
  });

  it('can rebuild a 3-of-5 key from every one of the 10 three-share subsets, and from 4 and 5 shares', async () => {
    const all = [...subsets(threeOfFive, 3), ...subsets(threeOfFive, 4), threeOfFive];
    expect(all).to.have.length(10 + 5 + 1);
    for (const subset of all) {
      const pem = await combineShares(subset.reverse(), options);
      expect(pem).to.equal(opening.privateKeyPem);
    }
  });

  it('can rebuild from share files (bytes and text) as written by encodeShare', async () => {
    const files = threeOfFive.slice(1, 4).map(encodeShare);
    expect(await combineShares(files, options)).to.equal(opening.privateKeyPem);
    expect(await combineShares(files.map((f) => new TextDecoder().decode(f)), options)).to.equal(opening.privateKeyPem);
  });

  it('refuses k−1 shares with SHARES_INSUFFICIENT, even when one is handed in twice', async () => {
    for (const pair of subsets(threeOfFive, 2)) await expectCode(combineShares(pair, options), 'SHARES_INSUFFICIENT');
    await expectCode(combineShares([threeOfFive[0]!, threeOfFive[1]!, threeOfFive[0]!], options), 'SHARES_INSUFFICIENT');
    await expectCode(combineShares([], options), 'SHARES_INSUFFICIENT');
  });

  it('ignores duplicate shares', async () => {
    const shares = [threeOfFive[4]!, threeOfFive[4]!, encodeShare(threeOfFive[2]!), threeOfFive[0]!, threeOfFive[2]!];
    expect(await combineShares(shares, options)).to.equal(opening.privateKeyPem);
  });

  it('refuses a share with any single byte flipped with SHARE_CORRUPTED — every byte of every share file', async () => {
    for (const [which, share] of threeOfFive.entries()) {
      const file = encodeShare(share);
      const others = threeOfFive.filter((_, i) => i !== which).slice(0, 2);
      // every position of share 1, a stride of positions of the others (keeps the run short)
      const step = which === 0 ? 1 : 7;
      for (let pos = 0; pos < file.length; pos += step) {
        const bad = file.slice();
        bad[pos] = bad[pos]! ^ (1 << (pos % 7));
        await expectCode(combineShares([...others, bad], options), 'SHARE_CORRUPTED');
      }
    }
  });

  it('refuses a share whose Shamir bytes were altered (even if the raw bytes keep their length) with SHARE_CORRUPTED', async () => {
    const share = threeOfFive[1]!;
    const bytes = base64ToBytes(share.share)!;
    bytes[100] = bytes[100]! ^ 0xff;
    const tampered = { ...share, share: bytesToBase64(bytes) };
    await expectCode(combineShares([threeOfFive[0]!, tampered, threeOfFive[2]!], options), 'SHARE_CORRUPTED');
  });

  it('refuses a share re-made by a dishonest holder (check recomputed) because the other shares carry its digest', async () => {
    const share = threeOfFive[1]!;
    const bytes = base64ToBytes(share.share)!;
    bytes[100] = bytes[100]! ^ 0xff;
    const digests = [...share.shareDigests];
    digests[share.index - 1] = toHex(await sha256(bytes));
    const forged = await reforged(share, { share: bytesToBase64(bytes), shareDigests: digests });
    await decodeShare(forged); // it is internally consistent…
    await expectCode(combineShares([threeOfFive[0]!, forged, threeOfFive[2]!], options), 'SHARE_FOREIGN'); // …but not part of this split
  });

  it('never returns a wrong key: k consistent but altered shares give KEY_MISMATCH', async () => {
    // All three holders collude to alter their bytes at the same positions and rewrite the digest lists.
    const chosen = threeOfFive.slice(0, 3);
    const altered = chosen.map((s) => {
      const bytes = base64ToBytes(s.share)!;
      bytes[bytes.length - 40] = bytes[bytes.length - 40]! ^ 0x5a; // inside the CRT coefficient, the modulus untouched
      return { s, bytes };
    });
    const digests = [...chosen[0]!.shareDigests];
    for (const { s, bytes } of altered) digests[s.index - 1] = toHex(await sha256(bytes));
    const forged = await Promise.all(altered.map(({ s, bytes }) => reforged(s, { share: bytesToBase64(bytes), shareDigests: digests })));
    await expectCode(combineShares(forged, options), 'KEY_MISMATCH');
  });

  it('refuses a share of another trade with SHARE_FOREIGN', async () => {
    const foreign = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId: 'T-2026-999', k: 3, n: 5 });
    await expectCode(combineShares([threeOfFive[0]!, threeOfFive[1]!, foreign[2]!], options), 'SHARE_FOREIGN');
    await expectCode(combineShares(foreign.slice(0, 3), options), 'SHARE_FOREIGN');
  });

  it('refuses a share of another opening certificate with SHARE_FOREIGN', async () => {
    const foreign = await splitOpeningKey({ privateKeyPem: otherOpening.privateKeyPem, openingCertificatePem: otherOpening.certificatePem, tradeId, k: 3, n: 5 });
    await expectCode(combineShares([threeOfFive[0]!, threeOfFive[1]!, foreign[2]!], options), 'SHARE_FOREIGN');
    await expectCode(combineShares(threeOfFive.slice(0, 3), { ...options, openingCertificatePem: otherOpening.certificatePem }), 'SHARE_FOREIGN');
  });

  it('refuses a share of another split of the same key with SHARE_FOREIGN', async () => {
    const again = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId, k: 3, n: 5 });
    await expectCode(combineShares([threeOfFive[0]!, threeOfFive[1]!, again[2]!], options), 'SHARE_FOREIGN');
  });

  it('refuses to split a key that does not match the opening certificate (KEY_MISMATCH) and bad k/n', async () => {
    await expectCode(splitOpeningKey({ privateKeyPem: otherOpening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId, k: 2, n: 3 }), 'KEY_MISMATCH');
    for (const [k, n] of [[1, 3], [4, 3], [2, 256], [2.5, 3]] as const) {
      try {
        await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId, k, n });
        expect.fail(`k=${k} n=${n} accepted`);
      } catch (error) {
        expect(error).to.be.instanceOf(RangeError);
      }
    }
  });

  it('can rebuild without the certificate or trade id, still checking the key against the key id the shares carry', async () => {
    expect(await combineShares(threeOfFive.slice(2))).to.equal(opening.privateKeyPem);
    const keyId = openssl(['rsa', '-in', writeFile(tempDir(), 'k.pem', opening.privateKeyPem), '-RSAPublicKey_out', '-outform', 'DER']).stdout;
    expect(threeOfFive[0]!.openingKeySha256).to.equal(toHex(await sha256(new Uint8Array(keyId))));
    const foreign = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, tradeId: 'T-2026-999', k: 3, n: 5 });
    await expectCode(combineShares([threeOfFive[0]!, threeOfFive[1]!, foreign[2]!]), 'SHARE_FOREIGN');
  });

  it('rebuilds a key that openssl pkey -check accepts and that equals the original', async () => {
    const pem = await combineShares([threeOfFive[3]!, threeOfFive[1]!, threeOfFive[4]!], options);
    const dir = tempDir();
    const path = writeFile(dir, 'rebuilt.key', pem);
    const check = openssl(['pkey', '-in', path, '-check', '-noout']);
    expect(check.status, check.output).to.equal(0);
    expect(check.output).to.match(/valid/i);
    const original = openssl(['pkey', '-in', writeFile(dir, 'original.key', opening.privateKeyPem), '-outform', 'DER']);
    const rebuilt = openssl(['pkey', '-in', path, '-outform', 'DER']);
    expect(rebuilt.stdout.equals(original.stdout)).to.equal(true);
  });

  it(`can split and rebuild a fresh RSA-${OPENING_KEY_BITS} opening key from generateOpeningKeyPair`, async () => {
    const keyPair = await generateOpeningKeyPair();
    const cert = pki.issue('opening', 'Opening key T-2026-3072', { keyPair });
    const shares = await splitOpeningKey({ privateKeyPem: cert.privateKeyPem, openingCertificatePem: cert.certificatePem, tradeId: 'T-3072', k: 2, n: 2 });
    expect(await combineShares(shares, { openingCertificatePem: cert.certificatePem, tradeId: 'T-3072' })).to.equal(keyPair.privateKeyPem);
    const bits = openssl(['pkey', '-in', writeFile(tempDir(), 'k.pem', keyPair.privateKeyPem), '-text', '-noout']);
    expect(bits.output).to.contain(`(${OPENING_KEY_BITS} bit`);
  });
});

describe('crypto/opening-key: shares sealed to officials', function () {
  this.timeout(120_000);
  const pki = new TestPki();
  const opening = pki.issue('opening', 'Opening key T-SEAL');
  const officials = [1, 2, 3].map((i) => pki.issue('official', `Official ${i}`));
  const tradeId = 'T-SEAL';

  it('can seal each share to one official, open it with that official key only, and rebuild the key', async () => {
    const shares = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId, k: 2, n: 3 });
    const sealed = await Promise.all(shares.map((share, i) => sealShareFor(share, officials[i]!.certificatePem)));
    const opened = await Promise.all(sealed.map((s, i) => openSealedShare(s, officials[i]!)));
    expect(opened).to.deep.equal(shares);
    expect(await combineShares(opened.slice(1), { openingCertificatePem: opening.certificatePem, tradeId })).to.equal(opening.privateKeyPem);
    await expectCode(openSealedShare(sealed[0]!, officials[1]!), 'NOT_A_RECIPIENT');
    const flipped = sealed[2]!.slice();
    flipped[flipped.length - 5] = flipped[flipped.length - 5]! ^ 1;
    await expectCode(openSealedShare(flipped, officials[2]!), 'AUTH_TAG_INVALID');
  });

  it('openssl cms -decrypt opens a sealed share with the official key', async () => {
    const [share] = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId, k: 2, n: 2 });
    const dir = tempDir();
    const sealedPath = writeFile(dir, 'share-1.cms', await sealShareFor(share!, officials[0]!.certificatePem));
    const keyPath = writeFile(dir, 'official.key', officials[0]!.privateKeyPem);
    const result = openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', sealedPath, '-inkey', keyPath, '-out', `${dir}/share-1.json`]);
    expect(result.status, result.output).to.equal(0);
    const { readFileSync } = await import('node:fs');
    expect(new Uint8Array(readFileSync(`${dir}/share-1.json`))).to.deep.equal(encodeShare(share!));
  });
});
