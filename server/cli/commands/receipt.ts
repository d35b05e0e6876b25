import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { CryptoVerifyError } from '../../../crypto/errors.js';
import { makeReceipt, verifyReceipt } from '../../../crypto/receipt.js';
import { CliUsageError, readBytes, readText, required, type CliCommand } from './index.js';

/** Upload receipts: make one (tests, demo) and verify one offline (what an auditor runs). */


/** SHA-256 and size of a file, streamed (sealed bids run to hundreds of MB). */
async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  try {
    await stat(path);
  } catch (error) {
    throw new CliUsageError(`cannot read file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

function wholeNumber(values: Record<string, unknown>, name: string): number {
  const text = required(values, name);
  if (!/^\d+$/.test(text)) throw new CliUsageError(`--${name} must be a whole number`);
  return Number(text);
}

export const receiptCommands: CliCommand[] = [
  {
    verbs: ['receipt', 'make'],
    usage: 'receipt make --file SEALED --trade ID --bidder ID --seq N --key KEY --cert CRT --tsa-key KEY --tsa-cert CRT [--chain PEM] [--received-at ISO] --out RECEIPT',
    summary: 'make a platform-signed, timestamped upload receipt for a sealed file (tests and demos)',
    options: {
      file: { type: 'string' }, trade: { type: 'string' }, bidder: { type: 'string' }, seq: { type: 'string' }, key: { type: 'string' }, cert: { type: 'string' },
      'tsa-key': { type: 'string' }, 'tsa-cert': { type: 'string' }, chain: { type: 'string' }, 'received-at': { type: 'string' }, out: { type: 'string' },
    },
    async run({ values }) {
      const { sha256, size } = await hashFile(required(values, 'file'));
      const now = new Date();
      const receivedAt = typeof values['received-at'] === 'string' ? values['received-at'] : now.toISOString();
      if (Number.isNaN(Date.parse(receivedAt))) throw new CliUsageError('--received-at must be an ISO 8601 time');
      const chainPem = typeof values.chain === 'string' ? await readText(values.chain, 'chain') : undefined;
      let der: Uint8Array;
      try {
        der = await makeReceipt(
          { trade: required(values, 'trade'), bidder: required(values, 'bidder'), sha256, size, receivedAt, seq: wholeNumber(values, 'seq') },
          {
            platformCertificatePem: await readText(required(values, 'cert'), 'certificate'),
            platformPrivateKeyPem: await readText(required(values, 'key'), 'key'),
            ...(chainPem ? { platformChainPem: chainPem } : {}),
            tsa: { certificatePem: await readText(required(values, 'tsa-cert'), 'TSA certificate'), privateKeyPem: await readText(required(values, 'tsa-key'), 'TSA key'), ...(chainPem ? { chainPem } : {}) },
            now: new Date(receivedAt),
          },
        );
      } catch (error) {
        if (error instanceof RangeError) throw new CliUsageError(error.message);
        throw error;
      }
      const out = required(values, 'out');
      await writeFile(out, der);
      process.stdout.write(`wrote ${out}: receipt for ${sha256} (${size} bytes), trade ${String(values.trade)}, seq ${String(values.seq)}\n`);
      return 0;
    },
  },
  {
    verbs: ['receipt', 'verify'],
    usage: 'receipt verify --in RECEIPT --ca CHAIN [--crl CRL]… [--file SEALED] [--json]',
    summary: 'check a receipt offline: platform signature, timestamp token, chains; print its fields',
    options: { in: { type: 'string' }, ca: { type: 'string' }, crl: { type: 'string', multiple: true }, file: { type: 'string' }, json: { type: 'boolean' } },
    async run({ values }) {
      const der = await readBytes(required(values, 'in'), 'receipt');
      const chainPem = await readText(required(values, 'ca'), 'CA chain');
      const crlsDer = await Promise.all(((values.crl as string[] | undefined) ?? []).map((path) => readBytes(path, 'CRL')));
      const verified = await verifyReceipt(der, { trustAnchorsPem: chainPem, ...(crlsDer.length ? { crlsDer } : {}) });
      if (typeof values.file === 'string') {
        const { sha256, size } = await hashFile(values.file);
        if (sha256 !== verified.fields.sha256 || size !== verified.fields.size) throw new CryptoVerifyError('RECEIPT_INVALID', `${values.file} is not the file this receipt names (sha256 ${sha256}, ${size} bytes)`);
      }
      const { fields } = verified;
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ ...fields, timestamp: verified.genTime.toISOString(), timestampSerial: verified.timestampSerial, signingTime: verified.signingTime?.toISOString() }, null, 2)}\n`);
      } else {
        process.stdout.write(
          [
            'receipt OK',
            `  trade       ${fields.trade}`,
            `  bidder      ${fields.bidder}`,
            `  sha256      ${fields.sha256}`,
            `  size        ${fields.size}`,
            `  receivedAt  ${fields.receivedAt}`,
            `  seq         ${fields.seq}`,
            `  timestamp   ${verified.genTime.toISOString()} (TSA serial ${verified.timestampSerial})`,
            ...(typeof values.file === 'string' ? [`  file        ${values.file} matches`] : []),
            '',
          ].join('\n'),
        );
      }
      return 0;
    },
  },
];
