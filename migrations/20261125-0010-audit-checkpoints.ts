// Platform-signed checkpoints of the audit head: a rewrite of the whole chain no longer verifies.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'audit_checkpoints', {
    seq: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    at: timestamp(),
    head_hash: { type: DataTypes.STRING(64), allowNull: false },
    // base64 DER CMS SignedData over the canonical JSON {seq, hash, at}
    signature: { type: DataTypes.TEXT, allowNull: false },
  });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('audit_checkpoints');
}
