// Arithmetic corrections (算术修正) the evaluation proposes, and the bidder's confirmation or refusal.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'price_corrections', {
    ...idColumn,
    trade_id: ref('trades'),
    bid_id: { ...ref('bids'), unique: true },
    original_fen: { type: DataTypes.BIGINT, allowNull: false },
    corrected_fen: { type: DataTypes.BIGINT, allowNull: false },
    steps: { type: DataTypes.TEXT, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    proposed_at: timestamp(),
    answered_at: timestamp(true),
    answered_by: ref('users', true),
  });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('price_corrections');
}
