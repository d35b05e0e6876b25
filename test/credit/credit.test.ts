import { expect } from 'chai';
import type { CreditRecordView, CreditScoreView, FeedPayload, RepairView } from '../../contracts/credit.js';
import { verifySignedData } from '../../crypto/index.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { register, sealedBidFor, uploadBid } from '../helpers/trades.js';
import { orgOf, penaltyBody, publishedIn, recordCredit, recorded } from './helpers.js';

/**
 * 一地受罚、处处受制 inside one deployment: a penalty issued by 瑞金市 bars the company in 龙南市 and in
 * another province's city (龙岩市), names where it came from, ends by itself, and a repair decision by
 * the issuing region lifts it early. The clock starts on 2026-11-25 10:00 +08; trades take bids until
 * 2027-01-05 and documents until 2026-12-31.
 */
describe('credit: a penalty in one region restricts everywhere', function () {
  this.timeout(600_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
  });
  after(async () => app?.stop());

  const auditActions = async (prefix: string) => {
    const rows = await app.services.audit.models.AuditEvent.findAll({ order: [['seq', 'ASC']] });
    return rows.filter((r) => r.action.startsWith(prefix)).map((r) => ({ action: r.action, subject: r.subject }));
  };
  const refusedBy瑞金 = (res: { status: number; body: Record<string, unknown>; text: string }) => {
    expect(res.status, res.text).to.equal(403);
    expect(res.body.code).to.equal('CREDIT_RESTRICTED');
    expect(res.body.issuingRegion).to.equal('360781');
    expect(res.body.issuingRegionName).to.equal('瑞金市');
    expect(res.body.basis).to.contain('招标投标法 第五十三条');
    expect(res.body.detail).to.contain('瑞金市').and.to.contain('招标投标法 第五十三条');
  };

  it('bars registration and bids in 龙南市 and 龙岩市 until the end time, naming 瑞金市 and the basis', async () => {
    const longnan = await publishedIn(app, '360783');
    const longyan = await publishedIn(app, '350800');
    // registered before the penalty: the bid upload is the next gate
    expect((await register(app, longnan.id, 'bidder2')).status).to.equal(201);
    const sealed = await sealedBidFor(app, longnan, 'bidder2', 880_000_000);

    const record = await recorded(app, { endsAt: '2026-12-10T02:00:00.000Z' });
    expect(record).to.deep.include({ uid: `000000-${record.id}`, origin: 'local', status: 'active', points: 30, scope: 'bidding' });
    expect(record.issuingRegion).to.deep.equal({ code: '360781', name: '瑞金市' });

    refusedBy瑞金(await register(app, longyan.id, 'bidder2'));
    refusedBy瑞金(await uploadBid(app, longnan.id, 'bidder2', sealed));
    // another company is not touched
    expect((await register(app, longyan.id, 'bidder5')).status).to.equal(201);

    // at the end time it no longer blocks; the scheduler notes the expiry in the audit chain
    app.setClock('2026-12-10T02:00:00.000Z');
    expect((await register(app, longyan.id, 'bidder2')).status).to.equal(201);
    const up = await uploadBid(app, longnan.id, 'bidder2', sealed);
    expect(up.status, up.text).to.equal(201);
    await app.services.scheduler.tick();
    expect((await auditActions('credit.expired')).map((e) => e.subject)).to.deep.equal([`credit:${record.uid}`]);
    const after = await app.http.get(`/api/credit/records/${record.id}`).set(bearer(await app.tokenFor('supervisor')));
    expect(after.body.status).to.equal('expired');
  });

  it('a repair decision by the issuing region lifts a penalty early; the public list, score and feed follow', async () => {
    app.setClock('2026-12-11T02:00:00.000Z');
    const trade = await publishedIn(app, '360783');
    // decided on 2026-08-01: the minimum publicity (3 months) has passed, the bar runs to 2027-08-01
    const record = await recorded(app, { startsAt: '2026-08-01T00:00:00.000Z', endsAt: '2027-08-01T00:00:00.000Z', decisionNo: '瑞发改罚〔2026〕7号' });
    refusedBy瑞金(await register(app, trade.id, 'bidder2'));

    // the public list (no login) finds it by USCC and by part of the name
    const byUscc = await app.http.get('/api/public/credit').query({ q: orgOf('bidder2').uscc });
    expect(byUscc.body.records.map((r: CreditRecordView) => r.uid)).to.deep.equal([record.uid]);
    const byName = await app.http.get('/api/public/credit').query({ q: '红都建筑' });
    expect(byName.body.records.map((r: CreditRecordView) => [r.uid, r.issuingRegion.name, r.basis, r.endsAt])).to.deep.equal([[record.uid, '瑞金市', '招标投标法 第五十三条', '2027-08-01T00:00:00.000Z']]);
    expect((await app.http.get('/api/public/credit').query({ q: orgOf('bidder1').uscc })).body.records).to.deep.equal([]);

    // only the subject applies; a second application waits for the first
    const stranger = await app.http.post(`/api/credit/records/${record.id}/applications`).set(bearer(await app.tokenFor('bidder1'))).send({ kind: 'repair', reason: '已整改', evidence: '整改报告' });
    expect([stranger.status, stranger.body.code]).to.deep.equal([403, 'NOT_PARTICIPANT']);
    const applied = await app.http.post(`/api/credit/records/${record.id}/applications`).set(bearer(await app.tokenFor('bidder2'))).send({ kind: 'repair', reason: '已履行行政处罚决定并完成整改', evidence: '罚款缴纳凭证；整改报告；信用承诺书' });
    expect(applied.status, applied.text).to.equal(201);
    const again = await app.http.post(`/api/credit/records/${record.id}/applications`).set(bearer(await app.tokenFor('bidder2'))).send({ kind: 'repair', reason: '再次申请', evidence: '同上' });
    expect([again.status, again.body.code]).to.deep.equal([409, 'CREDIT_REPAIR_PENDING']);

    const pending = await app.http.get('/api/credit/applications').query({ status: 'pending' }).set(bearer(await app.tokenFor('supervisor')));
    expect(pending.body.applications.map((a: RepairView) => a.id)).to.deep.equal([applied.body.id]);
    const decided = await app.http.post(`/api/credit/applications/${applied.body.id}/decision`).set(bearer(await app.tokenFor('supervisor'))).send({ grant: true, reason: '已完成整改，准予信用修复' });
    expect(decided.status, decided.text).to.equal(200);
    expect(decided.body).to.deep.include({ status: 'granted', decision: '已完成整改，准予信用修复' });

    expect((await register(app, trade.id, 'bidder2')).status).to.equal(201);
    const view = (await app.http.get(`/api/credit/records/${record.id}`).set(bearer(await app.tokenFor('supervisor')))).body as CreditRecordView;
    expect([view.status, view.liftedAt]).to.deep.equal(['repaired', '2026-12-11T02:00:00.000Z']);
    expect((await app.http.get('/api/public/credit').query({ q: orgOf('bidder2').uscc })).body.records).to.deep.equal([]);
    expect((await app.http.get('/api/public/credit').query({ q: orgOf('bidder2').uscc, status: 'all' })).body.records.map((r: CreditRecordView) => r.status)).to.have.members(['repaired', 'expired']);

    // score: 100 before 08-01, 70 while in force, 100 again after the repair (the first penalty started and ended in between)
    const score = (await app.http.get(`/api/public/credit/organisations/${orgOf('bidder2').uscc}`)).body as CreditScoreView;
    expect(score.score).to.equal(100);
    expect(score.history.map((h) => [h.at, h.event, h.score])).to.deep.equal([
      ['2026-08-01T00:00:00.000Z', 'started', 70],
      ['2026-11-25T02:00:00.000Z', 'started', 40],
      ['2026-12-10T02:00:00.000Z', 'ended', 70],
      ['2026-12-11T02:00:00.000Z', 'lifted', 100],
    ]);

    // the feed carries the record and its lifting, signed; the audit chain the decision
    const feed = await app.http.get('/api/credit/feed').query({ after: 0 });
    const payloads = await Promise.all((feed.body.entries as { seq: number; cms: string }[]).map(async (e) => JSON.parse(new TextDecoder().decode((await verifySignedData(Buffer.from(e.cms, 'base64'))).content)) as FeedPayload));
    expect(payloads.map((p) => [p.seq, p.event, p.record.uid])).to.deep.equal([
      [1, 'recorded', `000000-${record.id - 1}`],
      [2, 'recorded', record.uid],
      [3, 'lifted', record.uid],
    ]);
    expect(payloads[2]!.prev).to.have.length(64);
    expect((await auditActions('credit.')).map((e) => e.action)).to.include.members(['credit.recorded', 'credit.repair_applied', 'credit.application_decided', 'credit.repaired']);
  });

  it('refuses what the law or the jurisdiction does not allow', async () => {
    app.setClock('2026-12-11T02:00:00.000Z');
    const tooLong = await recordCredit(app, penaltyBody({ startsAt: '2026-12-11T02:00:00.000Z', endsAt: '2031-12-12T02:00:00.000Z' }));
    expect([tooLong.status, tooLong.body.code, tooLong.body.rule]).to.deep.equal([422, 'CREDIT_PERIOD_TOO_LONG', 'credit.restriction_max_months']);
    const elsewhere = await recordCredit(app, penaltyBody({ issuingRegionCode: '350800' }));
    expect([elsewhere.status, elsewhere.body.code]).to.deep.equal([403, 'FORBIDDEN_REGION']);
    const byBidder = await recordCredit(app, penaltyBody(), 'bidder1');
    expect([byBidder.status, byBidder.body.code]).to.deep.equal([403, 'FORBIDDEN_ROLE']);
    const badId = await recordCredit(app, penaltyBody({ subject: { kind: 'person', idNumber: '360702196803121019', name: '某某' }, role: 'expert', scope: 'expert_pool' }));
    expect([badId.status, badId.body.code]).to.deep.equal([400, 'ID_NUMBER_INVALID']);
    const noSeverity = await recordCredit(app, penaltyBody({ severity: undefined }));
    expect([noSeverity.status, noSeverity.body.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    // a penalty in force cannot be "repaired" before its minimum publicity period
    const fresh = await recorded(app, { subject: { kind: 'organisation', ...orgOf('agency') }, role: 'agent', scope: 'none', endsAt: '2027-12-11T02:00:00.000Z' });
    const early = await app.http.post(`/api/credit/records/${fresh.id}/applications`).set(bearer(await app.tokenFor('agent'))).send({ kind: 'repair', reason: '已整改', evidence: '整改报告' });
    expect([early.status, early.body.code, early.body.from]).to.deep.equal([422, 'CREDIT_REPAIR_TOO_EARLY', '2027-03-11T02:00:00.000Z']);
    // an objection may be filed at once; upheld, it revokes the record
    const objection = await app.http.post(`/api/credit/records/${fresh.id}/applications`).set(bearer(await app.tokenFor('agent'))).send({ kind: 'objection', reason: '处罚对象认定错误', evidence: '中标通知书与合同' });
    expect(objection.status, objection.text).to.equal(201);
    await app.http.post(`/api/credit/applications/${objection.body.id}/decision`).set(bearer(await app.tokenFor('supervisor'))).send({ grant: true, reason: '经复核，异议成立' });
    expect((await app.http.get(`/api/credit/records/${fresh.id}`).set(bearer(await app.tokenFor('agent')))).body.status).to.equal('revoked');
  });
});
