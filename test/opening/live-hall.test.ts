import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { OPENING_EVENT, OPENING_JOIN, OPENING_NAMESPACE, OPENING_TICK, type OpeningEvent } from '../../contracts/opening.js';
import type { TradeView } from '../../contracts/trades.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { closeBidding, startOpening, submitShare } from '../helpers/opening.js';
import { publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';

interface Watcher {
  socket: Socket;
  events: OpeningEvent[];
  ticks: number;
  lastSeq(): number;
}

/**
 * The live hall over socket.io: every bidder's client sees the same numbered events in the same
 * order; one that drops out mid-opening and rejoins with its last number ends with the same state.
 */
describe('opening hall over socket.io: ordered events, reconnect from the last sequence number', function () {
  this.timeout(300_000);
  let app: TestApp;
  let trade: TradeView;
  const sockets: Socket[] = [];

  before(async () => {
    app = await givenApp();
    trade = await publishedTrade(app, 'construction');
    for (const [i, bidder] of ['bidder1', 'bidder2', 'bidder3'].entries()) {
      expect((await register(app, trade.id, bidder)).status).to.equal(201);
      expect((await uploadBid(app, trade.id, bidder, await sealedBidFor(app, trade, bidder, 900_000_000 + i))).status).to.equal(201);
    }
    await closeBidding(app, trade);
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await app?.stop();
  });

  async function watch(username: string, watcher?: Watcher): Promise<Watcher> {
    const socket = connect(`${app.url}${OPENING_NAMESPACE}`, { auth: { token: await app.tokenFor(username) }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const w: Watcher = watcher ?? { socket, events: [], ticks: 0, lastSeq: () => w.events.at(-1)?.seq ?? 0 };
    w.socket = socket;
    socket.on(OPENING_EVENT, (event: OpeningEvent) => {
      if (event.seq > w.lastSeq()) w.events.push(event); // a client keeps each number once
    });
    socket.on(OPENING_TICK, () => w.ticks++);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    const ack = await socket.emitWithAck(OPENING_JOIN, { tradeId: trade.id, after: w.lastSeq() });
    expect(ack).to.deep.equal({ ok: true });
    return w;
  }

  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(check(), what).to.equal(true);
  };

  it('refuses to let a non-participant into the room', async () => {
    const socket = connect(`${app.url}${OPENING_NAMESPACE}`, { auth: { token: await app.tokenFor('bidder5') }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    expect(await socket.emitWithAck(OPENING_JOIN, { tradeId: trade.id, after: 0 })).to.deep.equal({ ok: false, code: 'NOT_PARTICIPANT' });
  });

  it('gives every bidder the same ordered events, also one that reconnects mid-opening', async () => {
    const watchers = await Promise.all(['bidder1', 'bidder2', 'bidder3'].map((b) => watch(b)));
    await startOpening(app, trade);
    expect((await submitShare(app, trade, 'official1')).status).to.equal(200);
    await until(() => watchers.every((w) => w.events.some((e) => e.type === 'share.received')), 'first share seen by all');

    // bidder2 drops out; the opening goes on without it
    watchers[1]!.socket.disconnect();
    const missedFrom = watchers[1]!.lastSeq();
    expect((await submitShare(app, trade, 'official2')).status).to.equal(200);
    const published = await app.http.post(`/api/trades/${trade.id}/opening/publish`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(published.status, published.text).to.equal(200);
    await until(() => [watchers[0]!, watchers[2]!].every((w) => w.events.some((e) => e.type === 'record.published')), 'published seen live');

    // … and comes back with its last number: it gets what it missed, once
    await watch('bidder2', watchers[1]);
    await until(() => watchers[1]!.events.some((e) => e.type === 'record.published'), 'published seen after reconnect');
    expect(watchers[1]!.events.filter((e) => e.seq > missedFrom).length).to.be.greaterThan(3);

    const all = (await app.http.get(`/api/trades/${trade.id}/opening/events?after=0`).set(bearer(await app.tokenFor('staff')))).body.events as OpeningEvent[];
    expect(all.map((e) => e.seq)).to.deep.equal(all.map((_, i) => i + 1));
    for (const w of watchers) expect(w.events).to.deep.equal(all);
    expect(all.map((e) => e.type)).to.deep.equal([
      'opening.started',
      'share.received',
      'share.received',
      'bid.unlocked',
      'bid.unlocked',
      'bid.unlocked',
      'bid.result',
      'bid.result',
      'bid.result',
      'record.ready',
      'record.published',
    ]);
    // the live `bid.unlocked` events name no bidder and no price; `bid.result` (after all unlocking) does
    for (const e of all.filter((x) => x.type === 'bid.unlocked')) expect(JSON.stringify(e.payload)).not.to.match(/uscc|price|bidder/i);
    expect(all.filter((e) => e.type === 'bid.result').map((e) => (e.payload as { priceFen: number }).priceFen)).to.have.members([900_000_000, 900_000_001, 900_000_002]);
    expect(watchers[0]!.ticks, 'the countdown ticks by the server clock').to.be.greaterThan(0);
  });
});
