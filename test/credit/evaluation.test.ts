import { expect } from 'chai';
import type { EvaluationView } from '../../contracts/evaluation.js';
import type { TradeView } from '../../contracts/trades.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { evaluatedTrade, expertLogin } from '../helpers/evaluation.js';
import { addExperts } from '../helpers/experts.js';
import { closeBidding, startOpening, submitShare } from '../helpers/opening.js';
import { publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';
import { maskIdNumber } from '../../contracts/credit-names.js';
import { idNumber, orgOf, recorded } from './helpers.js';

const WAN = 1_000_000; // 万元 in fen

/**
 * The credit criterion of 综合评估法 (信用评价, 5 points) reads the bidders' credit scores frozen at the
 * bid deadline: a penalty recorded before it costs its points and flips a close ranking; one recorded
 * after it — even with a start date before the deadline — changes nothing in this evaluation.
 */
describe('credit: the evaluation’s credit criterion, frozen at the bid deadline', function () {
  this.timeout(600_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
  });
  after(async () => app?.stop());

  it('a penalty before the deadline flips a close ranking; one recorded after it does not count', async () => {
    // A and B close; C (a third bid, which the opening needs) well behind
    const [A, B, C] = ['bidder1', 'bidder4', 'bidder3'] as const;
    // before the trade: a serious penalty (30 points, score only) against A → share 0.7 → 3.5 of 5
    app.setClock('2026-11-25T02:00:00.000Z');
    await recorded(app, { subject: { kind: 'organisation', ...orgOf(A) }, scope: 'none', severity: 'serious', issuingRegionCode: '360702', decisionNo: '章发改罚〔2026〕3号', authority: '赣州市章贡区发展和改革委员会' });

    const { trade, bidIds } = await openedTrade(app, '章贡区沙河大道排水管网改造工程施工', [A, B, C]);

    // after the deadline, before the evaluation starts: a penalty against B, dated from before the deadline
    app.setClock('2027-01-05T01:35:00.000Z');
    await recorded(app, { subject: { kind: 'organisation', ...orgOf(B) }, scope: 'none', severity: 'serious', issuingRegionCode: '360700', startsAt: '2026-12-01T00:00:00.000Z', decisionNo: '赣市发改罚〔2027〕1号', authority: '赣州市发展和改革委员会' });
    const now = (await app.http.get(`/api/public/credit/organisations/${orgOf(B).uscc}`)).body as { score: number };
    expect(now.score).to.equal(70); // in force now…

    // the committee: five pool experts drawn and accepting
    const staff = bearer(await app.tokenFor('staff'));
    await addExperts(app, 5, { specialty: `credit${trade.id}`, regionCode: '360700' });
    const committed = await app.http.post(`/api/trades/${trade.id}/draws`).set(staff).send({ seats: [{ specialty: `credit${trade.id}`, count: 5 }] });
    expect(committed.status, committed.text).to.equal(201);
    const drawn = await app.http.post(`/api/trades/${trade.id}/draws/${committed.body.id}/run`).set(staff).send({});
    expect(drawn.status, drawn.text).to.equal(200);
    const experts: string[] = [];
    const ids: number[] = drawn.body.seats.map((s: { userId: number }) => s.userId).sort((a: number, b: number) => a - b);
    for (const id of ids) {
      const { token } = await expertLogin(app, id);
      const invitation = ((await app.http.get('/api/experts/assignments').set(bearer(token))).body.assignments as { id: number; tradeId: number }[]).find((a) => a.tradeId === trade.id)!;
      expect((await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(token)).send({ accept: true })).status).to.equal(200);
      experts.push(token);
    }
    const started = await app.http.post(`/api/trades/${trade.id}/evaluation/start`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(started.status, started.text).to.equal(201);

    // frozen at the deadline: A's penalty counts, B's (recorded after it) does not
    const frozen = { [orgOf(A).uscc]: { score: 70, share: 0.7 }, [orgOf(B).uscc]: { score: 100, share: 1 }, [orgOf(C).uscc]: { score: 100, share: 1 } };
    const row = (await app.services.evaluation.models.Evaluation.findByPk(trade.id))!;
    expect(JSON.parse(row.creditScores!)).to.deep.equal(frozen);
    const event = await app.services.audit.models.AuditEvent.findOne({ where: { subject: `trade:${trade.code}`, action: 'evaluation.started' } });
    expect(JSON.parse(event!.payload).creditScores).to.deep.equal(frozen);

    // the committee: chair, compliance (all pass), scores — A a point ahead on the technical plan
    const as = (i: number) => bearer(experts[i]!);
    for (let i = 0; i < 3; i++) await app.http.post(`/api/trades/${trade.id}/evaluation/chair`).set(as(i)).send({ userId: ids[0] });
    for (let i = 0; i < 5; i++) {
      for (const bidId of Object.values(bidIds)) {
        for (const check of ['formal', 'qualification', 'responsiveness'] as const) {
          const res = await app.http.post(`/api/trades/${trade.id}/evaluation/compliance`).set(as(i)).send({ bidId, check, pass: true });
          expect(res.status, res.text).to.equal(200);
        }
      }
    }
    expect((await app.http.post(`/api/trades/${trade.id}/evaluation/compliance/close`).set(as(0)).send({})).status).to.equal(200);
    const judged: Record<string, Record<string, number>> = { [A]: { technical: 20, management: 8 }, [B]: { technical: 19, management: 8 }, [C]: { technical: 15, management: 8 } };
    let view: EvaluationView | null = null;
    for (let i = 0; i < 5; i++) {
      const scores = Object.entries(bidIds).flatMap(([bidder, bidId]) => Object.entries(judged[bidder]!).map(([criterion, value]) => ({ bidId, criterion, value })));
      const saved = await app.http.put(`/api/trades/${trade.id}/evaluation/scores`).set(as(i)).send({ scores });
      expect(saved.status, saved.text).to.equal(200);
    }
    for (let i = 0; i < 5; i++) view = (await app.http.post(`/api/trades/${trade.id}/evaluation/scores/submit`).set(as(i)).send({})).body as EvaluationView;
    expect(view!.state).to.equal('computed');

    // without credit A would lead 93 : 92; with A's 3.5 of 5 B leads 92 : 91.5 (and B keeps its 5)
    expect(view!.result!.ranked.map((r) => [r.bidder.uscc, ...r.criteria.map((c) => [c.id, c.score]).flat(), r.total, r.rank])).to.deep.equal([
      [orgOf(B).uscc, 'price', 60, 'technical', 19, 'management', 8, 'credit', 5, 92, 1],
      [orgOf(A).uscc, 'price', 60, 'technical', 20, 'management', 8, 'credit', 3.5, 91.5, 2],
      [orgOf(C).uscc, 'price', 60, 'technical', 15, 'management', 8, 'credit', 5, 88, 3],
    ]);
    // recomputing (what the recheck does) reads the same frozen scores
    const again = await app.services.evaluation.compute(trade.id);
    expect(again.ranked.map((r) => r.total)).to.deep.equal([92, 91.5, 88]);

    // the report (what the members sign and the PDF prints) carries the credit criterion's real score
    const reported = await app.http.post(`/api/trades/${trade.id}/evaluation/report`).set(as(0)).send({});
    expect(reported.status, reported.text).to.equal(200);
    const report = JSON.parse((await app.services.evaluation.models.Evaluation.findByPk(trade.id))!.report!) as { result: EvaluationView['result'] };
    expect(report.result!.ranked.map((r) => r.criteria.find((c) => c.id === 'credit')!.score)).to.deep.equal([5, 3.5, 5]);
  });

  it('a bid naming a project manager barred from bidding at the deadline fails the responsiveness check, with the issuing region and basis', async () => {
    app.setClock('2026-11-25T02:00:00.000Z');
    const [li, zhou] = [idNumber(21), idNumber(22)];
    const person = (id: string, name: string, overrides: Record<string, unknown>) =>
      recorded(app, { subject: { kind: 'person', idNumber: id, name }, role: 'bidder', scope: 'bidding', severity: 'serious', act: '担任项目经理期间将承包工程违法转包', basis: '建筑法 第二十八条', authority: '瑞金市住房和城乡建设局', ...overrides });
    // bidder1's project manager: barred by 瑞金市 before the trade; bidder4's: a restriction that starts only after the deadline
    await person(li, '李建军', { decisionNo: '瑞住建罚〔2026〕5号' });
    await person(zhou, '周明', { decisionNo: '瑞住建罚〔2026〕6号', startsAt: '2027-02-01T00:00:00.000Z', endsAt: '2027-08-01T00:00:00.000Z' });
    const run = await evaluatedTrade(app, {
      kind: 'construction',
      prices: { bidder1: 990 * WAN, bidder4: 1_000 * WAN, bidder3: 1_010 * WAN },
      bidJson: { bidder1: { projectManager: '李建军', projectManagerIdNumber: li }, bidder4: { projectManager: '周明', projectManagerIdNumber: zhou } },
      judged: (_bidder, criterion) => (criterion === 'technical' ? [18, 18, 18, 18, 18] : [8, 8, 8, 8, 8]),
      notScored: ['bidder1'],
    });
    const result = run.view.result!;
    const reason = `拟派项目经理李建军（${maskIdNumber(li)}）在投标截止时处于瑞金市的限制投标期内（建筑法 第二十八条（瑞住建罚〔2026〕5号）），投标无效`;
    expect(result.rejected.map((r) => [r.bidId, r.reasons[0]])).to.deep.equal([[run.bidIds.bidder1, `responsiveness: ${reason}`]]);
    expect(result.ranked.map((r) => r.bidId)).to.have.members([run.bidIds.bidder4, run.bidIds.bidder3]);
    // the room shows it beside the bid during the review, whatever the votes
    expect(run.view.forcedRejections).to.deep.equal([{ bidId: run.bidIds.bidder1, reason }]);
    // frozen when the evaluation started, ID number masked, and in the audit chain
    const row = (await app.services.evaluation.models.Evaluation.findByPk(run.trade.id))!;
    expect(JSON.parse(row.creditPersons!)).to.deep.equal({
      [run.bidIds.bidder1!]: { role: 'projectManager', name: '李建军', idNumber: maskIdNumber(li), issuingRegion: '360781', issuingRegionName: '瑞金市', basis: '建筑法 第二十八条（瑞住建罚〔2026〕5号）', until: '2027-11-25T02:00:00.000Z' },
    });
    const event = await app.services.audit.models.AuditEvent.findOne({ where: { subject: `trade:${run.trade.code}`, action: 'evaluation.started' } });
    expect(Object.keys(JSON.parse(event!.payload).creditPersons)).to.deep.equal([String(run.bidIds.bidder1)]);
    // the opening record others read shows the ID number masked
    const opening = await app.http.get(`/api/trades/${run.trade.id}/opening`).set(bearer(await app.tokenFor('bidder4')));
    const shown = (opening.body.results as { bidId: number; bidJson: Record<string, unknown> | null }[]).find((r) => r.bidId === run.bidIds.bidder1)!;
    expect(shown.bidJson!.projectManagerIdNumber).to.equal(maskIdNumber(li));
    // what counts is what was known at the deadline: a record made later is not seen for an earlier instant
    const gate = app.services.credit.gate;
    expect(await gate.restrictionsKnownAt([li], 'bid', new Date('2026-11-25T01:59:59.000Z'))).to.deep.equal([]);
    expect((await gate.restrictionsKnownAt([li], 'bid', new Date(run.trade.bidDeadline))).map((r) => r.subject)).to.deep.equal([li]);
  });

  it('a bid.json whose project manager ID number fails its check character is refused at the opening (MALFORMED_PACKAGE)', async () => {
    app.setClock('2026-11-25T02:00:00.000Z');
    const good = idNumber(71);
    const bad = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
    const { trade, bidIds } = await openedTrade(app, '章贡区水南片区道路工程施工', ['bidder1', 'bidder2', 'bidder3', 'bidder4'], { bidder4: { projectManager: '陈刚', projectManagerIdNumber: bad } });
    const record = await app.http.get(`/api/trades/${trade.id}/opening`).set(bearer(await app.tokenFor('staff')));
    const results = record.body.results as { bidId: number; outcome: string; reason: string | null; detail: string | null }[];
    const refused = results.find((r) => r.bidId === bidIds.bidder4)!;
    expect([refused.outcome, refused.reason]).to.deep.equal(['refused', 'MALFORMED_PACKAGE']);
    expect(refused.detail).to.contain('projectManagerIdNumber');
    expect(results.filter((r) => r.outcome === 'opened').map((r) => r.bidId)).to.have.members([bidIds.bidder1, bidIds.bidder2, bidIds.bidder3]);
  });

  it('a member penalised between accepting and the start is replaced by the next of the ranking; the evaluation starts once the replacement accepts', async () => {
    app.setClock('2026-11-25T02:00:00.000Z');
    const { trade } = await openedTrade(app, '章贡区水东镇污水管网工程施工', ['bidder1', 'bidder2', 'bidder3']);
    app.setClock('2027-01-05T01:35:00.000Z');
    const staff = bearer(await app.tokenFor('staff'));
    const added = await addExperts(app, 6, { specialty: `late${trade.id}`, regionCode: '360700' });
    const ids = new Map(added.map((userId, i) => [userId, idNumber(60 + i)]));
    for (const [userId, id] of ids) await app.services.identity.models.ExpertProfile.update({ idNumber: id }, { where: { userId } });
    const committed = await app.http.post(`/api/trades/${trade.id}/draws`).set(staff).send({ seats: [{ specialty: `late${trade.id}`, count: 5 }] });
    const drawn = await app.http.post(`/api/trades/${trade.id}/draws/${committed.body.id}/run`).set(staff).send({});
    expect(drawn.status, drawn.text).to.equal(200);
    const members: number[] = drawn.body.seats.map((s: { userId: number }) => s.userId);
    const accept = async (userId: number) => {
      const { token } = await expertLogin(app, userId);
      const invitation = ((await app.http.get('/api/experts/assignments').set(bearer(token))).body.assignments as { id: number; tradeId: number; status: string }[]).find((a) => a.tradeId === trade.id && a.status === 'invited')!;
      const res = await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(token)).send({ accept: true });
      expect(res.status, res.text).to.equal(200);
    };
    for (const userId of members) await accept(userId);

    // one member is barred from the expert pool after accepting
    const barred = members[2]!;
    await recorded(app, { subject: { kind: 'person', idNumber: ids.get(barred)!, name: `专家${barred}` }, role: 'expert', scope: 'expert_pool', severity: 'serious', issuingRegionCode: '360700', act: '评标中私下接触投标人', basis: '招标投标法实施条例 第七十二条', decisionNo: '赣市发改罚〔2027〕9号', authority: '赣州市发展和改革委员会' });
    const refused = await app.http.post(`/api/trades/${trade.id}/evaluation/start`).set(staff).send({});
    expect([refused.status, refused.body.code, refused.body.rule], refused.text).to.deep.equal([409, 'CONFLICT', 'credit.restricted']);
    const spare = added.find((id) => !members.includes(id))!;
    expect(refused.body.replaced).to.deep.equal([{ expert: barred, replacement: spare, issuingRegion: '360700', basis: '招标投标法实施条例 第七十二条（赣市发改罚〔2027〕9号）' }]);
    const view = (await app.http.get(`/api/trades/${trade.id}/draws/${committed.body.id}`).set(staff)).body as { seats: { userId: number; status: string; declineReason: string | null }[] };
    expect(view.seats.find((s) => s.userId === barred)!.declineReason).to.match(/^替换：credit\.restricted：招标投标法实施条例 第七十二条/);
    expect((await app.http.post(`/api/trades/${trade.id}/evaluation/start`).set(staff).send({})).body.code, 'the replacement has not accepted yet').to.equal('CONFLICT');
    await accept(spare);
    const started = await app.http.post(`/api/trades/${trade.id}/evaluation/start`).set(staff).send({});
    expect(started.status, started.text).to.equal(201);
    expect((started.body as EvaluationView).members.map((m) => m.userId).sort((a, b) => a - b)).to.deep.equal([...members.filter((id) => id !== barred), spare].sort((a, b) => a - b));
  });
});

/** A construction trade with a bid of 1,000 万元 from each bidder (`extra` bid.json fields per bidder), opened and its record published. */
async function openedTrade(app: TestApp, title: string, bidders: string[], extra: Record<string, Record<string, unknown>> = {}): Promise<{ trade: TradeView; bidIds: Record<string, number> }> {
  const trade = await publishedTrade(app, 'construction', 'open_tender', { title });
  const bidIds: Record<string, number> = {};
  for (const bidder of bidders) {
    expect((await register(app, trade.id, bidder)).status).to.equal(201);
    const up = await uploadBid(app, trade.id, bidder, await sealedBidFor(app, trade, bidder, 1_000 * WAN, undefined, extra[bidder] ?? {}));
    expect(up.status, up.text).to.equal(201);
    bidIds[bidder] = up.body.bid.id;
  }
  await closeBidding(app, trade);
  await startOpening(app, trade);
  await submitShare(app, trade, 'official1');
  await submitShare(app, trade, 'official2');
  expect((await app.http.post(`/api/trades/${trade.id}/opening/publish`).set(bearer(await app.tokenFor('staff'))).send({})).status).to.equal(200);
  return { trade, bidIds };
}
