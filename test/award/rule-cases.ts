import { expect } from 'chai';
import type { AwardSummaryView, CandidateOutcomeView, PublicityView } from '../../contracts/award.js';
import type { RuleId } from '../../server/kernel/rules/table.js';
import { bearer, type TestApp } from '../helpers/app.js';
import type { EvaluationRun } from '../helpers/evaluation.js';
import { TENDEREE, auditActions, awardTrade, bidderOrg, contractPdf, evaluatedForAward, notificationsOf, recordContract, startPublicity } from './helpers.js';

/** The rules-table rows of the award module, one case each (test/trades/rules.test.ts runs them). */
export type AwardRuleId = Extract<RuleId, `award.${string}`>;

/** Runs `make` once; later callers get the same promise (the cases share three evaluated trades). */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => (made ??= make());
}

/**
 * Three trades — construction, procurement (open tender) and land — each evaluated with the report
 * signed on Tue 2027-01-05 09:30 China time (01:30Z), bidder1 > bidder2 > bidder3. The cases share
 * them (built on first use); each case sets the clock it needs. 2027 has only 元旦 as a holiday, so
 * working days are Monday–Friday.
 */
export function awardRuleCases(app: () => TestApp): Record<AwardRuleId, () => Promise<void>> {
  const setRule = async (rule: string, value: number) => {
    const res = await app().http.put(`/api/rules/360700/${rule}`).set(bearer(await app().tokenFor('staff'))).send({ value });
    expect(res.status, res.text).to.equal(200);
  };
  const started = async (run: EvaluationRun, at: string): Promise<{ run: EvaluationRun; publicity: PublicityView }> => {
    app().setClock(at);
    const res = await startPublicity(app(), run.trade.id);
    expect(res.status, res.text).to.equal(201);
    return { run, publicity: res.body.current as PublicityView };
  };
  const refusedUntil = async (tradeId: number, endsAt: string) => {
    app().setClock(new Date(new Date(endsAt).getTime() - 1));
    const early = await awardTrade(app(), tradeId);
    expect([early.status, early.body.code, early.body.endsAt]).to.deep.equal([409, 'PUBLICITY_RUNNING', endsAt]);
  };

  // construction: published late, on Sat 2027-01-09 10:00 (due by the end of Fri 2027-01-08)
  const construction = once(async () => started(await evaluatedForAward(app(), 'construction'), '2027-01-09T02:00:00.000Z'));
  // … and awarded on Wed 2027-01-20, after the notice deadline
  const constructionAwarded = once(async () => {
    const { run, publicity } = await construction();
    app().setClock('2027-01-20T02:00:00.000Z');
    const res = await awardTrade(app(), run.trade.id);
    expect(res.status, res.text).to.equal(201);
    return { run, publicity, award: res.body as AwardSummaryView };
  });
  // procurement: announced at once, when the report is signed (Tue 2027-01-05 09:30)
  const procurement = once(async () => started(await evaluatedForAward(app(), 'procurement'), '2027-01-05T01:30:00.000Z'));
  // land: published in the last second allowed (Thu 2027-01-07 23:59:59 China time)
  const land = once(async () => started(await evaluatedForAward(app(), 'land'), '2027-01-07T15:59:59.000Z'));

  return {
    // 3 days from the report (Tue 01-05) → Fri 01-08; published on Sat 01-09: recorded late and audited, not refused
    'award.publicity_start.construction': async () => {
      const { run, publicity } = await construction();
      expect(publicity).to.include({ publishBy: '2027-01-08T16:00:00.000Z', late: true, title: '中标候选人公示' });
      const late = (await auditActions(app(), run.trade.code)).find((a) => a.action === 'award.publicity_late')!;
      expect(late.payload).to.include({ rule: 'award.publicity_start.construction', value: 3, unit: 'day', publishBy: '2027-01-08T16:00:00.000Z' });
    },
    // 2 working days from the report (Tue 01-05) → Thu 01-07; announced the same day: on time
    'award.publicity_start.procurement': async () => {
      const { run, publicity } = await procurement();
      expect(publicity).to.include({ publishBy: '2027-01-07T16:00:00.000Z', late: false, title: '中标结果公告' });
      expect((await auditActions(app(), run.trade.code)).map((a) => a.action)).not.to.include('award.publicity_late');
    },
    // 2 working days → Thu 01-07; published at 23:59:59 that day: still on time
    'award.publicity_start.rights': async () => {
      const { publicity } = await land();
      expect(publicity).to.include({ publishBy: '2027-01-07T16:00:00.000Z', late: false, title: '交易结果公示' });
    },
    // 3 days from Sat 01-09 → Tue 01-12, to its end: the award is refused until 2027-01-12 24:00 China time
    'award.publicity_period.construction': async () => {
      const { run, publicity } = await construction();
      expect(publicity).to.include({ lastDay: '2027-01-12', endsAt: '2027-01-12T16:00:00.000Z' });
      expect(publicity.period).to.include({ rule: 'award.publicity_period.construction', value: 3, unit: 'day' });
      await refusedUntil(run.trade.id, publicity.endsAt);
    },
    // 1 working day from Tue 01-05 → Wed 01-06
    'award.publicity_period.procurement': async () => {
      const { run, publicity } = await procurement();
      expect(publicity).to.include({ lastDay: '2027-01-06', endsAt: '2027-01-06T16:00:00.000Z' });
      await refusedUntil(run.trade.id, publicity.endsAt);
    },
    // 5 working days from Thu 01-07 → Thu 01-14
    'award.publicity_period.rights': async () => {
      const { run, publicity } = await land();
      expect(publicity).to.include({ lastDay: '2027-01-14', endsAt: '2027-01-14T16:00:00.000Z' });
      expect(publicity.period).to.include({ rule: 'award.publicity_period.rights', value: 5, unit: 'workingDay' });
      await refusedUntil(run.trade.id, publicity.endsAt);
    },
    // 5 working days after the publicity's last day (Tue 01-12) → Tue 01-19; the notice of Wed 01-20 is late (audited)
    'award.notice_within': async () => {
      const { run, award } = await constructionAwarded();
      expect(award.current).to.include({ noticeDeadline: '2027-01-19T16:00:00.000Z', noticeLate: true });
      const late = (await auditActions(app(), run.trade.code)).find((a) => a.action === 'award.notice_late')!;
      expect(late.payload).to.include({ rule: 'award.notice_within', value: 5, unit: 'workingDay', deadline: '2027-01-19T16:00:00.000Z' });
    },
    // 30 days from the notice (Wed 01-20) → Fri 02-19; a contract signed Sat 02-20 is recorded late and audited
    'award.contract_within': async () => {
      const { run, award } = await constructionAwarded();
      expect(award.current!.contractLastDay).to.equal('2027-02-19');
      app().setClock('2027-02-22T02:00:00.000Z');
      const file = await contractPdf('合同价款：玖佰万元整');
      const res = await recordContract(app(), run.trade.id, { signedOn: '2027-02-20', amountFen: 900_000_000, parties: { purchaser: TENDEREE, winner: bidderOrg('bidder1') } }, file);
      expect(res.status, res.text).to.equal(201);
      expect(res.body).to.include({ dueBy: '2027-02-19', late: true });
      const late = (await auditActions(app(), run.trade.code)).find((a) => a.action === 'award.contract_late')!;
      expect(late.payload).to.include({ rule: 'award.contract_within', value: 30, signedOn: '2027-02-20', dueBy: '2027-02-19' });
    },
    // awarded Thu 01-07: the contract is due by Mon 02-08 (02-06 is a Saturday); staff are warned 5 days before, from Wed 02-03, once
    'award.contract_warning': async () => {
      const { run } = await procurement();
      app().setClock('2027-01-07T02:00:00.000Z');
      const res = await awardTrade(app(), run.trade.id);
      expect(res.status, res.text).to.equal(201);
      expect((res.body as AwardSummaryView).current!.contractLastDay).to.equal('2027-02-08');
      const warnings = async () => (await notificationsOf(app(), 'staff', run.trade.id)).filter((n) => n.kind === 'award.contract_due');
      app().setClock('2027-02-02T15:59:59.000Z');
      await app().services.scheduler.tick();
      expect(await warnings()).to.have.length(0);
      app().setClock('2027-02-02T16:00:00.000Z');
      await app().services.scheduler.tick();
      await app().services.scheduler.tick();
      expect(await warnings()).to.have.length(1);
      expect((await notificationsOf(app(), 'agent', run.trade.id)).filter((n) => n.kind === 'award.contract_due')).to.have.length(1);
    },
    // on: the first candidate out, the second takes its place; a region that turns it off: the next one out fails the trade
    'award.pass_to_next_candidate': async () => {
      const { run } = await land();
      app().setClock('2027-01-08T02:00:00.000Z');
      const staff = bearer(await app().tokenFor('staff'));
      const first = await app().http.post(`/api/trades/${run.trade.id}/candidates/${run.bidIds.bidder1}/disqualify`).set(staff).send({ reason: '竞买资格不符' });
      expect(first.status, first.text).to.equal(200);
      expect((first.body as CandidateOutcomeView).outcome).to.equal('passed_on');
      expect((first.body as CandidateOutcomeView).next!.bidId).to.equal(run.bidIds.bidder2);
      await setRule('award.pass_to_next_candidate', 0);
      try {
        const declined = await app().http.post(`/api/trades/${run.trade.id}/award/decline`).set(bearer(await app().tokenFor('bidder2'))).send({ reason: '资金未落实' });
        expect(declined.status, declined.text).to.equal(200);
        expect(declined.body).to.include({ outcome: 'failed', code: 'NO_CANDIDATE_LEFT' });
        expect((await app().http.get(`/api/trades/${run.trade.id}`)).body.state).to.equal('failed');
      } finally {
        await setRule('award.pass_to_next_candidate', 1);
      }
    },
  };
}
