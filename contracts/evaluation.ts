import { z } from 'zod';
import { Id } from './values.js';

/**
 * Evaluation (评标): the committee reviews compliance (形式/资格/响应性) per bid per expert, scores
 * the judged criteria, and the server computes what is formula — price score, credit score, totals
 * (averages over experts, highest and lowest dropped where the rules table says so), ranking with
 * the tie rules, and the recommended candidates. The report is signed by every expert.
 */
export const EVALUATION_METHODS = ['comprehensive', 'lowest_price', 'comprehensive_scoring', 'lowest_evaluated_price'] as const;
export type EvaluationMethod = (typeof EVALUATION_METHODS)[number];

export const METHOD_NAMES: Record<EvaluationMethod, { zh: string; en: string }> = {
  comprehensive: { zh: '综合评估法', en: 'Comprehensive evaluation' },
  lowest_price: { zh: '经评审的最低投标价法', en: 'Lowest evaluated bid price' },
  comprehensive_scoring: { zh: '综合评分法', en: 'Comprehensive scoring' },
  lowest_evaluated_price: { zh: '最低评标价法', en: 'Lowest evaluated price' },
};

export const COMPLIANCE_CHECKS = ['formal', 'qualification', 'responsiveness'] as const;
export type ComplianceCheck = (typeof COMPLIANCE_CHECKS)[number];

export const EVALUATION_STATES = ['review', 'scoring', 'computed', 'reported', 'final'] as const;
export type EvaluationState = (typeof EVALUATION_STATES)[number];

export const ChairVoteRequest = z.strictObject({ userId: Id });
export const ComplianceVoteRequest = z.strictObject({
  bidId: Id,
  check: z.enum(COMPLIANCE_CHECKS),
  pass: z.boolean(),
  /** Required when the expert would reject (否决投标): the reason is part of the record. */
  reason: z.string().trim().min(1).max(1000).optional(),
});
export const ScoresRequest = z.strictObject({
  scores: z.array(z.strictObject({ bidId: Id, criterion: z.string().regex(/^[a-z_]{1,32}$/), value: z.number().finite().min(0).max(1000) })).min(1).max(2000),
});
export const SignatureRequest = z.union([
  z.strictObject({ signature: z.string().min(100).max(200_000) }),
  z.strictObject({ refuse: z.string().trim().min(1).max(1000) }),
]);

export interface CriterionView {
  id: string;
  name: { zh: string; en: string };
  kind: 'judged' | 'price' | 'credit';
  max: number;
}

export interface ComplianceDecision {
  bidId: number;
  compliant: boolean;
  /** Per check: pass/fail by majority, the reasons given by those who rejected, and who dissented from the majority. */
  checks: { check: ComplianceCheck; pass: boolean; failVotes: number; passVotes: number; reasons: { expert: string; reason: string }[]; dissent: string[] }[];
}

export interface RankedBid {
  bidId: number;
  bidder: { uscc: string; name: string; label: string };
  priceFen: number;
  /** Per criterion: the score counted (judged: the average, extremes dropped where the rule says), and each expert's. */
  criteria: { id: string; score: number; byExpert: { expert: string; value: number; dropped: boolean }[] }[];
  total: number;
  rank: number;
  tied: boolean;
  /** Government procurement: another bidder of the same core-product brand ranked higher, so this one is not a candidate (87号令 art 31). */
  sameBrandAs: number | null;
}

export interface EvaluationResult {
  method: EvaluationMethod;
  templateId: string;
  compliance: ComplianceDecision[];
  ranked: RankedBid[];
  /** The rejected bids with their reasons (否决投标). */
  rejected: { bidId: number; bidder: string; reasons: string[] }[];
  candidates: { rank: number; bidId: number; bidder: string }[];
  benchmarkFen: number | null;
  dropExtremes: boolean;
}

export interface EvaluationView {
  tradeId: number;
  state: EvaluationState;
  templateId: string;
  method: EvaluationMethod;
  anonymous: boolean;
  criteria: CriterionView[];
  members: { userId: number; name: string; submitted: boolean; signed: 'signed' | 'refused' | null }[];
  chair: number | null;
  bids: { bidId: number; label: string; bidder: { uscc: string; name: string } | null; priceFen: number }[];
  myVotes: { bidId: number; check: ComplianceCheck; pass: boolean; reason: string | null }[];
  myScores: { bidId: number; criterion: string; value: number }[];
  result: EvaluationResult | null;
  reportSha256: string | null;
  /** More than a third asked for more time (实施条例 art 48): the evaluation is extended. */
  extended: boolean;
  moreTimeRequests: number;
  /** Written explanations requested for suspected below-cost prices, with the bidders' answers. */
  explanations: ExplanationView[];
  /** Arithmetic corrections proposed to bidders (算术修正) and their answers. */
  corrections: CorrectionView[];
  /** Bids the machine found invalid, whatever the votes (a refused arithmetic correction; a project manager under a credit restriction at the deadline). */
  forcedRejections: { bidId: number; reason: string }[];
  /** After the review: the bids it rejected (by the votes or the platform's finding), which are not scored. Empty during the review. */
  rejectedBids: number[];
  /** The recheck whose correction the result carries (the result shown is the corrected one), or null. */
  correctedByRecheck: number | null;
  /** 1 for the first committee; n + 1 after n rounds were voided by rechecks ordering re-evaluation. */
  round: number;
}

export interface ExplanationView {
  bidId: number;
  question: string;
  requestedAt: string;
  deadline: string;
  answer: string | null;
  answeredAt: string | null;
}

export interface CorrectionView {
  bidId: number;
  originalFen: number;
  correctedFen: number;
  steps: { rule: string; note: string; fromFen: number; toFen: number }[];
  status: 'pending' | 'accepted' | 'refused';
  answeredAt: string | null;
}
export const CorrectionAnswer = z.strictObject({ accept: z.boolean() });

export const MoreTimeRequest = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const SuspicionRequest = z.strictObject({ bidId: Id });
export const ExplanationAnswer = z.strictObject({ answer: z.string().trim().min(1).max(20_000) });
export const ReplaceMemberRequest = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const MemberParams = z.strictObject({ id: Id, userId: Id });

/** socket.io namespace of the live evaluation room: emit `join` {tradeId} (ack: {ok, view}); receive `presence` and `progress`. */
export { EVALUATION_NAMESPACE, EVALUATION_JOIN, EVALUATION_PRESENCE, EVALUATION_PROGRESS } from './sockets.js';

/** What the room broadcasts: who has done what — never a score before the result. */
export interface EvaluationProgress {
  tradeId: number;
  state: EvaluationState;
  chair: number | null;
  members: { userId: number; name: string; submitted: boolean; signed: 'signed' | 'refused' | null }[];
  /** Compliance votes in, of the votes needed. */
  votes: { cast: number; needed: number };
  /** Present only once computed. */
  result: EvaluationResult | null;
}
