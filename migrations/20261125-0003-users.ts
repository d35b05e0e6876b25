// Users with one role each, their region and (for company users) organisation.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'users', {
    ...idColumn,
    username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    display_name: { type: DataTypes.STRING(100), allowNull: false },
    role: { type: DataTypes.STRING(32), allowNull: false },
    region_code: {
      type: DataTypes.STRING(6),
      allowNull: false,
      references: { model: 'regions', key: 'code' },
      onDelete: 'RESTRICT',
      onUpdate: 'RESTRICT',
    },
    organisation_id: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'organisations', key: 'id' },
      onDelete: 'RESTRICT',
      onUpdate: 'RESTRICT',
    },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
    locale: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'zh-CN' },
    created_at: timestamp(),
    updated_at: timestamp(),
  });
  await qi.addIndex('users', ['role'], { name: 'users_role' });
  await qi.addIndex('users', ['organisation_id'], { name: 'users_organisation_id' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('users');
}
