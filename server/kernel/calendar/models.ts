import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { Db } from '../../db/index.js';

/** One region's own setting for one day ('000000' = national). */
export function defineCalendarModels(db: Db) {
  class CalendarDay extends Model<InferAttributes<CalendarDay>, InferCreationAttributes<CalendarDay>> {
    declare id: CreationOptional<number>;
    declare regionCode: string;
    declare date: string;
    declare kind: 'holiday' | 'workday';
    declare name: string | null;
    declare updatedAt: Date | null;
  }
  CalendarDay.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      regionCode: { type: DataTypes.STRING(6), allowNull: false },
      date: { type: DataTypes.STRING(10), allowNull: false },
      kind: { type: DataTypes.STRING(8), allowNull: false },
      name: { type: DataTypes.STRING(100), allowNull: true },
      updatedAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'calendar_days', modelName: 'CalendarDay' },
  );
  return { CalendarDay };
}

export type CalendarModels = ReturnType<typeof defineCalendarModels>;
