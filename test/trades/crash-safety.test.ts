import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import type { Response } from 'supertest';
import { buildBidPackage } from '../../crypto/bid-package.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { base64ToBytes } from '../../crypto/pkijs-support.js';
import { verifyReceipt } from '../../crypto/receipt.js';
import { sealBid, type SealedBid } from '../../crypto/sealed-bid.js';
import type { BidJson, BidReceiptView, BidView } from '../../contracts/bids.js';
import type { TradeView } from '../../contracts/trades.js';
import { DEMO_ORGANISATIONS, DEMO_USERS } from '../../server/seed/demo-data.js';
import { bearer } from '../helpers/app.js';
import { startChildApp, tempDirsOf, type ChildApp } from '../helpers/child-app.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';
import { enrol, publishedTrade, register, uploadBid } from '../helpers/trades.js';

/**
 * Crash safety of the bid upload path (architecture.md "One sealed bid's way through"): the server
 * runs as a child process, 100 sealed bids (20 per bidder, every fourth carrying 1–4 MB) are
 * uploaded concurrently, and the process is SIGKILLed once 40 receipts have arrived. Ten of the
 * uploads are held half-way through their body, so the kill certainly lands mid-stream (their
 * partial .part files are on disk); of the other 90, typically ~50 are committed but their receipt
 * has not gone out yet (on MariaDB sometimes one is not even committed). After a restart on the
 * same DATA_DIR and database:
 *  - every upload that got a receipt is in its bidder's history, its envelope downloads byte for
 *    byte, and the receipt verifies against the platform root and names the same SHA-256;
 *  - every bid the API shows is one of the uploads sent in full (no partial, no unknown bytes), its
 *    envelope is present and hashes to its SHA-256, and its receipt (made now if the crash came
 *    between commit and receipt) verifies;
 *  - each bidder has exactly one current bid, seq 1..n without gaps, one audit event per bid;
 *  - no stored blob is partial; the killed process's temp folder is gone; the audit chain verifies.
 */
const BIDDERS = ['bidder1', 'bidder2', 'bidder3', 'bidder4', 'bidder5'];
const PER_BIDDER = 20;
const KILL_AFTER_RECEIPTS = 40;

interface Prepared {
  bidder: string;
  index: number;
  sealed: SealedBid;
  sha256: string;
}

type BidInput = Omit<BidJson, 'files'> & { files?: unknown };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('trades: crash safety — 100 concurrent bid uploads, kill -9 midway, restart', function () {
  this.timeout(600_000);
  let database: FreshDatabase;
  let app: ChildApp | undefined;

  before(async () => {
    database = await freshDatabase();
  });
  after(async () => {
    await app?.kill('SIGKILL');
    await database?.drop();
  });

  it('keeps every receipted bid, byte-identical and verifiable; shows no partial or orphaned bid; the audit chain verifies', async () => {
    app = await startChildApp({ name: 'server', env: { ...database.env, LOG_LEVEL: 'warn' } });
    const trade: TradeView = await publishedTrade(app, 'construction');
    expect(trade.state).to.equal('bidding');
    for (const bidder of BIDDERS) {
      const res = await register(app, trade.id, bidder);
      expect(res.status, `${bidder} registers: ${res.text}`).to.equal(201);
    }

    // 100 distinct envelopes; every fourth carries 1–4 MB of random bytes so the kill lands while
    // some bodies are still on the wire.
    const prepared: Prepared[] = [];
    for (const bidder of BIDDERS) {
      const signer = await enrol(app, bidder);
      const org = DEMO_ORGANISATIONS.find((o) => o.key === DEMO_USERS.find((u) => u.username === bidder)!.organisation)!;
      for (let index = 0; index < PER_BIDDER; index++) {
        const attachment = randomBytes(index % 4 === 0 ? (1 + ((index / 4) % 4)) * 1024 * 1024 : 2048);
        const pkg = await buildBidPackage<BidInput>(
          { format: 'tenderhall-bid', version: 1, trade: trade.code, bidder: { uscc: org.uscc, name: org.name }, lot: '1', priceFen: 900_000_000 + index, durationDays: 170 },
          [{ name: '技术标.pdf', bytes: new Uint8Array(attachment) }],
        );
        const sealed = await sealBid(pkg, signer, trade.openingCertificatePem!, { provider: nodeProvider });
        prepared.push({ bidder, index, sealed, sha256: sha256(sealed.envelope) });
      }
    }
    const bySha = new Map(prepared.map((p) => [p.sha256, p]));
    expect(bySha.size, 'every envelope is distinct').to.equal(BIDDERS.length * PER_BIDDER);
    for (const bidder of BIDDERS) await app.tokenFor(bidder);

    // Every tenth upload (one per bidder per ten) is sent only half-way and then held open: those
    // are certainly mid-stream when the kill comes. Their half bodies must be on the server's disk
    // (as .part temp files) before the other 90 go out, all at once; SIGKILL as soon as
    // KILL_AFTER_RECEIPTS receipts are in.
    const server = app;
    const killedPid = server.pid;
    const halfSent = prepared.filter((p) => p.index % 10 === 9);
    const full = prepared.filter((p) => p.index % 10 !== 9);
    let killed: Promise<number | null> | null = null;
    const halves = await Promise.all(halfSent.map(async (p) => sendHalf(server.url, trade.id, await server.tokenFor(p.bidder), p)));
    const partFiles = () => tempDirsOf(database.dataDir, killedPid).flatMap((dir) => fs.readdirSync(path.join(database.dataDir, 'tmp', dir)).map((f) => path.join(database.dataDir, 'tmp', dir, f)));
    await until(() => partFiles().filter((f) => f.endsWith('.part') && fs.statSync(f).size > 0).length === halfSent.length, 'the half-sent bodies are being stored');

    const receipted: { prepared: Prepared; body: BidReceiptView }[] = [];
    const otherAnswers: { prepared: Prepared; status: number; text: string }[] = [];
    const failures: { prepared: Prepared; error: string }[] = [];
    await Promise.all(
      full.map(async (p) => {
        let res: Response;
        try {
          res = await uploadBid(server, trade.id, p.bidder, p.sealed, { fileName: `${p.bidder}-${p.index}.sealed` });
        } catch (error) {
          failures.push({ prepared: p, error: error instanceof Error ? error.message : String(error) });
          return;
        }
        if (res.status === 201 && typeof res.body?.receipt === 'string') {
          receipted.push({ prepared: p, body: res.body as BidReceiptView });
          if (receipted.length >= KILL_AFTER_RECEIPTS && !killed) killed = server.kill('SIGKILL');
        } else otherAnswers.push({ prepared: p, status: res.status, text: res.text });
      }),
    );
    const code = await (killed ?? server.kill('SIGKILL'));
    expect(code, 'killed by the signal, not exited').to.equal(null);
    expect(server.child.process.signalCode).to.equal('SIGKILL');
    const halfOutcomes = await Promise.all(halves.map((h) => h.outcome));
    console.log(
      `      ${receipted.length} receipts, ${failures.length} full uploads cut off by the kill, ${halfSent.length} half-sent, ${otherAnswers.length} other answers` +
        (otherAnswers.length ? `: ${otherAnswers.map((a) => `${a.status} ${a.text.slice(0, 200)}`).join('; ')}` : ''),
    );
    expect(otherAnswers, 'before the kill every upload is either receipted or cut off').to.deep.equal([]);
    expect(receipted.length, 'the kill came midway').to.be.within(KILL_AFTER_RECEIPTS, full.length - 1);
    expect(failures.length).to.equal(full.length - receipted.length);
    for (const outcome of halfOutcomes) expect(outcome, 'a half-sent upload gets no answer').to.match(/^error:/);
    for (const r of receipted) expect(r.body.bid.sha256, 'a receipt names the bytes sent').to.equal(r.prepared.sha256);
    expect(tempDirsOf(database.dataDir, killedPid), 'the killed process left its temp folder').to.have.length(1);
    expect(partFiles().filter((f) => f.endsWith('.part')).length, 'with the partial uploads in it').to.be.at.least(halfSent.length);

    const seedBefore = structuredClone(server.seed);
    await server.restart();
    expect(server.pid).not.to.equal(killedPid);
    expect(server.output(), 'no second migration').not.to.match(/applied \d+ migrations/);
    expect(server.seed, 'no second seeding: the same users and organisations').to.deep.equal(seedBefore);
    expect(tempDirsOf(database.dataDir, killedPid), 'the dead process’s temp folder is removed at start').to.deep.equal([]);

    const root = (await server.http.get('/api/ca/root')).text;
    const chain = (await server.http.get('/api/ca/chain')).text;
    expect(root).to.match(/BEGIN CERTIFICATE/);
    const verify = (der: Uint8Array) => verifyReceipt(der, { trustAnchorsPem: root, intermediatesPem: chain.split(/(?=-----BEGIN CERTIFICATE-----)/).filter((pem) => pem.trim()) });

    // Every receipted upload: in the history, byte-identical, its receipt verifies and names it.
    const histories = new Map<string, BidView[]>();
    for (const bidder of BIDDERS) {
      const res = await server.http.get(`/api/trades/${trade.id}/bids`).set(bearer(await server.tokenFor(bidder)));
      expect(res.status, res.text).to.equal(200);
      histories.set(bidder, res.body.bids as BidView[]);
    }
    for (const { prepared: p, body } of receipted) {
      const bid = histories.get(p.bidder)!.find((b) => b.sha256 === p.sha256);
      expect(bid, `receipted bid ${p.bidder}#${p.index} is in the history`).to.not.equal(undefined);
      expect(bid!.id).to.equal(body.bid.id);
      const verified = await verify(base64ToBytes(body.receipt)!);
      expect(verified.fields.sha256).to.equal(p.sha256);
      expect(verified.fields.trade).to.equal(trade.code);
      expect(verified.fields.seq).to.equal(bid!.seq);
      expect(verified.fields.size).to.equal(p.sealed.envelope.length);
    }

    // Every bid the API shows: an upload sent in full, stored whole, with a verifying receipt.
    let shown = 0;
    for (const bidder of BIDDERS) {
      const bids = histories.get(bidder)!;
      shown += bids.length;
      expect(
        bids.map((b) => b.seq),
        `${bidder}: seq 1..n without gaps`,
      ).to.deep.equal(bids.map((_, i) => i + 1));
      const current = bids.filter((b) => b.status === 'current');
      expect(current, `${bidder}: at most one current bid`).to.have.length.at.most(1);
      if (bids.length) {
        expect(current, `${bidder}: the last bid is the current one`).to.have.length(1);
        expect(current[0]!.seq).to.equal(bids.length);
        for (const b of bids.slice(0, -1)) expect(b.status, `${bidder} seq ${b.seq}`).to.equal('replaced');
      }
      for (const bid of bids) {
        const sent = bySha.get(bid.sha256);
        expect(sent, `bid ${bid.id} (${bid.sha256}) is an upload the test sent`).to.not.equal(undefined);
        expect(halfSent, `bid ${bid.id} was only half sent`).not.to.include(sent);
        expect(sent!.bidder).to.equal(bidder);
        expect(bid.size).to.equal(sent!.sealed.envelope.length);
        const envelope = await server.http
          .get(`/api/trades/${trade.id}/bids/${bid.id}/envelope`)
          .set(bearer(await server.tokenFor(bidder)))
          .buffer(true)
          .parse((res, done) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          });
        expect(envelope.status).to.equal(200);
        const bytes = envelope.body as Buffer;
        expect(sha256(bytes), `bid ${bid.id}: envelope bytes`).to.equal(bid.sha256);
        expect(Buffer.compare(bytes, Buffer.from(sent!.sealed.envelope)), `bid ${bid.id}: byte-identical`).to.equal(0);
        const receipt = await server.http.get(`/api/trades/${trade.id}/bids/${bid.id}/receipt`).set(bearer(await server.tokenFor(bidder)));
        expect(receipt.status, receipt.text).to.equal(200);
        const verified = await verify(base64ToBytes(receipt.body.receipt as string)!);
        expect(verified.fields.sha256).to.equal(bid.sha256);
        expect(verified.fields.seq).to.equal(bid.seq);
      }
    }
    expect(shown, 'every receipted bid is shown').to.be.at.least(receipted.length);
    console.log(`      after restart: ${shown} bids shown (${shown - receipted.length} committed without a receipt reaching the client)`);

    // One audit event per bid, naming its SHA-256; the chain verifies.
    const adminAuth = bearer(await server.tokenFor('admin'));
    const events: { seq: number; action: string; subject: string | null; payload: { sha256?: string } }[] = [];
    for (let after = 0; ; ) {
      const page = await server.http.get(`/api/audit/events?after=${after}&limit=500`).set(adminAuth);
      expect(page.status, page.text).to.equal(200);
      const rows = page.body as typeof events;
      if (!rows.length) break;
      events.push(...rows);
      after = rows[rows.length - 1]!.seq;
    }
    const bidEvents = events.filter((e) => (e.action === 'bid.received' || e.action === 'bid.replaced') && e.subject === `trade:${trade.code}`);
    const allShown = [...histories.values()].flat();
    expect(bidEvents.map((e) => e.payload.sha256).sort()).to.deep.equal(allShown.map((b) => b.sha256).sort());
    const audit = await server.http.get('/api/audit/verify').set(adminAuth);
    expect(audit.status, audit.text).to.equal(200);
    expect(audit.body, JSON.stringify(audit.body)).to.include({ ok: true, firstBrokenSeq: null });

    // No partial blob: every stored file's name is the SHA-256 of its content.
    const blobRoot = path.join(database.dataDir, 'blobs');
    const blobs = fs.readdirSync(blobRoot, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    for (const entry of blobs) {
      const file = path.join(entry.parentPath, entry.name);
      expect(sha256(fs.readFileSync(file)), `blob ${entry.name} is whole`).to.equal(entry.name);
    }
    for (const bid of allShown) expect(blobs.map((b) => b.name)).to.include(bid.sha256);

    // The restarted server takes bids on the same trade.
    const again = await uploadBid(server, trade.id, 'bidder1', await sealBidAgain(server, trade), { fileName: 'bidder1-after-restart.sealed' });
    expect(again.status, again.text).to.equal(201);
    expect(again.body.bid.seq).to.equal(histories.get('bidder1')!.length + 1);
    await verify(base64ToBytes(again.body.receipt as string)!);
    expect(await server.kill('SIGTERM')).to.equal(0);
  });
});

/** Polls a condition (no time limit of its own: mocha's timeout bounds it). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 0 && i % 200 === 0) console.log(`      still waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A bid upload whose multipart body stops half-way through the envelope and is then held open
 * (plain node:http, since supertest always sends the whole body). `outcome` settles when the
 * connection ends: `error: …` when the server goes away, `status N` if it ever answered.
 */
async function sendHalf(url: string, tradeId: number, token: string, p: Prepared): Promise<{ outcome: Promise<string> }> {
  const boundary = `----tenderhall${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="envelope"; filename="${p.bidder}-${p.index}.sealed"\r\nContent-Type: application/cms\r\n\r\n`,
  );
  const rest = Buffer.from(
    `\r\n--${boundary}\r\nContent-Disposition: form-data; name="signature"; filename="${p.bidder}-${p.index}.sealed.sig"\r\nContent-Type: application/cms\r\n\r\n`,
  );
  const body = Buffer.concat([head, Buffer.from(p.sealed.envelope), rest, Buffer.from(p.sealed.signature), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const req = http.request(`${url}/api/trades/${tradeId}/bids`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(body.length) },
  });
  const outcome = new Promise<string>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      resolve(`status ${res.statusCode}`);
    });
    req.on('error', (error) => resolve(`error: ${error.message}`));
  });
  req.write(body.subarray(0, head.length + Math.floor(p.sealed.envelope.length / 2)));
  return { outcome };
}

async function sealBidAgain(app: ChildApp, trade: TradeView): Promise<SealedBid> {
  const org = DEMO_ORGANISATIONS.find((o) => o.key === 'bidder1')!;
  const pkg = await buildBidPackage<BidInput>({ format: 'tenderhall-bid', version: 1, trade: trade.code, bidder: { uscc: org.uscc, name: org.name }, lot: '1', priceFen: 888_000_000 }, [
    { name: '技术标.pdf', bytes: new Uint8Array(randomBytes(1024)) },
  ]);
  return sealBid(pkg, await enrol(app, 'bidder1'), trade.openingCertificatePem!, { provider: nodeProvider });
}
