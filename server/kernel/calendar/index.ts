export {
  Calendar,
  addCivilDays,
  atCivilTime,
  civilDateOf,
  isCivilDate,
  startOfCivilDay,
  type CalendarEntry,
  type CivilDate,
  type Period,
  type PeriodUnit,
} from './calendar.js';
export { CN_NATIONAL_CALENDAR } from './cn-holidays.js';
export { CalendarService, type RegionLineage } from './service.js';
export { calendarRoutes } from './routes.js';
