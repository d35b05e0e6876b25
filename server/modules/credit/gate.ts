import { QueryTypes, type Transaction } from 'sequelize';
import type { Db } from '../../db/index.js';
import { AppError } from '../../kernel/errors.js';
import { chinaTimeText } from '../../kernel/calendar/calendar.js';

/**
 * The one interface every enforcement point calls (registration for a trade, bid upload, the award,
 * the expert draw): is this organisation (by USCC) or person (by ID number) barred from `action` at
 * `at`? It reads credit_restrictions, which the credit service fills from local penalties and from
 * other deployments' verified feeds alike: a remote penalty restricts exactly as a local one.
 */
export type CreditAction = 'register' | 'bid' | 'award' | 'expert';

export interface ActiveRestriction {
  id: number;
  scope: string;
  issuingRegionCode: string;
  issuingRegionName: string;
  basis: string;
  startsAt: Date;
  endsAt: Date | null;
}

const SCOPES: Record<CreditAction, string[]> = { register: ['bidding', 'all'], bid: ['bidding', 'all'], award: ['bidding', 'all'], expert: ['expert_pool', 'all'] };

interface RestrictionRow {
  id: number;
  uscc: string;
  scope: string;
  issuing_region_code: string;
  issuing_region_name: string | null;
  basis: string;
  starts_at: Date | string;
  ends_at: Date | string | null;
}

const restriction = (r: RestrictionRow): ActiveRestriction & { subject: string } => ({
  id: r.id,
  subject: r.uscc,
  scope: r.scope,
  issuingRegionCode: r.issuing_region_code,
  issuingRegionName: r.issuing_region_name ?? r.issuing_region_code,
  basis: r.basis,
  startsAt: new Date(r.starts_at),
  endsAt: r.ends_at ? new Date(r.ends_at) : null,
});

export class CreditGate {
  constructor(private readonly db: Db) {}

  async restrictions(uscc: string, action: CreditAction, at: Date, t?: Transaction): Promise<ActiveRestriction[]> {
    return this.restrictionsOf([uscc], action, at, t);
  }

  /** Active restrictions of any of `subjects` (USCCs or ID numbers). */
  async restrictionsOf(subjects: string[], action: CreditAction, at: Date, t?: Transaction): Promise<(ActiveRestriction & { subject: string })[]> {
    return this.select(subjects, action, 'lifted_at IS NULL AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)', [at, at], t);
  }

  /**
   * The restrictions of `subjects` that were in force at `at` as this deployment knew them then:
   * created (recorded here or received from a peer) by `at`, started, not ended and not lifted by
   * `at`. Later records and later lifts change nothing, so the answer for a past instant is fixed.
   */
  async restrictionsKnownAt(subjects: string[], action: CreditAction, at: Date, t?: Transaction): Promise<(ActiveRestriction & { subject: string })[]> {
    return this.select(subjects, action, 'created_at <= ? AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?) AND (lifted_at IS NULL OR lifted_at > ?)', [at, at, at, at], t);
  }

  private async select(subjects: string[], action: CreditAction, when: string, at: Date[], t?: Transaction): Promise<(ActiveRestriction & { subject: string })[]> {
    if (subjects.length === 0) return [];
    const rows = await this.db.query<RestrictionRow>(
      `SELECT id, uscc, scope, issuing_region_code, issuing_region_name, basis, starts_at, ends_at FROM credit_restrictions
        WHERE uscc IN (?) AND scope IN (?) AND ${when} ORDER BY starts_at, id`,
      { replacements: [subjects, SCOPES[action], ...at], type: QueryTypes.SELECT, ...(t ? { transaction: t } : {}) },
    );
    return rows.map(restriction);
  }

  /** Throws CREDIT_RESTRICTED naming the issuing region and basis of the first active restriction. */
  async assertAllowed(uscc: string, action: CreditAction, at: Date, t?: Transaction): Promise<void> {
    const [first] = await this.restrictions(uscc, action, at, t);
    if (first) {
      const until = first.endsAt ? ` until ${chinaTimeText(first.endsAt)}` : '';
      throw new AppError('CREDIT_RESTRICTED', `restricted by ${first.issuingRegionName} (${first.issuingRegionCode}): ${first.basis}${until}`, {
        extra: { issuingRegion: first.issuingRegionCode, issuingRegionName: first.issuingRegionName, basis: first.basis, until: first.endsAt?.toISOString() ?? null, restriction: first.id },
      });
    }
  }
}
