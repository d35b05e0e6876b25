import { z } from 'zod';
import { DivisionCode, Id } from './values.js';

/**
 * Trades (交易项目): what a trading center publishes, with its notice (公告), documents,
 * clarifications and lifecycle. Shared by the server (validation at the edge) and the client (forms).
 * Amounts are integers in fen (分, 0.01 CNY) so no float ever rounds a price.
 */
export { TRADE_KINDS, type TradeKind, TRADE_METHODS, type TradeMethod, METHODS_BY_KIND, INVITATION_METHODS, TRADE_STATES, type TradeState, KIND_LABELS, METHOD_LABELS } from './trade-names.js';
import { TRADE_KINDS, TRADE_METHODS, TRADE_STATES, type TradeKind, type TradeMethod, type TradeState } from './trade-names.js';

const Fen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Text = (max: number) => z.string().trim().min(1).max(max);
const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

export const Lot = z.strictObject({ no: z.string().regex(/^[0-9A-Za-z-]{1,16}$/), name: Text(200), amountFen: Fen });

/** Kind-specific notice fields. */
export const ConstructionDetails = z.strictObject({
  kind: z.literal('construction'),
  site: Text(200),
  scope: Text(2000),
  durationDays: z.number().int().positive().max(3650),
  qualityStandard: Text(200),
  /** 最高投标限价 (ceiling price), if the tenderee sets one. */
  ceilingPriceFen: Fen.optional(),
});
export const LandDetails = z.strictObject({
  kind: z.literal('land'),
  parcelNo: Text(64),
  location: Text(200),
  areaSqm: z.number().positive().max(1e9),
  landUse: Text(64),
  termYears: z.number().int().positive().max(70),
  plotRatio: Text(32).optional(),
});
export const MiningDetails = z.strictObject({
  kind: z.literal('mining'),
  rightType: z.enum(['exploration', 'extraction']),
  mineral: Text(64),
  location: Text(200),
  areaSqKm: z.number().positive().max(1e6),
  termYears: z.number().int().positive().max(30),
});
export const PropertyDetails = z.strictObject({
  kind: z.literal('property'),
  targetCompany: Text(200),
  sharePercent: z.number().positive().max(100),
  /** 评估值 (approved valuation); the listing price may not be below it. */
  valuationFen: Fen,
});
export const ProcurementDetails = z.strictObject({
  kind: z.literal('procurement'),
  category: z.enum(['goods', 'works', 'services']),
  planNo: Text(64).optional(),
});
export const TradeDetails = z.discriminatedUnion('kind', [ConstructionDetails, LandDetails, MiningDetails, PropertyDetails, ProcurementDetails]);
export type TradeDetails = z.infer<typeof TradeDetails>;

/** The notice as staff write it (draft); the server adds the opening certificate at publication. */
export const TradeNoticeInput = z.strictObject({
  title: Text(200),
  kind: z.enum(TRADE_KINDS),
  method: z.enum(TRADE_METHODS),
  regionCode: DivisionCode,
  tendereeOrganisationId: Id,
  agencyOrganisationId: Id.optional(),
  /** 预算 / 估算 / 起始价: the amount the bid-security cap and lots refer to. */
  amountFen: Fen,
  lots: z.array(Lot).min(1).max(50),
  qualifications: z.array(Text(500)).min(1).max(50),
  bidSecurityFen: Fen,
  /** Documents are available from publication until this instant. */
  documentsUntil: Instant,
  bidDeadline: Instant,
  openingAt: Instant,
  openingPlace: Text(200),
  /** How bids are unlocked at the opening (电子招标投标办法 arts 30–31). */
  unlockMode: z.enum(['bidder', 'officials']),
  /** Opening officials (user ids, role official) who each get one share of the opening key. */
  officials: z.array(Id).min(2).max(15),
  /** Shares needed to rebuild the opening key (k of n). */
  threshold: z.number().int().min(2).max(15),
  /** Organisations invited (邀请招标, 单一来源, or a shortlist for negotiation/consultation/inquiry). */
  invitees: z.array(Id).max(100).optional(),
  details: TradeDetails,
  /** A re-tender (重新招标) names the failed trade it follows. */
  previousTradeId: Id.optional(),
  /** The evaluation template (method and criteria), frozen with the notice at publication; default by kind. */
  evaluationTemplate: z.enum(['construction.comprehensive', 'construction.lowest_price', 'procurement.comprehensive_scoring', 'procurement.lowest_evaluated_price']).optional(),
  /** 暗标: experts see bidders as A, B, C… while scoring the technical part. */
  anonymousTechnical: z.boolean().optional(),
});
export type TradeNoticeInput = z.infer<typeof TradeNoticeInput>;

export const TradeCreateRequest = TradeNoticeInput;
export const TradeUpdateRequest = TradeNoticeInput;

export const TradeListQuery = z.strictObject({
  kind: z.enum(TRADE_KINDS).optional(),
  state: z.enum(TRADE_STATES).optional(),
  region: DivisionCode.optional(),
  mine: z.enum(['true', 'false']).optional(),
});

export const TransitionParams = z.strictObject({ id: Id, transition: z.string().regex(/^[a-z_]{1,32}$/) });
export const TransitionRequest = z.strictObject({ reason: Text(500).optional() });

export interface OfficialView {
  userId: number;
  displayName: string;
  /** Serial of the certificate the share was sealed to. */
  certificateSerial: string | null;
  shareIndex: number | null;
}

export interface TradeTransitionView {
  seq: number;
  name: string;
  from: string;
  to: string;
  actor: string;
  at: string;
  reason: string | null;
}

export interface TradeView {
  id: number;
  code: string;
  state: TradeState;
  kind: TradeKind;
  method: TradeMethod;
  regionCode: string;
  title: string;
  notice: TradeNoticeInput & { tendereeName: string; agencyName: string | null };
  /** Effective bid deadline (pushed back by late clarifications; never earlier than announced). */
  bidDeadline: string;
  openingAt: string;
  publishedAt: string | null;
  /** The opening certificate bids are encrypted to (PEM), once published. */
  openingCertificatePem: string | null;
  openingCertificateSerial: string | null;
  officials: OfficialView[];
  threshold: number;
  /** Transitions the caller may fire now. */
  actions: string[];
  /** Time-limit rules applied to this trade, with their units, for display. */
  limits: { rule: string; value: number; unit: string; earliest?: string }[];
  history?: TradeTransitionView[];
  /** Caller-specific: is the caller's organisation registered (报名) for this trade? */
  registered?: boolean;
  serverTime: string;
}

// ── documents and clarifications ─────────────────────────────────────────────────────────────

export const DOCUMENT_KINDS = ['tender_documents', 'attachment', 'clarification', 'amendment'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Multipart fields that go with an uploaded document (the file field is `file`). */
export const DocumentUploadFields = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS),
  title: Text(200),
  /** A clarification or amendment that affects how bids are prepared (forces the deadline out if late). */
  affectsBids: z.enum(['true', 'false']).optional(),
});

export interface DocumentView {
  id: number;
  tradeId: number;
  kind: DocumentKind;
  title: string;
  fileName: string;
  size: number;
  sha256: string;
  mediaType: string;
  publishedAt: string | null;
  affectsBids: boolean;
  /** For a clarification that pushed the deadline out: the deadline before and after. */
  deadlineMoved: { from: string; to: string } | null;
}

export const DocumentParams = z.strictObject({ id: Id, documentId: Id });

export interface DownloadView {
  organisationId: number;
  organisationName: string;
  uscc: string;
  username: string;
  documentId: number;
  documentTitle: string;
  at: string;
}

export interface RegistrationView {
  tradeId: number;
  organisationId: number;
  organisationName: string;
  registeredAt: string;
}

// ── notifications ────────────────────────────────────────────────────────────────────────────

export interface NotificationView {
  id: number;
  tradeId: number | null;
  kind:
    | 'trade.amended'
    | 'trade.deadline_moved'
    | 'trade.cancelled'
    | 'evaluation.explanation_requested'
    | 'recheck.opened'
    | 'recheck.closed'
    | 'award.publicity_started'
    | 'award.awarded'
    | 'award.result'
    | 'award.passed_on'
    | 'award.contract_due'
    | 'complaints.filed'
    | 'complaints.replied'
    | 'complaints.accepted'
    | 'complaints.decided';
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

/** socket.io namespace for a user's notifications (rooms per user and per organisation). */
export { NOTIFICATIONS_NAMESPACE, NOTIFICATION_EVENT } from './sockets.js';

// ── rules ────────────────────────────────────────────────────────────────────────────────────

export const RULE_UNITS = ['day', 'workingDay', 'month', 'minute', 'percent', 'count', 'point', 'boolean'] as const;
export type RuleUnit = (typeof RULE_UNITS)[number];

export interface RuleView {
  id: string;
  title: { zh: string; en: string };
  value: number;
  unit: RuleUnit;
  defaultValue: number;
  overridable: boolean;
  /** For an overridable row: the value an override may not go below (a stricter local value is always allowed). */
  floor: number | null;
  source: string;
  confidence: '原文' | '二手' | 'unconfirmed' | 'platform';
  kinds: TradeKind[] | null;
  methods: TradeMethod[] | null;
  /** Region whose override applies, or null for the default. */
  overriddenBy: string | null;
}

export const RuleOverrideParams = z.strictObject({ region: DivisionCode, rule: z.string().regex(/^[a-z0-9_.]{1,64}$/) });
export const RuleOverrideRequest = z.strictObject({ value: z.number().finite() });
export const RuleListQuery = z.strictObject({ region: DivisionCode.optional() });
