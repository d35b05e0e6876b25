import { Op } from 'sequelize';
import { NATIONAL_REGION, type CalendarDayView, type CalendarEntryView, type CalendarView } from '../../../contracts/calendar.js';
import { lockFor, type Db } from '../../db/index.js';
import type { Actor } from '../actor.js';
import type { AuditLog } from '../audit/service.js';
import { systemClock, type Clock } from '../clock.js';
import { AppError, isUniqueViolation } from '../errors.js';
import { Calendar, civilDateOf, isCivilDate, type CalendarEntry, type CivilDate } from './calendar.js';
import { defineCalendarModels, type CalendarModels } from './models.js';

/** What the calendar needs of the region tree: a region and its ancestors, nearest first. */
export interface RegionLineage {
  lineage(code: string): readonly ({ code: string } | string)[];
}

type Row = InstanceType<CalendarModels['CalendarDay']>;

/**
 * The calendar of each region: the national schedule ('000000'), then each ancestor's own entries
 * from the province down, then the region's own (a later layer overrides an earlier one for the
 * same date). Calendars are cached per region and dropped on any change made through this service.
 */
export class CalendarService {
  readonly models: CalendarModels;
  private readonly cache = new Map<string, Calendar>();
  /** Bumped on every change, so a read that raced a change does not refill the cache with stale data. */
  private generation = 0;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly regions: RegionLineage,
    private readonly clock: Clock = systemClock,
  ) {
    this.models = defineCalendarModels(db);
  }

  /** The layers for a region, national first, the region itself last; [] for an unknown region. */
  private layers(code: string): string[] {
    if (code === NATIONAL_REGION) return [NATIONAL_REGION];
    const chain = this.regions.lineage(code).map((r) => (typeof r === 'string' ? r : r.code));
    if (!chain.includes(code)) return [];
    return [NATIONAL_REGION, ...chain.reverse()];
  }

  private known(code: string): string[] {
    const layers = this.layers(code);
    if (!layers.length) throw new AppError('REGION_UNKNOWN', `unknown region ${code}`);
    return layers;
  }

  /** Effective entries with their source, layered; `year` limits them to one year. */
  private async effective(code: string, year?: number): Promise<Map<CivilDate, CalendarEntryView>> {
    const layers = this.known(code);
    const where = year === undefined ? { regionCode: layers } : { regionCode: layers, date: { [Op.like]: `${year}-%` } };
    const rows = await this.models.CalendarDay.findAll({ where });
    const byRegion = new Map<string, Row[]>();
    for (const row of rows) byRegion.set(row.regionCode, [...(byRegion.get(row.regionCode) ?? []), row]);
    const out = new Map<CivilDate, CalendarEntryView>();
    for (const layer of layers) {
      for (const row of byRegion.get(layer) ?? []) out.set(row.date, { date: row.date, kind: row.kind, name: row.name, source: layer });
    }
    return out;
  }

  async forRegion(code: string): Promise<Calendar> {
    const cached = this.cache.get(code);
    if (cached) return cached;
    const generation = this.generation;
    const entries: CalendarEntry[] = [...(await this.effective(code)).values()].map(({ date, kind, name }) => ({ date, kind, name }));
    const calendar = new Calendar(entries);
    if (generation === this.generation) this.cache.set(code, calendar);
    return calendar;
  }

  async list(regionCode: string, year?: number): Promise<CalendarView> {
    const y = year ?? Number(civilDateOf(this.clock.now()).slice(0, 4));
    const entries = [...(await this.effective(regionCode, y)).values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    return { region: regionCode, year: y, entries };
  }

  /**
   * Sets a region's own entry for one day: 'holiday' (放假), 'workday' (调休上班), or 'normal',
   * which removes the region's own entry so the inherited one applies again. Audited.
   */
  async setDay(
    actor: Actor,
    regionCode: string,
    date: CivilDate,
    kind: 'holiday' | 'workday' | 'normal',
    name?: string | null,
  ): Promise<CalendarDayView> {
    this.known(regionCode);
    if (!isCivilDate(date)) throw new AppError('VALIDATION_FAILED', `date must be YYYY-MM-DD, got ${date}`);
    const label = kind === 'normal' ? null : (name ?? null);
    const { CalendarDay } = this.models;
    try {
      await this.db.transaction(async (t) => {
        const existing = await CalendarDay.findOne({ where: { regionCode, date }, ...lockFor(t) });
        const previous = existing ? { kind: existing.kind, name: existing.name } : null;
        if (kind === 'normal') {
          if (existing) await existing.destroy({ transaction: t });
        } else if (existing) {
          await existing.update({ kind, name: label, updatedAt: this.clock.now() }, { transaction: t });
        } else {
          await CalendarDay.create({ regionCode, date, kind, name: label, updatedAt: this.clock.now() }, { transaction: t });
        }
        await this.audit.append(t, {
          actor,
          action: 'calendar.day_set',
          subject: `calendar:${regionCode}:${date}`,
          payload: { region: regionCode, date, kind, name: label, previous },
        });
        this.generation++;
        this.cache.clear();
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', `calendar day ${regionCode} ${date} was set concurrently; retry`);
      throw error;
    } finally {
      // Also after a rollback: whatever a racing read cached is dropped.
      this.generation++;
      this.cache.clear();
    }
    const calendar = await this.forRegion(regionCode);
    const effective = (await this.effective(regionCode, Number(date.slice(0, 4)))).get(date) ?? null;
    return { region: regionCode, date, kind, name: label, effective, workingDay: calendar.isWorkingDay(date) };
  }
}
