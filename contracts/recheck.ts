import { z } from 'zod';
import type { ComplianceCheck, EvaluationProgress, EvaluationResult } from './evaluation.js';
import { COMPLIANCE_CHECKS } from './evaluation.js';
import type { TradeKind } from './trades.js';
import { Id } from './values.js';

/**
 * The recheck of a signed evaluation (domain-rules.md §4): 复核 by the original committee on the
 * grounds the law allows, or — where a region's policy says so (`recheck.independent_panel`) — 复审
 * by an independent panel drawn like a committee. Its outcome is limited to what the statutes allow:
 * confirm; correct objective or arithmetic errors (each change with its reason); or, only on a
 * ground that voids the committee's conclusion, order re-evaluation by a new committee.
 */
export const RECHECK_KINDS = ['review', 'panel'] as const;
export type RecheckKind = (typeof RECHECK_KINDS)[number];
export const RECHECK_KIND_NAMES: Record<RecheckKind, { zh: string; en: string }> = {
  review: { zh: '复核', en: 'Review by the original committee' },
  panel: { zh: '复审', en: 'Review by an independent panel' },
};

export const RECHECK_TRIGGERS = ['request', 'objection', 'automatic'] as const;
export type RecheckTrigger = (typeof RECHECK_TRIGGERS)[number];
export const RECHECK_TRIGGER_NAMES: Record<RecheckTrigger, { zh: string; en: string }> = {
  request: { zh: '招标人/代理机构或监督部门申请', en: 'Requested by the tenderee side or a supervisor' },
  objection: { zh: '公示期间异议成立', en: 'Objection upheld during publicity' },
  automatic: { zh: '平台自动复算发现差异', en: 'Automatic recomputation found a difference' },
};

export const RECHECK_OUTCOMES = ['confirm', 'correct', 'reevaluate'] as const;
export type RecheckOutcome = (typeof RECHECK_OUTCOMES)[number];
export const RECHECK_OUTCOME_NAMES: Record<RecheckOutcome, { zh: string; en: string }> = {
  confirm: { zh: '维持原评审结果', en: 'Confirm the result' },
  correct: { zh: '纠正错误（修正分值与排序）', en: 'Correct the figures and ranking' },
  reevaluate: { zh: '评审结论无效，重新组建评标委员会评审', en: 'Void; re-evaluation by a new committee' },
};

export const RECHECK_STATES = ['open', 'signing', 'closing', 'closed'] as const;
export type RecheckState = (typeof RECHECK_STATES)[number];

export interface RecheckGround {
  id: string;
  label: { zh: string; en: string };
  /** Trade kinds the ground applies to. */
  kinds: readonly TradeKind[];
  /** Outcomes this ground allows (confirm is always among them). */
  outcomes: readonly RecheckOutcome[];
  /** Only the platform opens a recheck on this ground (a defect of the report, not a change of the result). */
  automaticOnly?: boolean;
  source: string;
}

const TENDER_LAW_KINDS = ['construction', 'land', 'mining', 'property'] as const;
const ALL_KINDS = ['construction', 'land', 'mining', 'property', 'procurement'] as const;

/**
 * The grounds a recheck may be opened on. Government procurement: the closed list of 87号令 art 64
 * (`recheck.grounds.procurement`). The tender-law family: objective items and arithmetic (实施条例
 * art 56; 重庆条例 art 44), plus the grounds that void the committee's conclusion — the only ones
 * that allow ordering re-evaluation (实施条例 arts 70, 81).
 */
export const RECHECK_GROUNDS: readonly RecheckGround[] = [
  { id: 'gp.sum_error', label: { zh: '分值汇总计算错误', en: 'Error in summing the scores' }, kinds: ['procurement'], outcomes: ['confirm', 'correct'], source: '政府采购货物和服务招标投标管理办法（87号令）第六十四条第（一）项' },
  { id: 'gp.score_out_of_range', label: { zh: '分项评分超出评分标准规定的评分范围', en: 'A sub-score outside the range the criteria allow' }, kinds: ['procurement'], outcomes: ['confirm', 'correct'], source: '87号令第六十四条第（二）项' },
  { id: 'gp.objective_inconsistent', label: { zh: '评标委员会成员对客观评审因素评分不一致', en: 'Members scored an objective factor differently' }, kinds: ['procurement'], outcomes: ['confirm', 'correct'], source: '87号令第六十四条第（三）项' },
  { id: 'gp.abnormal_score', label: { zh: '经评标委员会认定评分畸高、畸低', en: 'A score the committee finds abnormally high or low' }, kinds: ['procurement'], outcomes: ['confirm', 'correct'], source: '87号令第六十四条第（四）项' },
  { id: 'arithmetic', label: { zh: '评分汇总、计算错误或分项评分超出范围', en: 'Arithmetic: sums, computations, a score outside its range' }, kinds: TENDER_LAW_KINDS, outcomes: ['confirm', 'correct'], source: '招标投标法实施条例 第五十六条；重庆市招标投标条例 第四十四条（客观评审行为由原评标委员会复核）' },
  { id: 'objective_item', label: { zh: '客观评审因素（资格审查、否决投标、商务评分）评审错误', en: 'An objective item (qualification, rejection, commercial score) wrongly assessed' }, kinds: TENDER_LAW_KINDS, outcomes: ['confirm', 'correct'], source: '招标投标法实施条例 第五十六条；重庆市招标投标条例 第四十四条' },
  { id: 'abnormal_score', label: { zh: '个别专家评分明显偏离（畸高、畸低）', en: 'An expert’s score clearly deviating from the committee' }, kinds: TENDER_LAW_KINDS, outcomes: ['confirm', 'correct'], source: '招标投标法实施条例 第五十六条；地方评标报告复核规则' },
  { id: 'rejection_reason_missing', label: { zh: '否决投标（投标无效）未载明理由', en: 'A rejected bid without its stated reason' }, kinds: ALL_KINDS, outcomes: ['confirm', 'correct'], automaticOnly: true, source: '评标委员会和评标方法暂行规定 第四十二条；87号令第五十八条（评标报告应载明无效投标及原因）' },
  { id: 'committee_composition', label: { zh: '评标委员会组建或成员更换违法', en: 'The committee was wrongly composed or changed' }, kinds: TENDER_LAW_KINDS, outcomes: ['confirm', 'reevaluate'], source: '招标投标法实施条例 第七十条' },
  { id: 'member_misconduct', label: { zh: '评标委员会成员违法评标，对结果造成实质性影响', en: 'Member misconduct with a substantive effect on the result' }, kinds: TENDER_LAW_KINDS, outcomes: ['confirm', 'reevaluate'], source: '招标投标法实施条例 第七十一条、第八十一条' },
  { id: 'independence_interfered', label: { zh: '评标活动的独立性受到非法干预', en: 'The evaluation’s independence was illegally interfered with' }, kinds: TENDER_LAW_KINDS, outcomes: ['confirm', 'reevaluate'], source: '招标投标法实施条例 第八十一条（参照87号令第六十七条）' },
];

export const groundById = (id: string): RecheckGround | undefined => RECHECK_GROUNDS.find((g) => g.id === id);
/** Grounds whose only non-confirm outcome is a new committee (the conclusion is void). */
export const VOID_COMMITTEE_GROUNDS = RECHECK_GROUNDS.filter((g) => g.outcomes.includes('reevaluate')).map((g) => g.id);

export const GroundId = z.string().regex(/^[a-z_.]{1,48}$/);

export const RecheckRequest = z.strictObject({
  grounds: z.array(GroundId).min(1).max(RECHECK_GROUNDS.length),
  note: z.string().trim().min(1).max(4000),
});

/** A raw score corrected: the expert's value for a criterion of a bid (inside the criterion's range). */
export const ScoreCorrection = z.strictObject({
  kind: z.literal('score'),
  bidId: Id,
  expertUserId: Id,
  criterion: z.string().regex(/^[a-z_]{1,32}$/),
  value: z.number().finite().min(0).max(1000),
  reason: z.string().trim().min(1).max(1000),
});
/** The missing reason of an expert's rejection vote supplied (the decision itself is unchanged). */
export const RejectionReasonCorrection = z.strictObject({
  kind: z.literal('rejection_reason'),
  bidId: Id,
  expertUserId: Id,
  check: z.enum(COMPLIANCE_CHECKS),
  text: z.string().trim().min(1).max(1000),
  reason: z.string().trim().min(1).max(1000),
});
export const Correction = z.discriminatedUnion('kind', [ScoreCorrection, RejectionReasonCorrection]);
export type Correction = z.infer<typeof Correction>;

export const FindingRequest = z.strictObject({
  /** The flagged diff item (its `key`) the finding is about, or absent for a matter the member raises. */
  item: z.string().min(1).max(200).optional(),
  text: z.string().trim().min(1).max(4000),
  corrections: z.array(Correction).max(50).default([]),
});

export const OutcomeRequest = z.strictObject({
  outcome: z.enum(RECHECK_OUTCOMES),
  reasons: z.string().trim().min(1).max(4000),
});

export const RecheckSignatureRequest = z.union([
  z.strictObject({ signature: z.string().min(100).max(200_000) }),
  z.strictObject({ refuse: z.string().trim().min(1).max(1000) }),
]);

/** One difference the automatic recomputation (or a check of the raw inputs) found. */
export type DiffItem =
  | { key: string; type: 'total_mismatch'; bidId: number; bidder: string; stored: number | null; recomputed: number | null }
  | { key: string; type: 'ranking_mismatch'; stored: { bidId: number; rank: number }[]; recomputed: { bidId: number; rank: number }[] }
  | { key: string; type: 'candidates_mismatch'; stored: number[]; recomputed: number[] }
  | { key: string; type: 'compliance_mismatch'; bidId: number; bidder: string; stored: boolean; recomputed: boolean }
  | { key: string; type: 'score_out_of_range'; bidId: number; bidder: string; expertUserId: number; expert: string; criterion: string; value: number; max: number }
  | { key: string; type: 'rejection_reason_missing'; bidId: number; bidder: string; check: ComplianceCheck; experts: { userId: number; name: string }[] }
  | { key: string; type: 'score_deviation'; bidId: number; bidder: string; expertUserId: number; expert: string; criterion: string; value: number; mean: number; max: number; sharePercent: number };

export interface RecheckDiff {
  computedAt: string;
  /** The rules the recomputation used. */
  rules: { dropExtremes: boolean; sameBrandAsOne: boolean; deviationSharePercent: number };
  items: DiffItem[];
}

export interface FindingView {
  id: number;
  userId: number;
  name: string;
  item: string | null;
  text: string;
  corrections: Correction[];
  at: string;
}

export interface RecheckChange {
  kind: 'score' | 'rejection_reason';
  bidId: number;
  bidder: string;
  expertUserId: number;
  expert: string;
  criterion?: string;
  check?: ComplianceCheck;
  from: number | string | null;
  to: number | string;
  reason: string;
}

export interface RecheckReport {
  trade: { code: string; title: string; kind: TradeKind; method: string };
  recheck: { id: number; kind: RecheckKind; kindName: string; trigger: RecheckTrigger; note: string; openedAt: string; evaluationRound: number };
  grounds: { id: string; label: string; source: string }[];
  members: { userId: number; name: string }[];
  diff: DiffItem[];
  findings: { by: string; item: string | null; text: string; corrections: Correction[] }[];
  outcome: { decision: RecheckOutcome; name: string; reasons: string; proposedBy: string };
  /** For 'correct': each change with its reason, and the ranking before and after. */
  changes: RecheckChange[];
  rankingBefore: { rank: number; bidId: number; bidder: string; total: number }[] | null;
  rankingAfter: { rank: number; bidId: number; bidder: string; total: number }[] | null;
  candidatesAfter: { rank: number; bidId: number; bidder: string }[] | null;
  writtenAt: string;
}

export interface RecheckMemberView {
  userId: number;
  name: string;
  joinedAt: string;
  signed: 'signed' | 'refused' | null;
  refusedReason: string | null;
  signedAt: string | null;
}

export interface RecheckView {
  id: number;
  tradeId: number;
  tradeCode: string;
  kind: RecheckKind;
  trigger: RecheckTrigger;
  grounds: { id: string; label: { zh: string; en: string }; source: string }[];
  note: string;
  objectionId: number | null;
  state: RecheckState;
  openedBy: string;
  openedAt: string;
  evaluationRound: number;
  /** For a panel: how many members it needs (the accepted draw); null for the original committee. */
  panelSize: number | null;
  members: RecheckMemberView[];
  diff: RecheckDiff | null;
  findings: FindingView[];
  outcome: { decision: RecheckOutcome; reasons: string; proposedBy: number; proposedAt: string } | null;
  /** Outcomes the grounds allow. */
  allowedOutcomes: RecheckOutcome[];
  reportSha256: string | null;
  report: RecheckReport | null;
  closedAt: string | null;
  /** Members, staff and supervisors: the evaluation's raw votes and scores per expert, and its stored result. */
  evaluation: {
    criteria: { id: string; name: { zh: string; en: string }; kind: string; max: number }[];
    bids: { bidId: number; label: string; bidder: string; priceFen: number }[];
    experts: { userId: number; name: string }[];
    votes: { bidId: number; expertUserId: number; check: ComplianceCheck; pass: boolean; reason: string | null }[];
    scores: { bidId: number; expertUserId: number; criterion: string; value: number }[];
    result: EvaluationResult | null;
  } | null;
}

export const RecheckListQuery = z.strictObject({});

/** The room (the evaluation namespace): emit `join` {recheckId}; `progress` carries a RecheckProgress. */
export { RECHECK_ROOM_KEY } from './sockets.js';
export interface RecheckProgress {
  recheckId: number;
  tradeId: number;
  state: RecheckState;
  members: { userId: number; name: string; signed: 'signed' | 'refused' | null }[];
  findings: number;
  outcome: RecheckOutcome | null;
}
export type RoomProgress = EvaluationProgress | RecheckProgress;
