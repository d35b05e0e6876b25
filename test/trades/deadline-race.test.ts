import http from 'node:http';
import { expect } from 'chai';
import request from 'supertest';
import { verifyReceipt } from '../../crypto/receipt.js';
import { base64ToBytes } from '../../crypto/pkijs-support.js';
import { sha256Hex } from '../../crypto/digest.js';
import type { TradeView } from '../../contracts/trades.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { publishedTrade, register, sealedBidFor } from '../helpers/trades.js';

const TOTAL = Number(process.env.RACE_SUBMISSIONS ?? 1000);
const BIDDERS = ['bidder1', 'bidder2', 'bidder3', 'bidder4', 'bidder5'];
/** Concurrent clients: each bidder runs this many uploads at a time. */
const PER_BIDDER = 5;

interface Outcome {
  sha256: string;
  bidder: string;
  status: number;
  code?: string;
  receivedAt?: string;
  serverTime?: string;
  receipt?: string;
}

/**
 * The deadline is the server clock's, and nothing bends it: 1,000 small sealed bids from five
 * bidders (25 concurrent clients) straddle it. Every upload the server received before the deadline
 * has a receipt and a bid row; every one after is refused with BID_DEADLINE_PASSED; the two sets
 * partition the uploads exactly. The clock runs at real speed and passes the deadline halfway through the
 * rush; the scheduler closes bidding in the middle of it, as it would in production.
 */
describe('deadline race: 1,000 submissions straddling the deadline', function () {
  this.timeout(600_000);
  let app: TestApp;
  let trade: TradeView;
  const agent = new http.Agent({ keepAlive: true, maxSockets: BIDDERS.length * PER_BIDDER });

  before(async () => {
    app = await givenApp({ SCHEDULER_POLL_MS: '100' }, { runningClock: true });
    trade = await publishedTrade(app, 'construction');
    for (const bidder of BIDDERS) expect((await register(app, trade.id, bidder)).status).to.equal(201);
  });
  after(async () => {
    agent.destroy();
    await app?.stop();
  });

  it('every upload before the deadline is receipted, none after is accepted, and the sets partition exactly', async () => {
    // seal every bid first (each a distinct envelope), so the rush is only uploads
    const queues = new Map<string, { sha256: string; envelope: Buffer; signature: Buffer }[]>();
    for (const bidder of BIDDERS) queues.set(bidder, []);
    for (let i = 0; i < TOTAL; i++) {
      const bidder = BIDDERS[i % BIDDERS.length]!;
      const sealed = await sealedBidFor(app, trade, bidder, 1_000_000 + i);
      queues.get(bidder)!.push({ sha256: await sha256Hex(sealed.envelope), envelope: Buffer.from(sealed.envelope), signature: Buffer.from(sealed.signature) });
    }
    const deadline = new Date(trade.bidDeadline);
    // log in at the new time (sessions from 40 days earlier have expired), then start the rush an
    // hour before the deadline; when half the uploads are answered the clock jumps to 100 ms before
    // it, so the deadline passes in the middle of the rush however fast this machine is
    app.setClock(new Date(deadline.getTime() - 3_600_000));
    const tokens = Object.fromEntries(await Promise.all(BIDDERS.map(async (b) => [b, await app.tokenFor(b)] as const)));
    let answered = 0;

    const outcomes: Outcome[] = [];
    const client = request(app.url);
    const worker = async (bidder: string) => {
      const queue = queues.get(bidder)!;
      for (let item = queue.shift(); item; item = queue.shift()) {
        const res = await client
          .post(`/api/trades/${trade.id}/bids`)
          .agent(agent)
          .set(bearer(tokens[bidder]!))
          .attach('envelope', item.envelope, { filename: 'bid.sealed', contentType: 'application/cms' })
          .attach('signature', item.signature, { filename: 'bid.sealed.sig', contentType: 'application/cms' });
        outcomes.push({
          sha256: item.sha256,
          bidder,
          status: res.status,
          code: res.body.code,
          receivedAt: res.body.bid?.receivedAt,
          serverTime: res.body.serverTime,
          receipt: res.body.receipt,
        });
        if (++answered === TOTAL / 2) app.clock.set(deadline.getTime() - 100);
      }
    };
    await Promise.all(BIDDERS.flatMap((bidder) => Array.from({ length: PER_BIDDER }, () => worker(bidder))));

    expect(outcomes).to.have.length(TOTAL);
    const accepted = outcomes.filter((o) => o.status === 201);
    const refused = outcomes.filter((o) => o.status !== 201);
    // nothing but the two answers
    expect(refused.filter((o) => o.status !== 409 || o.code !== 'BID_DEADLINE_PASSED'), JSON.stringify(refused.find((o) => o.code !== 'BID_DEADLINE_PASSED'))).to.deep.equal([]);
    expect(accepted.length, 'some before the deadline').to.be.greaterThan(0);
    expect(refused.length, 'some after the deadline').to.be.greaterThan(0);
    // the server's times partition at the deadline
    for (const o of accepted) expect(new Date(o.receivedAt!).getTime(), o.receivedAt).to.be.lessThan(deadline.getTime());
    for (const o of refused) expect(new Date(o.serverTime!).getTime(), o.serverTime).to.be.at.least(deadline.getTime());
    // the bids on record are exactly the receipted ones
    const rows = await app.services.bids.models.Bid.findAll({ where: { tradeId: trade.id } });
    expect(rows.map((r) => r.sha256).sort()).to.deep.equal(accepted.map((o) => o.sha256).sort());
    expect(new Set([...accepted, ...refused].map((o) => o.sha256)).size).to.equal(TOTAL);
    // one current bid per bidder that got any in, its history numbered without gaps
    for (const bidder of BIDDERS) {
      const mine = (await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(tokens[bidder]!))).body.bids as { seq: number; status: string }[];
      const expected = accepted.filter((o) => o.bidder === bidder).length;
      expect(mine).to.have.length(expected);
      expect(mine.map((b) => b.seq)).to.deep.equal(Array.from({ length: expected }, (_, i) => i + 1));
      if (expected) expect(mine.filter((b) => b.status === 'current')).to.have.length(1);
    }
    // the scheduler moved the trade to opening, once
    await app.services.scheduler.tick();
    const view = (await app.http.get(`/api/trades/${trade.id}`)).body as TradeView;
    expect(view.state).to.equal('opening');
    expect(view.history!.filter((h) => h.name === 'close_bidding')).to.have.length(1);
    // receipts verify (a sample: the last accepted of each bidder)
    for (const bidder of BIDDERS) {
      const last = accepted.filter((o) => o.bidder === bidder).pop();
      if (!last) continue;
      const verified = await verifyReceipt(base64ToBytes(last.receipt!)!, { trustAnchorsPem: app.services.certificates.rootPem(), intermediatesPem: [app.services.certificates.chainPem()] });
      expect(verified.fields.sha256).to.equal(last.sha256);
      expect(verified.fields.receivedAt).to.equal(last.receivedAt);
    }
    console.log(`      ${accepted.length} receipted before ${trade.bidDeadline}, ${refused.length} refused after`);
  });
});
