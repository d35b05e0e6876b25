import type { EvaluationResult } from '../../../contracts/evaluation.js';
import type { DiffItem, RecheckDiff } from '../../../contracts/recheck.js';
import { evaluate, round2 } from '../evaluation/compute.js';
import type { EvaluationInputs } from '../evaluation/service.js';

/**
 * The automatic recheck: every formula recomputed from the raw inputs (compute.ts, the rules in
 * force) and compared with the stored result — totals, compliance, ranking, candidates — plus the
 * raw inputs themselves checked: a score outside its criterion's range, a rejection without a stated
 * reason, and an expert's score deviating from the committee mean by more than `sharePercent` of the
 * criterion's maximum (87号令 art 64 (4)). Pure: the same inputs give the same items.
 */
export function recheckDiff(inputs: EvaluationInputs, stored: EvaluationResult, sharePercent: number, at: Date): { diff: RecheckDiff; recomputed: EvaluationResult } {
  const recomputed = evaluate(inputs);
  const items: DiffItem[] = [];
  const bidder = (bidId: number) => inputs.bids.find((b) => b.bidId === bidId)?.bidder.name ?? `#${bidId}`;
  const expert = (userId: number) => inputs.members.find((m) => m.userId === userId)?.name ?? String(userId);

  // the stored figures against the recomputed ones
  for (const c of recomputed.compliance) {
    const before = stored.compliance.find((x) => x.bidId === c.bidId);
    if (!before || before.compliant !== c.compliant) items.push({ key: `compliance:${c.bidId}`, type: 'compliance_mismatch', bidId: c.bidId, bidder: bidder(c.bidId), stored: before?.compliant ?? false, recomputed: c.compliant });
  }
  const bidIds = [...new Set([...stored.ranked.map((r) => r.bidId), ...recomputed.ranked.map((r) => r.bidId)])].sort((a, b) => a - b);
  for (const bidId of bidIds) {
    const a = stored.ranked.find((r) => r.bidId === bidId)?.total ?? null;
    const b = recomputed.ranked.find((r) => r.bidId === bidId)?.total ?? null;
    if (a === null || b === null || Math.abs(a - b) > 0.005) items.push({ key: `total:${bidId}`, type: 'total_mismatch', bidId, bidder: bidder(bidId), stored: a, recomputed: b });
  }
  const order = (r: EvaluationResult) => r.ranked.map((x) => ({ bidId: x.bidId, rank: x.rank }));
  if (JSON.stringify(order(stored)) !== JSON.stringify(order(recomputed))) items.push({ key: 'ranking', type: 'ranking_mismatch', stored: order(stored), recomputed: order(recomputed) });
  const candidates = (r: EvaluationResult) => r.candidates.map((c) => c.bidId);
  if (JSON.stringify(candidates(stored)) !== JSON.stringify(candidates(recomputed))) items.push({ key: 'candidates', type: 'candidates_mismatch', stored: candidates(stored), recomputed: candidates(recomputed) });

  // raw scores outside their criterion's range
  const judged = inputs.template.criteria.filter((c) => c.kind === 'judged');
  const inRange = (value: number, max: number) => value >= 0 && value <= max;
  for (const s of inputs.scores) {
    const criterion = judged.find((c) => c.id === s.criterion);
    if (!criterion) continue;
    if (!inRange(s.value, criterion.max)) {
      items.push({ key: `range:${s.bidId}:${s.expert}:${s.criterion}`, type: 'score_out_of_range', bidId: s.bidId, bidder: bidder(s.bidId), expertUserId: s.expert, expert: expert(s.expert), criterion: s.criterion, value: s.value, max: criterion.max });
    }
  }

  // rejected bids whose failing check has no stated reason
  for (const c of recomputed.compliance.filter((x) => !x.compliant)) {
    const forced = inputs.bids.find((b) => b.bidId === c.bidId)?.forcedReject;
    for (const check of c.checks.filter((x) => !x.pass)) {
      if (check.check === 'responsiveness' && forced) continue;
      const failing = inputs.votes.filter((v) => v.bidId === c.bidId && v.check === check.check && !v.pass);
      if (failing.some((v) => (v.reason ?? '').trim() !== '')) continue;
      items.push({ key: `reason:${c.bidId}:${check.check}`, type: 'rejection_reason_missing', bidId: c.bidId, bidder: bidder(c.bidId), check: check.check, experts: failing.map((v) => ({ userId: v.expert, name: expert(v.expert) })) });
    }
  }

  // an expert far from the committee's mean on a criterion of a compliant bid (the mean of the in-range scores)
  for (const c of recomputed.compliance.filter((x) => x.compliant)) {
    for (const criterion of judged) {
      const given = inputs.scores.filter((s) => s.bidId === c.bidId && s.criterion === criterion.id && inRange(s.value, criterion.max));
      if (given.length < 2) continue;
      const mean = given.reduce((n, s) => n + s.value, 0) / given.length;
      for (const s of given) {
        if (Math.abs(s.value - mean) * 100 > sharePercent * criterion.max + 1e-9) {
          items.push({ key: `deviation:${c.bidId}:${s.expert}:${criterion.id}`, type: 'score_deviation', bidId: c.bidId, bidder: bidder(c.bidId), expertUserId: s.expert, expert: expert(s.expert), criterion: criterion.id, value: s.value, mean: round2(mean), max: criterion.max, sharePercent });
        }
      }
    }
  }
  return { diff: { computedAt: at.toISOString(), rules: { dropExtremes: inputs.dropExtremes, sameBrandAsOne: Boolean(inputs.sameBrandAsOne), deviationSharePercent: sharePercent }, items }, recomputed };
}

/** The grounds an automatic recheck is opened on, from the kinds of items found. */
export function groundsOf(items: DiffItem[], procurement: boolean): string[] {
  const grounds = new Set<string>();
  for (const item of items) {
    switch (item.type) {
      case 'total_mismatch':
      case 'ranking_mismatch':
      case 'candidates_mismatch':
        grounds.add(procurement ? 'gp.sum_error' : 'arithmetic');
        break;
      case 'compliance_mismatch':
        grounds.add(procurement ? 'gp.sum_error' : 'objective_item');
        break;
      case 'score_out_of_range':
        grounds.add(procurement ? 'gp.score_out_of_range' : 'arithmetic');
        break;
      case 'score_deviation':
        grounds.add(procurement ? 'gp.abnormal_score' : 'abnormal_score');
        break;
      case 'rejection_reason_missing':
        grounds.add('rejection_reason_missing');
        break;
    }
  }
  return [...grounds];
}

/** 复核 summary of the items, for the recheck's note. */
export function describe(items: DiffItem[]): string {
  const count = (type: DiffItem['type']) => items.filter((i) => i.type === type).length;
  const parts = [
    count('total_mismatch') && `复算总分与原结果不一致 ${count('total_mismatch')} 项`,
    count('ranking_mismatch') && '排序不一致',
    count('candidates_mismatch') && '推荐中标候选人不一致',
    count('compliance_mismatch') && `符合性结论不一致 ${count('compliance_mismatch')} 项`,
    count('score_out_of_range') && `评分超出评分范围 ${count('score_out_of_range')} 项`,
    count('rejection_reason_missing') && `否决投标未载明理由 ${count('rejection_reason_missing')} 项`,
    count('score_deviation') && `评分偏离委员会平均分 ${count('score_deviation')} 项`,
  ].filter(Boolean);
  return `平台自动复算发现：${parts.join('；')}。 / The automatic recomputation found ${items.length} item(s).`;
}
