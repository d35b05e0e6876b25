import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { combineShares, decodeShare, encodeShare, isSealedShare, openSealedShare, parseRsaPrivateKey, rsaPublicKeyId, sealShareFor, splitOpeningKey } from '../../../crypto/opening-key.js';
import { pemToDer } from '../../../crypto/pkijs-support.js';
import { CliUsageError, readBytes, readText, required, type CliCommand } from './index.js';

/** k-of-n opening key verbs: split the key into shares (optionally sealed to officials), open one sealed share, combine. */


function integerFlag(values: Record<string, unknown>, name: string): number {
  const text = required(values, name);
  if (!/^\d+$/.test(text)) throw new CliUsageError(`--${name} must be a whole number`);
  return Number(text);
}

/** Secrets are written owner-only: a share or a rebuilt key is as sensitive as the key itself. */
const SECRET_MODE = 0o600;

export const shareCommands: CliCommand[] = [
  {
    verbs: ['share', 'split'],
    usage: 'share split --key KEY --k K --n N --out DIR [--trade ID] [--cert OPENING_CRT] [--to CRT1,CRT2,…]',
    summary: 'split the opening key k-of-n into DIR/share-I.json, or DIR/share-I.cms sealed to each official',
    options: { key: { type: 'string' }, k: { type: 'string' }, n: { type: 'string' }, out: { type: 'string' }, trade: { type: 'string' }, cert: { type: 'string' }, to: { type: 'string' } },
    async run({ values }) {
      const k = integerFlag(values, 'k');
      const n = integerFlag(values, 'n');
      const outDir = required(values, 'out');
      const privateKeyPem = await readText(required(values, 'key'), 'key');
      const openingCertificatePem = typeof values.cert === 'string' ? await readText(values.cert, 'opening certificate') : undefined;
      const officials = typeof values.to === 'string' ? values.to.split(',').filter((p) => p !== '') : [];
      if (officials.length > 0 && officials.length !== n) throw new CliUsageError(`--to names ${officials.length} certificate(s); one per share (${n}) is needed`);
      if (k < 2 || n < k || n > 255) throw new CliUsageError(`need 2 ≤ k ≤ n ≤ 255; got k=${k}, n=${n}`);
      // Without --trade the shares are labelled with the key's id, so they still bind to this one key.
      const { n: modulus, e } = parseRsaPrivateKey(pemToDer(privateKeyPem, 'PRIVATE KEY'));
      const tradeId = typeof values.trade === 'string' && values.trade !== '' ? values.trade : `key-${(await rsaPublicKeyId(modulus, e)).slice(0, 16)}`;
      const officialPems = await Promise.all(officials.map((path) => readText(path, 'official certificate')));
      const shares = await splitOpeningKey({ privateKeyPem, ...(openingCertificatePem ? { openingCertificatePem } : {}), tradeId, k, n });
      await mkdir(outDir, { recursive: true });
      for (const [i, share] of shares.entries()) {
        const sealedTo = officialPems[i];
        const path = join(outDir, sealedTo ? `share-${share.index}.cms` : `share-${share.index}.json`);
        await writeFile(path, sealedTo ? await sealShareFor(share, sealedTo) : encodeShare(share), { mode: SECRET_MODE });
        process.stdout.write(`wrote ${path} (share ${share.index} of ${n}, ${k} needed, trade ${tradeId}${sealedTo ? `, sealed to ${officials[i]}` : ''})\n`);
      }
      return 0;
    },
  },
  {
    verbs: ['share', 'open'],
    usage: 'share open --in SEALED_SHARE --key OFFICIAL_KEY [--cert OFFICIAL_CRT] --out SHARE',
    summary: "decrypt one sealed share with the official's own key",
    options: { in: { type: 'string' }, key: { type: 'string' }, cert: { type: 'string' }, out: { type: 'string' } },
    async run({ values }) {
      const sealed = await readBytes(required(values, 'in'), 'sealed share');
      const privateKeyPem = await readText(required(values, 'key'), 'key');
      const certificatePem = typeof values.cert === 'string' ? await readText(values.cert, 'certificate') : undefined;
      const share = await openSealedShare(sealed, { privateKeyPem, ...(certificatePem ? { certificatePem } : {}) });
      const out = required(values, 'out');
      await writeFile(out, encodeShare(share), { mode: SECRET_MODE });
      process.stdout.write(`wrote ${out} (share ${share.index} of ${share.n}, ${share.k} needed, trade ${share.tradeId})\n`);
      return 0;
    },
  },
  {
    verbs: ['share', 'combine'],
    usage: 'share combine --out KEY [--cert OPENING_CRT] [--trade ID] SHARE…',
    summary: 'rebuild the opening key from k shares; refuses too few, corrupted or foreign shares',
    options: { out: { type: 'string' }, cert: { type: 'string' }, trade: { type: 'string' } },
    positionals: true,
    async run({ values, positionals }) {
      const out = required(values, 'out');
      if (positionals.length === 0) throw new CliUsageError('name the share files after the flags');
      const files = await Promise.all(positionals.map((path) => readBytes(path, 'share')));
      for (const [i, bytes] of files.entries()) {
        if (isSealedShare(bytes)) throw new CliUsageError(`${positionals[i]} is a sealed share: its official opens it first with \`tenderhall share open\``);
      }
      const openingCertificatePem = typeof values.cert === 'string' ? await readText(values.cert, 'opening certificate') : undefined;
      const tradeId = typeof values.trade === 'string' ? values.trade : undefined;
      const pem = await combineShares(files, { ...(openingCertificatePem ? { openingCertificatePem } : {}), ...(tradeId ? { tradeId } : {}) });
      const first = await decodeShare(files[0]!);
      await writeFile(out, pem, { mode: SECRET_MODE });
      process.stdout.write(`wrote ${out}: opening key of trade ${first.tradeId} rebuilt from ${new Set(positionals).size} share file(s) (${first.k} of ${first.n} needed)${openingCertificatePem ? ', matches the opening certificate' : ''}\n`);
      return 0;
    },
  },
];
