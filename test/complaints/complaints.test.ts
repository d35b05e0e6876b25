import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { ComplaintDecisionView, ComplaintView, ObjectionView } from '../../contracts/complaints.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { signedEvaluation } from '../helpers/evaluation.js';
import { enrol } from '../helpers/trades.js';
import {
  accepted,
  auditEvents,
  award,
  biddingTrade,
  cancel,
  complained,
  decided,
  fileComplaint,
  fileObjection,
  inPublicity,
  notifications,
  objected,
  replied,
  reply,
  startPublicity,
  supervisorAct,
} from './helpers.js';

const START = '2026-11-25T02:00:00.000Z';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');


describe('complaints: objections (异议/质疑) and complaints (投诉)', function () {
  this.timeout(300_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
    for (const official of ['official1', 'official2', 'official3']) await enrol(app, official);
  });
  after(async () => app?.stop());
  beforeEach(() => app.setClock(START));

  const as = async (user: string) => bearer(await app.tokenFor(user));

  it('an objection to the documents: interested bidders only, attachments stored by SHA-256 and readable by the parties only, the reply notified', async () => {
    const trade = await biddingTrade(app, 'construction');
    const outsider = await fileObjection(app, trade.id, 'bidder3', { subject: 'documents' });
    expect([outsider.status, outsider.body.code]).to.deep.equal([403, 'NOT_PARTICIPANT']);
    const badSubject = await fileObjection(app, trade.id, 'bidder1', { subject: 'weather' as never });
    expect([badSubject.status, badSubject.body.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    const notYet = await fileObjection(app, trade.id, 'bidder1', { subject: 'opening' });
    expect([notYet.status, notYet.body.code, notYet.body.rule]).to.deep.equal([422, 'OBJECTION_WINDOW_CLOSED', 'opening.confirmation_window']);

    const letter = Buffer.from('%PDF-1.4 异议函：资格条件排斥潜在投标人\n');
    const evidence = Buffer.from('%PDF-1.4 证明材料\n'.repeat(100));
    const objection = await objected(app, trade.id, 'bidder1', { subject: 'documents', attachments: [{ name: '异议函.pdf', bytes: letter }, { name: '证明材料.pdf', bytes: evidence }] });
    expect([objection.label, objection.status, objection.subject, objection.holds]).to.deep.equal(['objection', 'pending', 'documents', []]);
    expect(objection.attachments.map((a) => [a.fileName, a.sha256, a.size])).to.deep.equal([
      ['异议函.pdf', sha256(letter), letter.length],
      ['证明材料.pdf', sha256(evidence), evidence.length],
    ]);
    const filed = (await auditEvents(app, 'complaints.objection_filed')).find((e) => e.payload.objection === objection.id)!;
    expect((filed.payload.attachments as { sha256: string }[]).map((a) => a.sha256)).to.deep.equal([sha256(letter), sha256(evidence)]);

    // another bidder of the same trade sees neither the objection nor its attachments
    const other = await app.http.get(`/api/objections/${objection.id}`).set(await as('bidder2'));
    expect([other.status, other.body.code]).to.deep.equal([403, 'NOT_PARTICIPANT']);
    const file = objection.attachments[0]!;
    const peek = await app.http.get(`/api/objections/${objection.id}/attachments/${file.id}/content`).set(await as('bidder2'));
    expect([peek.status, peek.body.code]).to.deep.equal([403, 'NOT_PARTICIPANT']);
    expect((await app.http.get(`/api/trades/${trade.id}/objections`).set(await as('bidder2'))).body.objections).to.deep.equal([]);
    expect((await app.http.get(`/api/objections/${objection.id}`).set(await as('expert1'))).status).to.equal(403);
    expect((await app.http.get(`/api/objections/${objection.id}`)).status).to.equal(401);
    // the parties read it: the filer, staff, the agent, the supervisor
    for (const user of ['bidder1', 'staff', 'agent', 'supervisor']) expect((await app.http.get(`/api/objections/${objection.id}`).set(await as(user))).status, user).to.equal(200);
    const download = await app.http.get(`/api/objections/${objection.id}/attachments/${file.id}/content`).set(await as('staff')).responseType('blob');
    expect(download.status).to.equal(200);
    expect(download.headers['x-content-sha256']).to.equal(sha256(letter));
    expect(sha256(download.body as Buffer)).to.equal(sha256(letter));

    // staff and the agent are told; the agent (managing the trade) replies; the filer is told
    for (const user of ['staff', 'agent']) expect((await notifications(app, user)).some((n) => n.kind === 'complaints.filed' && n.tradeId === trade.id), user).to.equal(true);
    const byBidder = await reply(app, objection.id, false, 'bidder1');
    expect([byBidder.status, byBidder.body.code]).to.deep.equal([403, 'FORBIDDEN_ROLE']);
    const answer = await replied(app, objection.id, false, 'agent');
    expect([answer.status, answer.upheld, answer.replyLate, answer.repliedBy]).to.deep.equal(['replied', false, false, '王芳（招标代理）']);
    expect((await reply(app, objection.id, true)).body.code).to.equal('CONFLICT');
    expect((await notifications(app, 'bidder1')).some((n) => n.kind === 'complaints.replied' && n.body.includes('不成立'))).to.equal(true);
    const mine = (await app.http.get('/api/objections').set(await as('bidder1'))).body.objections as ObjectionView[];
    expect(mine.find((o) => o.id === objection.id)?.reply).to.equal(answer.reply);

    // only the objecting organisation withdraws its pending objection
    const second = await objected(app, trade.id, 'bidder2', { subject: 'process' });
    expect(second.step).to.equal('publish');
    expect((await app.http.post(`/api/objections/${second.id}/withdraw`).set(await as('bidder1')).send({})).body.code).to.equal('NOT_PARTICIPANT');
    const withdrawn = await app.http.post(`/api/objections/${second.id}/withdraw`).set(await as('bidder2')).send({ reason: '已澄清' });
    expect([withdrawn.status, withdrawn.body.status]).to.deep.equal([200, 'withdrawn']);
    expect((await reply(app, second.id, false)).body.code).to.equal('CONFLICT');
  });

  it('complaints: prior objection, its reply period, the window; an accepted complaint suspends every transition until the decision, which is published', async () => {
    const trade = await biddingTrade(app, 'construction', {}, ['bidder1', 'bidder2', 'bidder3']);
    const none = await fileComplaint(app, trade.id, 'bidder1', { subject: 'documents' });
    expect([none.status, none.body.code, none.body.rule]).to.deep.equal([422, 'PRIOR_OBJECTION_REQUIRED', 'complaints.complaint_window.construction']);
    const objection = await objected(app, trade.id, 'bidder1', { subject: 'documents' });
    const early = await fileComplaint(app, trade.id, 'bidder1', { subject: 'documents', objectionId: objection.id });
    expect([early.status, early.body.code, early.body.replyDueAt]).to.deep.equal([409, 'COMPLAINT_TOO_EARLY', objection.replyDueAt]);
    const notTheirs = await fileComplaint(app, trade.id, 'bidder2', { subject: 'documents', objectionId: objection.id });
    expect(notTheirs.body.code).to.equal('PRIOR_OBJECTION_REQUIRED');
    await replied(app, objection.id, false);
    const beyond = await fileComplaint(app, trade.id, 'bidder1', { subject: 'opening', objectionId: objection.id });
    expect(beyond.body.code).to.equal('PRIOR_OBJECTION_REQUIRED');

    const evidence = Buffer.from('%PDF-1.4 投诉书\n');
    const complaint = await complained(app, trade.id, 'bidder1', { subject: 'documents', objectionId: objection.id, attachments: [{ name: '投诉书.pdf', bytes: evidence }] });
    expect([complaint.status, complaint.objectionId, complaint.suspended, complaint.attachments[0]!.sha256]).to.deep.equal(['filed', objection.id, false, sha256(evidence)]);
    expect((await fileComplaint(app, trade.id, 'bidder1', { subject: 'documents', objectionId: objection.id })).body.code).to.equal('CONFLICT');
    expect((await notifications(app, 'supervisor')).some((n) => n.kind === 'complaints.filed' && n.tradeId === trade.id)).to.equal(true);
    // parties only
    expect((await app.http.get(`/api/complaints/${complaint.id}`).set(await as('bidder2'))).body.code).to.equal('NOT_PARTICIPANT');
    expect((await app.http.get(`/api/complaints/${complaint.id}/attachments/${complaint.attachments[0]!.id}/content`).set(await as('bidder2'))).status).to.equal(403);
    const read = await app.http.get(`/api/complaints/${complaint.id}/attachments/${complaint.attachments[0]!.id}/content`).set(await as('supervisor')).responseType('blob');
    expect([read.status, read.headers['x-content-sha256']]).to.deep.equal([200, sha256(evidence)]);
    expect(((await app.http.get('/api/complaints').set(await as('supervisor'))).body.complaints as ComplaintView[]).map((c) => c.id)).to.include(complaint.id);
    expect(((await app.http.get('/api/complaints').set(await as('bidder2'))).body.complaints as ComplaintView[]).map((c) => c.id)).to.not.include(complaint.id);
    // role checks: only the supervisor accepts; only the complainant withdraws
    expect((await app.http.post(`/api/complaints/${complaint.id}/accept`).set(await as('staff')).send({})).body.code).to.equal('FORBIDDEN_ROLE');
    expect((await app.http.post(`/api/complaints/${complaint.id}/withdraw`).set(await as('bidder2')).send({})).body.code).to.equal('NOT_PARTICIPANT');

    // a second complaint, withdrawn by its complainant
    const second = await objected(app, trade.id, 'bidder3', { subject: 'documents' });
    await replied(app, second.id, false);
    const withdrawn = await app.http.post(`/api/complaints/${(await complained(app, trade.id, 'bidder3', { subject: 'documents', objectionId: second.id })).id}/withdraw`).set(await as('bidder3')).send({ reason: '已与招标人协商解决' });
    expect([withdrawn.status, withdrawn.body.status]).to.deep.equal([200, 'withdrawn']);

    // accepted: every transition refuses — staff's cancel, and the clock's close of bidding at the deadline
    const open = await accepted(app, complaint.id);
    expect([open.suspended, open.decisionDueAt]).to.deep.equal([true, '2027-01-07T16:00:00.000Z']);
    expect((await notifications(app, 'bidder2')).some((n) => n.kind === 'complaints.accepted' && n.tradeId === trade.id)).to.equal(true);
    const refused = await cancel(app, trade.id);
    expect([refused.status, refused.body.code, refused.body.complaint]).to.deep.equal([409, 'TRADE_SUSPENDED', complaint.id]);
    app.setClock(trade.bidDeadline);
    const tick = await app.services.scheduler.tick();
    expect(tick.skipped).to.deep.include({ id: trade.id, name: 'close_bidding', code: 'TRADE_SUSPENDED' });
    expect((await app.http.get(`/api/trades/${trade.id}`)).body.state).to.equal('bidding');
    expect(((await app.http.get('/api/complaints/decisions')).body.decisions as ComplaintDecisionView[]).map((d) => d.complaintId)).to.not.include(complaint.id);

    // the decision lifts it, and is public
    const decision = await decided(app, complaint.id, 'upheld', 'correct_documents');
    expect([decision.status, decision.suspended, decision.outcome, decision.remedy]).to.deep.equal(['decided', false, 'upheld', 'correct_documents']);
    expect((await notifications(app, 'bidder1')).some((n) => n.kind === 'complaints.decided')).to.equal(true);
    await app.services.scheduler.tick();
    expect((await app.http.get(`/api/trades/${trade.id}`)).body.state).to.equal('opening');
    const published = (await app.http.get('/api/complaints/decisions')).body.decisions as ComplaintDecisionView[];
    const mine = published.find((d) => d.complaintId === complaint.id)!;
    expect([mine.outcome, mine.remedy, mine.complainant, mine.decidedBy, mine.tradeCode]).to.deep.equal(['upheld', 'correct_documents', '赣州宏达建设工程有限公司', '赣州市公共资源交易监督管理办公室', trade.code]);
    expect(((await app.http.get(`/api/trades/${trade.id}/decisions`)).body.decisions as ComplaintDecisionView[]).map((d) => d.complaintId)).to.deep.equal([complaint.id]);
    expect((await supervisorAct(app, complaint.id, 'decide', { outcome: 'dismissed', decision: 'x', remedy: 'none' })).body.code).to.equal('CONFLICT');
    const actions = (await auditEvents(app, 'complaints.complaint_accepted')).concat(await auditEvents(app, 'complaints.complaint_decided')).filter((e) => e.payload.complaint === complaint.id);
    expect(actions.map((e) => e.actor)).to.deep.equal(['user:supervisor', 'user:supervisor']);
  });

  it('procurement: a challenge (质疑) after 7 working days is refused; its answer is copied to the other suppliers', async () => {
    const trade = await biddingTrade(app, 'procurement', { documentsUntil: '2026-12-02T09:00:00.000Z' });
    const challenge = await objected(app, trade.id, 'bidder1', { subject: 'documents' });
    expect(challenge.label).to.equal('challenge');
    await replied(app, challenge.id, false);
    const copy = (await notifications(app, 'bidder2')).find((n) => n.kind === 'complaints.replied' && n.tradeId === trade.id);
    expect(copy?.title).to.include('抄送');
    expect((await app.http.get(`/api/objections/${challenge.id}`).set(await as('bidder2'))).status).to.equal(403);
    app.setClock('2026-12-11T16:00:00.000Z');
    const late = await fileObjection(app, trade.id, 'bidder2', { subject: 'documents' });
    expect([late.status, late.body.code, late.body.rule, late.body.windowEndsAt]).to.deep.equal([422, 'OBJECTION_WINDOW_CLOSED', 'complaints.challenge_window.procurement', '2026-12-11T16:00:00.000Z']);
  });

  it('after the evaluation: an accepted complaint stops publicity; a pending candidates objection holds the award until replied; upheld, it opens a recheck', async () => {
    const run = await signedEvaluation(app, { kind: 'construction', prices: { bidder1: 900_000_000, bidder2: 910_000_000, bidder3: 920_000_000 }, judged: (b) => (b === 'bidder1' ? [8, 8, 8, 8, 8] : [6, 6, 6, 6, 6]) });
    const tradeId = run.trade.id;
    // a complaint about the procedure (no objection needed for it) accepted while the trade is evaluated
    const complaint = await accepted(app, (await complained(app, tradeId, 'bidder3', { subject: 'process', step: 'conclude_evaluation' })).id);
    expect(complaint.step).to.equal('conclude_evaluation');
    const held = await startPublicity(app, tradeId);
    expect([held.status, held.body.code, held.body.complaint]).to.deep.equal([409, 'TRADE_SUSPENDED', complaint.id]);
    const trade = await app.services.trades.get(tradeId);
    for (const transition of ['award', 'reevaluate', 'fail_award']) {
      const error = await app.services.trades.engine.assertNotHeld(trade, transition).catch((e: { code: string }) => e);
      expect((error as { code?: string })?.code, transition).to.equal('TRADE_SUSPENDED');
    }
    const dismissed = await supervisorAct(app, complaint.id, 'decide', { outcome: 'dismissed', decision: '驳回', remedy: 'recheck' });
    expect([dismissed.status, dismissed.body.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    await decided(app, complaint.id, 'dismissed', 'keep');
    const publicity = await inPublicity(app, tradeId);

    // bidder3 objects to the result during the publicity; bidder2 cannot read it
    const objection = await objected(app, tradeId, 'bidder3', { subject: 'candidates', facts: '第一中标候选人项目经理业绩证明与实际不符，评标委员会资格审查有误。', request: '请求复核第一中标候选人资格。' });
    expect(objection.holds).to.deep.equal(['start_publicity', 'award', 'record_contract']);
    expect((await app.http.get(`/api/objections/${objection.id}`).set(await as('bidder2'))).body.code).to.equal('NOT_PARTICIPANT');
    app.setClock(publicity.endsAt);
    const late = await fileObjection(app, tradeId, 'bidder2', { subject: 'candidates' });
    expect([late.status, late.body.code, late.body.rule, late.body.windowEndsAt]).to.deep.equal([422, 'OBJECTION_WINDOW_CLOSED', 'complaints.objection_candidates', publicity.endsAt.toISOString()]);
    // the publicity is over, but the award waits for the reply
    const waiting = await award(app, tradeId);
    expect([waiting.status, waiting.body.code, waiting.body.objection]).to.deep.equal([409, 'OBJECTION_PENDING', objection.id]);

    // upheld: the reply stands and a recheck of the evaluation is opened (which now holds the award)
    const answer = await replied(app, objection.id, true);
    expect([answer.status, answer.upheld, answer.holds, answer.recheckError]).to.deep.equal(['replied', true, [], null]);
    expect(answer.recheckId).to.be.a('number');
    const recheck = await app.http.get(`/api/rechecks/${answer.recheckId}`).set(await as('staff'));
    expect([recheck.status, recheck.body.trigger]).to.deep.equal([200, 'objection']);
    const opened = (await auditEvents(app, 'complaints.recheck_opened')).find((e) => e.payload.objection === objection.id);
    expect(opened?.payload.recheck).to.equal(answer.recheckId);
    const stillHeld = await award(app, tradeId);
    expect([stillHeld.status, stillHeld.body.code]).to.deep.equal([409, 'RECHECK_OPEN']);

    // bidder3 complains about the result after its objection; the decision orders a recheck, which the recheck
    // module refuses (one is open): the decision stands and the refusal is shown with it
    const followUp = await accepted(app, (await complained(app, tradeId, 'bidder3', { subject: 'candidates', objectionId: objection.id })).id);
    const withRecheck = await decided(app, followUp.id, 'upheld', 'recheck', { grounds: ['objective_item'] });
    expect([withRecheck.status, withRecheck.recheckId, withRecheck.recheckError?.code]).to.deep.equal(['decided', null, 'RECHECK_OPEN']);
    expect((await auditEvents(app, 'complaints.recheck_refused')).some((e) => e.payload.complaint === followUp.id)).to.equal(true);

    // a complaint about the procedure upheld with a re-tender: the trade fails (流标) and may be tendered again
    const retender = await accepted(app, (await complained(app, tradeId, 'bidder2', { subject: 'process', step: 'start_publicity' })).id);
    const failed = await decided(app, retender.id, 'upheld', 're_tender');
    expect(failed.remedyEffect).to.match(/^fail_award/);
    expect((await app.http.get(`/api/trades/${tradeId}`)).body.state).to.equal('failed');
  });
});
