import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { NOTIFICATION_EVENT, NOTIFICATIONS_NAMESPACE, type NotificationView, type TradeView } from '../../contracts/trades.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { publishedTrade, register, sealedBidFor, uploadBid, uploadDocument } from '../helpers/trades.js';

/**
 * An amendment during bidding: everyone who obtained the documents or bid hears of it — in the
 * platform (notifications) and at once by socket when online; the moved deadline is published; the
 * bid history marks the bids that predate it. Lifecycle basics ride along: drafts are private,
 * transitions are declared per method and fired only by the roles the table names.
 */
describe('trades: amendments, notifications and the lifecycle table', function () {
  this.timeout(300_000);
  let app: TestApp;
  let trade: TradeView;
  const sockets: Socket[] = [];

  before(async () => {
    app = await givenApp();
    trade = await publishedTrade(app, 'procurement', 'open_tender');
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await app?.stop();
  });

  function online(token: string): Promise<{ socket: Socket; received: NotificationView[] }> {
    const socket = connect(`${app.url}${NOTIFICATIONS_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const received: NotificationView[] = [];
    socket.on(NOTIFICATION_EVENT, (n: NotificationView) => received.push(n));
    return new Promise((resolve, reject) => {
      socket.on('connect', () => resolve({ socket, received }));
      socket.on('connect_error', reject);
    });
  }

  it('refuses a socket without a valid session', async () => {
    const socket = connect(`${app.url}${NOTIFICATIONS_NAMESPACE}`, { auth: { token: 'x'.repeat(43) }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(error.message).to.equal('AUTH_REQUIRED');
  });

  it('notifies downloaders and bidders (socket if online), moves the deadline out, and marks earlier bids', async () => {
    // bidder1 downloads, bidder2 bids (and is online), bidder4 stays away
    for (const bidder of ['bidder1', 'bidder2']) expect((await register(app, trade.id, bidder)).status).to.equal(201);
    const docs = (await app.http.get(`/api/trades/${trade.id}/documents`)).body.documents as { id: number }[];
    expect((await app.http.get(`/api/trades/${trade.id}/documents/${docs[0]!.id}/content`).set(bearer(await app.tokenFor('bidder1')))).status).to.equal(200);
    const early = await uploadBid(app, trade.id, 'bidder2', await sealedBidFor(app, trade, 'bidder2', 500_000_000));
    expect(early.status, early.text).to.equal(201);

    app.setClock('2026-12-28T02:00:00.000Z'); // 8 days before the 2027-01-05 deadline: inside the 15-day lead time
    const live = await online(await app.tokenFor('bidder2'));
    const amendment = await uploadDocument(app, trade.id, 'amendment', '第1号更正公告（技术参数修改）', Buffer.from('更正内容：第三章技术参数第5项改为……'));
    expect(amendment.status, amendment.text).to.equal(201);
    // 12-28 + 15 days = 2027-01-12 (a Tuesday)
    expect(amendment.body.deadlineMoved).to.deep.equal({ from: '2027-01-05T01:30:00.000Z', to: '2027-01-12T01:30:00.000Z' });

    for (let i = 0; i < 100 && live.received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(live.received.map((n) => n.kind)).to.deep.equal(['trade.deadline_moved']);
    expect(live.received[0]!.body).to.contain('2027-01-12T01:30:00.000Z');

    const forBidder1 = (await app.http.get('/api/notifications').set(bearer(await app.tokenFor('bidder1')))).body.notifications as NotificationView[];
    expect(forBidder1.map((n) => n.tradeId)).to.include(trade.id);
    const forBidder4 = (await app.http.get('/api/notifications').set(bearer(await app.tokenFor('bidder4')))).body.notifications as NotificationView[];
    expect(forBidder4).to.deep.equal([]);
    const read = await app.http.post(`/api/notifications/${forBidder1[0]!.id}/read`).set(bearer(await app.tokenFor('bidder1'))).send({});
    expect(read.body.readAt).to.equal('2026-12-28T02:00:00.000Z');

    // the published notice carries the new deadline; the earlier bid is marked, a new one is not
    const view = (await app.http.get(`/api/trades/${trade.id}`)).body as TradeView;
    expect(view.bidDeadline).to.equal('2027-01-12T01:30:00.000Z');
    const late = await uploadBid(app, trade.id, 'bidder2', await sealedBidFor(app, trade, 'bidder2', 480_000_000));
    expect(late.status, late.text).to.equal(201);
    const history = (await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(await app.tokenFor('bidder2')))).body.bids as { predatesAmendment: boolean; status: string }[];
    expect(history.map((b) => [b.status, b.predatesAmendment])).to.deep.equal([
      ['replaced', true],
      ['current', false],
    ]);
    // the audit chain records the clarification with its hash and the moved deadline
    const events = await app.services.audit.models.AuditEvent.findAll({ where: { action: 'trade.clarified' } });
    expect(events).to.have.length(1);
    expect(JSON.parse(events[0]!.payload as unknown as string)).to.deep.include({ kind: 'amendment', sha256: amendment.body.sha256 });
  });

  it('drafts are private; a transition fires only from its states, by its roles, and is recorded', async () => {
    app.setClock('2026-11-25T02:00:00.000Z');
    const created = await app.http
      .post('/api/trades')
      .set(bearer(await app.tokenFor('agent')))
      .send({ ...((await app.http.get(`/api/trades/${trade.id}`).set(bearer(await app.tokenFor('staff')))).body as TradeView).notice, tendereeName: undefined, agencyName: undefined, bidDeadline: '2027-01-05T01:30:00.000Z', openingAt: '2027-01-05T01:30:00.000Z' });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id as number;
    expect((await app.http.get(`/api/trades/${id}`)).status, 'anonymous').to.equal(404);
    expect((await app.http.get(`/api/trades/${id}`).set(bearer(await app.tokenFor('bidder1')))).status, 'bidder').to.equal(404);
    expect((await app.http.get(`/api/trades/${id}`).set(bearer(await app.tokenFor('agent')))).body.actions).to.deep.equal(['publish']);
    // cancel is staff's, not the agent's; close_bidding is the clock's; unknown names are 404
    const byAgent = await app.http.post(`/api/trades/${id}/transitions/cancel`).set(bearer(await app.tokenFor('agent'))).send({});
    expect([byAgent.status, byAgent.body.code]).to.deep.equal([403, 'TRANSITION_FORBIDDEN']);
    const byHand = await app.http.post(`/api/trades/${id}/transitions/close_bidding`).set(bearer(await app.tokenFor('staff'))).send({});
    expect([byHand.status, byHand.body.code]).to.deep.equal([403, 'TRANSITION_FORBIDDEN']);
    const unknown = await app.http.post(`/api/trades/${id}/transitions/start_auction`).set(bearer(await app.tokenFor('staff'))).send({});
    expect([unknown.status, unknown.body.code]).to.deep.equal([404, 'TRANSITION_UNKNOWN']);
    // publicity, award and the contract record are fired by their module's routes (which write their records), never here
    for (const owned of ['start_publicity', 'award', 'record_contract']) {
      const res = await app.http.post(`/api/trades/${id}/transitions/${owned}`).set(bearer(await app.tokenFor('staff'))).send({});
      expect([res.status, res.body.code], owned).to.deep.equal([403, 'TRANSITION_FORBIDDEN']);
      expect(res.body.route).to.match(/^POST \/api\/trades\/:id\//);
    }
    const cancel = await app.http.post(`/api/trades/${id}/transitions/cancel`).set(bearer(await app.tokenFor('staff'))).send({ reason: '项目调整' });
    expect(cancel.status, cancel.text).to.equal(200);
    expect(cancel.body.history.map((h: { name: string; from: string; to: string; reason: string }) => [h.name, h.from, h.to, h.reason])).to.deep.equal([['cancel', 'draft', 'cancelled', '项目调整']]);
    const again = await app.http.post(`/api/trades/${id}/transitions/publish`).set(bearer(await app.tokenFor('staff'))).send({});
    expect([again.status, again.body.code]).to.deep.equal([409, 'TRADE_WRONG_STATE']);
    // cancelling a trade in bidding tells its participants
    const stop = await app.http.post(`/api/trades/${trade.id}/transitions/cancel`).set(bearer(await app.tokenFor('staff'))).send({ reason: '采购需求变更' });
    expect(stop.status, stop.text).to.equal(200);
    const notes = (await app.http.get('/api/notifications').set(bearer(await app.tokenFor('bidder2')))).body.notifications as NotificationView[];
    expect(notes.map((n) => n.kind)).to.include('trade.cancelled');
  });
});
