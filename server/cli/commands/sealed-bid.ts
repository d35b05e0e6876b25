import { readFile, stat, writeFile } from 'node:fs/promises';
import { certificateInfo, certificateSubjectLine } from '../../../crypto/cert-info.js';
import { equalBytes } from '../../../crypto/der.js';
import { CryptoFormatError } from '../../../crypto/errors.js';
import { openBidFile, signaturePathFor, sealBidFile, unlockBidFile, verifyOuterFile } from '../../../crypto/node/sealed-bid-file.js';
import { certificateDerToPem, pemBlocks, pemToDer } from '../../../crypto/pem.js';
import { checkCertificate } from '../../../crypto/certificates.js';
import { combineShares } from '../../../crypto/opening-key.js';
import { CliUsageError, readBytes, readText, required, type CliCommand } from './index.js';

/** Sealed-bid verbs: seal, verify (outer, no opening), open, unlock. PEM keys/certs, DER CMS files. */

const PROGRESS_THRESHOLD = 8 * 1024 * 1024;

/** A progress line on stderr for big files: a redrawn bar on a TTY, a line per 10 % otherwise. */
function progress(label: string, total: number): ((done: number, all: number) => void) | undefined {
  if (total <= PROGRESS_THRESHOLD) return undefined;
  let last = -1;
  const tty = process.stderr.isTTY;
  return (done, all) => {
    const pct = all === 0 ? 100 : Math.floor((done / all) * 100);
    if (tty) {
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r${label.padEnd(10)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(pct).padStart(3)}%${pct === 100 ? '\n' : ''}`);
    } else {
      const step = Math.floor(pct / 10) * 10;
      if (step === last) return;
      last = step;
      process.stderr.write(`${label} ${step}%\n`);
    }
  };
}

async function fileSize(path: string, what: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new CliUsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The subject of a certificate as one line (O=…, CN=…), UTF-8 decoded. */
export function subjectLine(pem: string): string {
  try {
    return certificateSubjectLine(certificateInfo(pemToDer(pem, 'CERTIFICATE')));
  } catch {
    return '(subject unreadable)';
  }
}

/**
 * Chain check: self-signed certificates in the --ca file are the trust anchors, the rest (and those
 * carried in the signature) intermediates; each --crl file (DER, e.g. from GET /api/ca/crl) is a
 * revocation list the chain is checked against.
 */
async function checkChain(signerPem: string, carriedPem: string[], caPath: string, crlPaths: string[] = []): Promise<string> {
  const caText = await readText(caPath, 'CA file');
  const blocks = pemBlocks(caText).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new CryptoFormatError('PEM_MALFORMED', `no certificate in ${caPath}`);
  const anchors: string[] = [];
  const intermediates: string[] = [...carriedPem];
  for (const block of blocks) {
    const info = certificateInfo(block.der);
    (equalBytes(info.issuer, info.subject) ? anchors : intermediates).push(certificateDerToPem(block.der));
  }
  // no self-signed certificate given: trust what was given as it is
  if (anchors.length === 0) anchors.push(...intermediates.splice(carriedPem.length));
  const crlsDer = await Promise.all(crlPaths.map((p) => readBytes(p, 'CRL')));
  await checkCertificate(signerPem, { trustAnchorsPem: anchors, intermediatesPem: intermediates, at: new Date(), usage: 'signature', ...(crlsDer.length ? { crlsDer } : {}) });
  return crlsDer.length ? `chain OK, not revoked (${crlsDer.length} CRL${crlsDer.length > 1 ? 's' : ''})` : 'chain OK (no --crl: revocation not checked)';
}

export const sealedBidCommands: CliCommand[] = [
  {
    verbs: ['seal'],
    usage: 'seal --key KEY --cert CRT --to OPENING_CRT --in FILE --out SEALED [--chain PEM]',
    summary: 'sign, encrypt (to yourself and the opening key) and sign again: SEALED + SEALED.sig',
    options: { key: { type: 'string' }, cert: { type: 'string' }, to: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' }, chain: { type: 'string' } },
    async run({ values }) {
      const [keyPath, certPath, toPath, inPath, outPath] = ['key', 'cert', 'to', 'in', 'out'].map((n) => required(values, n)) as [string, string, string, string, string];
      const privateKeyPem = await readText(keyPath, 'key');
      const certificatePem = await readText(certPath, 'certificate');
      const openingCertificatePem = await readText(toPath, 'opening certificate');
      pemToDer(certificatePem, 'CERTIFICATE');
      pemToDer(openingCertificatePem, 'CERTIFICATE');
      const chainPem = typeof values.chain === 'string' ? [await readText(values.chain, 'chain')] : [];
      const size = await fileSize(inPath, 'input');
      const hashing = progress('hashing', size);
      const sealing = progress('sealing', size);
      const result = await sealBidFile({
        inputPath: inPath,
        outputPath: outPath,
        bidder: { certificatePem, privateKeyPem, chainPem },
        openingCertificatePem,
        onProgress: (phase, done, total) => (phase === 'hash' ? hashing : sealing)?.(done, total),
      });
      process.stdout.write(`sealed ${size} bytes → ${result.sealedPath} (${result.size} bytes, sha256 ${Buffer.from(result.envelopeSha256).toString('hex')}) and ${result.signaturePath}\n`);
      return 0;
    },
  },
  {
    verbs: ['verify'],
    usage: 'verify --in SEALED [--sig SEALED.sig] [--ca CHAIN [--crl CRL]…]',
    summary: 'check who submitted exactly these sealed bytes (outer signature), without opening',
    options: { in: { type: 'string' }, sig: { type: 'string' }, ca: { type: 'string' }, crl: { type: 'string', multiple: true } },
    async run({ values }) {
      const inPath = required(values, 'in');
      const sigPath = typeof values.sig === 'string' ? values.sig : signaturePathFor(inPath);
      await fileSize(sigPath, 'signature');
      const outer = await verifyOuterFile(inPath, sigPath, { onProgress: progress('hashing', await fileSize(inPath, 'input')) });
      const chain = typeof values.ca === 'string' ? await checkChain(outer.signerCertificatePem, outer.certificatesPem, values.ca, (values.crl as string[] | undefined) ?? []) : 'chain not checked (no --ca)';
      process.stdout.write(
        `signature OK: signed by ${subjectLine(outer.signerCertificatePem)}${outer.signingTime ? ` at ${outer.signingTime.toISOString()}` : ''}; ${chain}; sha256 ${Buffer.from(outer.envelopeSha256).toString('hex')}\n`,
      );
      return 0;
    },
  },
  {
    verbs: ['open'],
    usage: 'open (--key KEY [--cert CRT] | --shares SHARE… --cert OPENING_CRT [--trade ID] | --cek CEK) --in SEALED --out FILE [--sig SEALED.sig] [--ca CHAIN [--crl CRL]…]',
    summary: 'decrypt a sealed bid (own key, k opened opening-key shares, or a released content key) and verify its inner signature; the output appears only if all checks pass',
    options: {
      key: { type: 'string' },
      shares: { type: 'string', multiple: true },
      trade: { type: 'string' },
      cert: { type: 'string' },
      cek: { type: 'string' },
      in: { type: 'string' },
      out: { type: 'string' },
      sig: { type: 'string' },
      ca: { type: 'string' },
      crl: { type: 'string', multiple: true },
    },
    positionals: true,
    async run({ values, positionals }) {
      const inPath = required(values, 'in');
      const outPath = required(values, 'out');
      // `--shares a.json b.json` : the files after the first arrive as positionals
      const sharePaths = [...((values.shares as string[] | undefined) ?? []), ...(values.shares ? positionals : [])];
      if (!values.shares && positionals.length) throw new CliUsageError(`unexpected argument ${positionals[0]}`);
      const ways = [typeof values.key === 'string', sharePaths.length > 0, typeof values.cek === 'string'].filter(Boolean).length;
      if (ways !== 1) throw new CliUsageError('give exactly one of --key, --shares or --cek');
      const size = await fileSize(inPath, 'input');
      const certificatePem = typeof values.cert === 'string' ? await readText(values.cert, 'certificate') : undefined;
      let opener: { cek: Uint8Array } | { privateKeyPem: string; certificatePem?: string };
      if (typeof values.cek === 'string') opener = { cek: new Uint8Array(await readFile(values.cek)) };
      else if (sharePaths.length) {
        if (!certificatePem) throw new CliUsageError('--shares needs --cert OPENING_CRT: the rebuilt key is checked against it');
        const shares = await Promise.all(sharePaths.map((p) => readText(p, 'share')));
        // k opened shares → the opening key, in memory only (never written)
        const privateKeyPem = await combineShares(shares, { openingCertificatePem: certificatePem, ...(typeof values.trade === 'string' ? { tradeId: values.trade } : {}) });
        opener = { privateKeyPem, certificatePem };
      } else opener = { privateKeyPem: await readText(values.key as string, 'key'), ...(certificatePem ? { certificatePem } : {}) };
      const onProgress = progress('opening', size);
      // the outer signature beside SEALED is checked too when present (same-signer rule)
      const defaultSig = signaturePathFor(inPath);
      const sigPath = typeof values.sig === 'string' ? values.sig : (await stat(defaultSig).then(() => defaultSig, () => undefined));
      const opened = await openBidFile({
        sealedPath: inPath,
        outputPath: outPath,
        opener,
        ...(sigPath ? { signaturePath: sigPath } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
      const chain = typeof values.ca === 'string' ? await checkChain(opened.innerSignerCertificatePem, opened.innerCertificatesPem, values.ca, (values.crl as string[] | undefined) ?? []) : 'chain not checked (no --ca)';
      process.stdout.write(
        `opened → ${outPath}: bid package signed by ${subjectLine(opened.innerSignerCertificatePem)}${opened.innerSigningTime ? ` at ${opened.innerSigningTime.toISOString()}` : ''}; ${chain}${opened.outer ? '; outer signature OK, same signer' : ''}\n`,
      );
      return 0;
    },
  },
  {
    verbs: ['unlock'],
    usage: 'unlock --key KEY [--cert CRT] --in SEALED --out CEK',
    summary: 'release only the 32-byte content key of one sealed bid (the bidder’s unlock at the opening)',
    options: { key: { type: 'string' }, cert: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' } },
    async run({ values }) {
      const inPath = required(values, 'in');
      const outPath = required(values, 'out');
      const privateKeyPem = await readText(required(values, 'key'), 'key');
      const cek = await unlockBidFile(inPath, { privateKeyPem, ...(typeof values.cert === 'string' ? { certificatePem: await readText(values.cert, 'certificate') } : {}) });
      await writeFile(outPath, cek, { mode: 0o600 });
      process.stdout.write(`content key (32 bytes) → ${outPath}\n`);
      return 0;
    },
  },
];
