/**
 * Fixture worker for `npm run bench:opening` (bench/opening.ts runs one per CPU, before any timing):
 * builds bid packages (bid.json + one pseudo-random attachment, crypto/bid-package.ts) and seals each
 * with sealBidFile to the bidder and the opening certificate. Worker w of W takes bids w, w+W, w+2W…
 *
 * Usage: node --import tsx bench/opening-fixture.ts <spec.json> <worker> <workers>
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBidPackage } from '../crypto/bid-package.js';
import { sealBidFile } from '../crypto/node/sealed-bid-file.js';

export interface FixtureBidder {
  name: string;
  uscc: string;
  certificatePem: string;
  privateKeyPem: string;
}

export interface FixtureSpec {
  dir: string;
  count: number;
  /** attachment size in bytes */
  attachmentBytes: number;
  bidders: FixtureBidder[];
  openingCertificatePem: string;
  /** bids whose package is kept (pkg-<i>.zip) for the correctness check; the others are deleted once sealed */
  keep: number[];
}

export const packagePath = (dir: string, i: number): string => path.join(dir, `pkg-${i}.zip`);
export const sealedPath = (dir: string, i: number): string => path.join(dir, `bid-${i}.sealed`);

async function main(): Promise<void> {
  const [specPath, workerArg, workersArg] = process.argv.slice(2);
  if (!specPath || workerArg === undefined || workersArg === undefined) throw new Error('usage: opening-fixture.ts <spec.json> <worker> <workers>');
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8')) as FixtureSpec;
  const worker = Number(workerArg);
  const workers = Number(workersArg);
  const keep = new Set(spec.keep);
  for (let i = worker; i < spec.count; i += workers) {
    const bidder = spec.bidders[i % spec.bidders.length]!;
    const attachment = crypto.randomBytes(spec.attachmentBytes);
    const bidPackage = await buildBidPackage(
      {
        format: 'tenderhall-bid',
        version: 1,
        trade: 'BENCH-OPENING',
        bidder: { uscc: bidder.uscc, name: bidder.name },
        lot: '1',
        priceFen: 100_000_000 + i * 1_000,
        durationDays: 365,
      },
      [{ name: `technical-proposal-${i}.bin`, bytes: attachment }],
    );
    const pkg = packagePath(spec.dir, i);
    fs.writeFileSync(pkg, bidPackage);
    await sealBidFile({ inputPath: pkg, outputPath: sealedPath(spec.dir, i), bidder, openingCertificatePem: spec.openingCertificatePem });
    if (!keep.has(i)) fs.rmSync(pkg);
  }
}

// only when run as the worker script (bench/opening.ts imports the path helpers)
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
