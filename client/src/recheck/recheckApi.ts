/**
 * HTTP calls of the evaluation recheck (评标复核 / 复审). Type-only imports from contracts/recheck.ts
 * (no zod in the bundle); every call goes through api.request (cookie session + CSRF).
 */
import type { DrawView } from '../../../contracts/experts.js';
import type { Correction, RecheckKind, RecheckOutcome, RecheckTrigger, RecheckView } from '../../../contracts/recheck.js';
import type { TradeKind } from '../../../contracts/trades.js';
import { request } from '../api.js';

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/**
 * The grounds a recheck may be asked for, as in contracts' RECHECK_GROUNDS (ids, labels, the kinds
 * they apply to and the outcomes they allow; a value import would pull zod in). The server is the
 * judge: a ground it does not allow for the trade is refused with RECHECK_GROUND_NOT_ALLOWED.
 */
export interface GroundChoice {
  id: string;
  zh: string;
  en: string;
  kinds: readonly TradeKind[];
  outcomes: readonly RecheckOutcome[];
  automaticOnly?: boolean;
}
const TENDER: readonly TradeKind[] = ['construction', 'land', 'mining', 'property'];
const ALL: readonly TradeKind[] = ['construction', 'land', 'mining', 'property', 'procurement'];
export const GROUNDS: readonly GroundChoice[] = [
  { id: 'gp.sum_error', zh: '分值汇总计算错误', en: 'Error in summing the scores', kinds: ['procurement'], outcomes: ['confirm', 'correct'] },
  { id: 'gp.score_out_of_range', zh: '分项评分超出评分标准规定的评分范围', en: 'A sub-score outside the range the criteria allow', kinds: ['procurement'], outcomes: ['confirm', 'correct'] },
  { id: 'gp.objective_inconsistent', zh: '评标委员会成员对客观评审因素评分不一致', en: 'Members scored an objective factor differently', kinds: ['procurement'], outcomes: ['confirm', 'correct'] },
  { id: 'gp.abnormal_score', zh: '经评标委员会认定评分畸高、畸低', en: 'A score the committee finds abnormally high or low', kinds: ['procurement'], outcomes: ['confirm', 'correct'] },
  { id: 'arithmetic', zh: '评分汇总、计算错误或分项评分超出范围', en: 'Arithmetic: sums, computations, a score outside its range', kinds: TENDER, outcomes: ['confirm', 'correct'] },
  { id: 'objective_item', zh: '客观评审因素（资格审查、否决投标、商务评分）评审错误', en: 'An objective item (qualification, rejection, commercial score) wrongly assessed', kinds: TENDER, outcomes: ['confirm', 'correct'] },
  { id: 'abnormal_score', zh: '个别专家评分明显偏离（畸高、畸低）', en: 'An expert’s score clearly deviating from the committee', kinds: TENDER, outcomes: ['confirm', 'correct'] },
  { id: 'rejection_reason_missing', zh: '否决投标（投标无效）未载明理由', en: 'A rejected bid without its stated reason', kinds: ALL, outcomes: ['confirm', 'correct'], automaticOnly: true },
  { id: 'committee_composition', zh: '评标委员会组建或成员更换违法', en: 'The committee was wrongly composed or changed', kinds: TENDER, outcomes: ['confirm', 'reevaluate'] },
  { id: 'member_misconduct', zh: '评标委员会成员违法评标，对结果造成实质性影响', en: 'Member misconduct with a substantive effect on the result', kinds: TENDER, outcomes: ['confirm', 'reevaluate'] },
  { id: 'independence_interfered', zh: '评标活动的独立性受到非法干预', en: 'The evaluation’s independence was illegally interfered with', kinds: TENDER, outcomes: ['confirm', 'reevaluate'] },
];

/** Grounds a person may ask for on a trade of this kind (all kinds when null; the automatic-only ones are the platform's). */
export function requestableGrounds(kind: TradeKind | null): GroundChoice[] {
  return GROUNDS.filter((g) => (kind === null || g.kinds.includes(kind)) && !g.automaticOnly);
}

/** Same values as contracts' RECHECK_OUTCOMES / RECHECK_KINDS / RECHECK_TRIGGERS. */
export const OUTCOMES = ['confirm', 'correct', 'reevaluate'] as const satisfies readonly RecheckOutcome[];
export const KINDS = ['review', 'panel'] as const satisfies readonly RecheckKind[];
export const TRIGGERS = ['request', 'objection', 'automatic'] as const satisfies readonly RecheckTrigger[];

export function requestRecheck(tradeId: number, grounds: string[], note: string): Promise<RecheckView> {
  return request<RecheckView>('POST', `/api/trades/${tradeId}/rechecks`, { body: { grounds, note } });
}

export async function listRechecks(tradeId: number, signal?: AbortSignal): Promise<RecheckView[]> {
  return (await request<{ rechecks: RecheckView[] }>('GET', `/api/trades/${tradeId}/rechecks`, opts(signal))).rechecks;
}

export function getRecheck(id: number, signal?: AbortSignal): Promise<RecheckView> {
  return request<RecheckView>('GET', `/api/rechecks/${id}`, opts(signal));
}

export function addFinding(id: number, body: { item?: string; text: string; corrections: Correction[] }): Promise<RecheckView> {
  return request<RecheckView>('POST', `/api/rechecks/${id}/findings`, { body });
}

export function proposeOutcome(id: number, outcome: RecheckOutcome, reasons: string): Promise<RecheckView> {
  return request<RecheckView>('POST', `/api/rechecks/${id}/outcome`, { body: { outcome, reasons } });
}

/** base64 CMS SignedData over the report's SHA-256 (detached digest), or a refusal with its reason. */
export function sign(id: number, answer: { signature: string } | { refuse: string }): Promise<RecheckView> {
  return request<RecheckView>('POST', `/api/rechecks/${id}/signatures`, { body: answer });
}

export function reportPdfUrl(id: number): string {
  return `/api/rechecks/${id}/report.pdf`;
}

/** An independent panel (复审) is drawn like a committee, with purpose 'recheck' (the old committee left out). */
export function commitPanelDraw(tradeId: number, seats: { specialty: string; count: number }[]): Promise<DrawView> {
  return request<DrawView>('POST', `/api/trades/${tradeId}/draws`, { body: { seats, tendereeRepresentatives: 0, purpose: 'recheck' } });
}
