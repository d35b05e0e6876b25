import { z } from 'zod';
import { CivilDateString } from './calendar.js';
import { Id, Uscc } from './values.js';

/**
 * The award module (定标): candidate publicity (中标候选人公示 / 中标（成交）结果公告 / 交易结果公示),
 * disqualification and declines with the award passing to the next candidate, the award notice
 * (中标通知书 / 成交通知书) and result notices (中标结果通知书) as published PDFs, and the contract record
 * (合同备案) with the signed document's SHA-256.
 *
 * Times are ISO instants; a window's `endsAt` is exclusive: the publicity runs while now < endsAt,
 * i.e. to the end (24:00 China time) of its last civil day `lastDay`.
 */

const Reason = z.string().trim().min(1).max(1000);

export const StartPublicityRequest = z.strictObject({
  /** Shown with the publicity (e.g. where to raise objections); optional. */
  note: z.string().trim().min(1).max(1000).optional(),
});
export const DisqualifyRequest = z.strictObject({ reason: Reason });
export const DeclineRequest = z.strictObject({ reason: Reason });
export const AwardRequest = z.strictObject({});
export const CandidateParams = z.strictObject({ id: Id, bidId: Id });
export const ResultNoticeParams = z.strictObject({ id: Id, bidId: Id });
export const PublicityListQuery = z.strictObject({
  status: z.enum(['running', 'ended', 'withdrawn', 'all']).optional(),
  region: z.string().regex(/^[0-9]{6}$/).optional(),
});

export const ContractParty = z.strictObject({ name: z.string().trim().min(1).max(200), uscc: Uscc });
/** The parties of the contract: the purchaser / tenderee and the winner, each by name and 统一社会信用代码. */
export const ContractParties = z.strictObject({ purchaser: ContractParty, winner: ContractParty });
export type ContractParties = z.infer<typeof ContractParties>;

/** Multipart text fields of `POST /api/trades/:id/contract` (with the `file` part: the signed contract PDF). */
export const ContractFields = z.strictObject({
  signedOn: CivilDateString,
  amountFen: z.string().regex(/^[1-9][0-9]{0,15}$/, 'a positive whole number of fen').transform(Number),
  /** JSON text of ContractParties. */
  parties: z.string().min(2).max(2000),
});

export const CANDIDATE_STATUSES = ['candidate', 'winner', 'declined', 'disqualified'] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

export interface CandidateView {
  rank: number;
  bidId: number;
  bidderName: string;
  uscc: string;
  priceFen: number;
  totalScore: number;
  status: CandidateStatus;
  /** Why a candidate is out (declined / disqualified, incl. a credit restriction's region and basis). */
  reason: string | null;
  decidedAt: string | null;
}

export type PublicityStatus = 'running' | 'ended' | 'withdrawn';

export interface PublicityView {
  id: number;
  tradeId: number;
  tradeCode: string;
  tradeTitle: string;
  kind: string;
  method: string;
  regionCode: string;
  round: number;
  /** 中标候选人公示, 中标结果公告, 成交结果公告 or 交易结果公示. */
  title: string;
  status: PublicityStatus;
  startsAt: string;
  /** Exclusive: the window is open while now < endsAt (the end of `lastDay`, China time). */
  endsAt: string;
  lastDay: string;
  period: { rule: string; value: number; unit: string; source: string };
  /** By when the publicity had to start (award.publicity_start.*), and whether it started later. */
  publishBy: string | null;
  late: boolean;
  note: string | null;
  candidates: CandidateView[];
  withdrawnAt: string | null;
  withdrawnReason: string | null;
}

export interface NoticeFileView {
  url: string;
  sha256: string;
  size: number;
}

export interface AwardNoticeView {
  id: number;
  /** 1 for the first award; each pass-on after the award issues the next. */
  seq: number;
  status: 'current' | 'void';
  bidId: number;
  winner: { name: string; uscc: string };
  priceFen: number;
  totalScore: number | null;
  publicityRound: number;
  awardedAt: string;
  /** award.notice_within measured from the publicity's end (first notice only), and whether it was missed. */
  noticeDeadline: string | null;
  noticeLate: boolean;
  /** award.contract_within from this notice: the contract is due before this instant (end of its last day). */
  contractDeadline: string;
  contractLastDay: string;
  voidedAt: string | null;
  voidReason: string | null;
  /** 中标通知书 / 成交通知书 */
  notice: NoticeFileView & { title: string };
  /** 中标结果通知书 to every other bidder. */
  results: (NoticeFileView & { bidId: number; bidderName: string })[];
}

export interface ContractView {
  tradeId: number;
  awardId: number;
  signedOn: string;
  amountFen: number;
  awardedPriceFen: number;
  parties: ContractParties;
  fileName: string;
  sha256: string;
  size: number;
  recordedAt: string;
  /** The last civil day the contract was due (award.contract_within), and whether it was signed later. */
  dueBy: string;
  late: boolean;
}

export interface AwardSummaryView {
  tradeId: number;
  tradeCode: string;
  tradeTitle: string;
  state: string;
  current: AwardNoticeView | null;
  /** Every notice issued, oldest first (void ones included). */
  notices: AwardNoticeView[];
  candidates: CandidateView[];
  contract: ContractView | null;
  /** The trade failed for want of a candidate (it can be tendered again). */
  failed: { code: 'NO_CANDIDATE_LEFT'; at: string } | null;
}

/** What a disqualification or decline led to. */
export interface CandidateOutcomeView {
  outcome: 'recorded' | 'passed_on' | 'failed';
  /** The candidate now in line (or awarded), if any. */
  next: CandidateView | null;
  award: AwardSummaryView;
  code?: 'NO_CANDIDATE_LEFT';
}

export interface PublicityListItem {
  publicity: PublicityView;
  /** The result once awarded: the current winner. */
  award: { winner: string; uscc: string; priceFen: number; awardedAt: string } | null;
  tradeState: string;
}
