// Certificates issued by the platform CA, each linked to its holder (user and organisation), with revocation.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'certificates', {
    ...idColumn,
    serial: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    fingerprint: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    user_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' }, onDelete: 'RESTRICT', onUpdate: 'RESTRICT' },
    organisation_id: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'organisations', key: 'id' },
      onDelete: 'RESTRICT',
      onUpdate: 'RESTRICT',
    },
    role: { type: DataTypes.STRING(16), allowNull: false },
    subject: { type: DataTypes.STRING(500), allowNull: false },
    not_before: timestamp(),
    not_after: timestamp(),
    pem: { type: DataTypes.TEXT, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    revoked_at: timestamp(true),
    revocation_reason: { type: DataTypes.STRING(32), allowNull: true },
    created_at: timestamp(),
  });
  await qi.addIndex('certificates', ['user_id'], { name: 'certificates_user_id' });
  await qi.addIndex('certificates', ['organisation_id'], { name: 'certificates_organisation_id' });
  await qi.addIndex('certificates', ['status'], { name: 'certificates_status' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('certificates');
}
