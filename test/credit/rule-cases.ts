import { expect } from 'chai';
import type { CreditRecordView } from '../../contracts/credit.js';
import type { RuleId } from '../../server/kernel/rules/table.js';
import { bearer, type TestApp } from '../helpers/app.js';
import { orgOf, penaltyBody, recordCredit } from './helpers.js';

/** The rules-table rows of the credit module, one case each (test/trades/rules.test.ts runs them). */
export type CreditRuleId = Extract<RuleId, `credit.${string}`>;

/**
 * The cases share the rules suite's app, so they never restrict a company that bids in another case:
 * records name the agency (role agent) or the tenderee with scope `none`, and score cases use windows
 * years ahead, each case its own year, so no other case's evaluation sees them.
 */
export function creditRuleCases(app: () => TestApp): Record<CreditRuleId, () => Promise<void>> {
  const setRule = async (rule: string, value: number) => {
    const res = await app().http.put(`/api/rules/360700/${rule}`).set(bearer(await app().tokenFor('staff'))).send({ value });
    expect(res.status, res.text).to.equal(200);
  };
  const agencyRecord = async (overrides: Record<string, unknown>): Promise<CreditRecordView> => {
    const res = await recordCredit(app(), penaltyBody({ subject: { kind: 'organisation', ...orgOf('agency') }, role: 'agent', scope: 'none', ...overrides }));
    expect(res.status, res.text).to.equal(201);
    return res.body as CreditRecordView;
  };
  const scoreAt = async (key: string, at: string) => (await app().services.credit.scoresAt([orgOf(key).uscc], new Date(at), '360702'))[orgOf(key).uscc]!.score;
  const deduction = (severity: 'minor' | 'general' | 'serious', year: number, points: number) => async () => {
    const rule = `credit.score.deduct.${severity}`;
    const record = await agencyRecord({ severity, startsAt: `${year}-01-01T00:00:00.000Z`, endsAt: `${year}-07-01T00:00:00.000Z` });
    expect(record.points).to.equal(points);
    expect(await scoreAt('agency', `${year}-03-01T00:00:00.000Z`)).to.equal(100 - points);
    // a region may deduct more, not less; the deduction is fixed on the record when it is made
    await setRule(rule, points + 5);
    try {
      expect((await agencyRecord({ severity, startsAt: `${year}-08-01T00:00:00.000Z`, endsAt: `${year}-09-01T00:00:00.000Z` })).points).to.equal(points + 5);
      const looser = await app().http.put(`/api/rules/360700/${rule}`).set(bearer(await app().tokenFor('staff'))).send({ value: points - 1 });
      expect([looser.status, looser.body.code]).to.deep.equal([400, 'RULE_BELOW_FLOOR']);
    } finally {
      await setRule(rule, points);
    }
  };

  return {
    // decided 2026-01-10 (a past decision date may be entered): a repair may be applied for from 2026-04-10
    'credit.repair_min_months': async () => {
      app().setClock('2026-04-10T00:59:59.999Z');
      const record = await agencyRecord({ startsAt: '2026-01-10T01:00:00.000Z', endsAt: '2027-01-10T01:00:00.000Z' });
      expect(record.repairableFrom).to.equal('2026-04-10T01:00:00.000Z');
      const apply = async () => app().http.post(`/api/credit/records/${record.id}/applications`).set(bearer(await app().tokenFor('agent'))).send({ kind: 'repair', reason: '已整改', evidence: '整改报告' });
      const early = await apply();
      expect([early.status, early.body.code, early.body.rule, early.body.value, early.body.from]).to.deep.equal([422, 'CREDIT_REPAIR_TOO_EARLY', 'credit.repair_min_months', 3, '2026-04-10T01:00:00.000Z']);
      app().setClock('2026-04-10T01:00:00.000Z');
      const ok = await apply();
      expect(ok.status, ok.text).to.equal(201);
      await app().http.post(`/api/credit/applications/${ok.body.id}/decision`).set(bearer(await app().tokenFor('supervisor'))).send({ grant: false, reason: '整改材料不全' });
    },
    // 招标投标法 art 60: at most five years
    'credit.restriction_max_months': async () => {
      app().setClock('2026-11-25T02:00:00.000Z');
      const longest = await agencyRecord({ startsAt: '2026-11-25T02:00:00.000Z', endsAt: '2031-11-25T02:00:00.000Z' });
      expect(longest.endsAt).to.equal('2031-11-25T02:00:00.000Z');
      const tooLong = await recordCredit(app(), penaltyBody({ subject: { kind: 'organisation', ...orgOf('agency') }, role: 'agent', scope: 'none', startsAt: '2026-11-25T02:00:00.000Z', endsAt: '2031-11-25T02:00:00.001Z' }));
      expect([tooLong.status, tooLong.body.code, tooLong.body.rule, tooLong.body.value]).to.deep.equal([422, 'CREDIT_PERIOD_TOO_LONG', 'credit.restriction_max_months', 60]);
    },
    // no records: the base; a region may lower it (not raise it)
    'credit.score.base': async () => {
      expect(await scoreAt('tenderee', '2040-01-01T00:00:00.000Z')).to.equal(100);
      await setRule('credit.score.base', 90);
      try {
        expect(await scoreAt('tenderee', '2040-01-01T00:00:00.000Z')).to.equal(90);
        const higher = await app().http.put('/api/rules/360700/credit.score.base').set(bearer(await app().tokenFor('staff'))).send({ value: 120 });
        expect([higher.status, higher.body.code]).to.deep.equal([400, 'RULE_BELOW_FLOOR']);
      } finally {
        await setRule('credit.score.base', 100);
      }
    },
    'credit.score.deduct.minor': deduction('minor', 2035, 5),
    'credit.score.deduct.general': deduction('general', 2036, 10),
    'credit.score.deduct.serious': deduction('serious', 2037, 30),
    // two commendations of 8 points each add at most 10
    'credit.score.commendation_cap': async () => {
      for (const n of [1, 2]) {
        const res = await recordCredit(app(), { ...penaltyBody({ subject: { kind: 'organisation', ...orgOf('tenderee') }, role: 'tenderer', scope: 'none', startsAt: '2038-01-01T00:00:00.000Z', endsAt: '2038-12-01T00:00:00.000Z', decisionNo: `赣发改奖〔2037〕${n}号`, act: '诚信履约，获评守信单位' }), kind: 'commendation', severity: undefined, points: 8 });
        expect(res.status, res.text).to.equal(201);
      }
      expect(await scoreAt('tenderee', '2038-06-01T00:00:00.000Z')).to.equal(110);
      await setRule('credit.score.commendation_cap', 4);
      try {
        expect(await scoreAt('tenderee', '2038-06-01T00:00:00.000Z')).to.equal(104);
      } finally {
        await setRule('credit.score.commendation_cap', 10);
      }
    },
  };
}
