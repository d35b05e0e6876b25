import { Op } from 'sequelize';
import type { DueSource } from '../../kernel/lifecycle/scheduler.js';
import type { TradeService } from './service.js';

const SYSTEM = { kind: 'system', name: 'scheduler' } as const;

/**
 * Time-driven trade transitions, read from the database on every tick (so a restart recomputes them):
 * today the bid deadline (bidding → opening); later issues add publicity ends and the like.
 */
export function dueTrades(trades: TradeService): DueSource {
  const { Trade } = trades.models;
  return {
    async due(at) {
      const rows = await Trade.findAll({ where: { state: 'bidding', bidDeadline: { [Op.lte]: at } }, order: [['bidDeadline', 'ASC']], limit: 100 });
      return rows.flatMap((trade) => trades.engine.due(trade, at).map((tr) => ({ id: trade.id, name: tr.name })));
    },
    async next(after) {
      const row = await Trade.findOne({ where: { state: 'bidding', bidDeadline: { [Op.gt]: after } }, order: [['bidDeadline', 'ASC']] });
      return row?.bidDeadline ?? null;
    },
    async fire(id, name) {
      await trades.fire(SYSTEM, id, name);
    },
  };
}
