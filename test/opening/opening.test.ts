import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { OpeningRecord, OpeningView } from '../../contracts/opening.js';
import type { TradeView } from '../../contracts/trades.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { bidSignedInsideBy, closeBidding, startOpening, submitShare } from '../helpers/opening.js';
import { publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';

const BIDDERS = ['bidder1', 'bidder2', 'bidder3', 'bidder4', 'bidder5'];
const PRICES: Record<string, number> = { bidder1: 987_654_321, bidder2: 912_345_678, bidder3: 955_500_000, bidder4: 901_000_000, bidder5: 899_990_000 };

/**
 * The opening end to end: five bids — three good, one sealed to the wrong certificate, one signed
 * inside by a different company — two of three officials unlock; three open, two are refused with
 * their reasons; the record is published, printed and confirmed. With only two valid bids the
 * trade fails (流标).
 */
describe('opening hall: k-of-n officials open every bid and publish the record', function () {
  this.timeout(300_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
  });
  after(async () => app?.stop());

  async function tradeWithBids(kind: 'construction' | 'procurement', bids: Record<string, 'good' | 'wrong-certificate' | 'signed-by-other'>): Promise<TradeView> {
    app.setClock('2026-11-25T02:00:00.000Z');
    const trade = await publishedTrade(app, kind, 'open_tender', { title: kind === 'construction' ? '章贡区沙河大道排水管网改造工程施工' : '赣州市第一中学教学设备采购' });
    const other = await publishedTrade(app, 'land');
    for (const [bidder, how] of Object.entries(bids)) {
      expect((await register(app, trade.id, bidder)).status).to.equal(201);
      const sealed =
        how === 'good'
          ? await sealedBidFor(app, trade, bidder, PRICES[bidder])
          : how === 'wrong-certificate'
            ? await sealedBidFor(app, other, bidder, PRICES[bidder]).then(async (s) => s)
            : await bidSignedInsideBy(app, trade, bidder, 'bidder1', PRICES[bidder]!);
      const res = await uploadBid(app, trade.id, bidder, sealed);
      expect(res.status, res.text).to.equal(201);
    }
    return trade;
  }

  it('opens three bids, refuses two with reasons, publishes, prints and closes the record', async () => {
    const trade = await tradeWithBids('construction', { bidder1: 'good', bidder2: 'good', bidder3: 'good', bidder4: 'wrong-certificate', bidder5: 'signed-by-other' });
    // before the deadline nobody may start
    const early = await app.http.post(`/api/trades/${trade.id}/opening/start`).set(bearer(await app.tokenFor('staff'))).send({});
    expect([early.status, early.body.code]).to.deep.equal([409, 'TRADE_WRONG_STATE']);
    await closeBidding(app, trade);
    const started = await startOpening(app, trade);
    expect(started.state).to.equal('unlocking');
    expect(started.pending).to.equal(5);

    // one share alone opens nothing
    const first = await submitShare(app, trade, 'official1');
    expect(first.status, first.text).to.equal(200);
    expect(first.body.results).to.deep.equal([]);
    expect(first.body.sharesIn).to.have.length(1);
    const again = await submitShare(app, trade, 'official1');
    expect(again.body.code).to.equal('SHARE_ALREADY_SUBMITTED');
    const wrongOfficial = await app.http.post(`/api/trades/${trade.id}/opening/shares`).set(bearer(await app.tokenFor('official2'))).send({ share: 'x'.repeat(60) });
    expect(wrongOfficial.body.code).to.equal('SHARE_INVALID');

    const second = await submitShare(app, trade, 'official3');
    expect(second.status, second.text).to.equal(200);
    const view = second.body as OpeningView;
    expect(view.state).to.equal('recorded');
    const byBidder = Object.fromEntries(view.results.map((r) => [r.bidder!.uscc, r]));
    const uscc = (key: string) => ({ bidder1: '91360702MA37U2D948', bidder2: '91360781MA35R6L47R', bidder3: '91360783MA36N1W77E', bidder4: '91360700MA39C4F10H', bidder5: '91350800MA31P9B39E' })[key]!;
    for (const good of ['bidder1', 'bidder2', 'bidder3']) {
      expect(byBidder[uscc(good)]!.outcome, good).to.equal('opened');
      expect(byBidder[uscc(good)]!.priceFen).to.equal(PRICES[good]);
    }
    expect([byBidder[uscc('bidder4')]!.outcome, byBidder[uscc('bidder4')]!.reason]).to.deep.equal(['refused', 'DECRYPTION_FAILED']);
    expect([byBidder[uscc('bidder5')]!.outcome, byBidder[uscc('bidder5')]!.reason]).to.deep.equal(['refused', 'SIGNATURE_MISMATCH']);
    expect(view.record!.validBids).to.equal(3);
    expect(view.record!.failed).to.equal(false);
    // the shares are wiped once used; the audit chain has each share's arrival and each bid's result
    const shares = await app.services.opening.models.ShareSubmission.findAll({ where: { tradeId: trade.id } });
    expect(shares.map((s) => s.share)).to.deep.equal([null, null]);
    const actions = (await app.services.audit.models.AuditEvent.findAll({ where: { subject: `trade:${trade.code}` } })).map((e) => e.action);
    expect(actions.filter((a) => a === 'opening.share_received')).to.have.length(2);
    expect(actions.filter((a) => a === 'opening.bid_result')).to.have.length(5);
    expect(actions).to.include('opening.key_used_and_wiped');

    // bidders do not see the record until it is published
    const pdfBefore = await app.http.get(`/api/trades/${trade.id}/opening/record.pdf`).set(bearer(await app.tokenFor('bidder2')));
    expect(pdfBefore.status).to.equal(403);
    const published = await app.http.post(`/api/trades/${trade.id}/opening/publish`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(published.status, published.text).to.equal(200);
    expect((await app.http.get(`/api/trades/${trade.id}`)).body.state).to.equal('opened');
    const publicView = await app.http.get(`/api/trades/${trade.id}/opening`);
    expect(publicView.status, 'the portal sees the published record').to.equal(200);
    expect(publicView.body.record.results).to.have.length(5);

    // the PDF, read back with pdftotext: the Chinese trade name and every opened bid's price
    const pdf = await app.http.get(`/api/trades/${trade.id}/opening/record.pdf`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).to.equal(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opening-pdf-'));
    try {
      fs.writeFileSync(path.join(dir, 'record.pdf'), pdf.body as Buffer);
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'record.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).to.contain('开标记录');
      expect(text).to.contain('章贡区沙河大道排水管网改造工程施工');
      for (const good of ['bidder1', 'bidder2', 'bidder3']) expect(text).to.contain(`¥${(PRICES[good]! / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 })}`);
      expect(text).to.contain('解密失败');
      expect(text).to.contain('签名不符');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // bidders confirm or object inside the window; silence counts as confirmation when it ends
    const confirm = await app.http.post(`/api/trades/${trade.id}/opening/confirmations`).set(bearer(await app.tokenFor('bidder1'))).send({ decision: 'confirm' });
    expect(confirm.status, confirm.text).to.equal(201);
    const noReason = await app.http.post(`/api/trades/${trade.id}/opening/confirmations`).set(bearer(await app.tokenFor('bidder4'))).send({ decision: 'object' });
    expect(noReason.body.code).to.equal('OBJECTION_TEXT_REQUIRED');
    const object = await app.http.post(`/api/trades/${trade.id}/opening/confirmations`).set(bearer(await app.tokenFor('bidder4'))).send({ decision: 'object', text: '我公司投标文件解密失败，请核查。' });
    expect(object.status).to.equal(201);
    app.clock.advance(31 * 60_000);
    await app.services.scheduler.tick();
    app.forgetTokens();
    const closed = (await app.http.get(`/api/trades/${trade.id}/opening`)).body as OpeningView;
    expect(closed.state).to.equal('closed');
    const decisions = Object.fromEntries(closed.record!.confirmations.map((c) => [c.uscc, c.decision]));
    expect(decisions).to.deep.equal({ [uscc('bidder1')]: 'confirm', [uscc('bidder2')]: 'deemed_confirmed', [uscc('bidder3')]: 'deemed_confirmed', [uscc('bidder4')]: 'object', [uscc('bidder5')]: 'deemed_confirmed' });
    const late = await app.http.post(`/api/trades/${trade.id}/opening/confirmations`).set(bearer(await app.tokenFor('bidder2'))).send({ decision: 'confirm' });
    expect(late.body.code).to.equal('CONFIRMATION_CLOSED');
  });

  it('fails the trade (流标) with the legal basis when only two bids are valid', async () => {
    const trade = await tradeWithBids('procurement', { bidder1: 'good', bidder2: 'good', bidder3: 'wrong-certificate' });
    await closeBidding(app, trade);
    await startOpening(app, trade);
    await submitShare(app, trade, 'official2');
    const done = (await submitShare(app, trade, 'official3')).body as OpeningView;
    expect(done.record!.validBids).to.equal(2);
    expect(done.record!.failed).to.equal(true);
    expect(done.record!.failureBasis).to.contain('招标投标法实施条例 第四十四条');
    const published = await app.http.post(`/api/trades/${trade.id}/opening/publish`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(published.body.state).to.equal('failed');
    const tradeView = (await app.http.get(`/api/trades/${trade.id}`)).body as TradeView;
    expect(tradeView.state).to.equal('failed');
    expect(tradeView.history!.map((h) => h.name)).to.deep.equal(['publish', 'close_bidding', 'fail']);
    // tendered again: a new draft that names the failed trade
    const again = await app.http.post(`/api/trades/${trade.id}/retender`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(again.status, again.text).to.equal(201);
    expect([again.body.state, again.body.notice.previousTradeId, again.body.title]).to.deep.equal(['draft', trade.id, '赣州市第一中学教学设备采购（重新招标）']);
    const notFailed = await app.http.post(`/api/trades/${again.body.id}/retender`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(notFailed.body.code).to.equal('TRADE_WRONG_STATE');
  });

  it('does not open at all with fewer than three current bids (不得开标; a withdrawn bid does not count): nothing is decrypted', async () => {
    const trade = await tradeWithBids('construction', { bidder1: 'good', bidder2: 'good' });
    // a third bid, withdrawn before the deadline, is neither counted nor opened
    expect((await register(app, trade.id, 'bidder3')).status).to.equal(201);
    const third = await uploadBid(app, trade.id, 'bidder3', await sealedBidFor(app, trade, 'bidder3', 930_000_000));
    const withdrawn = await app.http.post(`/api/trades/${trade.id}/bids/${third.body.bid.id}/withdraw`).set(bearer(await app.tokenFor('bidder3'))).send({});
    expect(withdrawn.status, withdrawn.text).to.equal(200);
    await closeBidding(app, trade);
    const started = await startOpening(app, trade);
    expect(started.state).to.equal('recorded');
    expect(started.results).to.deep.equal([]);
    expect((started.record as OpeningRecord).failureBasis).to.contain('不得开标');
    const share = await submitShare(app, trade, 'official1');
    expect(share.body.code).to.equal('OPENING_WRONG_STATE');
  });
});
