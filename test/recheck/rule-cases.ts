import { expect } from 'chai';
import type { RecheckView } from '../../contracts/recheck.js';
import type { RuleId } from '../../server/kernel/rules/table.js';
import { bearer, type TestApp } from '../helpers/app.js';
import { signedEvaluation, type EvaluationRun } from '../helpers/evaluation.js';
import { addExperts } from '../helpers/experts.js';
import { plantedEvaluation, rechecksOf, WAN } from './helpers.js';

/** The rules-table rows of the recheck module, one case each (test/trades/rules.test.ts runs them). */
export type RecheckRuleId = Extract<RuleId, `recheck.${string}`>;

export function recheckRuleCases(app: () => TestApp): Record<RecheckRuleId, () => Promise<void>> {
  const staff = async () => bearer(await app().tokenFor('staff'));
  const setRule = async (rule: string, value: number) => {
    const res = await app().http.put(`/api/rules/360700/${rule}`).set(await staff()).send({ value });
    expect(res.status, res.text).to.equal(200);
  };

  /**
   * A procurement evaluation where expert 5 scores far from the others, with 赣州 lowering the
   * deviation share to 30 % (a region may make it stricter): bidder1 technical 10 vs a mean of 34 (48 %
   * of 50) and bidder3 service 8 vs 14.4 (32 % of 20) are flagged, bidder2 technical 25 vs 37 (24 %)
   * is not. The automatic recheck opens on its own.
   */
  let gp: Promise<EvaluationRun> | null = null;
  const gpRun = () =>
    (gp ??= (async () => {
      await setRule('recheck.score_deviation_share', 30);
      try {
        const scores: Record<string, Record<string, number[]>> = {
          bidder1: { technical: [40, 40, 40, 40, 10], service: [16, 16, 16, 16, 16] },
          bidder2: { technical: [40, 40, 40, 40, 25], service: [16, 16, 16, 16, 16] },
          bidder3: { technical: [35, 35, 35, 35, 35], service: [16, 16, 16, 16, 8] },
        };
        return await plantedEvaluation(app(), { kind: 'procurement', prices: { bidder1: 100 * WAN, bidder2: 101 * WAN, bidder3: 102 * WAN }, judged: (bidder, criterion) => scores[bidder]![criterion]! });
      } finally {
        await setRule('recheck.score_deviation_share', 40);
      }
    })());

  /** A clean construction evaluation, then a recheck requested while 赣州 has the independent panel on (then off again). */
  let panel: Promise<{ run: EvaluationRun; recheck: RecheckView }> | null = null;
  const panelRecheck = () =>
    (panel ??= (async () => {
      const run = await signedEvaluation(app(), { kind: 'construction', prices: { bidder1: 980 * WAN, bidder2: 1000 * WAN, bidder3: 950 * WAN }, judged: (_bidder, criterion) => (criterion === 'technical' ? [20, 20, 21, 20, 20] : [8, 8, 8, 8, 8]) });
      expect(await rechecksOf(app(), run.trade.id)).to.deep.equal([]);
      await setRule('recheck.independent_panel', 1);
      try {
        const res = await app().http.post(`/api/trades/${run.trade.id}/rechecks`).set(await staff()).send({ grounds: ['objective_item'], note: '投标人对资格审查结论提出异议' });
        expect(res.status, res.text).to.equal(201);
        return { run, recheck: res.body as RecheckView };
      } finally {
        await setRule('recheck.independent_panel', 0);
      }
    })());

  return {
    // default 0: the original committee rechecks (its members join at once); a region's 1: an independent panel, drawn
    'recheck.independent_panel': async () => {
      const [automatic] = await rechecksOf(app(), (await gpRun()).trade.id);
      expect([automatic!.kind, automatic!.members.length]).to.deep.equal(['review', 5]);
      const { recheck } = await panelRecheck();
      expect([recheck.kind, recheck.members, recheck.panelSize]).to.deep.equal(['panel', [], null]);
    },
    // a panel of at least 3 and odd; a region may ask for more
    'recheck.panel_size': async () => {
      const { run } = await panelRecheck();
      await addExperts(app(), 5, { specialty: 'recheckpanel', regionCode: '360700' });
      const draw = async (count: number) => app().http.post(`/api/trades/${run.trade.id}/draws`).set(await staff()).send({ seats: [{ specialty: 'recheckpanel', count }], purpose: 'recheck' });
      for (const count of [1, 2, 4]) {
        const res = await draw(count);
        expect([res.status, res.body.code, res.body.rule, res.body.value], `${count}`).to.deep.equal([422, 'COMMITTEE_RULES_VIOLATED', 'recheck.panel_size', 3]);
      }
      await setRule('recheck.panel_size', 5);
      try {
        const res = await draw(3);
        expect([res.status, res.body.rule, res.body.value]).to.deep.equal([422, 'recheck.panel_size', 5]);
      } finally {
        await setRule('recheck.panel_size', 3);
      }
      const ok = await draw(3);
      expect(ok.status, ok.text).to.equal(201);
      expect(ok.body.excluded).to.deep.include({ rule: 'avoidance.original_committee', count: 5 });
    },
    'recheck.score_deviation_share': async () => {
      const run = await gpRun();
      const [recheck] = await rechecksOf(app(), run.trade.id);
      expect([recheck!.trigger, recheck!.grounds.map((g) => g.id)]).to.deep.equal(['automatic', ['gp.abnormal_score']]);
      const items = recheck!.diff!.items.map((i) => (i.type === 'score_deviation' ? [i.bidId, i.expertUserId, i.criterion, i.value, i.mean, i.sharePercent] : i.type));
      expect(items).to.have.deep.members([
        [run.bidIds.bidder1, run.experts[4]!.userId, 'technical', 10, 34, 30],
        [run.bidIds.bidder3, run.experts[4]!.userId, 'service', 8, 14.4, 30],
      ]);
      // looser than the floor is refused
      const looser = await app().http.put('/api/rules/360700/recheck.score_deviation_share').set(await staff()).send({ value: 50 });
      expect([looser.status, looser.body.code]).to.deep.equal([400, 'RULE_BELOW_FLOOR']);
    },
    // 87号令 art 64: the four grounds only; "price too low" or a void-committee ground is refused with the row named
    'recheck.grounds.procurement': async () => {
      const run = await gpRun();
      for (const ground of ['price_too_low', 'committee_composition', 'objective_item']) {
        const res = await app().http.post(`/api/trades/${run.trade.id}/rechecks`).set(await staff()).send({ grounds: [ground], note: '中标候选人报价过低' });
        expect([res.status, res.body.code, res.body.rule], ground).to.deep.equal([422, 'RECHECK_GROUND_NOT_ALLOWED', 'recheck.grounds.procurement']);
        expect(res.body.allowed).to.deep.equal(['gp.sum_error', 'gp.score_out_of_range', 'gp.objective_inconsistent', 'gp.abnormal_score']);
      }
      // a statutory ground passes the check (and meets the open automatic recheck)
      const lawful = await app().http.post(`/api/trades/${run.trade.id}/rechecks`).set(await staff()).send({ grounds: ['gp.objective_inconsistent'], note: '客观评分不一致' });
      expect([lawful.status, lawful.body.code]).to.deep.equal([409, 'RECHECK_OPEN']);
    },
  };
}
