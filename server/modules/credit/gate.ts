import { QueryTypes, type Transaction } from 'sequelize';
import type { Db } from '../../db/index.js';
import { AppError } from '../../kernel/errors.js';

/**
 * The one interface every enforcement point calls (registration for a trade, bid upload; later the
 * award and the expert draw): is this organisation barred from `action` at `at`? Today it consults
 * the credit_restrictions table, which the credit module (a later issue) fills from local penalties
 * and from other regions' signed feeds; the callers do not change when it does.
 */
export type CreditAction = 'register' | 'bid' | 'award' | 'expert';

export interface ActiveRestriction {
  id: number;
  scope: string;
  issuingRegionCode: string;
  basis: string;
  startsAt: Date;
  endsAt: Date | null;
}

const SCOPES: Record<CreditAction, string[]> = { register: ['bidding', 'all'], bid: ['bidding', 'all'], award: ['bidding', 'all'], expert: ['expert_pool', 'all'] };

export class CreditGate {
  constructor(private readonly db: Db) {}

  async restrictions(uscc: string, action: CreditAction, at: Date, t?: Transaction): Promise<ActiveRestriction[]> {
    const rows = await this.db.query<{ id: number; scope: string; issuing_region_code: string; basis: string; starts_at: Date | string; ends_at: Date | string | null }>(
      `SELECT id, scope, issuing_region_code, basis, starts_at, ends_at FROM credit_restrictions
        WHERE uscc = ? AND scope IN (?) AND lifted_at IS NULL AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)
        ORDER BY starts_at`,
      { replacements: [uscc, SCOPES[action], at, at], type: QueryTypes.SELECT, ...(t ? { transaction: t } : {}) },
    );
    return rows.map((r) => ({
      id: r.id,
      scope: r.scope,
      issuingRegionCode: r.issuing_region_code,
      basis: r.basis,
      startsAt: new Date(r.starts_at),
      endsAt: r.ends_at ? new Date(r.ends_at) : null,
    }));
  }

  /** Throws CREDIT_RESTRICTED naming the issuing region and basis of the first active restriction. */
  async assertAllowed(uscc: string, action: CreditAction, at: Date, t?: Transaction): Promise<void> {
    const [first] = await this.restrictions(uscc, action, at, t);
    if (first) {
      throw new AppError('CREDIT_RESTRICTED', `restricted by region ${first.issuingRegionCode}: ${first.basis}`, {
        extra: { issuingRegion: first.issuingRegionCode, basis: first.basis, until: first.endsAt?.toISOString() ?? null },
      });
    }
  }
}
