/**
 * Credit names, labels and views without zod, so the web client can import them (contracts/credit.ts
 * re-exports everything here beside its request schemas).
 */

export const CREDIT_KINDS = ['penalty', 'commendation'] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

export const CREDIT_ROLES = ['bidder', 'tenderer', 'agent', 'expert', 'supplier', 'land_bidder'] as const;
export type CreditRole = (typeof CREDIT_ROLES)[number];

export const CREDIT_SEVERITIES = ['minor', 'general', 'serious'] as const;
export type CreditSeverity = (typeof CREDIT_SEVERITIES)[number];

/** What a record restricts, in every region: `none` (score only), `bidding`, `expert_pool`, or `all`. */
export const CREDIT_SCOPES = ['none', 'bidding', 'expert_pool', 'all'] as const;
export type CreditScope = (typeof CREDIT_SCOPES)[number];

/** A record's standing now: not yet started, in force, ended at its end time, lifted early by repair, or revoked (objection upheld). */
export const CREDIT_STATUSES = ['pending', 'active', 'expired', 'repaired', 'revoked'] as const;
export type CreditStatus = (typeof CREDIT_STATUSES)[number];

/** 信用修复 (after the minimum period, to lift early) or 异议 (the record is wrong; any time). */
export const REPAIR_KINDS = ['repair', 'objection'] as const;
export type RepairKind = (typeof REPAIR_KINDS)[number];
export const REPAIR_STATUSES = ['pending', 'granted', 'refused'] as const;
export type RepairStatus = (typeof REPAIR_STATUSES)[number];

export const CREDIT_LABELS = {
  kind: { penalty: { zh: '不良行为记录', en: 'Penalty' }, commendation: { zh: '良好行为记录', en: 'Commendation' } },
  role: {
    bidder: { zh: '投标人', en: 'Bidder' },
    tenderer: { zh: '招标人', en: 'Tenderer' },
    agent: { zh: '招标代理机构', en: 'Agency' },
    expert: { zh: '评标专家', en: 'Expert' },
    supplier: { zh: '供应商', en: 'Supplier' },
    land_bidder: { zh: '竞买人', en: 'Land bidder' },
  },
  severity: { minor: { zh: '轻微', en: 'Minor' }, general: { zh: '一般', en: 'General' }, serious: { zh: '严重', en: 'Serious' } },
  scope: {
    none: { zh: '仅扣减信用分', en: 'Score deduction only' },
    bidding: { zh: '限制参与投标（全部地区）', en: 'Barred from bidding (all regions)' },
    expert_pool: { zh: '暂停评标专家资格', en: 'Excluded from the expert pool' },
    all: { zh: '限制投标并暂停专家资格', en: 'Barred from bidding and the expert pool' },
  },
  status: {
    pending: { zh: '未生效', en: 'Not yet in force' },
    active: { zh: '生效中', en: 'In force' },
    expired: { zh: '已到期', en: 'Expired' },
    repaired: { zh: '已信用修复', en: 'Repaired' },
    revoked: { zh: '已撤销', en: 'Revoked' },
  },
  repairKind: { repair: { zh: '信用修复', en: 'Credit repair' }, objection: { zh: '异议', en: 'Objection' } },
  repairStatus: { pending: { zh: '待决定', en: 'Pending' }, granted: { zh: '已准予', en: 'Granted' }, refused: { zh: '不予准许', en: 'Refused' } },
} as const;

export interface CreditRegionView {
  code: string;
  name: string;
}

/** A credit record as seen by everyone: the fields a feed carries, plus this deployment's view of it. */
export interface CreditRecordView extends FeedRecord {
  id: number;
  /** Recorded here, or received from another deployment's feed (`source` is that feed's region). */
  origin: 'local' | 'remote';
  source: CreditRegionView | null;
  /** The minimum publicity period ends: a repair may be applied for from then. */
  repairableFrom: string;
  status: CreditStatus;
}

export interface CreditScorePoint {
  at: string;
  score: number;
  /** What changed the score then. */
  event: 'started' | 'ended' | 'lifted';
  record: string;
}

export interface CreditScoreView {
  uscc: string;
  name: string | null;
  at: string;
  score: number;
  base: number;
  /** How the score is computed (the rules rows it reads). */
  formula: string;
  records: CreditRecordView[];
  history: CreditScorePoint[];
}

export interface RepairView {
  id: number;
  recordId: number;
  recordUid: string;
  kind: RepairKind;
  applicant: { userId: number; name: string; organisation: string | null };
  reason: string;
  evidence: string;
  status: RepairStatus;
  appliedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decision: string | null;
}

/** One entry of a region's feed: `cms` is a CMS SignedData (base64 DER) whose content is the canonical JSON of a FeedPayload. */
export interface FeedEntry {
  seq: number;
  cms: string;
}

export interface FeedView {
  region: CreditRegionView;
  head: number;
  entries: FeedEntry[];
}

export type FeedEvent = 'recorded' | 'lifted' | 'revoked';

/** The signed content of a feed entry. `prev` is the SHA-256 (hex) of the previous entry's content ('' for seq 1). */
export interface FeedPayload {
  v: 1;
  region: string;
  seq: number;
  prev: string;
  at: string;
  event: FeedEvent;
  record: FeedRecord;
}

/** A credit record as the feed carries it. `uid` is globally unique (`<publishing region>-<local id>`); `points` are deducted (penalty) or added (commendation). */
export interface FeedRecord {
  uid: string;
  kind: CreditKind;
  subject: { kind: 'organisation' | 'person'; id: string; name: string };
  role: CreditRole;
  persons: { name: string; idNumber: string | null; role: string }[];
  act: string;
  basis: string;
  decisionNo: string;
  authority: string;
  issuingRegion: CreditRegionView;
  severity: CreditSeverity | null;
  scope: CreditScope;
  points: number;
  startsAt: string;
  endsAt: string;
  recordedAt: string;
  liftedAt: string | null;
  liftReason: string | null;
}

export interface PeerRefusalView {
  at: string;
  seq: number | null;
  reason: string;
  detail: string;
}

export interface PeerView {
  code: string;
  url: string;
  lastSeq: number;
  lastOkAt: string | null;
  lastAttemptAt: string | null;
  failures: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  refusals: PeerRefusalView[];
}

export interface PullResult {
  code: string;
  ok: boolean;
  accepted: number;
  refused: PeerRefusalView | null;
  error: string | null;
  lastSeq: number;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function normaliseIdNumber(value: string): string {
  return value.trim().toUpperCase();
}

/** GB 11643-1999 check character over the first 17 digits. */
export function isIdNumber(value: string): boolean {
  if (!/^[1-8][0-9]{16}[0-9X]$/.test(value)) return false;
  const sum = ID_WEIGHTS.reduce((n, w, i) => n + w * Number(value[i]), 0);
  return ID_CHECK[sum % 11] === value[17];
}

/** An ID number as the public list shows it: region part and check character only. */
export function maskIdNumber(value: string): string {
  return value.length === 18 ? `${value.slice(0, 6)}********${value.slice(14)}` : value;
}
