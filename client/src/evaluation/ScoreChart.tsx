/**
 * For one judged criterion: each bidder's scores by expert, as dots over the bidders (x axis) on the
 * criterion's range (y axis), the counted score as a bar, and the extremes dropped by the rule drawn
 * hollow — so an expert far from the others stands out. Plain SVG, no chart library.
 */
import type { CriterionView, EvaluationResult } from '../../../contracts/evaluation.js';
import { useI18n } from '../LocaleContext.js';

const W = 520;
const H = 240;
const PAD = { left: 40, right: 16, top: 16, bottom: 36 };
/** One colour per expert (the legend says who). */
export const EXPERT_COLOURS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7ea4', '#6e7781', '#953800'];

export function ScoreChart({ criterion, result, experts }: { criterion: CriterionView; result: EvaluationResult; experts: string[] }) {
  const { t, locale } = useI18n();
  const bids = result.ranked;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (plotW * (i + 0.5)) / Math.max(1, bids.length);
  const y = (v: number) => PAD.top + plotH - (plotH * v) / Math.max(1e-9, criterion.max);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(criterion.max * f * 100) / 100);
  const name = locale === 'zh-CN' ? criterion.name.zh : criterion.name.en;
  return (
    <figure className="score-chart" data-testid="evaluation-chart" data-criterion={criterion.id}>
      <figcaption>{t('evaluation.chart.caption', { criterion: name, max: criterion.max })}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={name}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#d0d7de" strokeWidth="1" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" fontSize="11" fill="#57606a">
              {v}
            </text>
          </g>
        ))}
        {bids.map((bid, i) => {
          const c = bid.criteria.find((k) => k.id === criterion.id);
          const cx = x(i);
          return (
            <g key={bid.bidId} data-testid="evaluation-chart-bid" data-bid-id={bid.bidId}>
              <text x={cx} y={H - PAD.bottom + 16} textAnchor="middle" fontSize="12" fill="#24292f">
                {bid.bidder.label}
              </text>
              {c && <line x1={cx - 18} x2={cx + 18} y1={y(c.score)} y2={y(c.score)} stroke="#24292f" strokeWidth="2" data-testid="evaluation-chart-counted" />}
              {c?.byExpert.map((e, k) => {
                const colour = EXPERT_COLOURS[Math.max(0, experts.indexOf(e.expert)) % EXPERT_COLOURS.length]!;
                const dx = (k - (c.byExpert.length - 1) / 2) * 6;
                return (
                  <circle
                    key={e.expert}
                    cx={cx + dx}
                    cy={y(e.value)}
                    r="4.5"
                    fill={e.dropped ? 'white' : colour}
                    stroke={colour}
                    strokeWidth="2"
                    data-testid="evaluation-chart-dot"
                    data-expert={e.expert}
                    data-dropped={e.dropped}
                  >
                    <title>{`${e.expert}: ${e.value}${e.dropped ? ` (${t('evaluation.chart.dropped')})` : ''}`}</title>
                  </circle>
                );
              })}
            </g>
          );
        })}
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#57606a" strokeWidth="1" />
      </svg>
    </figure>
  );
}

export function ChartLegend({ experts, dropExtremes }: { experts: string[]; dropExtremes: boolean }) {
  const { t } = useI18n();
  return (
    <ul className="chart-legend" data-testid="evaluation-chart-legend">
      {experts.map((e, i) => (
        <li key={e}>
          <svg width="12" height="12" aria-hidden="true">
            <circle cx="6" cy="6" r="4.5" fill={EXPERT_COLOURS[i % EXPERT_COLOURS.length]} />
          </svg>{' '}
          {e}
        </li>
      ))}
      <li>
        <svg width="12" height="12" aria-hidden="true">
          <circle cx="6" cy="6" r="4.5" fill="white" stroke="#57606a" strokeWidth="2" />
        </svg>{' '}
        {dropExtremes ? t('evaluation.chart.droppedLegend') : t('evaluation.chart.noDrop')}
      </li>
      <li>
        <svg width="18" height="12" aria-hidden="true">
          <line x1="0" x2="18" y1="6" y2="6" stroke="#24292f" strokeWidth="2" />
        </svg>{' '}
        {t('evaluation.chart.counted')}
      </li>
    </ul>
  );
}
