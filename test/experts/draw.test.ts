import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { DrawView, PoolEntry } from '../../contracts/experts.js';
import type { TradeView } from '../../contracts/trades.js';
import { computeSeats } from '../../server/modules/experts/service.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { addExperts } from '../helpers/experts.js';
import { closeBidding } from '../helpers/opening.js';
import { publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The draw (随机抽取): avoidance rules each proven by a case, the commit–reveal of the seed, a replay
 * from the published facts that gives the same committee, a decline refilled from the same ranking,
 * and a pool too small giving a clear error, never a smaller committee.
 */
describe('experts: the auditable random draw', function () {
  this.timeout(300_000);
  let app: TestApp;
  let trade: TradeView;
  const special: Record<string, number> = {};
  let ganzhou: number[];
  let longyan: number[];

  before(async () => {
    app = await givenApp();
    trade = await publishedTrade(app, 'construction');
    for (const bidder of ['bidder1', 'bidder2', 'bidder3']) {
      expect((await register(app, trade.id, bidder)).status).to.equal(201);
      expect((await uploadBid(app, trade.id, bidder, await sealedBidFor(app, trade, bidder))).status).to.equal(201);
    }
    // the pool: 8 building experts in 赣州 (the trade's city), 3 in 龙岩, and one for each avoidance case
    ganzhou = await addExperts(app, 8, { specialty: 'roads', regionCode: '360700' });
    longyan = await addExperts(app, 3, { specialty: 'roads', regionCode: '350800' });
    special.tenderee = (await addExperts(app, 1, { specialty: 'roads', regionCode: '360702', employer: 'tenderee' }))[0]!;
    special.agency = (await addExperts(app, 1, { specialty: 'roads', regionCode: '360700', employer: 'agency' }))[0]!;
    special.bidder = (await addExperts(app, 1, { specialty: 'roads', regionCode: '360781', employer: 'bidder2' }))[0]!;
    special.conflict = (await addExperts(app, 1, { specialty: 'roads', regionCode: '360700', prefix: 'conflicted' }))[0]!;
    special.suspended = (await addExperts(app, 1, { specialty: 'roads', regionCode: '360700' }))[0]!;
    // the conflicted expert declares a tie to bidder1 through the API
    const user = await app.services.identity.models.User.findByPk(special.conflict);
    await user!.update({ passwordHash: (await app.services.identity.models.User.findOne({ where: { username: 'expert1' } }))!.passwordHash });
    const declared = await app.http.post('/api/experts/conflicts').set(bearer(await app.tokenFor(user!.username))).send({ organisationId: app.seed!.organisations.bidder1, reason: '近三年曾任该公司技术顾问' });
    expect(declared.status, declared.text).to.equal(201);
    const suspended = await app.http.patch(`/api/experts/${special.suspended}/status`).set(bearer(await app.tokenFor('staff'))).send({ status: 'suspended', reason: '年度考核不合格' });
    expect(suspended.status, suspended.text).to.equal(204);
    await closeBidding(app, trade);
  });
  after(async () => app?.stop());

  const commit = async (body: object) => app.http.post(`/api/trades/${trade.id}/draws`).set(bearer(await app.tokenFor('staff'))).send(body);
  const run = async (drawId: number) => app.http.post(`/api/trades/${trade.id}/draws/${drawId}/run`).set(bearer(await app.tokenFor('staff'))).send({});

  it('leaves out, by rule: the tenderee’s, the agency’s and a bidder’s employees, a declared conflict, a suspended expert', async () => {
    const committed = await commit({ seats: [{ specialty: 'roads', count: 5 }] });
    expect(committed.status, committed.text).to.equal(201);
    const draw = committed.body as DrawView;
    expect(draw.excluded).to.deep.include.members([
      { rule: 'avoidance.employed_by_tenderee', count: 2 }, // the demo's expert9 works for the tenderee too
      { rule: 'avoidance.employed_by_agency', count: 1 },
      { rule: 'avoidance.employed_by_bidder', count: 2 }, // the demo's expert4 works for bidder3
      { rule: 'avoidance.declared_conflict', count: 1 },
      { rule: 'experts.suspended', count: 1 },
    ]);
    const ran = await run(draw.id);
    expect(ran.status, ran.text).to.equal(200);
    const published = (await app.http.get(`/api/trades/${trade.id}/draws/${draw.id}/published`).set(bearer(await app.tokenFor('supervisor')))).body as { pool: PoolEntry[] };
    const ids = published.pool.map((p) => p.userId);
    for (const [why, id] of Object.entries(special)) expect(ids, why).not.to.include(id);
    expect(ids).to.include.members([...ganzhou, ...longyan]);
  });

  it('commits the seed’s hash before the draw, reveals it after; a replay from the published facts gives the same committee', async () => {
    const committed = (await commit({ seats: [{ specialty: 'roads', count: 5 }] })).body as DrawView;
    expect(committed.seed).to.equal(null);
    expect(committed.seats).to.deep.equal([]);
    const drawn = (await run(committed.id)).body as DrawView;
    expect(sha256(drawn.seed!)).to.equal(committed.seedCommitment);
    expect(drawn.seats).to.have.length(5);
    expect(new Set(drawn.seats.map((s) => s.userId)).size).to.equal(5);
    const again = await run(committed.id);
    expect(again.body.code).to.equal('DRAW_WRONG_STATE');
    // the audit chain shows the commitment before the reveal
    const events = await app.services.audit.models.AuditEvent.findAll({ where: { subject: `trade:${trade.code}` }, order: [['seq', 'ASC']] });
    const commitEvent = events.find((e) => e.action === 'experts.draw_committed' && JSON.parse(e.payload).draw === committed.id)!;
    const drawnEvent = events.find((e) => e.action === 'experts.drawn' && JSON.parse(e.payload).draw === committed.id)!;
    expect(commitEvent.seq).to.be.lessThan(drawnEvent.seq);
    expect(JSON.stringify(JSON.parse(commitEvent.payload))).not.to.contain(drawn.seed!);
    expect(JSON.parse(drawnEvent.payload).seed).to.equal(drawn.seed);
    // replay, by the server and independently from the published snapshot
    const replay = await app.http.get(`/api/trades/${trade.id}/draws/${committed.id}/replay`).set(bearer(await app.tokenFor('supervisor')));
    expect(replay.body.matches).to.equal(true);
    const published = (await app.http.get(`/api/trades/${trade.id}/draws/${committed.id}/published`).set(bearer(await app.tokenFor('supervisor')))).body;
    expect(sha256(JSON.stringify(published.pool))).to.equal(drawn.poolHash);
    const mine = computeSeats(published.pool, published.request, published.seed, { tradeCity: '360700', cityOf: (c) => (c.startsWith('3507') ? '360700' : c.startsWith('3508') ? '350800' : c), outsideCityMin: 0 });
    expect(mine.map((s) => s.userId)).to.deep.equal(drawn.seats.map((s) => s.userId));
  });

  it('refills a declined seat from the same ranking; the replay still matches', async () => {
    const drawn = (await run(((await commit({ seats: [{ specialty: 'roads', count: 5 }] })).body as DrawView).id)).body as DrawView;
    const decliner = drawn.seats[1]!;
    const user = await app.services.identity.models.User.findByPk(decliner.userId);
    await user!.update({ passwordHash: (await app.services.identity.models.User.findOne({ where: { username: 'expert1' } }))!.passwordHash });
    const token = await app.tokenFor(user!.username);
    const invitations = (await app.http.get('/api/experts/assignments').set(bearer(token))).body.assignments as { id: number; tradeId: number; status: string }[];
    const invitation = invitations.find((a) => a.tradeId === trade.id && a.status === 'invited')!;
    const declined = await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(token)).send({ accept: false, reason: '当日另有评标任务' });
    expect(declined.status, declined.text).to.equal(200);
    const after = (await app.http.get(`/api/trades/${trade.id}/draws/${drawn.id}`).set(bearer(await app.tokenFor('staff')))).body as DrawView;
    expect(after.seats).to.have.length(6);
    const replacement = after.seats[5]!;
    expect([replacement.replaces, replacement.specialty, replacement.status]).to.deep.equal([decliner.seat, 'roads', 'invited']);
    expect(after.seats.slice(0, 5).map((s) => s.userId)).not.to.include(replacement.userId);
    expect((await app.http.get(`/api/trades/${trade.id}/draws/${drawn.id}/replay`).set(bearer(await app.tokenFor('staff')))).body.matches).to.equal(true);
    const twice = await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(token)).send({ accept: true });
    expect(twice.body.code).to.equal('DRAW_WRONG_STATE');
  });

  it('a pool too small for the request is refused with a clear error, never a smaller committee', async () => {
    const eligible = ganzhou.length + longyan.length;
    const res = await commit({ seats: [{ specialty: 'roads', count: eligible + 2 }] });
    expect(res.status, res.text).to.equal(201); // odd size, composition fine; the draw itself finds too few
    const ran = await run(res.body.id);
    expect([ran.status, ran.body.code]).to.deep.equal([422, 'DRAW_POOL_TOO_SMALL']);
    const view = (await app.http.get(`/api/trades/${trade.id}/draws/${res.body.id}`).set(bearer(await app.tokenFor('staff')))).body as DrawView;
    expect([view.state, view.seats.length]).to.deep.equal(['committed', 0]);
    const unknown = await commit({ seats: [{ specialty: 'volcanology', count: 5 }] });
    const none = await run(unknown.body.id);
    expect([none.status, none.body.code, none.body.specialty]).to.deep.equal([422, 'DRAW_POOL_TOO_SMALL', 'volcanology']);
  });

  it('names stay confidential: bidders and experts cannot read a draw', async () => {
    for (const user of ['bidder1', 'expert1', 'agent']) {
      const res = await app.http.get(`/api/trades/${trade.id}/draws/1`).set(bearer(await app.tokenFor(user)));
      expect(res.status, user).to.equal(403);
    }
  });
});
