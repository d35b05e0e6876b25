// Login sessions: one row per login, found by the SHA-256 of its token (the token itself is never stored).
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'sessions', {
    token_hash: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    user_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'RESTRICT',
    },
    csrf_token: { type: DataTypes.STRING(64), allowNull: false },
    created_at: timestamp(),
    expires_at: timestamp(),
    revoked_at: timestamp(true),
    client_ip: { type: DataTypes.STRING(64), allowNull: true },
    user_agent: { type: DataTypes.STRING(255), allowNull: true },
  });
  await qi.addIndex('sessions', ['user_id'], { name: 'sessions_user_id' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('sessions');
}
