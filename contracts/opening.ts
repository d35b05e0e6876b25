import { z } from 'zod';
import { Id } from './values.js';

/**
 * The remote opening hall (不见面开标). After the bid deadline the trade is in `opening`; staff
 * start the session; bids are unlocked either by the officials' k-of-n opening key (each official
 * decrypts their own share on their side and submits it) or, where the notice says so, by each
 * bidder handing over its bid's content key, with the officials' key as the remedy (电子招标投标办法
 * arts 30–31). Every step is an event with a sequence number (REST and socket.io `/opening`).
 */
export const OPENING_STATES = ['waiting', 'unlocking', 'recorded', 'published', 'closed', 'failed'] as const;
export type OpeningState = (typeof OPENING_STATES)[number];

/** Per bid: opened; refused (it could not be opened as submitted); revoked (撤销, the bidder's own fault in bidder-unlock mode); withdrawn (撤回, someone else's fault). */
export const BID_OUTCOMES = ['opened', 'refused', 'revoked', 'withdrawn'] as const;
export type BidOutcome = (typeof BID_OUTCOMES)[number];

export const REFUSAL_REASONS = ['DECRYPTION_FAILED', 'SIGNATURE_MISMATCH', 'MALFORMED_PACKAGE', 'BIDDER_DID_NOT_UNLOCK', 'UNLOCK_FAILED'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const SubmitShareRequest = z.strictObject({
  /** The official's decrypted share: the share file's text (canonical JSON, as `tenderhall share open` writes it). */
  share: z.string().min(50).max(20_000),
});

export const UnlockRequest = z.strictObject({
  bidId: Id,
  /** The bid's content key, unwrapped by the bidder's own key on the bidder's side (base64, 32 bytes). */
  cek: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
});

export const RemedyRequest = z.strictObject({
  bidId: Id,
  /** Why the bidder did not unlock: its own fault (the bid is revoked, 撤销) or someone else's (the officials' key is tried; if that fails too, 撤回). */
  fault: z.enum(['bidder', 'other']),
  note: z.string().trim().min(1).max(500),
});

export const ConfirmationRequest = z.strictObject({
  decision: z.enum(['confirm', 'object']),
  /** The objection (异议), required when objecting. */
  text: z.string().trim().max(2000).optional(),
});

export const EventsQuery = z.strictObject({ after: z.coerce.number().int().min(0).default(0) });

export interface OpeningResultView {
  bidId: number;
  /** Order of opening. */
  order: number;
  outcome: BidOutcome;
  reason: RefusalReason | null;
  detail: string | null;
  /** Bidder and bid.json facts: published after all unlocking has finished. */
  bidder: { uscc: string; name: string } | null;
  priceFen: number | null;
  bidJson: Record<string, unknown> | null;
  innerSignerSerial: string | null;
  sha256: string;
}

export interface OpeningRecord {
  trade: { id: number; code: string; title: string; kind: string; method: string; regionCode: string };
  openingAt: string;
  openingPlace: string;
  startedAt: string;
  finishedAt: string;
  mode: 'bidder' | 'officials';
  officials: { userId: number; displayName: string; shareIndex: number | null; submittedAt: string | null }[];
  results: OpeningResultView[];
  validBids: number;
  minimumValidBids: number;
  /** 流标: fewer valid bids than the rule requires. */
  failed: boolean;
  failureBasis: string | null;
  /** Filled when the confirmation window closes. */
  confirmations: { organisationName: string; uscc: string; decision: 'confirm' | 'object' | 'deemed_confirmed'; text: string | null; at: string | null }[];
}

export interface OpeningView {
  tradeId: number;
  state: OpeningState;
  mode: 'bidder' | 'officials';
  openingAt: string;
  startedAt: string | null;
  /** Bidder-unlock mode: the bidders' window ends here (then the remedy). */
  unlockUntil: string | null;
  sharesNeeded: number;
  sharesIn: { userId: number; displayName: string; shareIndex: number; at: string }[];
  /** Bids waiting to be opened (counts only before the record, never names). */
  pending: number;
  /** For the trade's staff: which bids wait (ids and hashes, no names), for the remedy. */
  pendingBids?: { bidId: number; sha256: string; receivedAt: string }[];
  /** Per-bid outcomes so far; bidder names and prices only once all unlocking has finished. */
  results: OpeningResultView[];
  record: OpeningRecord | null;
  publishedAt: string | null;
  confirmUntil: string | null;
  /** The caller's own organisation's confirmation, if any. */
  myConfirmation: { decision: 'confirm' | 'object'; text: string | null; at: string } | null;
  /** The caller's own bid (bidder-unlock mode: to unlock it). */
  myBid: { bidId: number; unlocked: boolean } | null;
  lastSeq: number;
  serverTime: string;
}

export const OPENING_EVENT_TYPES = [
  'opening.started',
  'share.received',
  'bid.unlocked',
  'bid.result',
  'record.ready',
  'record.published',
  'confirmation.received',
  'opening.closed',
  'opening.failed',
] as const;
export type OpeningEventType = (typeof OPENING_EVENT_TYPES)[number];

export interface OpeningEvent {
  seq: number;
  type: OpeningEventType;
  at: string;
  payload: Record<string, unknown>;
}

/** socket.io namespace of the live hall; a client emits `join` {tradeId, after} and receives `event`s (snapshot since `after`, then live). */
export { OPENING_NAMESPACE, OPENING_JOIN, OPENING_EVENT, OPENING_TICK } from './sockets.js';
export interface OpeningJoin {
  tradeId: number;
  after?: number;
}
