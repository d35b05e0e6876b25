// Sealed bids (one row per submission, history kept) and the credit restrictions they are checked against.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'bids', {
    ...idColumn,
    trade_id: ref('trades'),
    organisation_id: ref('organisations'),
    user_id: ref('users'),
    seq: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    size: { type: DataTypes.BIGINT, allowNull: false },
    file_name: { type: DataTypes.STRING(255), allowNull: false },
    signature: { type: DataTypes.BLOB('medium'), allowNull: false },
    signer_serial: { type: DataTypes.STRING(40), allowNull: false },
    signer_pem: { type: DataTypes.TEXT, allowNull: false },
    received_at: timestamp(),
    withdrawn_at: timestamp(true),
    replaced_by: ref('bids', true),
    receipt: { type: DataTypes.BLOB('medium'), allowNull: true },
    idempotency_key: { type: DataTypes.STRING(100), allowNull: true },
  });
  // The same bytes from the same organisation are one bid (a retried upload gets its receipt back).
  await qi.addIndex('bids', ['trade_id', 'organisation_id', 'sha256'], { name: 'bids_same_bytes', unique: true });
  await qi.addIndex('bids', ['trade_id', 'organisation_id', 'seq'], { name: 'bids_org_seq', unique: true });
  await qi.addIndex('bids', ['trade_id', 'status'], { name: 'bids_trade_status' });

  // Filled by the credit module (a later issue); bids and registrations already consult it.
  await createTable(qi, 'credit_restrictions', {
    ...idColumn,
    uscc: { type: DataTypes.STRING(18), allowNull: false },
    scope: { type: DataTypes.STRING(32), allowNull: false },
    issuing_region_code: { type: DataTypes.STRING(6), allowNull: false },
    basis: { type: DataTypes.STRING(500), allowNull: false },
    starts_at: timestamp(),
    ends_at: timestamp(true),
    lifted_at: timestamp(true),
    created_at: timestamp(),
  });
  await qi.addIndex('credit_restrictions', ['uscc', 'scope'], { name: 'credit_restrictions_uscc' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('credit_restrictions');
  await qi.dropTable('bids');
}
