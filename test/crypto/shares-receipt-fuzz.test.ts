import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { isCryptoError } from '../../crypto/errors.js';
import { combineShares, encodeShare, splitOpeningKey } from '../../crypto/opening-key.js';
import { makeReceipt, verifyReceipt } from '../../crypto/receipt.js';
import { issueTimestampToken, verifyTimestampToken } from '../../crypto/timestamp.js';
import { TestPki } from '../helpers/test-pki.js';

/** A small seeded PRNG (mulberry32), so a failing mutation can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Flips, overwrites, truncates, inserts or deletes a few bytes. */
function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  let bytes = Uint8Array.from(input);
  const rounds = 1 + pick(3);
  for (let r = 0; r < rounds; r++) {
    const at = pick(bytes.length);
    switch (pick(5)) {
      case 0:
        bytes[at] = bytes[at]! ^ (1 << pick(8));
        break;
      case 1:
        bytes[at] = pick(256);
        break;
      case 2:
        bytes = bytes.slice(0, at);
        break;
      case 3:
        bytes = Uint8Array.from([...bytes.subarray(0, at), pick(256), ...bytes.subarray(at)]);
        break;
      default:
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
    }
    if (bytes.length === 0) break;
  }
  return bytes;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Every mutation: a typed error, or (if the bytes did not change in substance) the very same result. Never a crash, never a different answer. */
describe('fuzz: shares, timestamp tokens and receipts under random mutation', function () {
  this.timeout(300_000);
  const pki = new TestPki('Fuzz Root');
  const tsa = pki.issue('tsa', 'Fuzz TSA');
  const platform = pki.issue('platform', 'Fuzz Platform');
  const opening = pki.issue('opening', 'Fuzz Opening');
  const imprint = new Uint8Array(createHash('sha256').update('fuzz').digest());
  const now = new Date();

  async function fuzz(name: string, original: Uint8Array, count: number, seed: number, run: (bytes: Uint8Array) => Promise<string>): Promise<void> {
    const expected = await run(original);
    const random = prng(seed);
    const codes = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const mutated = mutate(original, random);
      if (same(mutated, original)) continue;
      try {
        const result = await run(mutated);
        expect(result, `${name} mutation ${i} (seed ${seed}) gave a different answer`).to.equal(expected);
        codes.set('(same result)', (codes.get('(same result)') ?? 0) + 1);
      } catch (error) {
        if (!isCryptoError(error)) throw new Error(`${name} mutation ${i} (seed ${seed}) threw an untyped error: ${(error as Error).stack}`);
        codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      }
    }
    expect([...codes.keys()].length).to.be.greaterThan(0);
  }

  it('4,000 mutations of a timestamp token', async () => {
    const token = await issueTimestampToken({ messageImprintSha256: imprint, tsaCertificatePem: tsa.certificatePem, tsaPrivateKeyPem: tsa.privateKeyPem, serialNumber: 9n, genTime: now });
    await fuzz('token', token, 4000, 1, async (bytes) => {
      const v = await verifyTimestampToken(bytes, { expectedImprintSha256: imprint, trustAnchorsPem: pki.root.certificatePem });
      return `${v.genTime.toISOString()} ${v.serialNumber}`;
    });
  });

  it('3,000 mutations of a receipt', async () => {
    const fields = { trade: 'T-FUZZ', bidder: 'B', sha256: Buffer.from(imprint).toString('hex'), size: 4, receivedAt: now.toISOString(), seq: 1 };
    const receipt = await makeReceipt(fields, { platformCertificatePem: platform.certificatePem, platformPrivateKeyPem: platform.privateKeyPem, tsa, now });
    await fuzz('receipt', receipt, 3000, 2, async (bytes) => JSON.stringify((await verifyReceipt(bytes, { trustAnchorsPem: pki.root.certificatePem })).fields));
  });

  it('3,000 mutations of a share file', async () => {
    const shares = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId: 'T-FUZZ', k: 2, n: 3 });
    const other = encodeShare(shares[1]!);
    await fuzz('share', encodeShare(shares[0]!), 3000, 3, (bytes) => combineShares([bytes, other], { openingCertificatePem: opening.certificatePem, tradeId: 'T-FUZZ' }));
  });
});
