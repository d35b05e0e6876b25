import { z } from 'zod';
import { Id } from './values.js';

/**
 * Objections and challenges (异议 to the tenderee for construction, land, mining and property
 * trades; 质疑 to the purchaser or agent for government procurement — one record kind, labelled by
 * the trade's kind) and complaints (投诉) to the supervisory department, with their statutory windows
 * (rules table `complaints.*`), reply and decision deadlines, attachments and published decisions.
 */

/** What an objection or complaint challenges; each window runs from that event. */
export const COMPLAINT_SUBJECTS = ['documents', 'opening', 'candidates', 'award', 'process'] as const;
export type ComplaintSubject = (typeof COMPLAINT_SUBJECTS)[number];

export const SUBJECT_LABELS: Record<ComplaintSubject, { zh: string; en: string }> = {
  documents: { zh: '招标（采购）文件', en: 'Tender / procurement documents' },
  opening: { zh: '开标', en: 'Bid opening' },
  candidates: { zh: '评标结果（中标候选人公示）', en: 'Evaluation result (candidate publicity)' },
  award: { zh: '中标（成交）结果', en: 'Award' },
  process: { zh: '采购（招标）过程', en: 'Procedure' },
};

/** 异议 (construction family) or 质疑 (government procurement). */
export const OBJECTION_LABELS = {
  objection: { zh: '异议', en: 'Objection' },
  challenge: { zh: '质疑', en: 'Challenge' },
} as const;
export type ObjectionLabel = keyof typeof OBJECTION_LABELS;

export const OBJECTION_STATUSES = ['pending', 'replied', 'withdrawn'] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

export const COMPLAINT_STATUSES = ['filed', 'accepted', 'rejected', 'decided', 'withdrawn'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const COMPLAINT_OUTCOMES = ['dismissed', 'upheld'] as const;
export type ComplaintOutcome = (typeof COMPLAINT_OUTCOMES)[number];

/**
 * What the decision orders (重庆条例 art 43; GP 条例 art 71): nothing / keep the result, a recheck of
 * the evaluation (opened at once), correct the documents, or tender again (the trade fails and may
 * be re-tendered when it has reached the evaluation).
 */
export const COMPLAINT_REMEDIES = ['none', 'keep', 'recheck', 'correct_documents', 're_tender'] as const;
export type ComplaintRemedy = (typeof COMPLAINT_REMEDIES)[number];

const Text = (max: number) => z.string().trim().min(1).max(max);

/**
 * Multipart text fields of an objection or complaint (files: `attachment1` … `attachment5`).
 * Field values are limited to 4 KiB each by the upload parser; longer statements go in an attachment.
 */
export const ObjectionFields = z.strictObject({
  subject: z.enum(COMPLAINT_SUBJECTS),
  /** The facts (事实) the filer relies on. */
  facts: Text(1300),
  /** What the filer asks for (请求). */
  request: Text(1000),
  /** Legal basis (法律依据). */
  legalBasis: Text(1000),
  /** For `process`: the procedural step (a transition name in the trade's history, e.g. close_bidding); default the latest. */
  step: z.string().regex(/^[a-z_]{1,32}$/).optional(),
});

export const ComplaintFields = ObjectionFields.extend({
  /** The objection / challenge this complaint follows (required where the law requires one first). */
  objectionId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
});

export const ATTACHMENT_PARTS = ['attachment1', 'attachment2', 'attachment3', 'attachment4', 'attachment5'] as const;

export const ObjectionReplyRequest = z.strictObject({
  reply: Text(4000),
  upheld: z.boolean(),
  /** For an upheld objection about the candidates: the recheck grounds (contracts/recheck.ts ids; default: every ground that allows a correction — objective items and arithmetic, or 87号令 art 64's four for procurement). */
  grounds: z.array(z.string().regex(/^[a-z_.]{1,48}$/)).max(8).optional(),
});

export const WithdrawRequest = z.strictObject({ reason: Text(1000).optional() });

export const ComplaintAcceptRequest = z.strictObject({ note: Text(1000).optional() });
export const ComplaintRejectRequest = z.strictObject({ reason: Text(2000) });

export const ComplaintDecideRequest = z.strictObject({
  outcome: z.enum(COMPLAINT_OUTCOMES),
  /** The decision letter's text: facts found, the decision and its basis (处理决定). */
  decision: Text(8000),
  remedy: z.enum(COMPLAINT_REMEDIES),
  /** For remedy `recheck`: the recheck grounds (default as for an upheld objection). */
  grounds: z.array(z.string().regex(/^[a-z_.]{1,48}$/)).max(8).optional(),
});

export const AttachmentParams = z.strictObject({ id: Id, attachmentId: Id });

export const ObjectionListQuery = z.strictObject({ status: z.enum(OBJECTION_STATUSES).optional() });
export const ComplaintListQuery = z.strictObject({ status: z.enum(COMPLAINT_STATUSES).optional() });

export interface AttachmentView {
  id: number;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
}

/** The window a filing had to meet (shown with the filing; also the extra of a *_WINDOW_CLOSED refusal). */
export interface WindowView {
  rule: string | null;
  source: string;
  /** Start of the window (the event challenged, or when it became known). */
  from: string | null;
  /** End of the window (exclusive instant), or null when the window has no end yet. */
  endsAt: string | null;
}

export interface ObjectionView {
  id: number;
  tradeId: number;
  tradeCode: string;
  tradeTitle: string;
  /** 异议 (objection) or 质疑 (challenge, government procurement). */
  label: ObjectionLabel;
  subject: ComplaintSubject;
  step: string | null;
  organisationId: number;
  organisationName: string;
  filedBy: string;
  facts: string;
  request: string;
  legalBasis: string;
  attachments: AttachmentView[];
  status: ObjectionStatus;
  filedAt: string;
  window: WindowView;
  replyRule: string;
  replyDueAt: string;
  reply: string | null;
  upheld: boolean | null;
  repliedAt: string | null;
  repliedBy: string | null;
  /** Replied after the reply deadline (recorded, art 77). */
  replyLate: boolean;
  /** While pending, an objection about the candidates or the award holds publicity, the award and the contract record. */
  holds: string[];
  recheckId: number | null;
  /** The recheck module's refusal when an upheld objection could not open a recheck. */
  recheckError: { code: string; detail: string } | null;
  withdrawnAt: string | null;
}

export interface ComplaintView {
  id: number;
  tradeId: number;
  tradeCode: string;
  tradeTitle: string;
  subject: ComplaintSubject;
  step: string | null;
  objectionId: number | null;
  organisationId: number;
  organisationName: string;
  filedBy: string;
  facts: string;
  request: string;
  legalBasis: string;
  attachments: AttachmentView[];
  status: ComplaintStatus;
  filedAt: string;
  window: WindowView;
  acceptanceRule: string;
  acceptanceDueAt: string;
  acceptedAt: string | null;
  rejectedAt: string | null;
  rejectionReason: string | null;
  /** Accepted or rejected after the acceptance deadline (recorded). */
  actedLate: boolean;
  decisionDueAt: string | null;
  /** While accepted: the trade is suspended (every transition refuses TRADE_SUSPENDED). */
  suspended: boolean;
  /** Government procurement: the suspension ends on its own at this instant (complaints.suspension_max.procurement). */
  suspendedUntil: string | null;
  suspensionEndedAt: string | null;
  outcome: ComplaintOutcome | null;
  decision: string | null;
  remedy: ComplaintRemedy | null;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionLate: boolean;
  recheckId: number | null;
  recheckError: { code: string; detail: string } | null;
  /** What the remedy did to the trade (e.g. fail_award), or why it could not. */
  remedyEffect: string | null;
  withdrawnAt: string | null;
}

/** A published complaint decision (政府采购法实施条例 art 58: published; tender complaints likewise). */
export interface ComplaintDecisionView {
  complaintId: number;
  tradeId: number;
  tradeCode: string;
  tradeTitle: string;
  tradeKind: string;
  regionCode: string;
  complainant: string;
  subject: ComplaintSubject;
  request: string;
  outcome: ComplaintOutcome;
  decision: string;
  remedy: ComplaintRemedy;
  filedAt: string;
  acceptedAt: string | null;
  decidedAt: string;
  decidedBy: string;
}
