import { expect } from 'chai';
import { CryptoError } from '../../crypto/errors.js';
import { verifySignedData } from '../../crypto/signed-data.js';
import { base64ToBytes } from '../../crypto/pkijs-support.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import type { TradeKind, TradeMethod, TradeNoticeInput, TradeView } from '../../contracts/trades.js';
import { RULE_UNITS } from '../../contracts/trades.js';
import { RULES, type RuleId } from '../../server/kernel/rules/table.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { createTrade, enrol, noticeFor, publish, publishedTrade, register, sealedBidFor, uploadBid, uploadDocument } from '../helpers/trades.js';
import { closeBidding, startOpening, submitShare } from '../helpers/opening.js';
import { addExperts } from '../helpers/experts.js';
import { evaluatedTrade } from '../helpers/evaluation.js';
import { unlockBid } from '../../crypto/sealed-bid.js';
import { recheckRuleCases } from '../recheck/rule-cases.js';
import { awardRuleCases } from '../award/rule-cases.js';
import { complaintsRuleCases } from '../complaints/rule-cases.js';
import { creditRuleCases } from '../credit/rule-cases.js';

/**
 * One test per row of the rules table (server/kernel/rules/table.ts), each proving the row is
 * enforced. `CASES` is typed `Record<RuleId, …>`: a new row without a test does not compile.
 * Dates: 09:30 in China (01:30Z) on the named day; the clock starts at 2026-11-25 10:00 +08 (a Wednesday).
 */
const at = (date: string, time = '01:30:00') => `${date}T${time}.000Z`;
const START = '2026-11-25T02:00:00.000Z';

describe('rules table: one test per row', function () {
  this.timeout(300_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
    for (const official of ['official1', 'official2', 'official3']) await enrol(app, official);
  });
  after(async () => app?.stop());
  beforeEach(() => app.setClock(START));

  async function draft(kind: TradeKind, method: TradeMethod, overrides: Partial<TradeNoticeInput>): Promise<TradeView> {
    const trade = await createTrade(app, noticeFor(app, kind, method, overrides));
    expect((await uploadDocument(app, trade.id)).status).to.equal(201);
    return trade;
  }

  /** Publication is refused with `code` naming `rule`; returns the problem. */
  async function refused(trade: TradeView, code: string, rule: string) {
    const res = await publish(app, trade.id);
    expect(res.status, res.text).to.be.within(400, 499);
    expect(res.body.code).to.equal(code);
    expect(res.body.rule).to.equal(rule);
    const after = await app.http.get(`/api/trades/${trade.id}`).set(bearer(await app.tokenFor('staff')));
    expect(after.body.state, 'nothing published').to.equal('draft');
    expect(after.body.openingCertificatePem).to.equal(null);
    return res.body as { earliest?: string; source: string };
  }

  async function published(trade: TradeView): Promise<TradeView> {
    const res = await publish(app, trade.id);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.state).to.equal('bidding');
    return res.body as TradeView;
  }

  /** A deadline one day before the earliest allowed is refused (naming that day); on it, publication succeeds. */
  async function deadlineRule(kind: TradeKind, method: TradeMethod, rule: string, dayBefore: string, earliest: string) {
    const early = await draft(kind, method, { bidDeadline: at(dayBefore), openingAt: at(dayBefore), documentsUntil: at(dayBefore, '00:00:00') });
    const problem = await refused(early, 'DEADLINE_TOO_EARLY', rule);
    expect(problem.earliest).to.equal(earliest);
    expect(problem.source).to.be.a('string').and.not.equal('');
    await published(await draft(kind, method, { bidDeadline: at(earliest), openingAt: at(earliest), documentsUntil: at(earliest, '00:00:00') }));
  }

  async function clarify(trade: TradeView, affectsBids = true) {
    const res = await uploadDocument(app, trade.id, 'clarification', '澄清一', Buffer.from('澄清内容'), 'staff', affectsBids);
    expect(res.status, res.text).to.equal(201);
    return { doc: res.body, trade: (await app.http.get(`/api/trades/${trade.id}`)).body as TradeView };
  }

  /** A single-source trade (one invited supplier, bidder1) with its one bid in, bidding closed and the opening started. */
  async function singleSourceAtOpening(unlockMode: 'officials' | 'bidder') {
    const trade = await publishedTrade(app, 'procurement', 'single_source', { unlockMode });
    expect((await register(app, trade.id, 'bidder1')).status).to.equal(201);
    const sealed = await sealedBidFor(app, trade, 'bidder1', 55_500_000);
    const up = await uploadBid(app, trade.id, 'bidder1', sealed);
    expect(up.status, up.text).to.equal(201);
    await closeBidding(app, trade);
    const started = await startOpening(app, trade);
    return { trade, started, sealed, bidId: up.body.bid.id as number };
  }

  /** A trade past its deadline (state opening), ready for a draw; `roads` experts added to the pool once. */
  let roadsPool: { ganzhou: number[]; longyan: number[] } | null = null;
  async function drawableTrade(kind: TradeKind = 'construction', method: TradeMethod = 'open_tender') {
    roadsPool ??= { ganzhou: await addExperts(app, 9, { specialty: 'roads', regionCode: '360700' }), longyan: await addExperts(app, 3, { specialty: 'roads', regionCode: '350800' }) };
    const trade = await publishedTrade(app, kind, method);
    await closeBidding(app, trade);
    return trade;
  }
  const drawFor = async (trade: TradeView, experts: number, representatives = 0) =>
    app.http.post(`/api/trades/${trade.id}/draws`).set(bearer(await app.tokenFor('staff'))).send({ seats: [{ specialty: 'roads', count: experts }], tendereeRepresentatives: representatives });
  const runDraw = async (trade: TradeView, drawId: number) => app.http.post(`/api/trades/${trade.id}/draws/${drawId}/run`).set(bearer(await app.tokenFor('staff'))).send({});
  const violated = (res: { status: number; body: { code?: string; rule?: string } }, rule: string) => expect([res.status, res.body.code, res.body.rule]).to.deep.equal([422, 'COMMITTEE_RULES_VIOLATED', rule]);

  const CASES: Record<RuleId, () => Promise<void>> = {
    // the recheck, award and complaints modules keep their rows' cases next to their own tests
    ...recheckRuleCases(() => app),
    ...awardRuleCases(() => app),
    ...complaintsRuleCases(() => app),
    ...creditRuleCases(() => app),
    // 20 days from 2026-11-25 → 2026-12-15 (a Tuesday)
    'deadline.min_period.tender': async () => {
      await deadlineRule('construction', 'open_tender', 'deadline.min_period.tender', '2026-12-14', '2026-12-15');
      // the same rule for government procurement tenders; and a period ending on a Saturday runs to Monday
      app.setClock('2026-11-29T02:00:00.000Z'); // Sunday; +20 days = Sat 2026-12-19 → Mon 2026-12-21
      await deadlineRule('procurement', 'invited_tender', 'deadline.min_period.tender', '2026-12-20', '2026-12-21');
    },
    // 10 days → Sat 2026-12-05 → Mon 2026-12-07
    'deadline.min_period.consultation': () => deadlineRule('procurement', 'competitive_consultation', 'deadline.min_period.consultation', '2026-12-06', '2026-12-07'),
    // 3 working days after Wed 11-25: Thu 26, Fri 27, Mon 30
    'deadline.min_period.negotiation_inquiry': async () => {
      await deadlineRule('procurement', 'inquiry', 'deadline.min_period.negotiation_inquiry', '2026-11-27', '2026-11-30');
      // a region may lengthen it (not shorten it): 赣州 sets 5 working days → Wed 12-02
      const set = await app.http.put('/api/rules/360700/deadline.min_period.negotiation_inquiry').set(bearer(await app.tokenFor('staff'))).send({ value: 5 });
      expect(set.status, set.text).to.equal(200);
      expect(set.body.overriddenBy).to.equal('360700');
      try {
        await deadlineRule('procurement', 'competitive_negotiation', 'deadline.min_period.negotiation_inquiry', '2026-12-01', '2026-12-02');
        const looser = await app.http.put('/api/rules/360700/deadline.min_period.negotiation_inquiry').set(bearer(await app.tokenFor('staff'))).send({ value: 2 });
        expect(looser.status).to.equal(400);
        expect(looser.body.code).to.equal('RULE_BELOW_FLOOR');
      } finally {
        await app.http.put('/api/rules/360700/deadline.min_period.negotiation_inquiry').set(bearer(await app.tokenFor('staff'))).send({ value: 3 });
      }
    },
    // 5 working days → Wed 12-02
    'deadline.min_period.single_source': () => deadlineRule('procurement', 'single_source', 'deadline.min_period.single_source', '2026-12-01', '2026-12-02'),
    'deadline.min_period.land': () => deadlineRule('land', 'open_tender', 'deadline.min_period.land', '2026-12-14', '2026-12-15'),
    // 20 working days after 11-25 → Wed 12-23
    'deadline.min_period.mining': () => deadlineRule('mining', 'open_tender', 'deadline.min_period.mining', '2026-12-22', '2026-12-23'),
    'deadline.min_period.property': () => deadlineRule('property', 'open_tender', 'deadline.min_period.property', '2026-12-22', '2026-12-23'),
    // documents available ≥ 5 days: 11-25 + 5 = Mon 11-30
    'documents.min_period.construction': async () => {
      const short = await draft('construction', 'open_tender', { documentsUntil: at('2026-11-29') });
      expect((await refused(short, 'DOCUMENT_PERIOD_TOO_SHORT', 'documents.min_period.construction')).earliest).to.equal('2026-11-30');
      await published(await draft('construction', 'open_tender', { documentsUntil: at('2026-11-30') }));
    },
    // ≥ 5 working days → Wed 12-02
    'documents.min_period.procurement': async () => {
      const short = await draft('procurement', 'open_tender', { documentsUntil: at('2026-12-01') });
      expect((await refused(short, 'DOCUMENT_PERIOD_TOO_SHORT', 'documents.min_period.procurement')).earliest).to.equal('2026-12-02');
      await published(await draft('procurement', 'open_tender', { documentsUntil: at('2026-12-02') }));
    },
    // a clarification that affects bids, issued 10 days before the deadline, pushes it out to 15 days (rolled past a weekend)
    'clarification.lead.tender': async () => {
      const trade = await publishedTrade(app, 'construction', 'open_tender');
      expect((await register(app, trade.id, 'bidder2')).status).to.equal(201);
      app.setClock('2026-12-10T02:00:00.000Z'); // 12-10 + 15 = 12-25 ≤ 01-05: no change
      expect((await clarify(trade)).trade.bidDeadline).to.equal(at('2027-01-05'));
      app.setClock('2026-12-26T02:00:00.000Z'); // 12-26 + 15 = Sun 2027-01-10 → Mon 01-11
      const { doc, trade: moved } = await clarify(trade);
      expect(moved.bidDeadline).to.equal(at('2027-01-11'));
      expect(moved.openingAt, 'the opening is at the deadline').to.equal(at('2027-01-11'));
      expect(doc.deadlineMoved).to.deep.equal({ from: at('2027-01-05'), to: at('2027-01-11') });
      // a clarification that does not affect bids moves nothing; the deadline never moves earlier
      expect((await clarify(moved, false)).trade.bidDeadline).to.equal(at('2027-01-11'));
      const notes = await app.http.get('/api/notifications').set(bearer(await app.tokenFor('bidder2')));
      expect(notes.body.notifications.map((n: { kind: string }) => n.kind)).to.include('trade.deadline_moved');
    },
    'clarification.lead.consultation': async () => {
      const trade = await publishedTrade(app, 'procurement', 'competitive_consultation', { bidDeadline: at('2026-12-21'), openingAt: at('2026-12-21'), documentsUntil: at('2026-12-18') });
      app.setClock('2026-12-18T02:00:00.000Z'); // Fri 12-18 + 5 days = Wed 12-23
      expect((await clarify(trade)).trade.bidDeadline).to.equal(at('2026-12-23'));
    },
    'clarification.lead.negotiation_inquiry': async () => {
      const trade = await publishedTrade(app, 'procurement', 'inquiry', { bidDeadline: at('2026-12-04'), openingAt: at('2026-12-04'), documentsUntil: at('2026-12-03') });
      app.setClock('2026-12-02T02:00:00.000Z'); // Wed 12-02 + 3 working days = Mon 12-07
      expect((await clarify(trade)).trade.bidDeadline).to.equal(at('2026-12-07'));
    },
    'bid_security.cap': async () => {
      const over = await draft('construction', 'open_tender', { bidSecurityFen: 20_000_001 }); // 2% of ¥10m + 1 fen
      const problem = (await refused(over, 'BID_SECURITY_TOO_HIGH', 'bid_security.cap')) as unknown as { maxFen: number };
      expect(problem.maxFen).to.equal(20_000_000);
      await published(await draft('procurement', 'open_tender', { bidSecurityFen: 20_000_000 }));
      // land grants are not capped by it (竞买保证金 follows the grant rules)
      await published(await draft('land', 'open_tender', { bidSecurityFen: 200_000_000 }));
    },
    'opening.at_deadline': async () => {
      const late = await draft('construction', 'open_tender', { openingAt: at('2027-01-05', '02:30:00') });
      await refused(late, 'OPENING_TIME_MISMATCH', 'opening.at_deadline');
      // inquiry is not a tender: its opening may follow the deadline
      await published(await draft('procurement', 'inquiry', { openingAt: at('2027-01-05', '02:30:00') }));
    },
    'bids.withdrawal_allowed': async () => {
      const trade = await publishedTrade(app, 'construction', 'open_tender');
      expect((await register(app, trade.id, 'bidder3')).status).to.equal(201);
      const up = await uploadBid(app, trade.id, 'bidder3', await sealedBidFor(app, trade, 'bidder3'));
      expect(up.status, up.text).to.equal(201);
      const res = await app.http.post(`/api/trades/${trade.id}/bids/${up.body.bid.id}/withdraw`).set(bearer(await app.tokenFor('bidder3'))).send({});
      expect(res.status, res.text).to.equal(200);
      expect(res.body.bid.status).to.equal('withdrawn');
      const ack = await verifySignedData(base64ToBytes(res.body.acknowledgement)!, { provider: nodeProvider });
      expect(JSON.parse(new TextDecoder().decode(ack.content!))).to.include({ action: 'withdrawn', trade: trade.code, sha256: up.body.bid.sha256 });
      const again = await app.http.post(`/api/trades/${trade.id}/bids/${up.body.bid.id}/withdraw`).set(bearer(await app.tokenFor('bidder3'))).send({});
      expect(again.body.code).to.equal('BID_NOT_CURRENT');
    },
    'bids.withdrawal_allowed.mining': async () => {
      const trade = await publishedTrade(app, 'mining', 'open_tender');
      expect((await register(app, trade.id, 'bidder3')).status).to.equal(201);
      const first = await uploadBid(app, trade.id, 'bidder3', await sealedBidFor(app, trade, 'bidder3', 100));
      const res = await app.http.post(`/api/trades/${trade.id}/bids/${first.body.bid.id}/withdraw`).set(bearer(await app.tokenFor('bidder3'))).send({});
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('BID_WITHDRAWAL_NOT_ALLOWED');
      expect(res.body.rule).to.equal('bids.withdrawal_allowed.mining');
      // … but it may be modified (replaced)
      const second = await uploadBid(app, trade.id, 'bidder3', await sealedBidFor(app, trade, 'bidder3', 200), { replaces: first.body.bid.id });
      expect(second.status, second.text).to.equal(201);
      const mine = await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(await app.tokenFor('bidder3')));
      expect(mine.body.bids.map((b: { status: string }) => b.status)).to.deep.equal(['replaced', 'current']);
    },
    // three bids in, one sealed to another trade's certificate: two valid < 3 → 流标 with the basis
    'opening.min_valid_bids': async () => {
      const trade = await publishedTrade(app, 'construction');
      const other = await publishedTrade(app, 'land');
      for (const [bidder, sealTo] of [['bidder1', trade], ['bidder2', trade], ['bidder3', other]] as const) {
        expect((await register(app, trade.id, bidder)).status).to.equal(201);
        expect((await uploadBid(app, trade.id, bidder, await sealedBidFor(app, sealTo, bidder))).status).to.equal(201);
      }
      await closeBidding(app, trade);
      await startOpening(app, trade);
      await submitShare(app, trade, 'official1');
      const record = (await submitShare(app, trade, 'official2')).body.record;
      expect([record.validBids, record.minimumValidBids, record.failed]).to.deep.equal([2, 3, true]);
      expect(record.failureBasis).to.contain('第四十四条');
    },
    'opening.min_valid_bids.single_source': async () => {
      const { trade } = await singleSourceAtOpening('officials');
      await submitShare(app, trade, 'official1');
      const record = (await submitShare(app, trade, 'official3')).body.record;
      expect([record.validBids, record.minimumValidBids, record.failed]).to.deep.equal([1, 1, false]);
    },
    // the record is published; 30 minutes later answers are refused and silence is recorded as confirmation
    'opening.confirmation_window': async () => {
      const { trade } = await singleSourceAtOpening('officials');
      await submitShare(app, trade, 'official1');
      await submitShare(app, trade, 'official2');
      const published = await app.http.post(`/api/trades/${trade.id}/opening/publish`).set(bearer(await app.tokenFor('staff'))).send({});
      expect(new Date(published.body.confirmUntil).getTime() - new Date(published.body.publishedAt).getTime()).to.equal(30 * 60_000);
      app.clock.advance(30 * 60_000);
      const late = await app.http.post(`/api/trades/${trade.id}/opening/confirmations`).set(bearer(await app.tokenFor('bidder1'))).send({ decision: 'confirm' });
      expect([late.status, late.body.code]).to.deep.equal([409, 'CONFIRMATION_CLOSED']);
      await app.services.scheduler.tick();
      const closed = (await app.http.get(`/api/trades/${trade.id}/opening`)).body;
      expect(closed.record.confirmations.map((c: { decision: string }) => c.decision)).to.deep.equal(['deemed_confirmed']);
    },
    // bidder-unlock mode: the bidder's own key unlocks within 30 minutes; after that the remedy decides
    'opening.bidder_unlock_window': async () => {
      const { trade, started, sealed, bidId } = await singleSourceAtOpening('bidder');
      expect(new Date(started.unlockUntil!).getTime() - new Date(started.startedAt!).getTime()).to.equal(30 * 60_000);
      const signer = await enrol(app, 'bidder1');
      const cek = await unlockBid(sealed.envelope, { certificatePem: signer.certificatePem, privateKeyPem: signer.privateKeyPem }, { provider: nodeProvider });
      const cekBase64 = Buffer.from(cek).toString('base64');
      const early = await app.http.post(`/api/trades/${trade.id}/opening/remedy`).set(bearer(await app.tokenFor('staff'))).send({ bidId, fault: 'bidder', note: '未解密' });
      expect(early.body.code, 'no remedy inside the window').to.equal('OPENING_WRONG_STATE');
      app.clock.advance(30 * 60_000);
      const late = await app.http.post(`/api/trades/${trade.id}/opening/unlock`).set(bearer(await app.tokenFor('bidder1'))).send({ bidId, cek: cekBase64 });
      expect([late.status, late.body.code]).to.deep.equal([409, 'OPENING_WRONG_STATE']);
      // the platform was at fault: the officials' key opens it
      const remedy = await app.http.post(`/api/trades/${trade.id}/opening/remedy`).set(bearer(await app.tokenFor('staff'))).send({ bidId, fault: 'other', note: '平台网络故障，启用开标人密钥补救' });
      expect(remedy.status, remedy.text).to.equal(200);
      await submitShare(app, trade, 'official1');
      const done = (await submitShare(app, trade, 'official2')).body;
      expect(done.results.map((r: { outcome: string }) => r.outcome)).to.deep.equal(['opened']);
    },
    'evaluation.committee_size': async () => {
      const trade = await drawableTrade();
      violated(await drawFor(trade, 3), 'evaluation.committee_size');
      violated(await drawFor(trade, 6), 'evaluation.committee_size'); // even
      expect((await drawFor(trade, 5)).status).to.equal(201);
    },
    'evaluation.committee_size.non_tender': async () => {
      const trade = await drawableTrade('procurement', 'inquiry');
      violated(await drawFor(trade, 2), 'evaluation.committee_size.non_tender');
      expect((await drawFor(trade, 3)).status).to.equal(201);
    },
    'evaluation.expert_share': async () => {
      const trade = await drawableTrade();
      violated(await drawFor(trade, 3, 2), 'evaluation.expert_share'); // 3 of 5 experts < 2/3
      expect((await drawFor(trade, 4, 1)).status).to.equal(201);
      expect((await drawFor(trade, 6, 3)).status, 'exactly two thirds').to.equal(201);
    },
    'evaluation.tenderee_rep_cap': async () => {
      // 赣州 (like 重庆) caps representatives lower: 20 %
      const set = await app.http.put('/api/rules/360700/evaluation.tenderee_rep_cap').set(bearer(await app.tokenFor('staff'))).send({ value: 20 });
      expect(set.status, set.text).to.equal(200);
      try {
        const trade = await drawableTrade();
        violated(await drawFor(trade, 7, 2), 'evaluation.tenderee_rep_cap'); // 2 of 9 = 22 %
        expect((await drawFor(trade, 4, 1)).status).to.equal(201); // 1 of 5 = 20 %
      } finally {
        await app.http.put('/api/rules/360700/evaluation.tenderee_rep_cap').set(bearer(await app.tokenFor('staff'))).send({ value: 100 / 3 });
      }
    },
    'experts.repeat_window': async () => {
      const first = await drawableTrade();
      const drawn = (await runDraw(first, (await drawFor(first, 5)).body.id)).body;
      const served = drawn.seats[0].userId as number;
      // the expert accepted on 2026-11-25; the same tenderee's next trade is drawn 41 days later: left out; after 90 days, back in
      app.setClock(START);
      await app.services.experts.models.ExpertAssignment.update({ status: 'accepted', respondedAt: app.clock.now() }, { where: { drawId: drawn.id, expertUserId: served } });
      const second = await drawableTrade();
      const within = (await drawFor(second, 5)).body;
      expect(within.excluded).to.deep.include({ rule: 'experts.repeat_window', count: 1 });
      const pool = (await app.http.get(`/api/trades/${second.id}/draws/${(await runDraw(second, within.id)).body.id}/published`).set(bearer(await app.tokenFor('staff')))).body.pool as { userId: number }[];
      expect(pool.map((p) => p.userId)).not.to.include(served);
      app.setClock(new Date(new Date(START).getTime() + 91 * 86_400_000));
      const later = (await drawFor(second, 5)).body;
      expect(later.excluded.find((e: { rule: string }) => e.rule === 'experts.repeat_window')).to.equal(undefined);
    },
    'experts.outside_city_min': async () => {
      const set = await app.http.put('/api/rules/360700/experts.outside_city_min').set(bearer(await app.tokenFor('staff'))).send({ value: 2 });
      expect(set.status, set.text).to.equal(200);
      try {
        const trade = await drawableTrade();
        const drawn = (await runDraw(trade, (await drawFor(trade, 5)).body.id)).body;
        expect(drawn.seats.filter((s: { regionCode: string }) => s.regionCode.startsWith('35')).length).to.be.at.least(2);
        // more outsiders than the pool holds: refused, not a committee without them
        await app.http.put('/api/rules/360700/experts.outside_city_min').set(bearer(await app.tokenFor('staff'))).send({ value: 5 });
        const tooMany = await runDraw(trade, (await drawFor(trade, 5)).body.id);
        expect([tooMany.status, tooMany.body.code, tooMany.body.rule]).to.deep.equal([422, 'DRAW_POOL_TOO_SMALL', 'experts.outside_city_min']);
      } finally {
        await app.http.put('/api/rules/360700/experts.outside_city_min').set(bearer(await app.tokenFor('staff'))).send({ value: 0 });
      }
    },
    // one expert far off — construction drops the extremes: [10, 10, 10, 10, 25] → 10; procurement counts all: [10, 10, 10, 10, 50] → 18
    'evaluation.drop_extremes': async () => {
      const run = await evaluatedTrade(app, { kind: 'construction', prices: { bidder1: 900_000_000, bidder2: 910_000_000, bidder3: 920_000_000 }, judged: (b, c) => (b === 'bidder1' && c === 'technical' ? [10, 10, 10, 10, 25] : [5, 5, 5, 5, 5]) });
      const technical = run.view.result!.ranked.find((r) => r.bidId === run.bidIds.bidder1)!.criteria.find((c) => c.id === 'technical')!;
      expect([run.view.result!.dropExtremes, technical.score]).to.deep.equal([true, 10]);
    },
    'evaluation.drop_extremes.procurement': async () => {
      const run = await evaluatedTrade(app, { kind: 'procurement', prices: { bidder1: 900_000, bidder2: 910_000, bidder3: 920_000 }, judged: (b, c) => (b === 'bidder1' && c === 'technical' ? [10, 10, 10, 10, 50] : [5, 5, 5, 5, 5]) });
      const technical = run.view.result!.ranked.find((r) => r.bidId === run.bidIds.bidder1)!.criteria.find((c) => c.id === 'technical')!;
      expect([run.view.result!.dropExtremes, technical.score]).to.deep.equal([false, 18]);
    },
    // 1 of 5 asking is 20 %, 2 of 5 is 40 % > 1/3: extended
    'evaluation.more_time_share': async () => {
      const run = await evaluatedTrade(app, { kind: 'construction', prices: { bidder1: 900_000_000, bidder2: 910_000_000, bidder3: 920_000_000 }, judged: () => [], stopAtScoring: true });
      const ask = async (i: number) => (await app.http.post(`/api/trades/${run.trade.id}/evaluation/more-time`).set(bearer(run.experts[i]!.token)).send({ reason: '时间不足' })).body.extended;
      expect([await ask(0), await ask(1)]).to.deep.equal([false, true]);
    },
    // 2 of 5 suspecting (40 %) is not more than half; the third (60 %) asks the bidder to explain
    'evaluation.low_price_suspicion_share': async () => {
      const run = await evaluatedTrade(app, { kind: 'construction', prices: { bidder1: 900_000_000, bidder2: 910_000_000, bidder3: 500_000_000 }, judged: () => [], stopAtScoring: true });
      const suspect = async (i: number) => (await app.http.post(`/api/trades/${run.trade.id}/evaluation/suspicions`).set(bearer(run.experts[i]!.token)).send({ bidId: run.bidIds.bidder3 })).body.explanations.length;
      expect([await suspect(0), await suspect(1), await suspect(2)]).to.deep.equal([0, 0, 1]);
    },
    // 60 minutes to answer; after them the answer is refused
    'evaluation.explanation_window': async () => {
      const run = await evaluatedTrade(app, { kind: 'construction', prices: { bidder1: 900_000_000, bidder2: 910_000_000, bidder3: 500_000_000 }, judged: () => [], stopAtScoring: true });
      for (const i of [0, 1, 2]) await app.http.post(`/api/trades/${run.trade.id}/evaluation/suspicions`).set(bearer(run.experts[i]!.token)).send({ bidId: run.bidIds.bidder3 });
      const request = (await app.http.get(`/api/trades/${run.trade.id}/evaluation/explanation`).set(bearer(await app.tokenFor('bidder3')))).body.explanation;
      expect(new Date(request.deadline).getTime() - new Date(request.requestedAt).getTime()).to.equal(60 * 60_000);
      app.clock.advance(60 * 60_000);
      const late = await app.http.post(`/api/trades/${run.trade.id}/evaluation/explanation`).set(bearer(await app.tokenFor('bidder3'))).send({ answer: '逾期说明' });
      expect([late.status, late.body.deadline]).to.deep.equal([409, request.deadline]);
    },
    // two bidders offering the same brand (华为) count as one: the better-ranked one stays a candidate, the other does not
    'evaluation.same_brand_one_bidder': async () => {
      const run = await evaluatedTrade(app, {
        kind: 'procurement',
        prices: { bidder1: 900_000, bidder2: 950_000, bidder3: 1_000_000, bidder4: 980_000 },
        bidJson: { bidder1: { coreProductBrand: '华为' }, bidder2: { coreProductBrand: '华为' }, bidder3: { coreProductBrand: '联想' }, bidder4: { coreProductBrand: '浪潮' } },
        judged: (_bidder, criterion) => (criterion === 'technical' ? [40, 40, 40, 40, 40] : [15, 15, 15, 15, 15]),
      });
      const result = run.view.result!;
      const bidder2 = result.ranked.find((r) => r.bidId === run.bidIds.bidder2)!;
      expect(bidder2.sameBrandAs).to.equal(run.bidIds.bidder1);
      expect(result.candidates.map((c) => c.bidId)).to.deep.equal([run.bidIds.bidder1, run.bidIds.bidder4, run.bidIds.bidder3]);
    },
    // bidder1 wrote 玖拾伍万 in words but 980,000 in figures: words prevail, bidder1 confirms; bidder2's lines sum differently and it refuses: invalid
    'evaluation.arithmetic_correction': async () => {
      const run = await evaluatedTrade(app, {
        kind: 'procurement',
        prices: { bidder1: 98_000_000, bidder2: 99_000_000, bidder3: 99_500_000 },
        bidJson: {
          bidder1: { priceInWords: '玖拾伍万元整' },
          bidder2: { lines: [{ item: '服务器', quantity: 10, unitPriceFen: 10_000_000, amountFen: 99_000_000 }] },
        },
        answerCorrections: { bidder1: true, bidder2: false },
        judged: (_b, criterion) => (criterion === 'technical' ? [40, 40, 40, 40, 40] : [15, 15, 15, 15, 15]),
      });
      const result = run.view.result!;
      expect(result.ranked.find((r) => r.bidId === run.bidIds.bidder1)!.priceFen).to.equal(95_000_000);
      expect(result.rejected.map((r) => [r.bidId, r.reasons[0]])).to.deep.equal([[run.bidIds.bidder2, 'responsiveness: 投标人不接受算术修正后的报价，投标无效（87号令第五十九条）']]);
      expect(run.view.corrections.map((c) => [c.bidId, c.correctedFen, c.status])).to.deep.equal([
        [run.bidIds.bidder1, 95_000_000, 'accepted'],
        [run.bidIds.bidder2, 100_000_000, 'refused'],
      ]);
    },
    'opening.officials_threshold': async () => {
      // 赣州 requires 3 of the officials' shares: a 2-of-3 trade may not be published
      const set = await app.http.put('/api/rules/360700/opening.officials_threshold').set(bearer(await app.tokenFor('staff'))).send({ value: 3 });
      expect(set.status, set.text).to.equal(200);
      try {
        await refused(await draft('construction', 'open_tender', { threshold: 2 }), 'OFFICIALS_INSUFFICIENT', 'opening.officials_threshold');
        await published(await draft('construction', 'open_tender', { threshold: 3 }));
      } finally {
        await app.http.put('/api/rules/360700/opening.officials_threshold').set(bearer(await app.tokenFor('staff'))).send({ value: 2 });
      }
    },
  };

  for (const row of RULES) {
    it(`${row.id} (${row.value} ${row.unit}; ${row.source})`, async () => {
      await CASES[row.id]();
    });
  }

  it('the rules table is public with units and sources; statutory rows cannot be overridden', async () => {
    const list = await app.http.get('/api/rules?region=360702');
    expect(list.status).to.equal(200);
    expect(list.body.rules).to.have.length(RULES.length);
    for (const rule of list.body.rules) {
      expect(rule.unit).to.be.oneOf([...RULE_UNITS]);
      expect(rule.source).to.be.a('string').and.not.equal('');
    }
    const fixed = await app.http.put('/api/rules/360700/deadline.min_period.tender').set(bearer(await app.tokenFor('staff'))).send({ value: 30 });
    expect(fixed.status).to.equal(409);
    expect(fixed.body.code).to.equal('RULE_NOT_OVERRIDABLE');
    const foreign = await app.http.put('/api/rules/350800/deadline.min_period.land').set(bearer(await app.tokenFor('staff'))).send({ value: 30 });
    expect(foreign.status).to.equal(403);
    expect(foreign.body.code).to.equal('FORBIDDEN_REGION');
    expect(new CryptoError('CMS_MALFORMED', 'x').code).to.equal('CMS_MALFORMED');
  });
});
