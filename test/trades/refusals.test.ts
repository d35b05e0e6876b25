import { expect } from 'chai';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { closeBidding, startOpening } from '../helpers/opening.js';
import { createTrade, enrol, noticeFor, publish, publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';

/** The remaining client-caused refusals of trades, the opening and the draw, each sent and its code asserted. */
describe('refusals with their codes: notice, documents, invitations, unlocking, invitations to evaluate', function () {
  this.timeout(300_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
    for (const official of ['official1', 'official2', 'official3']) await enrol(app, official);
  });
  after(async () => app?.stop());

  it('METHOD_NOT_ALLOWED: a land trade by competitive negotiation', async () => {
    const res = await app.http.post('/api/trades').set(bearer(await app.tokenFor('staff'))).send(noticeFor(app, 'land', 'competitive_negotiation'));
    expect([res.status, res.body.code]).to.deep.equal([400, 'METHOD_NOT_ALLOWED']);
  });

  it('DOCUMENTS_REQUIRED: publishing without tender documents; INVITEES_REQUIRED: an invited tender naming nobody', async () => {
    const bare = await createTrade(app, noticeFor(app, 'construction'));
    const res = await publish(app, bare.id);
    expect([res.status, res.body.code]).to.deep.equal([422, 'DOCUMENTS_REQUIRED']);
    const invited = await createTrade(app, { ...noticeFor(app, 'construction', 'invited_tender'), invitees: [] });
    const refused = await publish(app, invited.id);
    expect([refused.status, refused.body.code]).to.deep.equal([422, 'INVITEES_REQUIRED']);
  });

  it('DOCUMENTS_CLOSED: registering after the documents’ period', async () => {
    const trade = await publishedTrade(app, 'construction');
    app.setClock(trade.notice.documentsUntil);
    const res = await register(app, trade.id, 'bidder1');
    expect([res.status, res.body.code]).to.deep.equal([409, 'DOCUMENTS_CLOSED']);
    app.setClock('2026-11-25T02:00:00.000Z');
  });

  it('UNLOCK_REFUSED: a content key that does not open the bidder’s bid', async () => {
    app.setClock('2026-11-25T02:00:00.000Z');
    const trade = await publishedTrade(app, 'procurement', 'single_source', { unlockMode: 'bidder' });
    expect((await register(app, trade.id, 'bidder1')).status).to.equal(201);
    const up = await uploadBid(app, trade.id, 'bidder1', await sealedBidFor(app, trade, 'bidder1'));
    await closeBidding(app, trade);
    await startOpening(app, trade);
    const res = await app.http.post(`/api/trades/${trade.id}/opening/unlock`).set(bearer(await app.tokenFor('bidder1'))).send({ bidId: up.body.bid.id, cek: Buffer.alloc(32, 1).toString('base64') });
    expect([res.status, res.body.code]).to.deep.equal([400, 'UNLOCK_REFUSED']);
    expect((await app.http.get(`/api/trades/${trade.id}/opening`).set(bearer(await app.tokenFor('bidder1')))).body.results).to.deep.equal([]);
  });

  it('NOT_YOUR_ASSIGNMENT: answering someone else’s invitation', async () => {
    const res = await app.http.post('/api/experts/assignments/999999/respond').set(bearer(await app.tokenFor('expert1'))).send({ accept: true });
    expect([res.status, res.body.code]).to.deep.equal([404, 'NOT_YOUR_ASSIGNMENT']);
  });
});
