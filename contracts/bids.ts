import { z } from 'zod';
import { Id } from './values.js';
import { IdNumber } from './credit.js';

/**
 * Sealed bids: the upload (multipart/form-data) and what the bidder gets back.
 *
 * POST /api/trades/:id/bids with the parts
 *   envelope   the sealed bid (CMS AuthEnvelopedData, the crypto library's format), file part
 *   signature  the outer signature over the envelope's SHA-256 (CMS SignedData, DER), file part
 *   replaces   optional: the bid id the bidder believes is current (optimistic check)
 * and optionally an `Idempotency-Key` header. Same bytes from the same organisation answer the
 * original receipt (200) instead of a second bid.
 */
export const BID_UPLOAD_FIELDS = { envelope: 'envelope', signature: 'signature', replaces: 'replaces' } as const;
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export const BidUploadFields = z.strictObject({ replaces: Id.optional() });

export const BidParams = z.strictObject({ id: Id, bidId: Id });

export const BID_STATUSES = ['current', 'replaced', 'withdrawn'] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

/** The bid package's bid.json (inside the sealed envelope; checked at the opening). */
export const BidJson = z.strictObject({
  format: z.literal('tenderhall-bid'),
  version: z.literal(1),
  trade: z.string().min(1).max(64),
  bidder: z.strictObject({ uscc: z.string().length(18), name: z.string().min(1).max(200) }),
  lot: z.string().min(1).max(16),
  /** 投标报价 in fen. */
  priceFen: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  durationDays: z.number().int().positive().max(3650).optional(),
  quality: z.string().max(200).optional(),
  projectManager: z.string().max(100).optional(),
  /** The project manager's 居民身份证号码: checked against person credit restrictions when the evaluation starts. */
  projectManagerIdNumber: IdNumber.optional(),
  bidSecurity: z.string().max(200).optional(),
  /** Government procurement: the brand of the core product offered (同品牌投标人按一家计算, 87号令 art 31). */
  coreProductBrand: z.string().trim().min(1).max(100).optional(),
  /** 大写金额 of the price, e.g. 玖佰捌拾万元整 (arithmetic correction: words prevail over figures). */
  priceInWords: z.string().trim().min(2).max(100).optional(),
  /** 分项报价: quantity × unit price per line (arithmetic correction: unit prices prevail over the total). */
  lines: z.array(z.strictObject({ item: z.string().min(1).max(200), quantity: z.number().positive().max(1e9), unitPriceFen: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), amountFen: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) })).max(500).optional(),
  notes: z.string().max(2000).optional(),
  /** Attachments in the package: name and SHA-256. */
  files: z.array(z.strictObject({ name: z.string().min(1).max(200), sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() })).max(200),
});
export type BidJson = z.infer<typeof BidJson>;

export interface BidView {
  id: number;
  tradeId: number;
  /** This organisation's submission number in the trade (1, 2 … for replacements). */
  seq: number;
  status: BidStatus;
  sha256: string;
  size: number;
  fileName: string;
  receivedAt: string;
  withdrawnAt: string | null;
  replacedBy: number | null;
  signerSerial: string;
  /** True when a clarification or amendment affecting bids was published after this bid arrived. */
  predatesAmendment: boolean;
}

export interface BidReceiptView {
  bid: BidView;
  /** The platform-signed receipt (CMS SignedData, DER) in base64: `openssl cms -verify` reads it. */
  receipt: string;
  /** The signed content, for display: {bidder, receivedAt, seq, sha256, size, timestampToken, trade}. */
  receiptContent: { trade: string; bidder: string; sha256: string; size: number; receivedAt: string; seq: number };
  /** True when this answer is the original receipt for a retried upload. */
  replayed: boolean;
  /** Accepted, but the bidder should act before the deadline, e.g. BID_WRONG_RECIPIENT (it could never be opened). */
  warnings: { code: 'BID_WRONG_RECIPIENT'; message: string }[];
}

export interface WithdrawalView {
  bid: BidView;
  /** Platform-signed acknowledgement of the withdrawal (CMS SignedData, DER, base64). */
  acknowledgement: string;
}
