// Evaluation experts' specialties and qualification (the experts module's pool grows from this).
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'expert_profiles', {
    user_id: {
      type: DataTypes.INTEGER,
      primaryKey: true,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'RESTRICT',
    },
    // JSON array of specialty codes, e.g. ["A010101","B020000"]; TEXT so both dialects store it alike.
    specialties: { type: DataTypes.TEXT, allowNull: false },
    qualification_level: { type: DataTypes.STRING(32), allowNull: false },
    // Where the expert works: the avoidance rules (回避) compare it with the tenderee and bidders.
    employer_organisation_id: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'organisations', key: 'id' },
      onDelete: 'RESTRICT',
      onUpdate: 'RESTRICT',
    },
    employer_name: { type: DataTypes.STRING(200), allowNull: false },
  });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('expert_profiles');
}
