import { QueryTypes } from 'sequelize';
import { RuleListQuery, RuleOverrideParams, RuleOverrideRequest, type RuleView, type TradeKind, type TradeMethod } from '../../../contracts/trades.js';
import type { Db } from '../../db/index.js';
import type { Actor } from '../actor.js';
import type { AuditLog } from '../audit/service.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { PUBLIC, roles, route, type RouteSpec } from '../http.js';
import { applicableRule, RULES, ruleRow, type RuleRow } from './table.js';

export interface RegionLineage {
  /** The region and its ancestors, nearest first. */
  lineage(code: string): { code: string }[];
}

export interface EffectiveRule {
  row: RuleRow;
  value: number;
  overriddenBy: string | null;
}

/**
 * Reads the rules table with region overrides: the nearest region (the trade's own, then its
 * ancestors) that overrides a row wins. Overrides are cached in memory and reloaded on change.
 */
export class RulesService {
  private overrides: Map<string, number> | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly regions: RegionLineage,
  ) {}

  private async load(): Promise<Map<string, number>> {
    if (this.overrides) return this.overrides;
    const rows = await this.db.query<{ region_code: string; rule_id: string; value: number }>('SELECT region_code, rule_id, value FROM rule_overrides', {
      type: QueryTypes.SELECT,
    });
    this.overrides = new Map(rows.map((r) => [`${r.region_code}|${r.rule_id}`, Number(r.value)]));
    return this.overrides;
  }

  async effective(row: RuleRow, regionCode: string): Promise<EffectiveRule> {
    const overrides = await this.load();
    if (row.overridable) {
      for (const region of this.regions.lineage(regionCode)) {
        const value = overrides.get(`${region.code}|${row.id}`);
        if (value !== undefined) return { row, value, overriddenBy: region.code };
      }
    }
    return { row, value: row.value, overriddenBy: null };
  }

  /** The effective row of a family that applies to a trade of this kind and method, or null. */
  async forTrade(prefix: string, trade: { kind: TradeKind; method: TradeMethod; regionCode: string }): Promise<EffectiveRule | null> {
    const row = applicableRule(prefix, trade.kind, trade.method);
    return row ? this.effective(row, trade.regionCode) : null;
  }

  async list(regionCode: string | undefined): Promise<RuleView[]> {
    return Promise.all(
      RULES.map(async (row: RuleRow) => {
        const eff = regionCode ? await this.effective(row, regionCode) : { value: row.value, overriddenBy: null };
        return {
          id: row.id,
          title: row.title,
          value: eff.value,
          unit: row.unit,
          defaultValue: row.value,
          overridable: row.overridable,
          floor: row.floor ?? null,
          source: row.source,
          confidence: row.confidence,
          kinds: row.kinds ? [...row.kinds] : null,
          methods: row.methods ? [...row.methods] : null,
          overriddenBy: eff.overriddenBy,
        };
      }),
    );
  }

  /** A region's own value for an overridable row; statutory rows refuse, and a looser value than the floor is refused. */
  async override(actor: Actor, regionCode: string, ruleId: string, value: number): Promise<RuleView> {
    const row = ruleRow(ruleId);
    if (!row) throw new AppError('RULE_UNKNOWN', `no rule ${ruleId}`);
    if (!row.overridable) throw new AppError('RULE_NOT_OVERRIDABLE', `${ruleId} is fixed by ${row.source}`, { extra: { rule: row.id, source: row.source } });
    if (row.unit === 'boolean' ? value !== 0 && value !== 1 : !Number.isInteger(value) && row.unit !== 'percent') {
      throw new AppError('VALIDATION_FAILED', `value must be ${row.unit === 'boolean' ? '0 or 1' : 'an integer'}`);
    }
    if (row.floor !== undefined && (row.stricter === 'down' ? value > row.floor : value < row.floor)) {
      throw new AppError('RULE_BELOW_FLOOR', `${ruleId} may not be ${row.stricter === 'down' ? 'above' : 'below'} ${row.floor} ${row.unit}`, {
        extra: { rule: row.id, floor: row.floor },
      });
    }
    await this.db.transaction(async (t) => {
      const now = this.clock.now();
      await this.db.query('DELETE FROM rule_overrides WHERE region_code = ? AND rule_id = ?', { replacements: [regionCode, ruleId], transaction: t });
      await this.db.query('INSERT INTO rule_overrides (region_code, rule_id, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)', {
        replacements: [regionCode, ruleId, value, actor.userId, now],
        transaction: t,
      });
      await this.audit.append(t, { actor, action: 'rules.overridden', subject: `rule:${ruleId}`, payload: { region: regionCode, value, default: row.value, unit: row.unit } });
    });
    this.overrides = null;
    return (await this.list(regionCode)).find((r) => r.id === ruleId)!;
  }
}

export function rulesRoutes(rules: RulesService): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/rules',
      guard: PUBLIC,
      summary: 'The rules table (statutory limits with units and sources), effective for a region',
      query: RuleListQuery,
      handle: async ({ query }) => ({ rules: await rules.list(query.region) }),
    }),
    route({
      method: 'put',
      path: '/api/rules/:region/:rule',
      guard: roles('admin', 'center_staff'),
      summary: 'Set a region’s value for an overridable rule (stricter than its floor only)',
      params: RuleOverrideParams,
      body: RuleOverrideRequest,
      region: ({ params }) => params.region,
      handle: async ({ actor, params, body }) => rules.override(actor, params.region, params.rule, body.value),
    }),
  ];
}
