// Evaluation procedure: the evaluation's deadline and extension, members' requests for more time,
// suspicions of a below-cost price and the written explanation requested from the bidder.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.addColumn('evaluations', 'extended', { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await createTable(qi, 'evaluation_time_requests', {
    ...idColumn,
    trade_id: ref('trades'),
    user_id: ref('users'),
    reason: { type: DataTypes.STRING(500), allowNull: false },
    at: timestamp(),
  });
  await qi.addIndex('evaluation_time_requests', ['trade_id', 'user_id'], { name: 'evaluation_time_requests_unique', unique: true });
  await createTable(qi, 'evaluation_suspicions', {
    ...idColumn,
    trade_id: ref('trades'),
    bid_id: ref('bids'),
    user_id: ref('users'),
    at: timestamp(),
  });
  await qi.addIndex('evaluation_suspicions', ['trade_id', 'bid_id', 'user_id'], { name: 'evaluation_suspicions_unique', unique: true });
  await createTable(qi, 'explanation_requests', {
    ...idColumn,
    trade_id: ref('trades'),
    bid_id: { ...ref('bids'), unique: true },
    question: { type: DataTypes.STRING(1000), allowNull: false },
    requested_at: timestamp(),
    deadline: timestamp(),
    answer: { type: DataTypes.TEXT, allowNull: true },
    answered_at: timestamp(true),
    answered_by: ref('users', true),
  });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('explanation_requests');
  await qi.dropTable('evaluation_suspicions');
  await qi.dropTable('evaluation_time_requests');
  await qi.removeColumn('evaluations', 'extended');
}
