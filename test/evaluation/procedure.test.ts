import { expect } from 'chai';
import type { EvaluationView } from '../../contracts/evaluation.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { evaluatedTrade, expertLogin } from '../helpers/evaluation.js';

/**
 * The procedural rules a machine can hold (domain-rules §3): replacing a member voids their work and
 * the replacement evaluates anew; more than a third asking for more time extends the evaluation; a
 * majority suspecting a below-cost price asks the bidder for a written explanation by a deadline.
 */
describe('evaluation procedure: replacement, more time, abnormally low prices', function () {
  this.timeout(600_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
  });
  after(async () => app?.stop());

  const prices = { bidder1: 980_000_000, bidder2: 1_000_000_000, bidder3: 610_000_000 };

  it('replacing a member mid-evaluation voids their votes and scores; the replacement joins and evaluates anew', async () => {
    const run = await evaluatedTrade(app, { kind: 'construction', prices, judged: () => [], stopAtScoring: true, spareExperts: 1 });
    const leaving = run.experts[2]!;
    const saved = await app.http.put(`/api/trades/${run.trade.id}/evaluation/scores`).set(bearer(leaving.token)).send({ scores: [{ bidId: run.bidIds.bidder1, criterion: 'technical', value: 20 }] });
    expect(saved.status).to.equal(200);
    const replaced = await app.http.post(`/api/trades/${run.trade.id}/evaluation/members/${leaving.userId}/replace`).set(bearer(await app.tokenFor('staff'))).send({ reason: '与投标人存在利害关系，主动申请回避' });
    expect(replaced.status, replaced.text).to.equal(200);
    const voided = await app.services.audit.models.AuditEvent.findOne({ where: { action: 'evaluation.member_work_voided' } });
    const payload = JSON.parse(voided!.payload);
    expect([payload.expert, payload.votes.length, payload.scores]).to.deep.equal([leaving.userId, 9, [{ bid: run.bidIds.bidder1, criterion: 'technical', value: 20 }]]);
    expect(await app.services.evaluation.models.ComplianceVote.count({ where: { tradeId: run.trade.id, expertUserId: leaving.userId } })).to.equal(0);
    expect((await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(bearer(leaving.token))).status, 'the leaver is out of the room').to.equal(403);

    // the replacement accepts, joins, votes compliance (still allowed for them) and everyone scores
    const newcomer = await expertLogin(app, replaced.body.replacement);
    const invitation = ((await app.http.get('/api/experts/assignments').set(bearer(newcomer.token))).body.assignments as { id: number; tradeId: number; status: string }[]).find((a) => a.tradeId === run.trade.id && a.status === 'invited')!;
    expect((await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(newcomer.token)).send({ accept: true })).status).to.equal(200);
    const view = (await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(bearer(newcomer.token))).body as EvaluationView;
    expect(view.members.map((m) => m.userId)).to.include(replaced.body.replacement).and.not.include(leaving.userId);
    for (const bidId of Object.values(run.bidIds)) {
      for (const check of ['formal', 'qualification', 'responsiveness']) {
        const vote = await app.http.post(`/api/trades/${run.trade.id}/evaluation/compliance`).set(bearer(newcomer.token)).send({ bidId, check, pass: true });
        expect(vote.status, vote.text).to.equal(200);
      }
    }
    const others = run.experts.filter((e) => e.userId !== leaving.userId);
    const scorers = [...others.map((e) => e.token), newcomer.token];
    for (const token of scorers) {
      const scores = Object.values(run.bidIds).flatMap((bidId) => [
        { bidId, criterion: 'technical', value: 20 },
        { bidId, criterion: 'management', value: 8 },
      ]);
      expect((await app.http.put(`/api/trades/${run.trade.id}/evaluation/scores`).set(bearer(token)).send({ scores })).status).to.equal(200);
      expect((await app.http.post(`/api/trades/${run.trade.id}/evaluation/scores/submit`).set(bearer(token)).send({})).status).to.equal(200);
    }
    const done = (await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(bearer(newcomer.token))).body as EvaluationView;
    expect(done.state).to.equal('computed');
    expect(done.result!.ranked[0]!.criteria[1]!.byExpert).to.have.length(5);
  });

  it('extends the evaluation when more than a third of the members ask for more time', async () => {
    const run = await evaluatedTrade(app, { kind: 'construction', prices, judged: () => [], stopAtScoring: true });
    const first = (await app.http.post(`/api/trades/${run.trade.id}/evaluation/more-time`).set(bearer(run.experts[0]!.token)).send({ reason: '投标文件技术部分篇幅较大' })).body as EvaluationView;
    expect([first.moreTimeRequests, first.extended]).to.deep.equal([1, false]); // 1 of 5 = 20 %
    const second = (await app.http.post(`/api/trades/${run.trade.id}/evaluation/more-time`).set(bearer(run.experts[1]!.token)).send({ reason: '需核对图纸' })).body as EvaluationView;
    expect([second.moreTimeRequests, second.extended]).to.deep.equal([2, true]); // 2 of 5 = 40 % > 1/3
    const twice = await app.http.post(`/api/trades/${run.trade.id}/evaluation/more-time`).set(bearer(run.experts[1]!.token)).send({ reason: '再次' });
    expect(twice.status).to.equal(409);
  });

  it('asks the bidder for a written explanation when a majority suspects a below-cost price; the bidder answers before the deadline', async () => {
    const run = await evaluatedTrade(app, { kind: 'construction', prices, judged: () => [], stopAtScoring: true });
    for (const i of [0, 1]) await app.http.post(`/api/trades/${run.trade.id}/evaluation/suspicions`).set(bearer(run.experts[i]!.token)).send({ bidId: run.bidIds.bidder3 });
    expect(((await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(bearer(run.experts[0]!.token))).body as EvaluationView).explanations).to.deep.equal([]); // 2 of 5
    const third = (await app.http.post(`/api/trades/${run.trade.id}/evaluation/suspicions`).set(bearer(run.experts[2]!.token)).send({ bidId: run.bidIds.bidder3 })).body as EvaluationView;
    expect(third.explanations).to.have.length(1);
    const request = third.explanations[0]!;
    expect(new Date(request.deadline).getTime() - new Date(request.requestedAt).getTime()).to.equal(60 * 60_000);
    // bidder3 is told, and answers online
    const notes = (await app.http.get('/api/notifications').set(bearer(await app.tokenFor('bidder3')))).body.notifications as { kind: string }[];
    expect(notes.map((n) => n.kind)).to.include('evaluation.explanation_requested');
    expect((await app.http.get(`/api/trades/${run.trade.id}/evaluation/explanation`).set(bearer(await app.tokenFor('bidder1')))).body.explanation).to.equal(null);
    const answered = await app.http.post(`/api/trades/${run.trade.id}/evaluation/explanation`).set(bearer(await app.tokenFor('bidder3'))).send({ answer: '我公司自有采石场，材料成本较市场价低约30%，附成本测算表。' });
    expect(answered.status, answered.text).to.equal(200);
    expect(answered.body.explanation.answer).to.contain('自有采石场');
    const seen = (await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(bearer(run.experts[4]!.token))).body as EvaluationView;
    expect(seen.explanations[0]!.answer).to.contain('成本测算表');
  });
});
