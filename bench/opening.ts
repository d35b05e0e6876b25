/**
 * `npm run bench:opening`: the opening (开标) of many sealed bids with openBidFile — exactly what the
 * server's opening module calls per bid: outer signature check, content-key unwrap (RSA-OAEP,
 * RSA-3072 opening key), streamed AES-256-GCM decryption, inner signature verification, the bid
 * package written (fsync + rename) — against the `openssl cms` CLI on the same envelopes, in one run.
 *
 * Fixture (built before any timing, in a temp dir removed even on failure): a throwaway PKI
 * (test/helpers/test-pki.ts), 5 bidder identities, an opening key pair (generateOpeningKeyPair) with
 * its certificate, BENCH_OPENING_BIDS bid packages (bid.json + one BENCH_OPENING_MB MiB pseudo-random
 * attachment) sealed with sealBidFile, round robin over the bidders, one fixture process per CPU.
 *
 * Timed, each over all bids, one bid at a time and two at a time:
 *  - Tenderhall: openBidFile (in this process), the package to a temp file (deleted after);
 *  - openssl decrypt only: `openssl cms -decrypt` per envelope (writes the inner SignedData);
 *  - openssl decrypt + inner verify: that, then `openssl cms -verify` of the inner SignedData;
 *  - openssl all three layers: `cms -verify` of the outer signature, decrypt, inner verify — the same
 *    checks openBidFile makes.
 * ratio = Tenderhall time ÷ OpenSSL time at the same concurrency (≤ 1.0: not slower than `openssl cms`).
 * A sample of the opened packages is compared with the original bytes (exit 1 on any difference).
 * Nothing here asserts a time: it prints.
 *
 * Environment: BENCH_OPENING_BIDS (default 500), BENCH_OPENING_MB (attachment MiB per bid, default 4),
 * OPENSSL (default /usr/bin/openssl).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOpeningKeyPair } from '../crypto/node/opening-key.js';
import { openBidFile } from '../crypto/node/sealed-bid-file.js';
import { TestPki, type TestIdentity } from '../test/helpers/test-pki.js';
import { packagePath, sealedPath, type FixtureBidder, type FixtureSpec } from './opening-fixture.js';

const OPENSSL = process.env.OPENSSL ?? '/usr/bin/openssl';
const BIDS = Math.max(1, Math.floor(Number(process.env.BENCH_OPENING_BIDS ?? 500)));
const MB = Number(process.env.BENCH_OPENING_MB ?? 4);
const CONCURRENCIES = [1, 2];
const MiB = 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-bench-opening-'));
const p = (name: string) => path.join(dir, name);
const children = new Set<ChildProcess>();

// ---- processes ---------------------------------------------------------------------------------

function spawnChecked(command: string, args: string[], options: { cwd?: string; inheritStderr?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'ignore', options.inheritStderr ? 'inherit' : 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', (error) => {
      children.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} exited ${code ?? signal}: ${stderr.slice(0, 2000)}`));
    });
  });
}

const openssl = (args: string[]) => spawnChecked(OPENSSL, args);

/** Runs task(0…n-1) with at most `concurrency` in flight; returns each task's duration (ms). */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const durations: number[] = new Array(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      const start = process.hrtime.bigint();
      await task(i);
      durations[i] = Number(process.hrtime.bigint() - start) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return durations;
}

/** CPU seconds (user + system) of this process (all threads) and of its waited-for children, from /proc. */
function cpuSeconds(): { self: number; children: number } {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    const tick = (i: number) => Number(fields[i]) / 100; // utime 14, stime 15, cutime 16, cstime 17 → indexes 11…14 here; 1/100 s ticks
    return { self: tick(11) + tick(12), children: tick(13) + tick(14) };
  } catch {
    return { self: NaN, children: NaN };
  }
}

// ---- formatting ----------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---- fixture -------------------------------------------------------------------------------------------

interface Fixture {
  rootPath: string;
  opening: TestIdentity & { certPath: string; keyPath: string };
  bidders: FixtureBidder[];
  envelopeBytes: number;
  packageBytes: number;
  sample: number[];
}

/** Evenly spread sample of bid indexes (first and last included). */
function sampleOf(n: number, size: number): number[] {
  if (n <= size) return Array.from({ length: n }, (_, i) => i);
  return [...new Set(Array.from({ length: size }, (_, k) => Math.round((k * (n - 1)) / (size - 1))))];
}

async function buildFixture(): Promise<Fixture> {
  const pki = new TestPki('Tenderhall Bench Root');
  const rootPath = p('root.crt');
  fs.writeFileSync(rootPath, pki.root.certificatePem);
  const openingKeys = await generateOpeningKeyPair();
  const opening = pki.issue('opening', 'Opening key BENCH-OPENING', { keyPair: openingKeys });
  fs.writeFileSync(p('opening.crt'), opening.certificatePem);
  fs.writeFileSync(p('opening.key'), opening.privateKeyPem, { mode: 0o600 });
  const bidders: FixtureBidder[] = Array.from({ length: 5 }, (_, k) => {
    // ASCII subject: TestPki (node-forge) takes the common name as a binary string
    const id = pki.issue('official', `Bench Bidder ${k + 1}`);
    return { ...id, name: `投标人 Bench Bidder ${k + 1}`, uscc: `91360700MA3BENCH${String(k + 1).padStart(2, '0')}` };
  });
  const sample = sampleOf(BIDS, 8);
  const spec: FixtureSpec = { dir, count: BIDS, attachmentBytes: Math.round(MB * MiB), bidders, openingCertificatePem: opening.certificatePem, keep: sample };
  fs.writeFileSync(p('spec.json'), JSON.stringify(spec));
  const workers = Math.max(1, Math.min(os.cpus().length, BIDS));
  await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      spawnChecked(process.execPath, ['--import', 'tsx', path.join(here, 'opening-fixture.ts'), p('spec.json'), String(w), String(workers)], { cwd: root, inheritStderr: true }),
    ),
  );
  let envelopeBytes = 0;
  for (let i = 0; i < BIDS; i++) envelopeBytes += fs.statSync(sealedPath(dir, i)).size;
  const packageBytes = fs.statSync(packagePath(dir, sample[0]!)).size;
  return { rootPath, opening: { ...opening, certPath: p('opening.crt'), keyPath: p('opening.key') }, bidders, envelopeBytes, packageBytes, sample };
}

// ---- variants --------------------------------------------------------------------------------------------

interface Variant {
  name: string;
  kind: 'ours' | 'openssl';
  /** opens bid i; leaves the package (or, for decrypt only, the inner SignedData) at `kept(i)` when `keep` */
  open(i: number, keep: boolean): Promise<void>;
  /** what the kept output is: the package itself, or the inner SignedData that contains it */
  output: 'package' | 'inner';
}

interface Result {
  variant: Variant;
  concurrency: number;
  ms: number;
  medianMs: number;
  cpuSelf: number;
  cpuChildren: number;
}

function variants(f: Fixture, kept: (name: string, i: number) => string, failures: string[]): Variant[] {
  const opener = { privateKeyPem: f.opening.privateKeyPem, certificatePem: f.opening.certificatePem };
  const env = (i: number) => sealedPath(dir, i);
  const scratch = (tag: string, i: number) => p(`out/${tag}-${i}`);
  const decrypt = (i: number, out: string) => openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', env(i), '-recip', f.opening.certPath, '-inkey', f.opening.keyPath, '-out', out]);
  const verifyInner = (inner: string, out: string) => openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', inner, '-CAfile', f.rootPath, '-purpose', 'any', '-out', out]);
  const verifyOuter = (i: number) => openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${env(i)}.sig`, '-content', env(i), '-CAfile', f.rootPath, '-purpose', 'any', '-out', '/dev/null']);
  const finish = (name: string, i: number, out: string, keep: boolean) => (keep ? fs.promises.rename(out, kept(name, i)) : fs.promises.rm(out));
  return [
    {
      name: 'Tenderhall openBidFile (all layers)',
      kind: 'ours',
      output: 'package',
      async open(i, keep) {
        const out = scratch('ours', i);
        const opened = await openBidFile({ sealedPath: env(i), signaturePath: `${env(i)}.sig`, outputPath: out, opener });
        if (keep) {
          const bidder = new X509Certificate(f.bidders[i % f.bidders.length]!.certificatePem);
          const same = (pem: string | undefined) => pem !== undefined && new X509Certificate(pem).raw.equals(bidder.raw);
          if (!same(opened.innerSignerCertificatePem)) failures.push(`bid ${i}: openBidFile names another inner signer`);
          if (!same(opened.outer?.signerCertificatePem)) failures.push(`bid ${i}: openBidFile names another outer signer`);
        }
        await finish('ours', i, out, keep);
      },
    },
    {
      name: 'openssl cms -decrypt',
      kind: 'openssl',
      output: 'inner',
      async open(i, keep) {
        const inner = scratch('dec', i);
        await decrypt(i, inner);
        await finish('dec', i, inner, keep);
      },
    },
    {
      name: 'openssl -decrypt + inner -verify',
      kind: 'openssl',
      output: 'package',
      async open(i, keep) {
        const inner = scratch('decv-inner', i);
        const out = scratch('decv', i);
        await decrypt(i, inner);
        await verifyInner(inner, out);
        await fs.promises.rm(inner);
        await finish('decv', i, out, keep);
      },
    },
    {
      name: 'openssl outer -verify + -decrypt + inner -verify',
      kind: 'openssl',
      output: 'package',
      async open(i, keep) {
        const inner = scratch('all-inner', i);
        const out = scratch('all', i);
        await verifyOuter(i);
        await decrypt(i, inner);
        await verifyInner(inner, out);
        await fs.promises.rm(inner);
        await finish('all', i, out, keep);
      },
    },
  ];
}

const tagOf = (v: Variant) => (v.kind === 'ours' ? 'ours' : v.name.includes('outer') ? 'all' : v.name.includes('inner') ? 'decv' : 'dec');

// ---- the benchmark -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const version = spawnSync(OPENSSL, ['version'], { encoding: 'utf8' }).stdout.trim();
  console.log(
    `opening benchmark — ${BIDS} bids of ${MB} MiB, ${version}, Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), temp dir ${dir}`,
  );
  const fixtureStart = Date.now();
  const f = await buildFixture();
  console.log(
    `fixture: throwaway PKI, 5 bidders (RSA-2048), opening key RSA-${3072} (generateOpeningKeyPair); ${BIDS} bid packages of ${fmt(f.packageBytes / MiB, 2)} MiB (bid.json + one attachment) sealed with sealBidFile in ${fmt((Date.now() - fixtureStart) / 1000, 1)} s (before timing); envelopes ${fmt(f.envelopeBytes / 1e6)} MB in all`,
  );

  fs.mkdirSync(p('out'));
  fs.mkdirSync(p('kept'));
  const kept = (tag: string, i: number) => p(`kept/${tag}-${i}`);
  const failures: string[] = [];
  const all = variants(f, kept, failures);
  const sampleSet = new Set(f.sample);

  // What an openssl process costs before it does any work (context for the per-bid numbers).
  const startCosts = await pool(20, 1, () => openssl(['version']));
  // Warm-up, untimed: JIT, the openssl binary and the keys in the page cache.
  for (const v of all) await v.open(0, false);

  const results: Result[] = [];
  for (const concurrency of CONCURRENCIES) {
    for (const v of all) {
      // untimed: write back dirty pages (the fixture's 2 GB of envelopes, the last variant's files) so
      // that no variant pays for another's writeback
      spawnSync('sync');
      const cpu0 = cpuSeconds();
      const start = process.hrtime.bigint();
      const durations = await pool(BIDS, concurrency, (i) => v.open(i, sampleSet.has(i)));
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const cpu1 = cpuSeconds();
      results.push({ variant: v, concurrency, ms, medianMs: median(durations), cpuSelf: cpu1.self - cpu0.self, cpuChildren: cpu1.children - cpu0.children });
      process.stdout.write(`  ${v.name}, ${concurrency} at a time: ${fmt(ms / 1000, 2)} s\n`);
      // correctness guard: the sampled outputs against the original packages (untimed)
      const tag = tagOf(v);
      for (const i of f.sample) {
        const original = fs.readFileSync(packagePath(dir, i));
        const opened = fs.readFileSync(kept(tag, i));
        const same = v.output === 'package' ? opened.equals(original) : opened.indexOf(original) >= 0;
        if (!same) failures.push(`bid ${i}: ${v.name} (${concurrency} at a time) gave ${opened.length} bytes that ${v.output === 'package' ? 'differ from' : 'do not contain'} the original ${original.length}-byte package`);
        fs.rmSync(kept(tag, i));
      }
    }
  }

  const ours = (c: number) => results.find((r) => r.variant.kind === 'ours' && r.concurrency === c)!;
  console.log(`\nratio = Tenderhall time ÷ OpenSSL time at the same concurrency (≤ 1.0: not slower than \`openssl cms\`); MB/s of envelope bytes (10^6)`);
  console.log('variant                                          | at a time | total s | ms/bid (wall÷N) | median per bid ms | MB/s  | CPU s (self+children) | ratio');
  console.log('-------------------------------------------------|-----------|---------|-----------------|-------------------|-------|-----------------------|------');
  for (const r of results) {
    const cpu = r.variant.kind === 'ours' ? r.cpuSelf : r.cpuChildren + r.cpuSelf;
    const ratio = r.variant.kind === 'ours' ? '' : fmt(ours(r.concurrency).ms / r.ms, 2);
    console.log(
      `${r.variant.name.padEnd(48)} | ${String(r.concurrency).padStart(9)} | ${fmt(r.ms / 1000, 2).padStart(7)} | ${fmt(r.ms / BIDS, 1).padStart(15)} | ${fmt(r.medianMs, 1).padStart(17)} | ${fmt(f.envelopeBytes / 1e6 / (r.ms / 1000)).padStart(5)} | ${fmt(cpu, 2).padStart(21)} | ${ratio}`,
    );
  }
  const against = (name: string) =>
    CONCURRENCIES.map((c) => {
      const theirs = results.find((r) => r.variant.name === name && r.concurrency === c)!;
      return `${c} at a time ${fmt(ours(c).ms / theirs.ms, 2)}`;
    }).join(', ');
  console.log(`\nTenderhall ÷ openssl decrypt only (goal ≤ 1.0): ${against('openssl cms -decrypt')}`);
  console.log(`Tenderhall ÷ openssl with the same checks (outer verify + decrypt + inner verify): ${against('openssl outer -verify + -decrypt + inner -verify')}`);
  console.log(
    `notes: each openssl row pays a process start per command (\`openssl version\` takes ${fmt(median(startCosts), 1)} ms here); openBidFile also fsyncs each package before renaming it into place, openssl does not; load average now ${os.loadavg().map((l) => fmt(l, 1)).join(' ')}.`,
  );
  if (failures.length) {
    console.error(`\ncorrectness guard FAILED (${failures.length}):`);
    for (const failure of failures.slice(0, 20)) console.error(`  ${failure}`);
    process.exitCode = 1;
  } else {
    console.log(`correctness guard: sampled bids ${f.sample.join(', ')} opened by every variant at both concurrencies equal the original packages byte for byte (decrypt only: the inner SignedData contains them)`);
  }
}

let cleaned = false;
function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanup();
    process.exit(130);
  });
}

main()
  .then(cleanup)
  .catch((error: unknown) => {
    console.error(error);
    cleanup();
    process.exit(1);
  });
