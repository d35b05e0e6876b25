import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { DrawView, PoolEntry } from '../../contracts/experts.js';
import type { TradeView } from '../../contracts/trades.js';
import { DEMO_USERS } from '../../server/seed/demo-data.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { expertLogin } from '../helpers/evaluation.js';
import { addExperts } from '../helpers/experts.js';
import { closeBidding } from '../helpers/opening.js';
import { publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';
import { idNumber, recorded } from './helpers.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The expert draw and credit: an expert a restriction (scope expert_pool) bars is left out of the
 * pool and counted under `credit.restricted`, is never drawn, and is eligible again once the
 * restriction ends; a restriction recorded after the pool snapshot still binds — at the draw and for
 * a replacement the ranking skips the expert (a seat declined for it) and the replay still matches.
 */
describe('credit: restricted experts are left out of the draw', function () {
  this.timeout(300_000);
  let app: TestApp;
  let trade: TradeView;
  /** The pool of the specialty: the demo's building experts (expert1, expert3, expert5) and five more. */
  let pool: number[];
  const ids = new Map<number, { idNumber: string; name: string }>();
  let expert1: number;

  before(async () => {
    app = await givenApp();
    trade = await publishedTrade(app, 'construction');
    for (const bidder of ['bidder1', 'bidder2', 'bidder4']) {
      expect((await register(app, trade.id, bidder)).status).to.equal(201);
      expect((await uploadBid(app, trade.id, bidder, await sealedBidFor(app, trade, bidder))).status).to.equal(201);
    }
    const added = await addExperts(app, 5, { specialty: 'building', regionCode: '360700' });
    for (const [i, userId] of added.entries()) {
      await app.services.identity.models.ExpertProfile.update({ idNumber: idNumber(i + 1) }, { where: { userId } });
    }
    for (const u of DEMO_USERS.filter((x) => x.expert?.specialties.includes('building'))) {
      ids.set(app.seed!.users[u.username]!, { idNumber: u.expert!.idNumber, name: u.displayName });
    }
    for (const [i, userId] of added.entries()) ids.set(userId, { idNumber: idNumber(i + 1), name: `专家${userId}` });
    pool = [...ids.keys()];
    expect(pool).to.have.length(8);
    expert1 = app.seed!.users.expert1!;
    await closeBidding(app, trade); // 2027-01-05 01:30Z
  });
  after(async () => app?.stop());

  const staff = async () => bearer(await app.tokenFor('staff'));
  const commit = async (body: object) => app.http.post(`/api/trades/${trade.id}/draws`).set(await staff()).send(body);
  const run = async (drawId: number) => app.http.post(`/api/trades/${trade.id}/draws/${drawId}/run`).set(await staff()).send({});
  const penalise = (userId: number, endsAt = '2027-06-30T00:00:00.000Z') =>
    recorded(app, { subject: { kind: 'person', ...ids.get(userId)! }, role: 'expert', scope: 'expert_pool', severity: 'serious', issuingRegionCode: '360700', act: '评标中未按招标文件规定的评标标准和方法评标', basis: '招标投标法实施条例 第七十一条', decisionNo: `赣市发改罚〔2027〕${userId}号`, authority: '赣州市发展和改革委员会', endsAt });

  it('leaves a restricted expert out of the pool (credit.restricted); asked for every eligible seat, the draw never picks them', async () => {
    await penalise(expert1, '2027-01-05T03:30:00.000Z');
    // all eight: the pool has seven eligible, so the draw is refused rather than reach expert1
    const all = (await commit({ seats: [{ specialty: 'building', count: 8 }], tendereeRepresentatives: 1 })).body as DrawView;
    expect(all.excluded).to.deep.include({ rule: 'credit.restricted', count: 1 });
    expect((await run(all.id)).body.code).to.equal('DRAW_POOL_TOO_SMALL');
    // all seven eligible are drawn, expert1 is not
    const seven = (await commit({ seats: [{ specialty: 'building', count: 7 }] })).body as DrawView;
    expect(seven.excluded).to.deep.include({ rule: 'credit.restricted', count: 1 });
    const drawn = (await run(seven.id)).body as DrawView;
    expect(drawn.seats.map((s) => s.userId)).to.have.members(pool.filter((id) => id !== expert1));
    const published = (await app.http.get(`/api/trades/${trade.id}/draws/${seven.id}/published`).set(bearer(await app.tokenFor('supervisor')))).body as { pool: PoolEntry[] };
    expect(published.pool.map((p) => p.userId)).not.to.include(expert1);
  });

  it('after the restriction’s end the expert is eligible again', async () => {
    app.setClock('2027-01-05T03:30:00.000Z');
    const all = (await commit({ seats: [{ specialty: 'building', count: 8 }], tendereeRepresentatives: 1 })).body as DrawView;
    expect(all.excluded.map((e) => e.rule)).not.to.include('credit.restricted');
    const drawn = (await run(all.id)).body as DrawView;
    expect(drawn.seats.map((s) => s.userId)).to.have.members(pool);
  });

  it('a restriction recorded after the commit binds at the draw and for a replacement; the replay matches', async () => {
    const committed = (await commit({ seats: [{ specialty: 'building', count: 5 }] })).body as DrawView;
    expect(committed.excluded.map((e) => e.rule)).not.to.include('credit.restricted');
    // the ranking the draw will follow (white-box: the seed is still secret to everyone else)
    const { seed } = (await app.services.experts.models.ExpertDraw.findByPk(committed.id))!;
    const ranked = [...pool].sort((a, b) => sha256(`${seed}:${a}`).localeCompare(sha256(`${seed}:${b}`)));
    // the best-ranked expert is penalised between the commit and the draw
    await penalise(ranked[0]!);
    const drawn = (await run(committed.id)).body as DrawView;
    expect(drawn.seats.map((s) => [s.seat, s.userId, s.status, s.replaces])).to.deep.equal([
      [1, ranked[0], 'declined', null],
      [2, ranked[1], 'invited', null],
      [3, ranked[2], 'invited', null],
      [4, ranked[3], 'invited', null],
      [5, ranked[4], 'invited', null],
      [6, ranked[5], 'invited', 1],
    ]);
    expect(drawn.seats[0]!.declineReason).to.match(/^credit\.restricted：招标投标法实施条例 第七十一条/);

    // the next of the ranking is penalised too; seat 2 declines: the replacement skips them
    await penalise(ranked[6]!);
    const { token } = await expertLogin(app, ranked[1]!);
    const invitation = ((await app.http.get('/api/experts/assignments').set(bearer(token))).body.assignments as { id: number; tradeId: number; status: string }[]).find((a) => a.tradeId === trade.id && a.status === 'invited')!;
    const declined = await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(token)).send({ accept: false, reason: '当日另有评标任务' });
    expect(declined.status, declined.text).to.equal(200);
    const after = (await app.http.get(`/api/trades/${trade.id}/draws/${committed.id}`).set(await staff())).body as DrawView;
    expect(after.seats.slice(6).map((s) => [s.seat, s.userId, s.status, s.replaces])).to.deep.equal([
      [7, ranked[6], 'declined', 2],
      [8, ranked[7], 'invited', 7],
    ]);
    expect(after.seats[6]!.declineReason).to.match(/^credit\.restricted：/);
    const invited = after.seats.filter((s) => s.status === 'invited').map((s) => s.userId);
    expect(invited).not.to.include(ranked[0]);
    expect(invited).not.to.include(ranked[6]);
    expect((await app.http.get(`/api/trades/${trade.id}/draws/${committed.id}/replay`).set(bearer(await app.tokenFor('supervisor')))).body.matches).to.equal(true);
    const events = await app.services.audit.models.AuditEvent.findAll({ where: { subject: `trade:${trade.code}`, action: 'experts.credit_excluded' } });
    expect(events.map((e) => JSON.parse(e.payload).expert)).to.deep.equal([ranked[0], ranked[6]]);
  });

  it('an invited expert penalised before answering cannot accept: CREDIT_RESTRICTED, the seat passes on, the replay matches', async () => {
    // ranked[0] and ranked[6] of the last draw are still restricted: six eligible, five seats
    const committed = (await commit({ seats: [{ specialty: 'building', count: 5 }] })).body as DrawView;
    expect(committed.excluded).to.deep.include({ rule: 'credit.restricted', count: 2 });
    const drawn = (await run(committed.id)).body as DrawView;
    expect(drawn.seats.map((s) => s.status)).to.deep.equal(['invited', 'invited', 'invited', 'invited', 'invited']);
    const spare = pool.filter((id) => !drawn.seats.some((s) => s.userId === id));
    const target = drawn.seats[2]!;
    await penalise(target.userId);
    const { token } = await expertLogin(app, target.userId);
    // this draw's invitation: the newest of the trade's (an earlier draw may have invited them too)
    const invitation = ((await app.http.get('/api/experts/assignments').set(bearer(token))).body.assignments as { id: number; tradeId: number; status: string }[])
      .filter((a) => a.tradeId === trade.id && a.status === 'invited')
      .sort((a, b) => b.id - a.id)[0]!;
    const refused = await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(token)).send({ accept: true });
    expect([refused.status, refused.body.code, refused.body.issuingRegion], refused.text).to.deep.equal([403, 'CREDIT_RESTRICTED', '360700']);
    expect(refused.body.basis).to.contain('招标投标法实施条例 第七十一条');
    const after = (await app.http.get(`/api/trades/${trade.id}/draws/${committed.id}`).set(await staff())).body as DrawView;
    expect(after.seats[2]!.status).to.equal('declined');
    expect(after.seats[2]!.declineReason).to.match(/^credit\.restricted：招标投标法实施条例 第七十一条/);
    const replacement = after.seats.at(-1)!;
    expect([after.seats.length, replacement.replaces, replacement.status]).to.deep.equal([6, target.seat, 'invited']);
    expect(spare).to.include(replacement.userId);
    // answering again changes nothing
    const again = await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(token)).send({ accept: true });
    expect(again.body.code).to.equal('DRAW_WRONG_STATE');
    expect((await app.http.get(`/api/trades/${trade.id}/draws/${committed.id}/replay`).set(bearer(await app.tokenFor('supervisor')))).body.matches).to.equal(true);
  });
});
