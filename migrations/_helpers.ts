import { DataTypes, type ModelAttributes, type QueryInterface } from 'sequelize';

/** Table options shared by every migration: utf8mb4 on MySQL/MariaDB (ignored by SQLite). */
export const TABLE_OPTIONS = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' } as const;

/** Millisecond-precision UTC timestamp column on both dialects. */
export const timestamp = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export const idColumn = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
} satisfies ModelAttributes;

export async function createTable(qi: QueryInterface, name: string, attributes: ModelAttributes): Promise<void> {
  await qi.createTable(name, attributes, TABLE_OPTIONS);
}

/** An integer column referencing `model`.id, never cascading (rows that others point at are not deleted). */
export const ref = (model: string, allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: 'id' },
  onDelete: 'RESTRICT' as const,
  onUpdate: 'RESTRICT' as const,
});
