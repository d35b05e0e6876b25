// The issuing CA's current CRL and its monotonically increasing CRL number (RFC 5280 §5.2.3), one row.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'certificate_crl', {
    id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    crl_number: { type: DataTypes.INTEGER, allowNull: false },
    issuer_fingerprint: { type: DataTypes.STRING(64), allowNull: true },
    this_update: timestamp(true),
    next_update: timestamp(true),
    der: { type: DataTypes.BLOB, allowNull: true },
  });
  await qi.bulkInsert('certificate_crl', [{ id: 1, crl_number: 0, issuer_fingerprint: null, this_update: null, next_update: null, der: null }]);
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('certificate_crl');
}
