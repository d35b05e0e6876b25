// Evaluation: one per trade, its members (the accepted committee), chair votes, compliance votes,
// scores with per-expert submission, and the report's signatures.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  const longText = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;
  await createTable(qi, 'evaluations', {
    trade_id: { ...ref('trades'), primaryKey: true },
    template_id: { type: DataTypes.STRING(64), allowNull: false },
    state: { type: DataTypes.STRING(16), allowNull: false },
    chair_user_id: ref('users', true),
    started_at: timestamp(),
    result: { type: longText, allowNull: true },
    report: { type: longText, allowNull: true },
    report_sha256: { type: DataTypes.STRING(64), allowNull: true },
    finalised_at: timestamp(true),
  });
  await createTable(qi, 'evaluation_members', {
    ...idColumn,
    trade_id: ref('trades'),
    user_id: ref('users'),
    chair_vote: ref('users', true),
    submitted_at: timestamp(true),
    signature: { type: DataTypes.BLOB('medium'), allowNull: true },
    refused_reason: { type: DataTypes.STRING(1000), allowNull: true },
    signed_at: timestamp(true),
  });
  await qi.addIndex('evaluation_members', ['trade_id', 'user_id'], { name: 'evaluation_members_unique', unique: true });
  await createTable(qi, 'compliance_votes', {
    ...idColumn,
    trade_id: ref('trades'),
    bid_id: ref('bids'),
    expert_user_id: ref('users'),
    check_name: { type: DataTypes.STRING(16), allowNull: false },
    pass: { type: DataTypes.BOOLEAN, allowNull: false },
    reason: { type: DataTypes.STRING(1000), allowNull: true },
    at: timestamp(),
  });
  await qi.addIndex('compliance_votes', ['trade_id', 'bid_id', 'expert_user_id', 'check_name'], { name: 'compliance_votes_unique', unique: true });
  await createTable(qi, 'evaluation_scores', {
    ...idColumn,
    trade_id: ref('trades'),
    bid_id: ref('bids'),
    expert_user_id: ref('users'),
    criterion: { type: DataTypes.STRING(32), allowNull: false },
    value: { type: DataTypes.DOUBLE, allowNull: false },
    at: timestamp(),
  });
  await qi.addIndex('evaluation_scores', ['trade_id', 'bid_id', 'expert_user_id', 'criterion'], { name: 'evaluation_scores_unique', unique: true });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  for (const table of ['evaluation_scores', 'compliance_votes', 'evaluation_members', 'evaluations']) await qi.dropTable(table);
}
