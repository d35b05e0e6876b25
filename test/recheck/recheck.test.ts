import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { EVALUATION_JOIN, EVALUATION_NAMESPACE, EVALUATION_PRESENCE, EVALUATION_PROGRESS, type EvaluationView } from '../../contracts/evaluation.js';
import type { RecheckProgress, RecheckView } from '../../contracts/recheck.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { signedEvaluation, type EvaluationRun } from '../helpers/evaluation.js';
import { acceptSeats, auditPayloads, pdfText, plantedEvaluation, rechecksOf, signatureOver, signRecheck, WAN } from './helpers.js';

/**
 * The recheck (评标复核 / 复审) over the API on the real database: an automatic recheck opened by a
 * planted arithmetic error and corrected by the committee (ranking and report), a recheck ordering
 * re-evaluation by a new committee with none of the old members, the hold on publicity, the
 * independent panel drawn without the committee, the closed list of procurement grounds, signature
 * checks and the live room.
 */
describe('recheck: automatic and requested, 复核 and 复审, outcomes', function () {
  this.timeout(600_000);
  let app: TestApp;
  const sockets: Socket[] = [];
  before(async () => {
    app = await givenApp();
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await app?.stop();
  });
  const staff = async () => bearer(await app.tokenFor('staff'));
  /** Candidate publicity, through the award module's route (which fires start_publicity). */
  const startPublicity = async (tradeId: number) => app.http.post(`/api/trades/${tradeId}/publicity`).set(await staff()).send({});

  // government procurement, 综合评分法 (price 30, technical 50, service 20), equal prices: the judged scores decide
  const gpScores: Record<string, Record<string, number[]>> = {
    bidder1: { technical: [40, 40, 40, 40, 40], service: [16, 16, 16, 16, 16] },
    bidder2: { technical: [38, 38, 38, 38, 38], service: [15, 15, 15, 15, 15] },
    bidder3: { technical: [30, 30, 30, 30, 30], service: [14, 14, 14, 14, 14] },
  };
  let gp: EvaluationRun;

  it('(a) a planted arithmetic error opens a recheck automatically; the committee corrects it; the ranking and the report show the change and its reason', async () => {
    // expert 3 "types" 250 for bidder3's technical score (a 50-point criterion) before the last expert submits: the signed result carries it
    gp = await plantedEvaluation(app, {
      kind: 'procurement',
      prices: { bidder1: 100 * WAN, bidder2: 100 * WAN, bidder3: 100 * WAN },
      judged: (bidder, criterion) => gpScores[bidder]![criterion]!,
      plant: { bidder: 'bidder3', expert: 2, criterion: 'technical', value: 250 },
    });
    const b = gp.bidIds;
    expect(gp.view.result!.ranked.map((r) => [r.bidId, r.total, r.rank])).to.deep.equal([
      [b.bidder3, 118, 1], // 30 + (4×30 + 250)/5 + 14
      [b.bidder1, 86, 2],
      [b.bidder2, 83, 3],
    ]);
    expect(gp.view.correctedByRecheck).to.equal(null);

    // the report became final: the platform recomputed, found the score outside 0–50 and opened a recheck by itself
    const [recheck] = await rechecksOf(app, gp.trade.id);
    expect(recheck).to.not.equal(undefined);
    expect([recheck!.trigger, recheck!.kind, recheck!.state, recheck!.grounds.map((g) => g.id)]).to.deep.equal(['automatic', 'review', 'open', ['gp.score_out_of_range']]);
    const flagged = recheck!.diff!.items.find((i) => i.type === 'score_out_of_range')!;
    expect(flagged).to.deep.include({ bidId: b.bidder3, expertUserId: gp.experts[2]!.userId, criterion: 'technical', value: 250, max: 50 });
    // the original committee (复核) are its members; they see the raw votes and scores per expert
    expect(recheck!.members.map((m) => m.userId)).to.deep.equal(gp.experts.map((e) => e.userId).sort((x, y) => x - y));
    expect(recheck!.evaluation!.scores.find((s) => s.bidId === b.bidder3 && s.expertUserId === gp.experts[2]!.userId && s.criterion === 'technical')!.value).to.equal(250);
    expect((await auditPayloads(app, 'recheck.opened')).some((p) => p.recheck === recheck!.id && p.trigger === 'automatic')).to.equal(true);
    const notes = (await app.http.get('/api/notifications').set(await staff())).body as { kind: string }[] | { notifications: { kind: string }[] };
    expect(JSON.stringify(notes)).to.contain('recheck.opened');

    // (c) publicity is refused while the recheck is open — the hold names it
    const held = await startPublicity(gp.trade.id);
    expect([held.status, held.body.code, held.body.recheckId]).to.deep.equal([409, 'RECHECK_OPEN', recheck!.id]);
    // a second recheck cannot be opened alongside
    const second = await app.http.post(`/api/trades/${gp.trade.id}/rechecks`).set(await staff()).send({ grounds: ['gp.sum_error'], note: '复核分值汇总' });
    expect([second.status, second.body.code]).to.deep.equal([409, 'RECHECK_OPEN']);

    const chair = gp.experts[0]!;
    const url = `/api/rechecks/${recheck!.id}`;
    // a correction outside the criterion's range is refused; so is correcting without a reason, or as an outsider
    const outOfRange = await app.http.post(`${url}/findings`).set(bearer(chair.token)).send({ item: flagged.key, text: '分值录入错误', corrections: [{ kind: 'score', bidId: b.bidder3, expertUserId: gp.experts[2]!.userId, criterion: 'technical', value: 60, reason: '录入错误' }] });
    expect([outOfRange.status, outOfRange.body.code, outOfRange.body.max]).to.deep.equal([400, 'VALIDATION_FAILED', 50]);
    const noReason = await app.http.post(`${url}/findings`).set(bearer(chair.token)).send({ text: 'x', corrections: [{ kind: 'score', bidId: b.bidder3, expertUserId: gp.experts[2]!.userId, criterion: 'technical', value: 30 }] });
    expect(noReason.status).to.equal(400);
    const outsider = await app.http.post(`${url}/findings`).set(bearer(await app.tokenFor('expert1'))).send({ text: '我也要复核' });
    expect([outsider.status, outsider.body.code]).to.deep.equal([403, 'NOT_PARTICIPANT']);
    // the outcome must be one the grounds allow: re-evaluation needs a ground that voids the committee
    const reevaluate = await app.http.post(`${url}/outcome`).set(bearer(chair.token)).send({ outcome: 'reevaluate', reasons: '重新评审' });
    expect([reevaluate.status, reevaluate.body.code]).to.deep.equal([422, 'RECHECK_OUTCOME_NOT_ALLOWED']);
    // 'correct' needs at least one correction
    const empty = await app.http.post(`${url}/outcome`).set(bearer(chair.token)).send({ outcome: 'correct', reasons: '纠正' });
    expect([empty.status, empty.body.code]).to.deep.equal([422, 'RECHECK_OUTCOME_NOT_ALLOWED']);

    // the committee corrects the score with its reason and proposes the correction
    const reason = '该专家对技术方案的实际评分为30分，录入时误录为250分，超出该项满分50分';
    const finding = await app.http.post(`${url}/findings`).set(bearer(chair.token)).send({ item: flagged.key, text: '经核对原始评分记录，该分值为录入错误', corrections: [{ kind: 'score', bidId: b.bidder3, expertUserId: gp.experts[2]!.userId, criterion: 'technical', value: 30, reason }] });
    expect(finding.status, finding.text).to.equal(201);
    const proposed = await app.http.post(`${url}/outcome`).set(bearer(gp.experts[1]!.token)).send({ outcome: 'correct', reasons: '分项评分超出评分范围，按原始记录更正（87号令第六十四条第二项）' });
    expect(proposed.status, proposed.text).to.equal(200);
    let view = proposed.body as RecheckView;
    expect(view.state).to.equal('signing');
    expect(view.report!.changes).to.deep.equal([{ kind: 'score', bidId: b.bidder3, bidder: view.report!.rankingBefore![0]!.bidder, expertUserId: gp.experts[2]!.userId, expert: view.report!.changes[0]!.expert, criterion: 'technical', from: 250, to: 30, reason }]);
    expect(view.report!.rankingAfter!.map((r) => [r.bidId, r.total, r.rank])).to.deep.equal([
      [b.bidder1, 86, 1],
      [b.bidder2, 83, 2],
      [b.bidder3, 74, 3],
    ]);
    // no more findings once the outcome is proposed
    expect((await app.http.post(`${url}/findings`).set(bearer(chair.token)).send({ text: '补充' })).body.code).to.equal('RECHECK_WRONG_STATE');

    // signatures: over another digest, or with someone else's certificate, are refused
    const wrongDigest = await app.http.post(`${url}/signatures`).set(bearer(chair.token)).send({ signature: await signatureOver(app, chair.token, chair.username, gp.view.reportSha256!) });
    expect([wrongDigest.status, wrongDigest.body.code]).to.deep.equal([400, 'BID_SIGNATURE_INVALID']);
    const othersCert = await app.http.post(`${url}/signatures`).set(bearer(chair.token)).send({ signature: await signatureOver(app, gp.experts[1]!.token, gp.experts[1]!.username, view.reportSha256!) });
    expect(othersCert.status).to.equal(403);
    expect(othersCert.body.code).to.match(/^CERT_/);

    // four sign, one refuses with a reason: every member has answered, the recheck closes and the correction takes effect
    view = await signRecheck(app, view, gp.experts, { [gp.experts[4]!.userId]: '本人认为应由采购人书面报告财政部门后再更正' });
    expect(view.state).to.equal('closed');
    expect(view.members.filter((m) => m.signed === 'signed')).to.have.length(4);
    const evaluation = (await app.http.get(`/api/trades/${gp.trade.id}/evaluation`).set(await staff())).body as EvaluationView;
    expect(evaluation.correctedByRecheck).to.equal(recheck!.id);
    expect(evaluation.result!.ranked.map((r) => [r.bidId, r.total, r.rank])).to.deep.equal([
      [b.bidder1, 86, 1],
      [b.bidder2, 83, 2],
      [b.bidder3, 74, 3],
    ]);
    expect(evaluation.result!.candidates[0]!.bidId).to.equal(b.bidder1);
    // the audit chain keeps the old and the new value
    const corrected = (await auditPayloads(app, 'evaluation.corrected')).find((p) => p.recheck === recheck!.id)!;
    expect((corrected.changes as { from: number; to: number; reason: string }[])[0]).to.deep.include({ from: 250, to: 30, reason });
    expect((await auditPayloads(app, 'recheck.closed')).find((p) => p.recheck === recheck!.id)).to.deep.include({ outcome: 'correct', matchesReport: true });

    // the recheck report in Chinese shows the change, its reason and the ranking before and after
    const pdf = await app.http.get(`${url}/report.pdf`).set(await staff()).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).to.equal(200);
    const text = pdfText(pdf.body as Buffer);
    for (const needle of ['评标复核报告', '平台自动复算发现差异', '分项评分超出评分标准规定的评分范围', '评分超出范围', '由250更正为30', reason, '更正前', '更正后', '纠正错误', view.report!.members[0]!.name.replace(/\s+/g, ''), '拒绝签名', '复核已结束']) {
      expect(text, needle).to.contain(needle);
    }
    // the hold is gone: publicity may start (the award module's own guards aside)
    const publicity = await startPublicity(gp.trade.id);
    expect(publicity.status, publicity.text).to.equal(201);
  });

  it('government procurement: only the four grounds of 87号令 art 64 — "price too low" and a void-committee ground are refused', async () => {
    for (const ground of ['price_too_low', 'member_misconduct', 'rejection_reason_missing']) {
      const res = await app.http.post(`/api/trades/${gp.trade.id}/rechecks`).set(await staff()).send({ grounds: [ground], note: '投标报价过低，要求重新评审' });
      expect([res.status, res.body.code, res.body.ground, res.body.rule], ground).to.deep.equal([422, 'RECHECK_GROUND_NOT_ALLOWED', ground, 'recheck.grounds.procurement']);
    }
    // a bidder may not ask (their way is the objection); an outsider expert may not read
    expect((await app.http.post(`/api/trades/${gp.trade.id}/rechecks`).set(bearer(await app.tokenFor('bidder2'))).send({ grounds: ['gp.sum_error'], note: 'x' })).body.code).to.equal('FORBIDDEN_ROLE');
    expect((await app.http.get(`/api/trades/${gp.trade.id}/rechecks`).set(bearer(await app.tokenFor('expert1')))).body.code).to.equal('NOT_PARTICIPANT');
  });

  it('(b) a recheck that orders re-evaluation voids the committee; the new committee (a new draw) has none of the old members; the live room', async () => {
    const run = await signedEvaluation(app, {
      kind: 'construction',
      prices: { bidder1: 980 * WAN, bidder2: 1000 * WAN, bidder3: 950 * WAN },
      judged: (bidder, criterion) => (criterion === 'technical' ? [20, 21, 20, 21, 20] : [8, 8, 8, 8, 8]),
      spareExperts: 5,
    });
    // nothing wrong: the automatic check is recorded clean and opens nothing
    expect(await rechecksOf(app, run.trade.id)).to.deep.equal([]);
    expect((await auditPayloads(app, 'recheck.automatic_clean')).length).to.be.greaterThan(0);

    // a supervisor asks for a recheck: a member was found to have been contacted by a bidder
    const opened = await app.http.post(`/api/trades/${run.trade.id}/rechecks`).set(bearer(await app.tokenFor('supervisor'))).send({ grounds: ['member_misconduct'], note: '举报反映评标委员会成员在评标期间与投标人私下接触，经核实属实' });
    expect(opened.status, opened.text).to.equal(201);
    const recheck = opened.body as RecheckView;
    expect([recheck.trigger, recheck.kind, recheck.allowedOutcomes]).to.deep.equal(['request', 'review', ['confirm', 'reevaluate']]);

    // the live room: the evaluation namespace, joined with {recheckId}
    const enter = async (token: string) => {
      const socket = connect(`${app.url}${EVALUATION_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      const progress: RecheckProgress[] = [];
      const presence: { recheckId?: number; present: number[] }[] = [];
      socket.on(EVALUATION_PROGRESS, (p: RecheckProgress) => progress.push(p));
      socket.on(EVALUATION_PRESENCE, (p: { recheckId?: number; present: number[] }) => presence.push(p));
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', () => resolve());
        socket.on('connect_error', reject);
      });
      const ack = (await socket.emitWithAck(EVALUATION_JOIN, { recheckId: recheck.id })) as { ok: boolean; code?: string; view?: RecheckView };
      return { socket, ack, progress, presence };
    };
    const until = async (check: () => boolean, what: string) => {
      for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(check(), what).to.equal(true);
    };
    expect((await enter(await app.tokenFor('bidder1'))).ack).to.deep.equal({ ok: false, code: 'NOT_PARTICIPANT' });
    const [a, b] = [await enter(run.experts[0]!.token), await enter(run.experts[1]!.token)];
    expect([a.ack.ok, a.ack.view!.id, a.ack.view!.evaluation!.scores.length]).to.deep.equal([true, recheck.id, 5 * 3 * 2]);
    await until(() => a.presence.some((p) => p.recheckId === recheck.id && p.present.includes(run.experts[1]!.userId)), 'A sees B arrive');
    const finding = await app.http.post(`/api/rechecks/${recheck.id}/findings`).set(bearer(run.experts[1]!.token)).send({ text: '经核实，评标委员会成员在评标期间与投标人私下接触，评标结论应认定无效' });
    expect(finding.status, finding.text).to.equal(201);
    await until(() => b.progress.some((p) => p.recheckId === recheck.id && p.findings === 1), 'the room hears the finding');

    // a proposal a majority refuses falls: the recheck is open again for another proposal (decisions by majority)
    const confirm = await app.http.post(`/api/rechecks/${recheck.id}/outcome`).set(bearer(run.experts[2]!.token)).send({ outcome: 'confirm', reasons: '举报内容不影响评审结论' });
    expect(confirm.status, confirm.text).to.equal(200);
    const fallen = await signRecheck(app, confirm.body as RecheckView, run.experts, Object.fromEntries(run.experts.slice(0, 3).map((e) => [e.userId, '不同意维持，评标结论应认定无效'])));
    expect([fallen.state, fallen.outcome, fallen.reportSha256, fallen.members.map((m) => m.signed)]).to.deep.equal(['open', null, null, [null, null, null, null, null]]);
    expect((await auditPayloads(app, 'recheck.proposal_rejected')).find((p) => p.recheck === recheck.id)).to.deep.include({ outcome: 'confirm', refused: 3, members: 5 });

    const proposed = await app.http.post(`/api/rechecks/${recheck.id}/outcome`).set(bearer(run.experts[0]!.token)).send({ outcome: 'reevaluate', reasons: '评标委员会成员违法评标，对结果造成实质性影响（实施条例第七十一条、第八十一条），重新组建评标委员会评审' });
    expect(proposed.status, proposed.text).to.equal(200);
    const closed = await signRecheck(app, proposed.body as RecheckView, run.experts);
    expect(closed.state).to.equal('closed');
    await until(() => a.progress.some((p) => p.state === 'closed'), 'the room hears the close');

    // the trade is back at the opened record; the old round is archived, the evaluation gone
    expect((await app.http.get(`/api/trades/${run.trade.id}`).set(await staff())).body.state).to.equal('opened');
    expect((await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(await staff())).status).to.equal(404);
    const [round] = (await app.db.query('SELECT round, members, snapshot FROM evaluation_rounds WHERE trade_id = ?', { replacements: [run.trade.id] }))[0] as { round: number; members: string; snapshot: string }[];
    expect([round!.round, (JSON.parse(round!.members) as number[]).sort()]).to.deep.equal([1, run.experts.map((e) => e.userId).sort()]);
    expect(JSON.parse(round!.snapshot).scores).to.have.length(30);
    // the old committee cannot start again
    const stale = await app.http.post(`/api/trades/${run.trade.id}/evaluation/start`).set(await staff()).send({});
    expect([stale.status, stale.body.code]).to.deep.equal([409, 'CONFLICT']);

    // the new draw leaves out every earlier member
    const committed = await app.http.post(`/api/trades/${run.trade.id}/draws`).set(await staff()).send({ seats: [{ specialty: `eval${run.trade.id}`, count: 5 }] });
    expect(committed.status, committed.text).to.equal(201);
    expect(committed.body.purpose).to.equal('evaluation');
    expect(committed.body.excluded).to.deep.include({ rule: 'avoidance.earlier_committee', count: 5 });
    const drawn = await app.http.post(`/api/trades/${run.trade.id}/draws/${committed.body.id}/run`).set(await staff()).send({});
    expect(drawn.status, drawn.text).to.equal(200);
    const newMembers = (drawn.body.seats as { userId: number }[]).map((s) => s.userId);
    expect(newMembers).to.have.length(5);
    for (const old of run.experts) expect(newMembers).to.not.include(old.userId);
    await acceptSeats(app, run.trade.id, drawn.body.seats);
    const started = await app.http.post(`/api/trades/${run.trade.id}/evaluation/start`).set(await staff()).send({});
    expect(started.status, started.text).to.equal(201);
    expect([(started.body as EvaluationView).round, (started.body as EvaluationView).members.map((m) => m.userId).sort()]).to.deep.equal([2, [...newMembers].sort()]);
  });

  it('复审 by an independent panel (region policy): drawn without the committee, reviews, corrects during publicity and signs', async function () {
    const set = await app.http.put('/api/rules/360700/recheck.independent_panel').set(await staff()).send({ value: 1 });
    expect(set.status, set.text).to.equal(200);
    try {
      const run = await signedEvaluation(app, {
        kind: 'construction',
        prices: { bidder1: 1000 * WAN, bidder2: 1000 * WAN, bidder3: 1000 * WAN },
        judged: (bidder, criterion) => (criterion === 'technical' ? { bidder1: [20, 20, 20, 20, 20], bidder2: [19, 19, 19, 19, 19], bidder3: [18, 18, 18, 18, 18] }[bidder]! : [8, 8, 8, 8, 8]),
        spareExperts: 3,
      });
      const b = run.bidIds;
      expect(run.view.result!.candidates.map((c) => c.bidId)).to.deep.equal([b.bidder1, b.bidder2, b.bidder3]);
      // no panel can be drawn before a recheck is open
      const early = await app.http.post(`/api/trades/${run.trade.id}/draws`).set(await staff()).send({ seats: [{ specialty: `eval${run.trade.id}`, count: 3 }], purpose: 'recheck' });
      expect([early.status, early.body.code]).to.deep.equal([409, 'RECHECK_WRONG_STATE']);
      // publicity starts; then the tenderee's agent asks for a recheck of an objective item
      const publicity = await startPublicity(run.trade.id);
      expect(publicity.status, publicity.text).to.equal(201);
      const opened = await app.http.post(`/api/trades/${run.trade.id}/rechecks`).set(await staff()).send({ grounds: ['objective_item'], note: '第一名的项目管理机构评分与其投标文件不符' });
      expect(opened.status, opened.text).to.equal(201);
      const recheck = opened.body as RecheckView;
      expect([recheck.kind, recheck.members]).to.deep.equal(['panel', []]);
      // the panel: at least recheck.panel_size and odd; the committee is left out of the pool
      const even = await app.http.post(`/api/trades/${run.trade.id}/draws`).set(await staff()).send({ seats: [{ specialty: `eval${run.trade.id}`, count: 4 }], purpose: 'recheck' });
      expect([even.status, even.body.code, even.body.rule]).to.deep.equal([422, 'COMMITTEE_RULES_VIOLATED', 'recheck.panel_size']);
      const committed = await app.http.post(`/api/trades/${run.trade.id}/draws`).set(await staff()).send({ seats: [{ specialty: `eval${run.trade.id}`, count: 3 }], purpose: 'recheck' });
      expect(committed.status, committed.text).to.equal(201);
      expect(committed.body.purpose).to.equal('recheck');
      expect(committed.body.excluded).to.deep.include({ rule: 'avoidance.original_committee', count: 5 });
      const drawn = await app.http.post(`/api/trades/${run.trade.id}/draws/${committed.body.id}/run`).set(await staff()).send({});
      expect(drawn.status, drawn.text).to.equal(200);
      for (const seat of drawn.body.seats as { userId: number }[]) expect(run.experts.map((e) => e.userId)).to.not.include(seat.userId);
      // the panel cannot conclude before it is complete
      const panel = await acceptSeats(app, run.trade.id, drawn.body.seats.slice(0, 1));
      const incomplete = await app.http.post(`/api/rechecks/${recheck.id}/outcome`).set(bearer(panel[0]!.token)).send({ outcome: 'confirm', reasons: '维持' });
      expect([incomplete.status, incomplete.body.code]).to.deep.equal([409, 'RECHECK_WRONG_STATE']);
      panel.push(...(await acceptSeats(app, run.trade.id, drawn.body.seats.slice(1))));
      // the original committee is not on the panel
      expect((await app.http.post(`/api/rechecks/${recheck.id}/findings`).set(bearer(run.experts[0]!.token)).send({ text: 'x' })).body.code).to.equal('NOT_PARTICIPANT');
      // the panel finds bidder1's management scored 8 where the documents allow 2 (no 项目管理机构 certificate): corrects every expert's score
      const corrections = run.experts.map((e) => ({ kind: 'score', bidId: b.bidder1, expertUserId: e.userId, criterion: 'management', value: 2, reason: '投标文件未提供项目管理机构人员证书，按评分标准只能得2分' }));
      const finding = await app.http.post(`/api/rechecks/${recheck.id}/findings`).set(bearer(panel[1]!.token)).send({ text: '项目管理机构评分与投标文件不符', corrections });
      expect(finding.status, finding.text).to.equal(201);
      const proposed = await app.http.post(`/api/rechecks/${recheck.id}/outcome`).set(bearer(panel[0]!.token)).send({ outcome: 'correct', reasons: '客观评审因素评分错误，按评分标准更正' });
      expect(proposed.status, proposed.text).to.equal(200);
      expect((proposed.body as RecheckView).report!.recheck.kindName).to.equal('复审');
      const closed = await signRecheck(app, proposed.body as RecheckView, panel);
      expect(closed.state).to.equal('closed');
      expect(closed.members.map((m) => m.signed)).to.deep.equal(['signed', 'signed', 'signed']);
      // publicity is withdrawn so it restarts with the corrected candidates
      expect((await app.http.get(`/api/trades/${run.trade.id}`).set(await staff())).body.state).to.equal('evaluated');
      const evaluation = (await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(await staff())).body as EvaluationView;
      expect([evaluation.correctedByRecheck, evaluation.result!.candidates.map((c) => c.bidId)]).to.deep.equal([recheck.id, [b.bidder2, b.bidder3, b.bidder1]]);
    } finally {
      await app.http.put('/api/rules/360700/recheck.independent_panel').set(await staff()).send({ value: 0 });
    }
  });
});
