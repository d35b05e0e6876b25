import { expect } from 'chai';
import { verifyReceipt } from '../../crypto/receipt.js';
import { base64ToBytes } from '../../crypto/pkijs-support.js';
import { sha256Hex } from '../../crypto/digest.js';
import { TRADE_KINDS, type TradeMethod } from '../../contracts/trades.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { createTrade, enrol, noticeFor, publish, publishedTrade, register, sealedBidFor, uploadBid, uploadDocument, userId } from '../helpers/trades.js';

describe('trades: a full sealed-bid submission for each of the five kinds', function () {
  this.timeout(300_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
  });
  after(async () => app?.stop());

  it('cannot be published until enough named officials hold a valid certificate (the key is split only to them)', async () => {
    const trade = await createTrade(app, noticeFor(app, 'construction'));
    expect((await uploadDocument(app, trade.id)).status).to.equal(201);
    const none = await publish(app, trade.id);
    expect([none.status, none.body.code]).to.deep.equal([422, 'OFFICIALS_INSUFFICIENT']);
    await enrol(app, 'official1');
    const one = await publish(app, trade.id);
    expect([one.status, one.body.code, one.body.holders]).to.deep.equal([422, 'OFFICIALS_INSUFFICIENT', [userId(app, 'official1')]]);
    await enrol(app, 'official3');
    const ok = await publish(app, trade.id);
    expect(ok.status, ok.text).to.equal(200);
    // official2 holds no certificate, so no share: 2-of-2 among those who can open
    expect(ok.body.officials.map((o: { userId: number; shareIndex: number | null }) => [o.userId, o.shareIndex])).to.deep.equal([
      [userId(app, 'official1'), 1],
      [userId(app, 'official2'), null],
      [userId(app, 'official3'), 2],
    ]);
    const share = await app.http.get(`/api/trades/${trade.id}/opening-share`).set(bearer(await app.tokenFor('official3')));
    expect(share.body.index).to.equal(2);
    const noShare = await app.http.get(`/api/trades/${trade.id}/opening-share`).set(bearer(await app.tokenFor('official2')));
    expect(noShare.status).to.equal(404);
  });

  it('warns (but keeps) a bid sealed to another trade’s opening certificate, so the bidder can replace it in time', async () => {
    const trade = await publishedTrade(app, 'construction');
    const other = await publishedTrade(app, 'land');
    expect((await register(app, trade.id, 'bidder2')).status).to.equal(201);
    const wrong = await uploadBid(app, trade.id, 'bidder2', await sealedBidFor(app, other, 'bidder2'));
    expect(wrong.status, wrong.text).to.equal(201);
    expect(wrong.body.warnings.map((w: { code: string }) => w.code)).to.deep.equal(['BID_WRONG_RECIPIENT']);
    const right = await uploadBid(app, trade.id, 'bidder2', await sealedBidFor(app, trade, 'bidder2'));
    expect(right.body.warnings).to.deep.equal([]);
  });

  const methodOf: Record<string, TradeMethod> = { construction: 'open_tender', land: 'open_tender', mining: 'open_tender', property: 'open_tender', procurement: 'open_tender' };

  for (const kind of TRADE_KINDS) {
    it(`${kind}: publish (opening key split to the officials) → register → download → seal → upload → signed receipt`, async () => {
      const trade = await publishedTrade(app, kind, methodOf[kind]);
      expect(trade.state).to.equal('bidding');
      expect(trade.openingCertificatePem).to.match(/BEGIN CERTIFICATE/);
      expect(trade.officials.filter((o) => o.shareIndex !== null)).to.have.length(3);
      expect(trade.notice.tendereeName).to.be.a('string').and.not.equal('');

      // the public portal lists it, with the opening certificate in the notice
      const list = await app.http.get(`/api/trades?kind=${kind}`);
      expect(list.body.trades.map((t: { id: number }) => t.id)).to.include(trade.id);

      expect((await register(app, trade.id, 'bidder1')).status).to.equal(201);
      const docs = await app.http.get(`/api/trades/${trade.id}/documents`);
      const doc = docs.body.documents[0];
      const download = await app.http.get(`/api/trades/${trade.id}/documents/${doc.id}/content`).set(bearer(await app.tokenFor('bidder1'))).buffer(true);
      expect(download.status).to.equal(200);
      expect(await sha256Hex(new Uint8Array(download.body as Buffer))).to.equal(doc.sha256);

      const sealed = await sealedBidFor(app, trade, 'bidder1');
      const res = await uploadBid(app, trade.id, 'bidder1', sealed);
      expect(res.status, res.text).to.equal(201);
      expect(res.body.bid.sha256).to.equal(await sha256Hex(sealed.envelope));
      const verified = await verifyReceipt(base64ToBytes(res.body.receipt)!, {
        trustAnchorsPem: app.services.certificates.rootPem(),
        intermediatesPem: [app.services.certificates.chainPem()],
      });
      expect(verified.fields.trade).to.equal(trade.code);
      expect(verified.fields.sha256).to.equal(res.body.bid.sha256);
      expect(verified.fields.receivedAt).to.equal(app.clock.now().toISOString());

      const mine = await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(await app.tokenFor('bidder1')));
      expect(mine.body.bids).to.have.length(1);
      expect(mine.body.bids[0].status).to.equal('current');
    });
  }
});
