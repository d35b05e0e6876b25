/**
 * The working-day calendar (日 / 工作日). Pure code: no database, no clock.
 *
 * Every date here is a civil date in China Standard Time (UTC+08:00, no daylight saving), written
 * 'YYYY-MM-DD'. Periods follow 87号令 arts 85–86 and 民法典 art 203: the start day is not counted;
 * a period in days (日) whose last day is not a working day ends on the next working day; a period
 * in working days (工作日) ends on the n-th working day after the start day.
 */
import { isCivilDate } from '../../../contracts/calendar.js';

export { isCivilDate };

/** 'YYYY-MM-DD', a date in China Standard Time (UTC+08:00). */
export type CivilDate = string;

/** The unit every time limit names: calendar days (日) or working days (工作日). */
export type PeriodUnit = 'day' | 'workingDay';
export interface Period {
  amount: number;
  unit: PeriodUnit;
}

/** 'holiday' = statutory holiday (放假); 'workday' = a weekend day that is worked (调休上班). */
export interface CalendarEntry {
  date: CivilDate;
  kind: 'holiday' | 'workday';
  name?: string | null;
}

const DAY_MS = 86_400_000;
const OFFSET_MS = 8 * 3_600_000; // UTC+08:00, no DST
const MIN_DAY = Date.UTC(1000, 0, 1) / DAY_MS;
const MAX_DAY = Date.UTC(9999, 11, 31) / DAY_MS;

function checkDate(date: CivilDate, what = 'date'): void {
  if (!isCivilDate(date)) throw new RangeError(`${what} must be a real date written YYYY-MM-DD, got ${JSON.stringify(date)}`);
}

/** Days since 1970-01-01 of a (checked) civil date. */
function dayNumber(date: CivilDate): number {
  checkDate(date);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

function fromDayNumber(day: number): CivilDate {
  if (day < MIN_DAY || day > MAX_DAY) throw new RangeError('date out of range (years 1000–9999)');
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(date: CivilDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

function checkInstant(instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError('not a valid instant');
  return ms;
}

/** The +08:00 civil date of an instant. */
export function civilDateOf(instant: Date): CivilDate {
  return fromDayNumber(Math.floor((checkInstant(instant) + OFFSET_MS) / DAY_MS));
}

/** 00:00 +08:00 on `date`, as an instant. */
export function startOfCivilDay(date: CivilDate): Date {
  return new Date(dayNumber(date) * DAY_MS - OFFSET_MS);
}

/** The instant on `date` with the same +08:00 time of day as `timeOf`. */
export function atCivilTime(date: CivilDate, timeOf: Date): Date {
  const local = checkInstant(timeOf) + OFFSET_MS;
  const timeOfDay = ((local % DAY_MS) + DAY_MS) % DAY_MS;
  return new Date(startOfCivilDay(date).getTime() + timeOfDay);
}

/** `date` plus `n` calendar days (n may be negative). */
export function addCivilDays(date: CivilDate, n: number): CivilDate {
  if (!Number.isInteger(n)) throw new RangeError(`days must be an integer, got ${n}`);
  return fromDayNumber(dayNumber(date) + n);
}

function checkPeriod(p: Period): void {
  if (!p || (p.unit !== 'day' && p.unit !== 'workingDay')) throw new RangeError(`period unit must be 'day' or 'workingDay'`);
  if (!Number.isSafeInteger(p.amount) || p.amount < 0) throw new RangeError(`period amount must be a non-negative integer, got ${p.amount}`);
}

/**
 * A working-day calendar: Monday–Friday work unless a 'holiday' entry says otherwise; Saturday and
 * Sunday are off unless a 'workday' entry (调休) says otherwise. Entries may come in any order; a
 * later entry for the same date replaces an earlier one (so a region overrides the national entry).
 */
export class Calendar {
  private readonly byDate = new Map<CivilDate, CalendarEntry>();

  constructor(entries: readonly CalendarEntry[]) {
    for (const entry of entries) {
      checkDate(entry.date, 'calendar entry date');
      if (entry.kind !== 'holiday' && entry.kind !== 'workday') {
        throw new RangeError(`calendar entry kind must be 'holiday' or 'workday', got ${JSON.stringify(entry.kind)}`);
      }
      this.byDate.set(entry.date, { date: entry.date, kind: entry.kind, name: entry.name ?? null });
    }
  }

  isWorkingDay(d: CivilDate): boolean {
    const day = weekday(d);
    const entry = this.byDate.get(d);
    if (entry) return entry.kind === 'workday';
    return day !== 0 && day !== 6;
  }

  /** The first working day strictly after `d`. */
  nextWorkingDay(d: CivilDate): CivilDate {
    let day = addCivilDays(d, 1);
    while (!this.isWorkingDay(day)) day = addCivilDays(day, 1);
    return day;
  }

  /** `d` itself if it is a working day, else the next one. */
  workingDayOnOrAfter(d: CivilDate): CivilDate {
    return this.isWorkingDay(d) ? d : this.nextWorkingDay(d);
  }

  /**
   * The last day of a period starting on `start` (the start day itself not counted).
   * 'day': start + n calendar days, moved to the next working day if that day is not one;
   * 'workingDay': the n-th working day after start. Amount 0 answers `start` for both units.
   */
  periodEnd(start: CivilDate, p: Period): CivilDate {
    checkDate(start, 'start');
    checkPeriod(p);
    if (p.amount === 0) return start;
    if (p.unit === 'day') return this.workingDayOnOrAfter(addCivilDays(start, p.amount));
    let day = start;
    for (let i = 0; i < p.amount; i++) day = this.nextWorkingDay(day);
    return day;
  }

  /**
   * The latest start date s with periodEnd(s, p) <= end: the last day on which something may
   * happen that must come "at least N days/working days before" `end`. periodEnd never lies before
   * s + amount and does not decrease as s grows, so the backward search from end − amount finds it.
   */
  latestStartFor(end: CivilDate, p: Period): CivilDate {
    checkDate(end, 'end');
    checkPeriod(p);
    const limit = dayNumber(end);
    let s = addCivilDays(end, -p.amount);
    while (dayNumber(this.periodEnd(s, p)) > limit) s = addCivilDays(s, -1);
    return s;
  }

  /** Working days in (fromExclusive, toInclusive]; 0 when toInclusive is not after fromExclusive. */
  countWorkingDays(fromExclusive: CivilDate, toInclusive: CivilDate): number {
    const from = dayNumber(fromExclusive);
    const to = dayNumber(toInclusive);
    let count = 0;
    for (let day = from + 1; day <= to; day++) if (this.isWorkingDay(fromDayNumber(day))) count++;
    return count;
  }

  /** The effective entries, in date order. */
  entries(): CalendarEntry[] {
    return [...this.byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)).map((e) => ({ ...e }));
  }
}

/** An instant as printed in Chinese documents and notifications: China Standard Time, `2026-12-21 10:02（北京时间）`. */
export function chinaTimeText(iso: string | Date): string {
  const local = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}（北京时间）`;
}
