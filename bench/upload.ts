/**
 * `npm run bench:upload`: sealed-bid ingest through the real server (a child process on its own
 * SQLite DATA_DIR), against a raw loopback sink that reads and discards the same bytes, in one run.
 *
 *  1. one big sealed bid (BENCH_UPLOAD_MB, default 1024 MiB of bid package) streamed from disk to
 *     POST /api/trades/:id/bids and to the sink with the same client code: MB/s and the ratio;
 *  2. the server's RSS (VmRSS sampled every 20 ms, VmHWM reset before and read after) during it;
 *  3. a deadline rush: BENCH_RUSH (default 300) separately sealed 5 MiB bids from the five demo
 *     bidders, all sent at once; every one must be receipted (201); wall time, throughput, p50/p99.
 *
 * Everything is set up through the real API (staff login, trade, documents, officials' and bidders'
 * certificates through the CSR API, publication, registration). Nothing here asserts a time: it prints.
 *
 * Environment: BENCH_UPLOAD_MB (default 1024), BENCH_RUNS (rounds of 1., default 3), BENCH_RUSH (default 300), BENCH_RUSH_MB (default 5),
 * BENCH_SERVER=dist to run the built dist/server/main.js instead of server/main.ts through tsx,
 * BENCH_SERVER_NODE_ARGS (extra node flags for the server, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { sealBidFile } from '../crypto/node/sealed-bid-file.js';
import type { TradeView } from '../contracts/trades.js';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD } from '../server/seed/demo-data.js';
import { run, type Child } from '../test/helpers/processes.js';
import { enrol, publishedTrade, register, type TradeTestTarget } from '../test/helpers/trades.js';

const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024);
const RUSH = Number(process.env.BENCH_RUSH ?? 300);
const RUSH_MB = Number(process.env.BENCH_RUSH_MB ?? 5);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const BIDDERS = ['bidder1', 'bidder2', 'bidder3', 'bidder4', 'bidder5'];
const MiB = 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-bench-upload-'));
const p = (name: string) => path.join(dir, name);
const children: Child[] = [];

/** Pseudo-random file content, written a MiB at a time. */
function makeFile(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  const block = crypto.randomBytes(MiB);
  for (let written = 0; written < bytes; written += block.length) {
    block.writeUInt32LE(written >>> 0, 0);
    fs.writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  }
  fs.closeSync(fd);
}

// ---- processes and their memory -------------------------------------------------------------

function startNode(script: string, env: Record<string, string>, nodeArgs: string[] = []): Child {
  const child = run(process.execPath, [...nodeArgs, ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script], env);
  children.push(child);
  return child;
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.splice(0).map(async (child) => {
      if (child.process.exitCode !== null || child.process.signalCode !== null) return;
      child.process.kill('SIGTERM');
      const timer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
      await child.exit();
      clearTimeout(timer);
    }),
  );
}

function procStatus(pid: number): { rssKb: number; hwmKb: number } {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  // after "pid (comm) ": state is field 3, utime 14 and stime 15 → indexes 11 and 12 here; clock ticks of 1/100 s
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Watches one process's RSS: VmHWM reset at start (clear_refs 5), VmRSS sampled every 20 ms. */
function watchRss(pid: number): { stop(): { baselineMb: number; peakMb: number; hwmMb: number | null; samples: number } } {
  const baselineKb = procStatus(pid).rssKb;
  let hwmReset = true;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    hwmReset = false;
  }
  let peakKb = baselineKb;
  let samples = 0;
  const sample = () => {
    try {
      peakKb = Math.max(peakKb, procStatus(pid).rssKb);
      samples++;
    } catch {
      /* the process went away: the caller will notice */
    }
  };
  const timer = setInterval(sample, 20);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const hwmKb = hwmReset ? procStatus(pid).hwmKb : NaN;
      return { baselineMb: baselineKb / 1024, peakMb: Math.max(peakKb, Number.isNaN(hwmKb) ? 0 : hwmKb) / 1024, hwmMb: hwmReset ? hwmKb / 1024 : null, samples };
    },
  };
}

// ---- the client: multipart framing by hand around a file stream --------------------------------

interface UploadResult {
  status: number;
  /** CPU seconds the receiving process used meanwhile (set by the caller) */
  cpu?: number;
  body: string;
  /** from the first byte written to the response's last byte */
  ms: number;
  /** from the first byte written to the last body byte handed to the socket */
  sentMs: number;
  bytes: number;
}

function upload(url: string, args: { envelopePath: string; signature: Buffer; token?: string; agent?: http.Agent; fileName?: string }): Promise<UploadResult> {
  const boundary = `----tenderhall-bench-${crypto.randomBytes(12).toString('hex')}`;
  const fileName = args.fileName ?? path.basename(args.envelopePath);
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="envelope"; filename="${fileName}"\r\nContent-Type: application/cms\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.concat([
    Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="signature"; filename="${fileName}.sig"\r\nContent-Type: application/cms\r\n\r\n`, 'utf8'),
    args.signature,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  ]);
  const size = fs.statSync(args.envelopePath).size;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let sentMs = NaN;
    const since = () => Number(process.hrtime.bigint() - start) / 1e6;
    const req = http.request(url, {
      method: 'POST',
      agent: args.agent ?? false,
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(head.length + size + tail.length),
        ...(args.token ? { Authorization: `Bearer ${args.token}` } : {}),
      },
    });
    const file = fs.createReadStream(args.envelopePath, { highWaterMark: MiB });
    req.on('error', (error) => {
      file.destroy();
      reject(error);
    });
    req.on('finish', () => (sentMs = since()));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        // an early answer (a refusal) stops the sending
        file.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: since(), sentMs, bytes: size });
      });
      res.on('error', reject);
    });
    file.on('error', (error) => req.destroy(error));
    req.write(head);
    file.pipe(req, { end: false });
    file.on('end', () => req.end(tail));
  });
}

// ---- formatting ----------------------------------------------------------------------------------

const mbps = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000));
const fmt = (n: number, digits = 0) => n.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

// ---- setup through the real API ---------------------------------------------------------------

async function targetFor(url: string): Promise<TradeTestTarget & { token(username: string): Promise<string> }> {
  const http = request(url);
  const tokens = new Map<string, string>();
  const tokenFor = async (username: string) => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await http.post('/api/auth/login').send({ username, password: DEMO_PASSWORD });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
    tokens.set(username, res.body.token as string);
    return res.body.token as string;
  };
  const admin = { Authorization: `Bearer ${await tokenFor('admin')}` };
  const orgs = await http.get('/api/organisations').set(admin);
  const users = await http.get('/api/admin/users').set(admin);
  if (orgs.status !== 200 || users.status !== 200) throw new Error(`seed ids: ${orgs.status} ${orgs.text} / ${users.status} ${users.text}`);
  const orgList = (Array.isArray(orgs.body) ? orgs.body : orgs.body.organisations) as { id: number; uscc: string }[];
  const userList = (Array.isArray(users.body) ? users.body : users.body.users) as { id: number; username: string }[];
  const organisations: Record<string, number> = {};
  for (const demo of DEMO_ORGANISATIONS) {
    const found = orgList.find((o) => o.uscc === demo.uscc);
    if (found) organisations[demo.key] = found.id;
  }
  const byUser: Record<string, number> = Object.fromEntries(userList.map((u) => [u.username, u.id]));
  return { http, tokenFor, token: tokenFor, seed: { organisations, users: byUser } };
}

// ---- the benchmark ---------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dataDir = p('data');
  fs.mkdirSync(dataDir);
  const useDist = process.env.BENCH_SERVER === 'dist';
  if (useDist && !fs.existsSync(path.join(root, 'dist', 'server', 'main.js'))) throw new Error('BENCH_SERVER=dist but dist/server/main.js is missing: npm run build:server');
  const serverScript = useDist ? 'dist/server/main.js' : 'server/main.ts';
  const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const server = startNode(serverScript, {
    DATA_DIR: dataDir,
    DATABASE_URL: '', // SQLite under DATA_DIR, whatever the caller's environment says
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    SEED_DEMO: 'auto',
    BID_MAX_BYTES: String(Math.max(3 * 1024 ** 3, (UPLOAD_MB + 64) * MiB)),
    AUDIT_CHECKPOINT_MINUTES: '0',
  }, serverNodeArgs);
  const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/, 120_000);
  await server.waitFor(/supervisor\s+supervisor/);
  const sink = startNode(path.join('bench', 'upload-sink.ts'), {});
  const [, sinkUrl] = await sink.waitFor(/sink listening on (http:\/\/\S+)/);
  const serverPid = server.process.pid!;

  console.log(`upload benchmark — Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), server: node ${[...serverNodeArgs, serverScript].join(' ')}${useDist ? '' : ' (tsx)'}, SQLite, temp dir on ${dir}`);

  // Trade, officials, bidders — the real API.
  const target = await targetFor(url!);
  const trade: TradeView = await publishedTrade(target, 'construction');
  const signers = new Map<string, Awaited<ReturnType<typeof enrol>>>();
  for (const bidder of BIDDERS) {
    const res = await register(target, trade.id, bidder);
    if (res.status !== 201) throw new Error(`register ${bidder}: ${res.status} ${res.text}`);
    signers.set(bidder, await enrol(target, bidder));
  }
  const bidsUrl = `${url}/api/trades/${trade.id}/bids`;
  console.log(`trade ${trade.code} (${trade.state}), bid deadline ${trade.notice.bidDeadline}; 5 bidders registered and enrolled\n`);

  // ---- 1 + 2: one big sealed bid ----
  if (UPLOAD_MB > 0) {
    const input = p('big-input');
    makeFile(input, UPLOAD_MB * MiB);
    const sealStart = Date.now();
    const sealed = await sealBidFile({ inputPath: input, outputPath: p('big.sealed'), bidder: signers.get('bidder1')!, openingCertificatePem: trade.openingCertificatePem! });
    const sealMs = Date.now() - sealStart;
    fs.rmSync(input);
    const signature = fs.readFileSync(sealed.signaturePath);
    console.log(`sealed a ${UPLOAD_MB} MiB bid package into a ${fmt(sealed.size / MiB, 1)} MiB envelope in ${fmt(sealMs / 1000, 1)} s (before timing)`);

    // Rounds alternate sink and server so that both see the same machine weather. The first server
    // round records the bid (201); later rounds send the identical bytes again, which the server
    // ingests in full (stream, hash, write, fsync) and then answers as a replay (200, same receipt).
    const token = await target.token('bidder1');
    const sinkRuns: UploadResult[] = [];
    const serverRuns: UploadResult[] = [];
    const rssRuns: ReturnType<ReturnType<typeof watchRss>['stop']>[] = [];
    const sinkRssRuns: ReturnType<ReturnType<typeof watchRss>['stop']>[] = [];
    for (let round = 0; round < RUNS; round++) {
      const sinkWatch = watchRss(sink.process.pid!);
      const sinkCpu = cpuSeconds(sink.process.pid!);
      const toSink = await upload(sinkUrl!, { envelopePath: sealed.sealedPath, signature });
      toSink.cpu = cpuSeconds(sink.process.pid!) - sinkCpu;
      sinkRssRuns.push(sinkWatch.stop());
      if (toSink.status !== 201) throw new Error(`sink answered ${toSink.status}`);
      sinkRuns.push(toSink);
      await new Promise((r) => setTimeout(r, 500));
      const watch = watchRss(serverPid);
      const serverCpu = cpuSeconds(serverPid);
      const toServer = await upload(bidsUrl, { envelopePath: sealed.sealedPath, signature, token });
      toServer.cpu = cpuSeconds(serverPid) - serverCpu;
      rssRuns.push(watch.stop());
      if (toServer.status !== (round === 0 ? 201 : 200)) throw new Error(`server answered ${toServer.status}: ${toServer.body.slice(0, 500)}`);
      const receipt = JSON.parse(toServer.body) as { bid: { size: number }; replayed: boolean };
      if (receipt.bid.size !== sealed.size) throw new Error(`receipt says ${receipt.bid.size} bytes, sent ${sealed.size}`);
      serverRuns.push(toServer);
      await new Promise((r) => setTimeout(r, 500));
    }

    const bytes = sealed.size;
    const rate = (runs: UploadResult[]) => median(runs.map((r) => mbps(bytes, r.ms)));
    console.log(`\n1. ingest of one ${fmt(bytes / MiB, 0)} MiB sealed bid streamed from disk, same client code for both; ${RUNS} alternating rounds`);
    console.log('round | target                        | body sent  | answered   | MB/s  | receiver CPU');
    console.log('------|-------------------------------|------------|------------|-------|-------------');
    const row = (round: number, name: string, r: UploadResult) =>
      console.log(
        `${String(round + 1).padEnd(5)} | ${name.padEnd(29)} | ${fmt(r.sentMs / 1000, 2).padStart(8)} s | ${fmt(r.ms / 1000, 2).padStart(8)} s | ${fmt(mbps(bytes, r.ms)).padStart(5)} | ${fmt(r.cpu ?? NaN, 2).padStart(6)} s`,
      );
    for (let round = 0; round < RUNS; round++) {
      row(round, 'raw loopback sink (discard)', sinkRuns[round]!);
      row(round, `POST …/bids (${round === 0 ? '201 recorded' : '200 replay'})`, serverRuns[round]!);
    }
    const ratio = rate(serverRuns) / rate(sinkRuns);
    console.log(`median: sink ${fmt(rate(sinkRuns))} MB/s, server ${fmt(rate(serverRuns))} MB/s — ratio server ÷ sink ${fmt(ratio * 100)}% (goal ≥ 50%)`);
    const cpu = (runs: UploadResult[]) => median(runs.map((r) => r.cpu ?? NaN));
    console.log(`   receiver CPU (user+system, all threads) per GB: sink ${fmt(cpu(sinkRuns) / (bytes / 1e9), 2)} s, server ${fmt(cpu(serverRuns) / (bytes / 1e9), 2)} s; load average now ${os.loadavg().map((l) => fmt(l, 1)).join(' ')} on ${os.cpus().length} CPUs`);
    console.log(`   after its last body byte the server answered ${serverRuns.map((r) => fmt(r.ms - r.sentMs)).join(' / ')} ms later (fsync of the temp file, outer signature, rename, receipt)`);

    const worst = rssRuns.reduce((a, b) => (b.peakMb - b.baselineMb > a.peakMb - a.baselineMb ? b : a));
    const sinkWorst = sinkRssRuns.reduce((a, b) => (b.peakMb - b.baselineMb > a.peakMb - a.baselineMb ? b : a));
    console.log(`\n2. server RSS during that ingest (VmRSS every 20 ms, VmHWM reset before each round and read after; the worst round)`);
    console.log(`   baseline ${fmt(worst.baselineMb)} MB, peak ${fmt(worst.peakMb)} MB${worst.hwmMb !== null ? ` (VmHWM ${fmt(worst.hwmMb)} MB)` : ''}, growth ${fmt(worst.peakMb - worst.baselineMb)} MB (goal < 100 MB); per round: ${rssRuns.map((r) => `+${fmt(r.peakMb - r.baselineMb)}`).join(' / ')} MB`);
    console.log(`   the sink for comparison: baseline ${fmt(sinkWorst.baselineMb)} MB, peak ${fmt(sinkWorst.peakMb)} MB, growth ${fmt(sinkWorst.peakMb - sinkWorst.baselineMb)} MB`);
    fs.rmSync(sealed.sealedPath);
    fs.rmSync(sealed.signaturePath);
  }

  // ---- 3: the deadline rush ----
  if (RUSH > 0) {
    const input = p('rush-input');
    makeFile(input, RUSH_MB * MiB);
    const sealStart = Date.now();
    const bids: { bidder: string; envelopePath: string; signature: Buffer }[] = [];
    // seal before the timed phase, two at a time
    for (let i = 0; i < RUSH; i += 2) {
      await Promise.all(
        [i, i + 1].filter((j) => j < RUSH).map(async (j) => {
          const bidder = BIDDERS[j % BIDDERS.length]!;
          const sealed = await sealBidFile({ inputPath: input, outputPath: p(`rush-${j}.sealed`), bidder: signers.get(bidder)!, openingCertificatePem: trade.openingCertificatePem! });
          bids[j] = { bidder, envelopePath: sealed.sealedPath, signature: fs.readFileSync(sealed.signaturePath) };
        }),
      );
    }
    const tokens = Object.fromEntries(await Promise.all(BIDDERS.map(async (b) => [b, await target.token(b)] as const)));
    console.log(`\nsealed ${RUSH} separate ${RUSH_MB} MiB bids (${BIDDERS.length} bidders, round robin) in ${fmt((Date.now() - sealStart) / 1000, 1)} s (before timing)`);

    const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(300, RUSH) });
    await new Promise((r) => setTimeout(r, 500));
    const watch = watchRss(serverPid);
    const start = process.hrtime.bigint();
    const results = await Promise.all(
      bids.map((bid, i) =>
        upload(bidsUrl, { envelopePath: bid.envelopePath, signature: bid.signature, token: tokens[bid.bidder]!, agent, fileName: `${bid.bidder}-${i}.sealed` }).catch(
          (error: unknown) => ({ status: -1, body: String(error), ms: NaN, sentMs: NaN, bytes: 0 }) as UploadResult,
        ),
      ),
    );
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const rss = watch.stop();
    agent.destroy();
    const ok = results.filter((r) => r.status === 201);
    const bytes = results.reduce((sum, r) => sum + r.bytes, 0);
    const latencies = ok.map((r) => r.ms).sort((a, b) => a - b);
    console.log(`\n3. deadline rush: ${RUSH} concurrent uploads of ${RUSH_MB} MiB sealed bids to one trade (all at once, maxSockets ${Math.max(300, RUSH)})`);
    console.log('receipted (201) | wall time  | throughput           | per upload p50 | p99        | max');
    console.log('----------------|------------|----------------------|----------------|------------|-----------');
    console.log(
      `${`${ok.length}/${RUSH}`.padEnd(15)} | ${fmt(wallMs / 1000, 2).padStart(8)} s | ${fmt(mbps(bytes, wallMs)).padStart(5)} MB/s ${fmt(RUSH / (wallMs / 1000), 1).padStart(5)} bids/s | ${
        latencies.length ? `${fmt(percentile(latencies, 0.5)).padStart(11)} ms` : '          —   '
      } | ${latencies.length ? `${fmt(percentile(latencies, 0.99)).padStart(7)} ms` : '     —    '} | ${latencies.length ? `${fmt(latencies[latencies.length - 1]!)} ms` : '—'}`,
    );
    if (ok.length) {
      const sent = ok.map((r) => r.sentMs).sort((a, b) => a - b);
      const after = ok.map((r) => r.ms - r.sentMs).sort((a, b) => a - b);
      console.log(`   body fully sent after: p50 ${fmt(percentile(sent, 0.5))} ms, p99 ${fmt(percentile(sent, 0.99))} ms; answered after the last body byte: p50 ${fmt(percentile(after, 0.5))} ms, p99 ${fmt(percentile(after, 0.99))} ms`);
    }
    const failures = results.map((r, i) => ({ ...r, i })).filter((r) => r.status !== 201);
    for (const f of failures.slice(0, 20)) console.log(`   upload ${f.i} (${bids[f.i]!.bidder}): ${f.status} ${f.body.slice(0, 300)}`);
    if (failures.length > 20) console.log(`   … and ${failures.length - 20} more failures`);
    console.log(`   server RSS during the rush: baseline ${fmt(rss.baselineMb)} MB, peak ${fmt(rss.peakMb)} MB, growth ${fmt(rss.peakMb - rss.baselineMb)} MB`);
    const mine = await target.http.get(`/api/trades/${trade.id}/bids`).set({ Authorization: `Bearer ${tokens.bidder1}` });
    const current = (mine.body.bids as { status: string }[]).filter((b) => b.status === 'current').length;
    console.log(`   bidder1's history on the trade: ${mine.body.bids.length} bids, ${current} current`);
    if (failures.length) process.exitCode = 1;
  }
}

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanup().then(() => process.exit(130));
  });
}

main()
  .then(cleanup)
  .catch(async (error: unknown) => {
    console.error(error);
    const server = children[0];
    if (server) console.error(`--- server output ---\n${server.output().slice(-4000)}`);
    await cleanup();
    process.exit(1);
  });
