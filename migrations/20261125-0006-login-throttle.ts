// Failed-login counters per username and per client address, shared by every server process.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'login_throttle', {
    throttle_key: { type: DataTypes.STRING(191), primaryKey: true, allowNull: false },
    failures: { type: DataTypes.INTEGER, allowNull: false },
    window_start: timestamp(),
    locked_until: timestamp(true),
  });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('login_throttle');
}
