import { basename } from 'node:path';
import { buildBidPackage, readBidPackage } from '../../../crypto/bid-package.js';
import { BidJson } from '../../../contracts/bids.js';
import { writeFileAtomic } from '../../kernel/files.js';
import { CliUsageError, readBytes, readText, required, type CliCommand } from './index.js';

/** The bid package (ZIP: bid.json + attachments) a bidder seals: build one, or list one. */
export const bidPackageCommands: CliCommand[] = [
  {
    verbs: ['package'],
    usage: 'package --bid BID.JSON --out PACKAGE.zip [ATTACHMENT…]',
    summary: 'build a bid package: bid.json (checked against the contract) plus attachments, each listed with its SHA-256',
    options: { bid: { type: 'string' }, out: { type: 'string' } },
    positionals: true,
    async run({ values, positionals }) {
      let bid: unknown;
      try {
        bid = JSON.parse(await readText(required(values, 'bid'), 'bid.json'));
      } catch (error) {
        if (error instanceof CliUsageError) throw error;
        throw new CliUsageError(`--bid is not JSON: ${(error as Error).message}`);
      }
      const attachments = await Promise.all(positionals.map(async (file) => ({ name: basename(file), bytes: await readBytes(file, 'attachment') })));
      const checked = BidJson.safeParse({ ...(bid as object), files: attachments.map((a) => ({ name: a.name, sha256: '0'.repeat(64), size: a.bytes.length })) });
      if (!checked.success) {
        throw new CliUsageError(`bid.json does not match the contract: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      const zip = await buildBidPackage(bid as object, attachments);
      await writeFileAtomic(required(values, 'out'), zip);
      process.stdout.write(`bid package ${values.out}: bid.json + ${attachments.length} attachment(s), ${zip.length} bytes\n`);
      return 0;
    },
  },
  {
    verbs: ['package', 'list'],
    usage: 'package list --in PACKAGE.zip',
    summary: 'check a bid package (every attachment against bid.json) and print bid.json',
    options: { in: { type: 'string' } },
    async run({ values }) {
      const read = await readBidPackage(await readBytes(required(values, 'in'), 'package'));
      process.stdout.write(`${JSON.stringify(read.bidJson, null, 2)}\n`);
      for (const a of read.attachments) process.stdout.write(`  ${a.name}  ${a.bytes.length} bytes\n`);
      return 0;
    },
  },
];
