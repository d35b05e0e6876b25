import { expect } from 'chai';
import type { RuleId } from '../../server/kernel/rules/table.js';
import { bearer, type TestApp } from '../helpers/app.js';
import { signedEvaluation } from '../helpers/evaluation.js';
import { accepted, auditEvents, biddingTrade, cancel, complained, decided, fileComplaint, fileObjection, inPublicity, objected, replied } from './helpers.js';

/** The rules-table rows of the complaints module, one case each (test/trades/rules.test.ts runs them). */
export type ComplaintsRuleId = Extract<RuleId, `complaints.${string}`>;

/**
 * Dates: the clock starts at 2026-11-25 10:00 +08 (Wednesday); published trades have their bid
 * deadline on 2027-01-05 09:30 +08 and documents until 2026-12-31. A window "ends" at 24:00 +08 of
 * its last day, i.e. 16:00Z.
 */
export function complaintsRuleCases(app: () => TestApp): Record<ComplaintsRuleId, () => Promise<void>> {
  const closed = (res: { status: number; body: Record<string, unknown> }, code: string, rule: string | null, endsAt: string | null) => {
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.code).to.equal(code);
    expect(res.body.rule).to.equal(rule);
    expect(res.body.source).to.be.a('string').and.not.equal('');
    expect(res.body.windowEndsAt).to.equal(endsAt);
  };

  return {
    // ≥ 10 days before the deadline of 2027-01-05: the last day is 2026-12-26
    'complaints.objection_documents_lead.construction': async () => {
      const trade = await biddingTrade(app(), 'construction');
      // land, mining and property notices have no such lead: objections to their documents run to the bid deadline
      const land = await biddingTrade(app(), 'land');
      app().setClock('2026-12-26T15:59:00.000Z');
      const ok = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      expect(ok.window).to.deep.include({ rule: 'complaints.objection_documents_lead.construction', endsAt: '2026-12-26T16:00:00.000Z' });
      app().setClock('2026-12-26T16:00:00.000Z');
      closed(await fileObjection(app(), trade.id, 'bidder2', { subject: 'documents' }), 'OBJECTION_WINDOW_CLOSED', 'complaints.objection_documents_lead.construction', '2026-12-26T16:00:00.000Z');
      expect((await objected(app(), land.id, 'bidder1', { subject: 'documents' })).window).to.deep.include({ rule: null, endsAt: land.bidDeadline });
    },
    // 3 days from Wed 11-25 = Sat 11-28 → Monday 11-30; a later reply is recorded as late
    'complaints.objection_reply.construction': async () => {
      const trade = await biddingTrade(app(), 'construction');
      const first = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      const second = await objected(app(), trade.id, 'bidder2', { subject: 'documents' });
      for (const o of [first, second]) expect([o.label, o.replyRule, o.replyDueAt]).to.deep.equal(['objection', 'complaints.objection_reply.construction', '2026-11-30T16:00:00.000Z']);
      app().setClock('2026-11-30T15:59:00.000Z');
      expect((await replied(app(), first.id, false)).replyLate).to.equal(false);
      app().setClock('2026-11-30T16:00:00.000Z');
      expect((await replied(app(), second.id, false)).replyLate).to.equal(true);
      const events = await auditEvents(app(), 'complaints.objection_replied');
      expect(events.filter((e) => e.payload.objection === second.id).map((e) => e.payload.late)).to.deep.equal([true]);
    },
    // only during the candidate publicity
    'complaints.objection_candidates': async () => {
      const run = await signedEvaluation(app(), { kind: 'construction', prices: { bidder1: 900_000_000, bidder2: 910_000_000, bidder3: 920_000_000 }, judged: (b) => (b === 'bidder1' ? [8, 8, 8, 8, 8] : [6, 6, 6, 6, 6]) });
      closed(await fileObjection(app(), run.trade.id, 'bidder3', { subject: 'candidates' }), 'OBJECTION_WINDOW_CLOSED', 'complaints.objection_candidates', null);
      const publicity = await inPublicity(app(), run.trade.id);
      const during = await objected(app(), run.trade.id, 'bidder3', { subject: 'candidates' });
      expect(during.window).to.deep.include({ rule: 'complaints.objection_candidates', endsAt: publicity.endsAt.toISOString() });
      app().setClock(publicity.endsAt);
      closed(await fileObjection(app(), run.trade.id, 'bidder2', { subject: 'candidates' }), 'OBJECTION_WINDOW_CLOSED', 'complaints.objection_candidates', publicity.endsAt.toISOString());
    },
    // documents until Wed 12-02: 7 working days → Fri 12-11
    'complaints.challenge_window.procurement': async () => {
      const trade = await biddingTrade(app(), 'procurement', { documentsUntil: '2026-12-02T09:00:00.000Z' });
      app().setClock('2026-12-11T15:59:00.000Z');
      const ok = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      expect([ok.label, ok.window.rule, ok.window.endsAt]).to.deep.equal(['challenge', 'complaints.challenge_window.procurement', '2026-12-11T16:00:00.000Z']);
      app().setClock('2026-12-11T16:00:00.000Z');
      closed(await fileObjection(app(), trade.id, 'bidder2', { subject: 'documents' }), 'OBJECTION_WINDOW_CLOSED', 'complaints.challenge_window.procurement', '2026-12-11T16:00:00.000Z');
    },
    // 7 working days from Wed 11-25 → Fri 12-04
    'complaints.challenge_reply.procurement': async () => {
      const trade = await biddingTrade(app(), 'procurement');
      const challenge = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      expect([challenge.replyRule, challenge.replyDueAt]).to.deep.equal(['complaints.challenge_reply.procurement', '2026-12-04T16:00:00.000Z']);
      app().setClock('2026-12-05T01:00:00.000Z');
      expect((await replied(app(), challenge.id, false, 'agent')).replyLate).to.equal(true);
    },
    // 10 days from the reply (Thu 11-26) → Sun 12-06 → Mon 12-07; unanswered: from the reply deadline (Mon 11-30) → Thu 12-10
    'complaints.complaint_window.construction': async () => {
      const trade = await biddingTrade(app(), 'construction', {}, ['bidder1', 'bidder2', 'bidder3']);
      const a = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      const b = await objected(app(), trade.id, 'bidder2', { subject: 'documents' });
      const c = await objected(app(), trade.id, 'bidder3', { subject: 'documents' });
      app().setClock('2026-11-26T02:00:00.000Z');
      await replied(app(), a.id, false);
      await replied(app(), b.id, false);
      app().setClock('2026-12-07T15:59:00.000Z');
      const inTime = await complained(app(), trade.id, 'bidder1', { subject: 'documents', objectionId: a.id });
      expect(inTime.window).to.deep.include({ rule: 'complaints.complaint_window.construction', endsAt: '2026-12-07T16:00:00.000Z' });
      app().setClock('2026-12-07T16:00:00.000Z');
      closed(await fileComplaint(app(), trade.id, 'bidder2', { subject: 'documents', objectionId: b.id }), 'COMPLAINT_WINDOW_CLOSED', 'complaints.complaint_window.construction', '2026-12-07T16:00:00.000Z');
      const unanswered = await complained(app(), trade.id, 'bidder3', { subject: 'documents', objectionId: c.id });
      expect(unanswered.window.endsAt).to.equal('2026-12-10T16:00:00.000Z');
    },
    // 15 working days after the answer period (Fri 12-04) → Fri 12-25, even when answered early; a challenge is always required first
    'complaints.complaint_window.procurement': async () => {
      const trade = await biddingTrade(app(), 'procurement');
      const noChallenge = await fileComplaint(app(), trade.id, 'bidder1', { subject: 'process' });
      expect([noChallenge.status, noChallenge.body.code]).to.deep.equal([422, 'PRIOR_OBJECTION_REQUIRED']);
      const a = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      const b = await objected(app(), trade.id, 'bidder2', { subject: 'documents' });
      app().setClock('2026-11-26T02:00:00.000Z');
      await replied(app(), a.id, false);
      await replied(app(), b.id, false);
      app().setClock('2026-12-25T15:59:00.000Z');
      expect((await complained(app(), trade.id, 'bidder1', { subject: 'documents', objectionId: a.id })).window).to.deep.include({ rule: 'complaints.complaint_window.procurement', endsAt: '2026-12-25T16:00:00.000Z' });
      app().setClock('2026-12-25T16:00:00.000Z');
      closed(await fileComplaint(app(), trade.id, 'bidder2', { subject: 'documents', objectionId: b.id }), 'COMPLAINT_WINDOW_CLOSED', 'complaints.complaint_window.procurement', '2026-12-25T16:00:00.000Z');
    },
    // 3 working days from Wed 11-25 → Mon 11-30; a later acceptance is recorded as late
    'complaints.acceptance.construction': async () => {
      const trade = await biddingTrade(app(), 'construction');
      const o = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      await replied(app(), o.id, false);
      const complaint = await complained(app(), trade.id, 'bidder1', { subject: 'documents', objectionId: o.id });
      expect([complaint.acceptanceRule, complaint.acceptanceDueAt]).to.deep.equal(['complaints.acceptance.construction', '2026-11-30T16:00:00.000Z']);
      app().setClock('2026-11-30T16:00:00.000Z');
      const late = await accepted(app(), complaint.id);
      expect(late.actedLate).to.equal(true);
      await decided(app(), complaint.id);
    },
    // 5 working days → Wed 12-02; a region may shorten it (not lengthen it): 3 → Mon 11-30
    'complaints.acceptance.procurement': async () => {
      const trade = await biddingTrade(app(), 'procurement');
      const a = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      const b = await objected(app(), trade.id, 'bidder2', { subject: 'documents' });
      await replied(app(), a.id, false);
      await replied(app(), b.id, false);
      const first = await complained(app(), trade.id, 'bidder1', { subject: 'documents', objectionId: a.id });
      expect([first.acceptanceRule, first.acceptanceDueAt]).to.deep.equal(['complaints.acceptance.procurement', '2026-12-02T16:00:00.000Z']);
      const staff = bearer(await app().tokenFor('staff'));
      const looser = await app().http.put('/api/rules/360700/complaints.acceptance.procurement').set(staff).send({ value: 7 });
      expect([looser.status, looser.body.code]).to.deep.equal([400, 'RULE_BELOW_FLOOR']);
      expect((await app().http.put('/api/rules/360700/complaints.acceptance.procurement').set(staff).send({ value: 3 })).status).to.equal(200);
      try {
        expect((await complained(app(), trade.id, 'bidder2', { subject: 'documents', objectionId: b.id })).acceptanceDueAt).to.equal('2026-11-30T16:00:00.000Z');
      } finally {
        await app().http.put('/api/rules/360700/complaints.acceptance.procurement').set(staff).send({ value: 5 });
      }
      const rejected = await app().http.post(`/api/complaints/${first.id}/reject`).set(bearer(await app().tokenFor('supervisor'))).send({ reason: '投诉事项超出质疑范围' });
      expect([rejected.status, rejected.body.status, rejected.body.actedLate]).to.deep.equal([200, 'rejected', false]);
    },
    // 30 working days from the acceptance on Wed 11-25 (2027-01-01 a holiday) → Thu 2027-01-07
    'complaints.decision': async () => {
      const trade = await biddingTrade(app(), 'construction');
      const o = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      await replied(app(), o.id, false);
      const complaint = await accepted(app(), (await complained(app(), trade.id, 'bidder1', { subject: 'documents', objectionId: o.id })).id);
      expect(complaint.decisionDueAt).to.equal('2027-01-07T16:00:00.000Z');
      app().setClock('2027-01-07T16:00:00.000Z');
      const late = await decided(app(), complaint.id);
      expect([late.status, late.decisionLate]).to.deep.equal(['decided', true]);
    },
    // accepted Wed 11-25 + 30 days = Fri 12-25: the suspension ends by itself then (scheduler, audited once)
    'complaints.suspension_max.procurement': async () => {
      const trade = await biddingTrade(app(), 'procurement');
      const o = await objected(app(), trade.id, 'bidder1', { subject: 'documents' });
      await replied(app(), o.id, false);
      const complaint = await accepted(app(), (await complained(app(), trade.id, 'bidder1', { subject: 'documents', objectionId: o.id })).id);
      expect(complaint.suspendedUntil).to.equal('2026-12-25T16:00:00.000Z');
      app().setClock('2026-12-25T15:59:00.000Z');
      const held = await cancel(app(), trade.id);
      expect([held.status, held.body.code, held.body.complaint]).to.deep.equal([409, 'TRADE_SUSPENDED', complaint.id]);
      app().setClock('2026-12-25T16:00:00.000Z');
      await app().services.scheduler.tick();
      await app().services.scheduler.tick();
      const after = (await app().http.get(`/api/complaints/${complaint.id}`).set(bearer(await app().tokenFor('supervisor')))).body;
      expect([after.status, after.suspended, after.suspensionEndedAt]).to.deep.equal(['accepted', false, '2026-12-25T16:00:00.000Z']);
      expect((await auditEvents(app(), 'complaints.suspension_expired')).filter((e) => e.payload.complaint === complaint.id)).to.have.length(1);
      expect((await cancel(app(), trade.id)).status).to.equal(200);
    },
  };
}
