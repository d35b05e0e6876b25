import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Fires time-driven transitions (bid deadline reached, …). Nothing is kept in memory between runs:
 * each tick asks the database which transitions are due, so a restart never skips one, and firing is
 * the engine's conditional update, so a transition another process already fired is not repeated
 * (it answers TRADE_WRONG_STATE, which the tick takes as "done elsewhere").
 */
export interface DueSource {
  /** Transitions due at `at` (as many as it likes, oldest first). */
  due(at: Date): Promise<{ id: number; name: string }[]>;
  /** The earliest future instant something falls due, or null. */
  next(after: Date): Promise<Date | null>;
  fire(id: number, name: string): Promise<void>;
}

export interface TickResult {
  fired: { id: number; name: string }[];
  skipped: { id: number; name: string; code: string }[];
}

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<TickResult> | null = null;
  /** The whole pass of the timer's loop (the tick and the look ahead), so stop() waits for all of it. */
  private looping: Promise<void> | null = null;
  private stopped = true;

  private readonly sources: DueSource[];

  constructor(
    source: DueSource | DueSource[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** The longest the scheduler sleeps, so a change made by another process is seen soon. */
    private readonly pollMs = 1000,
  ) {
    this.sources = Array.isArray(source) ? source : [source];
  }

  /** Another module's time-driven work (e.g. the opening's confirmation window). */
  add(source: DueSource): void {
    this.sources.push(source);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.looping;
    await this.running?.catch(() => undefined);
  }

  /** Something changed (publication, a moved deadline): look again now. */
  poke(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** One pass: fire everything due now. Tests with a manual clock call it directly. */
  async tick(): Promise<TickResult> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.runOnce();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async runOnce(): Promise<TickResult> {
    const result: TickResult = { fired: [], skipped: [] };
    for (const source of this.sources) for (const item of await source.due(this.clock.now())) {
      try {
        await source.fire(item.id, item.name);
        result.fired.push(item);
      } catch (error) {
        if (error instanceof AppError && (error.code === 'TRADE_WRONG_STATE' || error.code === 'NOT_FOUND' || error.code === 'TRADE_SUSPENDED')) {
          result.skipped.push({ ...item, code: error.code });
        } else {
          this.logger.error({ err: error, trade: item.id, transition: item.name }, 'scheduler.fire_failed');
          result.skipped.push({ ...item, code: 'ERROR' });
        }
      }
    }
    if (result.fired.length) this.logger.info({ fired: result.fired }, 'scheduler.fired');
    return result;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.looping) {
        // a pass is under way: look again as soon as it ends
        void this.looping.then(() => {
          if (!this.stopped) this.schedule(0);
        });
        return;
      }
      this.looping = this.loop().finally(() => {
        this.looping = null;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.tick();
      const now = this.clock.now();
      const nexts = (await Promise.all(this.sources.map((s) => s.next(now)))).filter((d): d is Date => d !== null);
      const next = nexts.length ? new Date(Math.min(...nexts.map((d) => d.getTime()))) : null;
      const wait = next ? Math.min(Math.max(next.getTime() - now.getTime(), 0), this.pollMs) : this.pollMs;
      if (!this.stopped) this.schedule(wait);
    } catch (error) {
      this.logger.error({ err: error }, 'scheduler.tick_failed');
      if (!this.stopped) this.schedule(this.pollMs);
    }
  }
}
