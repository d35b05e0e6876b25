// Evaluations keep, beside the credit scores, the credit restrictions of the persons the bids name
// (the project manager by ID number), frozen at the bid deadline when the evaluation starts.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.addColumn('evaluations', 'credit_persons', { type: DataTypes.TEXT, allowNull: true });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.removeColumn('evaluations', 'credit_persons');
}
