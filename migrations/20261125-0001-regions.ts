// Administrative regions (行政区划): the tree every trading center, user and penalty hangs from.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'regions', {
    code: { type: DataTypes.STRING(6), primaryKey: true, allowNull: false },
    name: { type: DataTypes.STRING(64), allowNull: false },
    name_en: { type: DataTypes.STRING(64), allowNull: false },
    level: { type: DataTypes.STRING(16), allowNull: false },
    parent_code: {
      type: DataTypes.STRING(6),
      allowNull: true,
      references: { model: 'regions', key: 'code' },
      onDelete: 'RESTRICT',
      onUpdate: 'RESTRICT',
    },
  });
  await qi.addIndex('regions', ['parent_code'], { name: 'regions_parent_code' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('regions');
}
