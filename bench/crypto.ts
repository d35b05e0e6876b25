/**
 * `npm run bench:crypto`: our streamed seal/open against `openssl cms` on the same bytes, in one run,
 * printed as ratios (OpenSSL's time ÷ ours: ≥ 1.0 means we are not slower than OpenSSL's own tool),
 * plus peak RSS while sealing and opening a 1 GB file. Nothing here asserts a time: it prints.
 *
 * Environment: BENCH_SIZES_MB (default 1,16,128), BENCH_RUNS (default 3), BENCH_RSS_MB (default 1024).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFile, sealFile } from '../crypto/node/sealed-file.js';
import { openBidFile, sealBidFile } from '../crypto/node/sealed-bid-file.js';

const OPENSSL = process.env.OPENSSL ?? '/usr/bin/openssl';
const SIZES_MB = (process.env.BENCH_SIZES_MB ?? '1,16,128').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RSS_MB = Number(process.env.BENCH_RSS_MB ?? 1024);
const here = path.dirname(fileURLToPath(import.meta.url));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-bench-'));
const p = (name: string) => path.join(dir, name);

function makeIdentity(name: string): { certificatePem: string; privateKeyPem: string; certPath: string; keyPath: string } {
  execFileSync(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p(`${name}.key`), '-out', p(`${name}.crt`), '-days', '30', '-subj', `/CN=${name}`,
    '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment'], { stdio: 'ignore' });
  return { certificatePem: fs.readFileSync(p(`${name}.crt`), 'utf8'), privateKeyPem: fs.readFileSync(p(`${name}.key`), 'utf8'), certPath: p(`${name}.crt`), keyPath: p(`${name}.key`) };
}

/** Pseudo-random file content, written a MiB at a time (AES does not care what the bytes are). */
function makeFile(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  const block = crypto.randomBytes(1 << 20);
  for (let written = 0; written < bytes; written += block.length) {
    block.writeUInt32LE(written >>> 0, 0);
    fs.writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  }
  fs.closeSync(fd);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(run: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

function openssl(args: string[]): void {
  const result = spawnSync(OPENSSL, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
}

const mbps = (bytes: number, ms: number) => `${((bytes / 1e6) / (ms / 1000)).toFixed(0).padStart(6)} MB/s`;

async function peakRss(mode: 'seal' | 'open', file: string, opening: ReturnType<typeof makeIdentity>): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'crypto-rss.ts'), mode, file, opening.certPath, opening.keyPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`rss child (${mode}) exited ${code}`);
  return Number(/maxRssKb=(\d+)/.exec(out)?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  const opening = makeIdentity('opening');
  const bidder = makeIdentity('bidder');
  const version = execFileSync(OPENSSL, ['version'], { encoding: 'utf8' }).trim();
  console.log(`crypto benchmark — ${version}, Node ${process.version}, ${os.cpus().length} CPUs, median of ${RUNS} runs`);
  console.log('ratio = OpenSSL time ÷ Tenderhall time (≥ 1.0: not slower than `openssl cms`)\n');
  console.log('size     | operation                  | Tenderhall           | openssl cms          | ratio');
  console.log('---------|----------------------------|----------------------|----------------------|------');
  const row = (size: string, op: string, ours: number, theirs: number | null, bytes: number) =>
    console.log(`${size.padEnd(8)} | ${op.padEnd(26)} | ${ours.toFixed(1).padStart(8)} ms ${mbps(bytes, ours)} | ${theirs === null ? ''.padEnd(20) : `${theirs.toFixed(1).padStart(8)} ms ${mbps(bytes, theirs)}`} | ${theirs === null ? '' : (theirs / ours).toFixed(2)}`);

  for (const mb of SIZES_MB) {
    const bytes = mb * 1024 * 1024;
    const input = p(`in-${mb}`);
    makeFile(input, bytes);
    const ourSealed = p(`ours-${mb}.der`);
    const theirSealed = p(`openssl-${mb}.der`);
    const seal = await timeIt(() => sealFile(input, [opening.certificatePem], ourSealed));
    const sslSeal = await timeIt(() =>
      openssl(['cms', '-encrypt', '-binary', '-aes-256-gcm', '-in', input, '-outform', 'DER', '-out', theirSealed, '-recip', opening.certPath,
        '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256']),
    );
    row(`${mb} MiB`, 'seal (envelope)', seal, sslSeal, bytes);
    const open = await timeIt(() => openFile(ourSealed, { certificatePem: opening.certificatePem, privateKeyPem: opening.privateKeyPem }, p(`ours-${mb}.out`)));
    const sslOpen = await timeIt(() =>
      openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', theirSealed, '-recip', opening.certPath, '-inkey', opening.keyPath, '-out', p(`openssl-${mb}.out`)]),
    );
    row(`${mb} MiB`, 'open (envelope)', open, sslOpen, bytes);
    // The whole sealed bid: inner signature + envelope to two recipients + outer signature.
    const bid = p(`bid-${mb}.sealed`);
    const sealBid = await timeIt(() => sealBidFile({ inputPath: input, outputPath: bid, bidder: { certificatePem: bidder.certificatePem, privateKeyPem: bidder.privateKeyPem }, openingCertificatePem: opening.certificatePem }));
    row(`${mb} MiB`, 'seal bid (3 layers)', sealBid, sslSeal, bytes);
    const openBid = await timeIt(() => openBidFile({ sealedPath: bid, signaturePath: `${bid}.sig`, outputPath: p(`bid-${mb}.out`), opener: { certificatePem: opening.certificatePem, privateKeyPem: opening.privateKeyPem } }));
    row(`${mb} MiB`, 'open bid (3 layers)', openBid, sslOpen, bytes);
    for (const f of fs.readdirSync(dir)) if (f.includes(`-${mb}`)) fs.rmSync(p(f), { force: true });
  }

  if (RSS_MB > 0) {
    const big = p('rss-input');
    makeFile(big, RSS_MB * 1024 * 1024);
    const sealRss = await peakRss('seal', big, opening);
    const openRss = await peakRss('open', big, opening);
    console.log(`\npeak RSS for ${RSS_MB} MiB (whole process, incl. Node itself): seal ${sealRss.toFixed(0)} MB, open ${openRss.toFixed(0)} MB (goal < 200 MB)`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
