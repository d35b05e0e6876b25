/**
 * Time comes from a Clock handed in, never from `new Date()` in domain code: the server clock
 * decides deadlines, and tests move time instead of sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that can be set and advanced (tests, the demo). */
export interface SettableClock extends Clock {
  set(to: Date | string | number): void;
  advance(ms: number): void;
}

/** A clock tests (and the demo) can set and advance. */
export class ManualClock implements SettableClock {
  private current: number;
  constructor(start: Date | string | number = Date.now()) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string | number): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** A clock that runs at real speed from a chosen instant (benchmarks, deadline races in tests). */
export class OffsetClock implements SettableClock {
  private offset = 0;
  constructor(start?: Date | string | number) {
    if (start !== undefined) this.set(start);
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  /** From now on the clock reads `to`, and keeps running. */
  set(to: Date | string | number): void {
    this.offset = new Date(to).getTime() - Date.now();
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
