import { z } from 'zod';
import { DivisionCode } from './values.js';

/** The region code that stands for the national calendar (国务院 holiday schedule). */
export const NATIONAL_REGION = '000000';

const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written 'YYYY-MM-DD' (years 1000–9999), e.g. '2026-02-29' is false. */
export function isCivilDate(s: string): boolean {
  const m = typeof s === 'string' ? CIVIL_DATE.exec(s) : null;
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= length;
}

/** A date in China Standard Time (UTC+08:00), 'YYYY-MM-DD'. */
export const CivilDateString = z.string().refine(isCivilDate, { message: 'must be a real date written YYYY-MM-DD' });

/** A region code or '000000' for the national calendar. */
export const CalendarRegion = z.union([z.literal(NATIONAL_REGION), DivisionCode]);

export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const;
/** 'holiday' = statutory holiday (放假); 'workday' = a weekend day that is worked (调休上班). */
export const CalendarDayKind = z.enum(CALENDAR_DAY_KINDS);
/** What staff may set: 'normal' removes the region's own entry (the inherited one applies again). */
export const CalendarDaySetKind = z.enum([...CALENDAR_DAY_KINDS, 'normal']);

export const CalendarRegionParams = z.strictObject({ region: CalendarRegion });
export const CalendarQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export const CalendarDayParams = z.strictObject({ region: CalendarRegion, date: CivilDateString });

export const SetCalendarDayRequest = z.strictObject({
  kind: CalendarDaySetKind,
  name: z.string().trim().min(1).max(100).nullable().optional(),
});
export type SetCalendarDayRequest = z.infer<typeof SetCalendarDayRequest>;

/** One effective entry; `source` is the region whose entry it is ('000000' = national). */
export const CalendarEntryView = z.object({
  date: z.string(),
  kind: CalendarDayKind,
  name: z.string().nullable(),
  source: z.string(),
});
export type CalendarEntryView = z.infer<typeof CalendarEntryView>;

export const CalendarView = z.object({
  region: z.string(),
  year: z.number().int(),
  entries: z.array(CalendarEntryView),
});
export type CalendarView = z.infer<typeof CalendarView>;

/** Answer to setting a day: the region's own setting and what now applies there. */
export const CalendarDayView = z.object({
  region: z.string(),
  date: z.string(),
  kind: CalendarDaySetKind,
  name: z.string().nullable(),
  effective: CalendarEntryView.nullable(),
  workingDay: z.boolean(),
});
export type CalendarDayView = z.infer<typeof CalendarDayView>;
