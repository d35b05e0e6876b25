/** Display helpers of the recheck pages: the diff items, kinds, triggers and outcomes, translated. */
import type { DiffItem, RecheckKind, RecheckOutcome, RecheckTrigger } from '../../../contracts/recheck.js';
import type { Translate } from '../i18n.js';

export const kindName = (t: Translate, kind: RecheckKind) => t(`recheck.kind.${kind}`);
export const triggerName = (t: Translate, trigger: RecheckTrigger) => t(`recheck.trigger.${trigger}`);
export const outcomeName = (t: Translate, outcome: RecheckOutcome) => t(`recheck.outcome.${outcome}`);

const num = (n: number | null) => (n === null ? '—' : String(n));

/** One flagged difference, in words. */
export function describeDiff(t: Translate, item: DiffItem, criterionName: (id: string) => string = (id) => id): string {
  switch (item.type) {
    case 'total_mismatch':
      return t('recheck.diff.total_mismatch', { bidder: item.bidder, stored: num(item.stored), recomputed: num(item.recomputed) });
    case 'ranking_mismatch':
      return t('recheck.diff.ranking_mismatch', {
        stored: item.stored.map((r) => `${r.rank}:#${r.bidId}`).join(' '),
        recomputed: item.recomputed.map((r) => `${r.rank}:#${r.bidId}`).join(' '),
      });
    case 'candidates_mismatch':
      return t('recheck.diff.candidates_mismatch', { stored: item.stored.map((b) => `#${b}`).join('、'), recomputed: item.recomputed.map((b) => `#${b}`).join('、') });
    case 'compliance_mismatch':
      return t('recheck.diff.compliance_mismatch', { bidder: item.bidder, stored: item.stored ? t('recheck.diff.compliant') : t('recheck.diff.rejected'), recomputed: item.recomputed ? t('recheck.diff.compliant') : t('recheck.diff.rejected') });
    case 'score_out_of_range':
      return t('recheck.diff.score_out_of_range', { bidder: item.bidder, expert: item.expert, criterion: criterionName(item.criterion), value: item.value, max: item.max });
    case 'rejection_reason_missing':
      return t('recheck.diff.rejection_reason_missing', { bidder: item.bidder, check: t(`evaluation.check.${item.check}`), experts: item.experts.map((e) => e.name).join('、') });
    case 'score_deviation':
      return t('recheck.diff.score_deviation', { bidder: item.bidder, expert: item.expert, criterion: criterionName(item.criterion), value: item.value, mean: Math.round(item.mean * 100) / 100, share: item.sharePercent });
    default:
      return (item as { key: string }).key;
  }
}
