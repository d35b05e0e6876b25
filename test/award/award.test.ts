import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { AwardSummaryView, CandidateOutcomeView, PublicityView } from '../../contracts/award.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { enrol } from '../helpers/trades.js';
import { idNumber } from '../credit/helpers.js';
import { maskIdNumber } from '../../contracts/credit-names.js';
import type { EvaluationRun } from '../helpers/evaluation.js';
import { rmbCapitals } from '../../server/modules/award/pdf.js';
import {
  TENDEREE,
  auditActions,
  awardOf,
  awardTrade,
  bidderOrg,
  contractPdf,
  evaluatedForAward,
  getBytes,
  notificationsOf,
  pdfText,
  publicityOf,
  recordContract,
  restrict,
  startPublicity,
  unrestrict,
} from './helpers.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The award module over HTTP on the real database: publicity, the award with its notices, the
 * contract record and its warning; the award passing on (disqualified, declined, credit-restricted);
 * a trade without a candidate failing and tendered again.
 *
 * Dates: each trade's bids close and its report is signed on Tue 2027-01-05 09:30 China time. A
 * construction publicity of 3 days then ends with Fri 2027-01-08 (24:00 China = 16:00Z); the award
 * notice is due 5 working days later (Fri 2027-01-15); a notice on Mon 2027-01-11 asks for the
 * contract within 30 days (Wed 2027-02-10), with a warning 5 days before (from Fri 2027-02-05).
 */
describe('award: publicity, award notice, contract record', function () {
  this.timeout(600_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
    for (const official of ['official1', 'official2', 'official3']) await enrol(app, official);
  });
  after(async () => app?.stop());

  describe('the whole path: evaluated → publicity → (e) the first candidate disqualified → award to the second → notices → contract', () => {
    let run: EvaluationRun;
    let id: number;
    before(async () => {
      run = await evaluatedForAward(app);
      id = run.trade.id;
    });

    it('publishes the candidates for the period of the rules table; a bidder may not start it', async () => {
      const byBidder = await startPublicity(app, id, 'bidder1');
      expect([byBidder.status, byBidder.body.code]).to.deep.equal([403, 'FORBIDDEN_ROLE']);
      expect((await app.http.get(`/api/trades/${id}/publicity`)).status, 'nothing published yet').to.equal(404);

      const res = await startPublicity(app, id);
      expect(res.status, res.text).to.equal(201);
      const publicity = res.body.current as PublicityView;
      expect(publicity).to.include({ round: 1, title: '中标候选人公示', status: 'running', lastDay: '2027-01-08', endsAt: '2027-01-08T16:00:00.000Z', late: false });
      expect(publicity.startsAt).to.equal('2027-01-05T01:30:00.000Z');
      expect(publicity.publishBy, 'award.publicity_start.construction: 3 days from the report').to.equal('2027-01-08T16:00:00.000Z');
      expect(publicity.period).to.include({ rule: 'award.publicity_period.construction', value: 3, unit: 'day' });
      const ranked = run.view.result!.ranked;
      expect(publicity.candidates.map((c) => [c.rank, c.bidId, c.bidderName, c.uscc, c.priceFen, c.totalScore, c.status])).to.deep.equal(
        ['bidder1', 'bidder2', 'bidder3'].map((b, i) => {
          const r = ranked.find((x) => x.bidId === run.bidIds[b])!;
          return [i + 1, run.bidIds[b], bidderOrg(b).name, bidderOrg(b).uscc, r.priceFen, r.total, 'candidate'];
        }),
      );
      // public on the portal, anonymous
      const pub = await publicityOf(app, id);
      expect(pub.candidates).to.have.length(3);
      const list = await app.http.get('/api/publicity?status=running');
      expect(list.status).to.equal(200);
      expect(list.body.publicities.map((p: { publicity: PublicityView }) => p.publicity.tradeId)).to.include(id);
      expect((await app.http.get(`/api/trades/${id}`)).body.state).to.equal('publicity');
      expect((await notificationsOf(app, 'bidder2', id)).map((n) => n.kind)).to.include('award.publicity_started');
      // the publicity is not started twice
      expect((await startPublicity(app, id)).body.code).to.equal('TRADE_WRONG_STATE');
    });

    it('(e) the first candidate disqualified during publicity passes the award to the second', async () => {
      // only the trade's staff, agent or supervisors disqualify; a bidder's role is refused by the route
      expect((await app.http.post(`/api/trades/${id}/candidates/${run.bidIds.bidder1}/disqualify`).set(bearer(await app.tokenFor('bidder2'))).send({ reason: 'x' })).body.code).to.equal('FORBIDDEN_ROLE');
      const res = await app.http
        .post(`/api/trades/${id}/candidates/${run.bidIds.bidder1}/disqualify`)
        .set(bearer(await app.tokenFor('supervisor')))
        .send({ reason: '经查实项目经理注册证书系伪造，不符合中标条件' });
      expect(res.status, res.text).to.equal(200);
      const outcome = res.body as CandidateOutcomeView;
      expect(outcome.outcome).to.equal('passed_on');
      expect(outcome.next!.bidId).to.equal(run.bidIds.bidder2);
      expect(outcome.award.candidates.map((c) => [c.bidId, c.status])).to.deep.equal([
        [run.bidIds.bidder1, 'disqualified'],
        [run.bidIds.bidder2, 'candidate'],
        [run.bidIds.bidder3, 'candidate'],
      ]);
      const again = await app.http.post(`/api/trades/${id}/candidates/${run.bidIds.bidder1}/disqualify`).set(bearer(await app.tokenFor('staff'))).send({ reason: '再次' });
      expect([again.status, again.body.code]).to.deep.equal([409, 'CANDIDATE_NOT_ELIGIBLE']);
      expect((await notificationsOf(app, 'bidder2', id)).map((n) => n.kind)).to.include('award.passed_on');
      const pub = await publicityOf(app, id);
      expect(pub.candidates[0]).to.include({ status: 'disqualified', reason: '经查实项目经理注册证书系伪造，不符合中标条件' });
      expect((await auditActions(app, run.trade.code)).find((a) => a.action === 'award.candidate_disqualified')!.payload).to.include({ bid: run.bidIds.bidder1, first: true });
    });

    it('refuses the award while the publicity runs (PUBLICITY_RUNNING with its end), and the decline of a bidder who is not first in line', async () => {
      app.setClock('2027-01-08T15:59:59.999Z');
      const early = await awardTrade(app, id);
      expect([early.status, early.body.code, early.body.endsAt, early.body.lastDay]).to.deep.equal([409, 'PUBLICITY_RUNNING', '2027-01-08T16:00:00.000Z', '2027-01-08']);
      const byBidder = await awardTrade(app, id, 'bidder2');
      expect(byBidder.body.code).to.equal('FORBIDDEN_ROLE');
      const other = await app.http.post(`/api/trades/${id}/award/decline`).set(bearer(await app.tokenFor('bidder3'))).send({ reason: '不想要' });
      expect([other.status, other.body.code]).to.deep.equal([403, 'NOT_PARTICIPANT']);
    });

    it('awards candidate 2 once the publicity ended: the notice and the result notices (candidate 1 told why), published with their SHA-256', async () => {
      app.setClock('2027-01-11T02:00:00.000Z');
      const res = await awardTrade(app, id, 'agent');
      expect(res.status, res.text).to.equal(201);
      const award = res.body as AwardSummaryView;
      expect(award.state).to.equal('awarded');
      const current = award.current!;
      expect(current).to.include({ seq: 1, status: 'current', bidId: run.bidIds.bidder2, priceFen: 910_000_000, noticeLate: false, contractLastDay: '2027-02-10' });
      expect(current.winner).to.deep.equal(bidderOrg('bidder2'));
      expect(current.noticeDeadline, 'award.notice_within: 5 working days from the end of the publicity').to.equal('2027-01-15T16:00:00.000Z');
      expect(current.contractDeadline).to.equal('2027-02-10T16:00:00.000Z');
      expect(current.results.map((r) => r.bidId).sort()).to.deep.equal([run.bidIds.bidder1, run.bidIds.bidder3].sort());
      expect(award.candidates.map((c) => c.status)).to.deep.equal(['disqualified', 'winner', 'candidate']);

      // the notice, anonymous: it is published; its bytes are the recorded hash
      const pdf = await getBytes(app, current.notice.url);
      expect(pdf.status).to.equal(200);
      expect(pdf.headers['content-type']).to.equal('application/pdf');
      expect(sha256(pdf.body as Buffer)).to.equal(current.notice.sha256).and.to.equal(pdf.headers['x-content-sha256']);
      const text = pdfText(pdf.body as Buffer);
      for (const expected of ['中标通知书', bidderOrg('bidder2').name, bidderOrg('bidder2').uscc, run.trade.code, '¥9,100,000.00', rmbCapitals(910_000_000), '2027年2月10日', '赣州市公共资源交易中心', TENDEREE.name]) {
        expect(text, expected).to.contain(expected);
      }
      expect(rmbCapitals(910_000_000)).to.equal('玖佰壹拾万元整');

      // candidate 1 gets a result notice with the reason; candidate 3 its rank
      const first = current.results.find((r) => r.bidId === run.bidIds.bidder1)!;
      const firstPdf = await getBytes(app, first.url);
      expect(sha256(firstPdf.body as Buffer)).to.equal(first.sha256);
      const firstText = pdfText(firstPdf.body as Buffer);
      for (const expected of ['中标结果通知书', bidderOrg('bidder1').name, bidderOrg('bidder2').name, '取消中标候选人资格', '项目经理注册证书系伪造', run.trade.code]) expect(firstText, expected).to.contain(expected);
      const third = current.results.find((r) => r.bidId === run.bidIds.bidder3)!;
      expect(pdfText((await getBytes(app, third.url)).body as Buffer)).to.contain('排名第3名');

      expect((await notificationsOf(app, 'bidder2', id)).map((n) => n.kind)).to.include('award.awarded');
      expect((await notificationsOf(app, 'bidder1', id)).map((n) => n.kind)).to.include('award.result');
      const audit = await auditActions(app, run.trade.code);
      const awarded = audit.find((a) => a.action === 'award.awarded')!;
      expect(awarded.payload).to.include({ notice: current.notice.sha256, noticeLate: false, uscc: bidderOrg('bidder2').uscc });
      expect(audit.map((a) => a.action)).to.include.members(['award.publicity_started', 'trade.start_publicity', 'trade.award']);
    });

    it('warns the staff once, award.contract_warning days before the contract is due (the scheduler, restart-safe)', async () => {
      app.setClock('2027-02-04T15:59:59.000Z');
      await app.services.scheduler.tick();
      expect((await notificationsOf(app, 'staff', id)).filter((n) => n.kind === 'award.contract_due')).to.have.length(0);
      app.setClock('2027-02-04T16:00:00.000Z'); // Fri 2027-02-05 00:00 China: 5 days before 2027-02-10
      await app.services.scheduler.tick();
      await app.services.scheduler.tick();
      app.setClock('2027-02-06T02:00:00.000Z');
      await app.services.scheduler.tick();
      for (const user of ['staff', 'agent']) {
        const due = (await notificationsOf(app, user, id)).filter((n) => n.kind === 'award.contract_due');
        expect(due, user).to.have.length(1);
        expect(due[0]!.body).to.contain('2027-02-10');
      }
      expect((await notificationsOf(app, 'bidder2', id)).filter((n) => n.kind === 'award.contract_due')).to.have.length(0);
      expect((await auditActions(app, run.trade.code)).filter((a) => a.action === 'award.contract_warning_sent')).to.have.length(1);
    });

    it('records the contract with the document’s SHA-256; refuses a bad date, wrong parties or a file that is not a PDF', async () => {
      app.setClock('2027-02-06T02:00:00.000Z');
      const file = await contractPdf('发包人：赣州市章贡区城市建设投资有限公司；承包人：瑞金红都建筑工程有限公司；合同价款：玖佰壹拾万元整。');
      const parties = { purchaser: TENDEREE, winner: bidderOrg('bidder2') };
      const fields = { signedOn: '2027-02-03', amountFen: 910_000_000, parties };
      const future = await recordContract(app, id, { ...fields, signedOn: '2027-02-07' }, file);
      expect([future.status, future.body.code]).to.deep.equal([422, 'CONTRACT_DATE_INVALID']);
      const before = await recordContract(app, id, { ...fields, signedOn: '2027-01-10' }, file);
      expect([before.status, before.body.code, before.body.earliest]).to.deep.equal([422, 'CONTRACT_DATE_INVALID', '2027-01-11']);
      const wrong = await recordContract(app, id, { ...fields, parties: { purchaser: TENDEREE, winner: bidderOrg('bidder1') } }, file);
      expect([wrong.status, wrong.body.code]).to.deep.equal([422, 'CONTRACT_PARTIES_MISMATCH']);
      const notPdf = await recordContract(app, id, fields, Buffer.from('合同正文（不是 PDF）'));
      expect([notPdf.status, notPdf.body.code]).to.deep.equal([400, 'CONTRACT_NOT_PDF']);
      const badJson = await recordContract(app, id, { ...fields, parties: '{purchaser' }, file);
      expect([badJson.status, badJson.body.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
      const byBidder = await recordContract(app, id, fields, file, 'bidder2');
      expect(byBidder.body.code).to.equal('FORBIDDEN_ROLE');
      expect((await app.http.get(`/api/trades/${id}`)).body.state, 'nothing recorded by the refusals').to.equal('awarded');

      const res = await recordContract(app, id, fields, file);
      expect(res.status, res.text).to.equal(201);
      expect(res.body).to.include({ signedOn: '2027-02-03', amountFen: 910_000_000, awardedPriceFen: 910_000_000, sha256: sha256(file), size: file.length, dueBy: '2027-02-10', late: false });
      expect(res.body.parties).to.deep.equal(parties);
      expect((await app.http.get(`/api/trades/${id}`)).body.state).to.equal('contracted');
      // the public summary, and the document for its parties
      const pub = await app.http.get(`/api/trades/${id}/contract`);
      expect(pub.body.contract.sha256).to.equal(sha256(file));
      expect((await awardOf(app, id)).contract!.sha256).to.equal(sha256(file));
      const doc = await getBytes(app, `/api/trades/${id}/contract/document`, await app.tokenFor('bidder2'));
      expect(doc.status).to.equal(200);
      expect(sha256(doc.body as Buffer)).to.equal(sha256(file));
      const outsider = await app.http.get(`/api/trades/${id}/contract/document`).set(bearer(await app.tokenFor('bidder3')));
      expect([outsider.status, outsider.body.code]).to.deep.equal([403, 'NOT_PARTICIPANT']);
      const recorded = (await auditActions(app, run.trade.code)).find((a) => a.action === 'award.contract_recorded')!;
      expect(recorded.payload).to.include({ sha256: sha256(file), late: false, signedOn: '2027-02-03' });
      // after the contract nobody declines
      const decline = await app.http.post(`/api/trades/${id}/award/decline`).set(bearer(await app.tokenFor('bidder2'))).send({ reason: '放弃' });
      expect(decline.body.code).to.equal('TRADE_WRONG_STATE');
    });
  });

  it('publicity withdrawn by a recheck starts again as round 2; a credit-restricted winner is passed over with the reason; a decline after the award passes on with a new notice; no candidate left → failed → tendered again', async () => {
    const run = await evaluatedForAward(app);
    const id = run.trade.id;
    expect((await startPublicity(app, id)).status).to.equal(201);
    // a recheck that corrects the ranking withdraws the publicity (the recheck module fires withdraw_publicity); it starts again as round 2
    app.setClock('2027-01-06T02:00:00.000Z');
    expect((await app.services.award.currentPublicity(id))!.round).to.equal(1);
    await app.services.trades.fire({ kind: 'system', name: 'recheck' }, id, 'withdraw_publicity', '复审更正排序');
    expect((await publicityOf(app, id)).status).to.equal('withdrawn');
    expect(await app.services.award.currentPublicity(id), 'no window while withdrawn').to.equal(null);
    const again = await startPublicity(app, id);
    expect(again.status, again.text).to.equal(201);
    expect(again.body.current).to.include({ round: 2, status: 'running', lastDay: '2027-01-11', late: false });
    expect(again.body.rounds.map((r: PublicityView) => [r.round, r.status])).to.deep.equal([
      [1, 'withdrawn'],
      [2, 'running'],
    ]);
    expect(again.body.rounds[0].withdrawnReason).to.contain('复审更正排序');
    expect((await app.services.award.publicityHistory(id)).map((w) => [w.round, w.status, w.lastDay])).to.deep.equal([
      [1, 'withdrawn', '2027-01-08'],
      [2, 'running', '2027-01-11'],
    ]);
    app.setClock('2027-01-11T15:59:59.000Z');
    expect((await awardTrade(app, id)).body.code, 'round 2 runs to the end of Mon 2027-01-11').to.equal('PUBLICITY_RUNNING');
    app.setClock('2027-01-12T02:00:00.000Z');
    const summary = await awardWhileRestricted(app, id, bidderOrg('bidder1').uscc, '串通投标，限制投标一年（赣市监罚〔2027〕1号）');
    expect(summary.current!.bidId).to.equal(run.bidIds.bidder2);
    const passed = summary.candidates.find((c) => c.bidId === run.bidIds.bidder1)!;
    expect(passed.status).to.equal('disqualified');
    expect(passed.reason).to.equal('信用惩戒限制（360781）：串通投标，限制投标一年（赣市监罚〔2027〕1号）');
    const credit = (await auditActions(app, run.trade.code)).find((a) => a.action === 'award.candidate_disqualified')!;
    expect(credit.payload).to.deep.include({ bid: run.bidIds.bidder1, credit: { region: '360781', basis: '串通投标，限制投标一年（赣市监罚〔2027〕1号）', until: null } });
    expect((await notificationsOf(app, 'bidder3', id)).map((n) => n.kind)).to.include('award.passed_on');

    // bidder3 is not the winner: it cannot decline; bidder2 declines after the award
    app.setClock('2027-01-13T02:00:00.000Z');
    const notWinner = await app.http.post(`/api/trades/${id}/award/decline`).set(bearer(await app.tokenFor('bidder3'))).send({ reason: '放弃' });
    expect([notWinner.status, notWinner.body.code]).to.deep.equal([403, 'NOT_PARTICIPANT']);
    const declined = await app.http.post(`/api/trades/${id}/award/decline`).set(bearer(await app.tokenFor('bidder2'))).send({ reason: '项目负责人离职，无法履约' });
    expect(declined.status, declined.text).to.equal(200);
    const outcome = declined.body as CandidateOutcomeView;
    expect(outcome.outcome).to.equal('passed_on');
    const notices = outcome.award.notices;
    expect(notices.map((n) => [n.seq, n.bidId, n.status])).to.deep.equal([
      [1, run.bidIds.bidder2, 'void'],
      [2, run.bidIds.bidder3, 'current'],
    ]);
    expect(notices[0]!.voidReason).to.contain('项目负责人离职');
    expect(notices[1]!.contractLastDay, '30 days from the new notice (Wed 2027-01-13)').to.equal('2027-02-12');
    expect(notices[1]!.notice.sha256).not.to.equal(notices[0]!.notice.sha256);
    const newText = pdfText((await getBytes(app, notices[1]!.notice.url)).body as Buffer);
    expect(newText).to.contain(bidderOrg('bidder3').name);
    expect(newText).to.contain('作废');
    // the void notice stays published under its number
    const old = await getBytes(app, notices[0]!.notice.url);
    expect(sha256(old.body as Buffer)).to.equal(notices[0]!.notice.sha256);
    expect((await notificationsOf(app, 'bidder3', id)).map((n) => n.kind)).to.include('award.awarded');
    expect((await app.http.get(`/api/trades/${id}`)).body.state).to.equal('awarded');

    // the last candidate is disqualified: nobody is left, the trade fails
    const last = await app.http.post(`/api/trades/${id}/candidates/${run.bidIds.bidder3}/disqualify`).set(bearer(await app.tokenFor('staff'))).send({ reason: '未按规定提交履约保证金' });
    expect(last.status, last.text).to.equal(200);
    expect(last.body).to.include({ outcome: 'failed', code: 'NO_CANDIDATE_LEFT' });
    const failed = await awardOf(app, id);
    expect(failed.state).to.equal('failed');
    expect(failed.failed!.code).to.equal('NO_CANDIDATE_LEFT');
    expect(failed.current).to.equal(null);
    expect(failed.notices.every((n) => n.status === 'void')).to.equal(true);
    const history = (await app.http.get(`/api/trades/${id}`)).body.history as { name: string; actor: string; reason: string }[];
    expect(history[history.length - 1]).to.include({ name: 'fail_award', actor: 'system:award' });
    expect(history[history.length - 1]!.reason).to.contain('NO_CANDIDATE_LEFT');

    // 流标 → tendered again as a new draft that names the failed trade
    const retender = await app.http.post(`/api/trades/${id}/retender`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(retender.status, retender.text).to.equal(201);
    expect(retender.body).to.include({ state: 'draft' });
    expect(retender.body.notice.previousTradeId).to.equal(id);
    expect(retender.body.title).to.contain('重新招标');
  });

  it('a winner whose project manager (named by ID number in the bid) is barred after bidding is passed over with the reason', async () => {
    const manager = idNumber(41);
    const run = await evaluatedForAward(app, 'construction', { bidder1: { projectManager: '刘志强', projectManagerIdNumber: manager } });
    const id = run.trade.id;
    expect((await startPublicity(app, id)).status).to.equal(201);
    app.setClock('2027-01-12T02:00:00.000Z');
    const summary = await awardWhileRestricted(app, id, manager, '项目经理在建工程转包，限制投标六个月（赣市住建罚〔2027〕2号）');
    expect(summary.current!.bidId).to.equal(run.bidIds.bidder2);
    const passed = summary.candidates.find((c) => c.bidId === run.bidIds.bidder1)!;
    expect([passed.status, passed.reason]).to.deep.equal(['disqualified', '拟派项目经理信用惩戒限制（360781）：项目经理在建工程转包，限制投标六个月（赣市住建罚〔2027〕2号）']);
    const credit = (await auditActions(app, run.trade.code)).find((a) => a.action === 'award.candidate_disqualified')!;
    expect(credit.payload).to.deep.include({ bid: run.bidIds.bidder1, credit: { region: '360781', basis: '项目经理在建工程转包，限制投标六个月（赣市住建罚〔2027〕2号）', until: null, projectManager: maskIdNumber(manager) } });
  });
});

/** Awards the trade while `subject` (a USCC or an ID number) is under a bidding restriction; lifts it after. */
async function awardWhileRestricted(app: TestApp, tradeId: number, subject: string, basis: string): Promise<AwardSummaryView> {
  await restrict(app, subject, basis);
  try {
    const res = await awardTrade(app, tradeId);
    expect(res.status, res.text).to.equal(201);
    return res.body as AwardSummaryView;
  } finally {
    await unrestrict(app, subject);
  }
}
