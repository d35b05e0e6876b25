// The hash-chained audit log and its head row (the row lock that serialises appends).
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, timestamp } from './_helpers.js';

export const GENESIS_HASH = '0'.repeat(64);

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'audit_events', {
    seq: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    at: timestamp(),
    actor: { type: DataTypes.STRING(100), allowNull: true },
    action: { type: DataTypes.STRING(64), allowNull: false },
    subject: { type: DataTypes.STRING(200), allowNull: true },
    payload: { type: DataTypes.TEXT, allowNull: false },
    prev_hash: { type: DataTypes.STRING(64), allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
  });
  await qi.addIndex('audit_events', ['action'], { name: 'audit_events_action' });
  await createTable(qi, 'audit_head', {
    id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    seq: { type: DataTypes.INTEGER, allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
  });
  await qi.bulkInsert('audit_head', [{ id: 1, seq: 0, hash: GENESIS_HASH }]);
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('audit_head');
  await qi.dropTable('audit_events');
}
