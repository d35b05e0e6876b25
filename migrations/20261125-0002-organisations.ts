// Organisations, keyed by their 统一社会信用代码 (USCC): trading centers, tenderees, agencies, bidders.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'organisations', {
    ...idColumn,
    uscc: { type: DataTypes.STRING(18), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(200), allowNull: false },
    kind: { type: DataTypes.STRING(32), allowNull: false },
    region_code: {
      type: DataTypes.STRING(6),
      allowNull: false,
      references: { model: 'regions', key: 'code' },
      onDelete: 'RESTRICT',
      onUpdate: 'RESTRICT',
    },
    created_at: timestamp(),
    updated_at: timestamp(),
  });
  await qi.addIndex('organisations', ['region_code'], { name: 'organisations_region_code' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('organisations');
}
