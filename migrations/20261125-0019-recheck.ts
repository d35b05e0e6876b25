// The recheck of an evaluation (评标复核 / 复审): the recheck with its diff, grounds and outcome, its
// members and their signatures, their findings; archived evaluation rounds (a re-evaluation keeps the
// voided round as a snapshot); the purpose of an expert draw (a committee, or a recheck panel); the
// recheck that corrected an evaluation's result.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  const longText = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;
  await qi.addColumn('expert_draws', 'purpose', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'evaluation' });
  await createTable(qi, 'rechecks', {
    ...idColumn,
    trade_id: ref('trades'),
    // equals trade_id while the recheck is open, null once closed: one open recheck per trade (unique)
    open_trade_id: { type: DataTypes.INTEGER, allowNull: true, unique: true },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    trigger: { type: DataTypes.STRING(16), allowNull: false },
    grounds: { type: DataTypes.TEXT, allowNull: false },
    note: { type: DataTypes.TEXT, allowNull: false },
    objection_id: { type: DataTypes.INTEGER, allowNull: true },
    state: { type: DataTypes.STRING(16), allowNull: false },
    opened_by: { type: DataTypes.STRING(200), allowNull: false },
    opened_at: timestamp(),
    evaluation_round: { type: DataTypes.INTEGER, allowNull: false },
    diff: { type: longText, allowNull: true },
    outcome: { type: DataTypes.STRING(16), allowNull: true },
    outcome_reasons: { type: DataTypes.TEXT, allowNull: true },
    proposed_by: ref('users', true),
    proposed_at: timestamp(true),
    report: { type: longText, allowNull: true },
    report_sha256: { type: DataTypes.STRING(64), allowNull: true },
    closed_at: timestamp(true),
  });
  await qi.addIndex('rechecks', ['trade_id'], { name: 'rechecks_trade' });
  await createTable(qi, 'recheck_members', {
    ...idColumn,
    recheck_id: ref('rechecks'),
    user_id: ref('users'),
    joined_at: timestamp(),
    signature: { type: DataTypes.BLOB('medium'), allowNull: true },
    refused_reason: { type: DataTypes.STRING(1000), allowNull: true },
    signed_at: timestamp(true),
  });
  await qi.addIndex('recheck_members', ['recheck_id', 'user_id'], { name: 'recheck_members_unique', unique: true });
  await createTable(qi, 'recheck_findings', {
    ...idColumn,
    recheck_id: ref('rechecks'),
    user_id: ref('users'),
    item: { type: DataTypes.STRING(200), allowNull: true },
    text: { type: DataTypes.TEXT, allowNull: false },
    corrections: { type: DataTypes.TEXT, allowNull: false },
    at: timestamp(),
  });
  await createTable(qi, 'evaluation_rounds', {
    ...idColumn,
    trade_id: ref('trades'),
    round: { type: DataTypes.INTEGER, allowNull: false },
    recheck_id: ref('rechecks', true),
    draw_id: ref('expert_draws', true),
    members: { type: DataTypes.TEXT, allowNull: false },
    snapshot: { type: longText, allowNull: false },
    archived_at: timestamp(),
  });
  await qi.addIndex('evaluation_rounds', ['trade_id', 'round'], { name: 'evaluation_rounds_unique', unique: true });
  await qi.addColumn('evaluations', 'corrected_by_recheck', { type: DataTypes.INTEGER, allowNull: true });
  // when the automatic recheck (recomputation and checks of the raw inputs) ran on the final report
  await qi.addColumn('evaluations', 'automatic_checked_at', timestamp(true));
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.removeColumn('evaluations', 'automatic_checked_at');
  await qi.removeColumn('evaluations', 'corrected_by_recheck');
  await qi.dropTable('evaluation_rounds');
  await qi.dropTable('recheck_findings');
  await qi.dropTable('recheck_members');
  await qi.dropTable('rechecks');
  await qi.removeColumn('expert_draws', 'purpose');
}
