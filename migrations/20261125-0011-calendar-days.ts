// The working-day calendar: statutory holidays (放假) and worked weekend days (调休上班), national
// ('000000') and per region; the national schedule is seeded here.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { CN_NATIONAL_CALENDAR } from '../server/kernel/calendar/cn-holidays.js';
import { createTable, idColumn, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'calendar_days', {
    ...idColumn,
    // '000000' = national; otherwise a region code. No foreign key: the national row has no region.
    region_code: { type: DataTypes.STRING(6), allowNull: false },
    date: { type: DataTypes.STRING(10), allowNull: false },
    kind: { type: DataTypes.STRING(8), allowNull: false },
    name: { type: DataTypes.STRING(100), allowNull: true },
    updated_at: timestamp(true),
  });
  await qi.addIndex('calendar_days', ['region_code', 'date'], { name: 'calendar_days_region_date', unique: true });
  await qi.bulkInsert(
    'calendar_days',
    CN_NATIONAL_CALENDAR.map((e) => ({ region_code: '000000', date: e.date, kind: e.kind, name: e.name ?? null, updated_at: null })),
  );
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('calendar_days');
}
