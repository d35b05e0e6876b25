import { z } from 'zod';
import { Id } from './values.js';

/**
 * The expert pool (评标专家库) and the auditable random draw (随机抽取). The seed is committed (its
 * SHA-256 published in the audit chain with the pool snapshot's hash) before the draw and revealed
 * after it; anyone can replay the draw from the recorded pool snapshot and the seed.
 */
export const SpecialtyCode = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/);

export const ExpertStatusRequest = z.strictObject({ status: z.enum(['active', 'suspended']), reason: z.string().trim().min(1).max(500) });

export const ConflictRequest = z.strictObject({
  organisationId: Id,
  reason: z.string().trim().min(1).max(500),
});

/** What a draw is for: the evaluation committee, or an independent recheck panel (复审). */
export const DRAW_PURPOSES = ['evaluation', 'recheck'] as const;
export type DrawPurpose = (typeof DRAW_PURPOSES)[number];

export const DrawCommitRequest = z.strictObject({
  /** Pool seats per specialty, e.g. [{specialty: 'building', count: 3}, {specialty: 'cost', count: 1}]. */
  seats: z.array(z.strictObject({ specialty: SpecialtyCode, count: z.number().int().min(1).max(25) })).min(1).max(10),
  /** The tenderee's representatives on the committee (users named by the tenderee), counted in its size. */
  tendereeRepresentatives: z.number().int().min(0).max(5).default(0),
  /** 'evaluation' (default) or 'recheck': a panel for an open recheck, leaving out every member of the trade's committees. */
  purpose: z.enum(DRAW_PURPOSES).optional(),
});

export const DrawParams = z.strictObject({ id: Id, drawId: Id });
export const AssignmentParams = z.strictObject({ id: Id });
export const RespondRequest = z.strictObject({ accept: z.boolean(), reason: z.string().trim().min(1).max(500).optional() });

export interface PoolEntry {
  userId: number;
  name: string;
  regionCode: string;
  specialties: string[];
  employerOrganisationId: number | null;
  qualificationLevel: string;
}

export interface SeatView {
  seat: number;
  specialty: string;
  userId: number;
  name: string;
  regionCode: string;
  status: 'invited' | 'accepted' | 'declined';
  /** The seat this one replaces (after a decline), if any. */
  replaces: number | null;
  respondedAt: string | null;
  declineReason: string | null;
}

export interface DrawView {
  id: number;
  tradeId: number;
  state: 'committed' | 'drawn';
  purpose: DrawPurpose;
  /** SHA-256 (hex) of the seed, published before the draw. */
  seedCommitment: string;
  /** The seed (hex), revealed after the draw. */
  seed: string | null;
  /** SHA-256 (hex) of the canonical JSON of the eligible pool snapshot. */
  poolHash: string;
  poolSize: number;
  /** Why candidates were left out, per rule (counts; names only for staff). */
  excluded: { rule: string; count: number }[];
  requested: { specialty: string; count: number }[];
  tendereeRepresentatives: number;
  committeeSize: number;
  seats: SeatView[];
  committedAt: string;
  drawnAt: string | null;
}

export interface ReplayView {
  drawId: number;
  /** True when the seats recomputed from the snapshot and the revealed seed equal the recorded ones. */
  matches: boolean;
  seats: { seat: number; specialty: string; userId: number; replaces: number | null }[];
}

export interface AssignmentView {
  id: number;
  tradeId: number;
  tradeCode: string;
  tradeTitle: string;
  specialty: string;
  status: SeatView['status'];
  invitedAt: string;
}
