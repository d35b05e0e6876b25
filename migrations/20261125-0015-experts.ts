// The expert pool's status (active / suspended), declared conflicts, and the auditable draws with their seats.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.addColumn('expert_profiles', 'status', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' });

  await createTable(qi, 'expert_conflicts', {
    ...idColumn,
    expert_user_id: ref('users'),
    organisation_id: ref('organisations'),
    reason: { type: DataTypes.STRING(500), allowNull: false },
    declared_at: timestamp(),
  });
  await qi.addIndex('expert_conflicts', ['expert_user_id', 'organisation_id'], { name: 'expert_conflicts_unique', unique: true });

  await createTable(qi, 'expert_draws', {
    ...idColumn,
    trade_id: ref('trades'),
    state: { type: DataTypes.STRING(16), allowNull: false },
    request: { type: DataTypes.TEXT, allowNull: false },
    seed_commitment: { type: DataTypes.STRING(64), allowNull: false },
    /** Kept secret until the draw runs, then published. */
    seed: { type: DataTypes.STRING(64), allowNull: false },
    pool_snapshot: { type: DataTypes.TEXT, allowNull: false },
    pool_hash: { type: DataTypes.STRING(64), allowNull: false },
    excluded: { type: DataTypes.TEXT, allowNull: false },
    committed_by: ref('users'),
    committed_at: timestamp(),
    drawn_at: timestamp(true),
  });
  await qi.addIndex('expert_draws', ['trade_id'], { name: 'expert_draws_trade' });

  await createTable(qi, 'expert_assignments', {
    ...idColumn,
    draw_id: ref('expert_draws'),
    trade_id: ref('trades'),
    seat: { type: DataTypes.INTEGER, allowNull: false },
    specialty: { type: DataTypes.STRING(32), allowNull: false },
    expert_user_id: ref('users'),
    status: { type: DataTypes.STRING(16), allowNull: false },
    replaces: { type: DataTypes.INTEGER, allowNull: true },
    invited_at: timestamp(),
    responded_at: timestamp(true),
    decline_reason: { type: DataTypes.STRING(500), allowNull: true },
  });
  await qi.addIndex('expert_assignments', ['draw_id', 'seat'], { name: 'expert_assignments_seat', unique: true });
  await qi.addIndex('expert_assignments', ['expert_user_id'], { name: 'expert_assignments_expert' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('expert_assignments');
  await qi.dropTable('expert_draws');
  await qi.dropTable('expert_conflicts');
  await qi.removeColumn('expert_profiles', 'status');
}
