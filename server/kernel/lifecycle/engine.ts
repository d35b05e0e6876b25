import type { Transaction } from 'sequelize';
import type { Role } from '../../../contracts/roles.js';
import type { Actor, SystemActor } from '../actor.js';
import { actorLabel } from '../actor.js';
import { AppError } from '../errors.js';

/**
 * The lifecycle engine (architecture.md "Lifecycle engine"). A method is a declared table of states
 * and transitions; each transition names the states it leaves, the state it enters, who may fire it
 * (roles, or the clock), its guards and its side effects. Nothing else changes a subject's state.
 *
 * Firing is safe with several processes on one database: the state change is a conditional update
 * (`… WHERE id = ? AND state = <from>`) inside the transaction that records the transition, so of two
 * processes firing the same transition exactly one changes the row; the other sees 0 rows and backs off.
 */
export interface GuardSpec<S, C> {
  /** Names the rule or check, e.g. `deadline.min_period` — shown in the method table listing. */
  name: string;
  check(subject: S, ctx: C): Promise<void>;
}

export interface EffectSpec<S, C, P> {
  name: string;
  /** Runs inside the firing transaction with the row locked. */
  apply(subject: S, ctx: C, t: Transaction, prepared: P): Promise<void>;
}

export interface TransitionSpec<S, C, P = unknown> {
  name: string;
  from: readonly string[];
  to: string;
  /** Roles that may fire it by hand; `clock` for a time-driven transition (the scheduler); `system` for one the platform fires as the result of a process (e.g. the opening). */
  by: readonly Role[] | 'clock' | 'system';
  /** When a clock transition falls due (null: not due). */
  dueAt?: (subject: S) => Date | null;
  guards: readonly GuardSpec<S, C>[];
  /** Slow work outside the transaction (e.g. key generation), its result handed to the effects. */
  prepare?: (subject: S, ctx: C) => Promise<P>;
  effects: readonly EffectSpec<S, C, P>[];
  /** After commit (notifications, broadcasts); failures are logged, never undo the transition. */
  after?: (subject: S, ctx: C) => Promise<void>;
  /** Fired only through this module route (which writes the module's own records with it); the generic transitions route refuses it. */
  route?: string;
}

export interface MethodTable<S, C> {
  method: string;
  states: readonly string[];
  initial: string;
  transitions: readonly TransitionSpec<S, C, any>[];
}

export interface LifecycleStore<S> {
  load(id: number, t?: Transaction): Promise<S | null>;
  stateOf(subject: S): string;
  methodOf(subject: S): string;
  /** Conditional update: answers the number of rows changed (1, or 0 if the state moved on). */
  moveState(t: Transaction, subject: S, from: string, to: string, at: Date): Promise<number>;
  /** Appends the transition to the subject's history (its own unique (subject, seq) guards the rest). */
  record(t: Transaction, subject: S, entry: { name: string; from: string; to: string; actor: string; reason: string | null; at: Date }): Promise<void>;
  audit(t: Transaction, subject: S, actor: Actor | SystemActor, entry: { name: string; from: string; to: string; reason: string | null }): Promise<void>;
  transaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T>;
}

export interface FireOptions<S> {
  reason?: string | null;
  /** Fired through the generic transitions route: transitions that a module route owns are refused. */
  generic?: boolean;
  /** The calling module's own writes, inside the firing transaction after the declared effects (e.g. the publicity row with its dates). */
  effect?: (t: Transaction, subject: S) => Promise<void>;
}

/**
 * A hold: another module's open matter (a recheck, an accepted complaint) that stops some or all
 * transitions of a subject until it closes. Checked before anything else, so the refusal names the
 * hold (its own code), not a state.
 */
export interface HoldSpec<S> {
  name: string;
  /** The transitions it stops: a list of names, or 'all'. */
  stops: readonly string[] | 'all';
  /** Throws the hold's AppError when the subject is held. */
  check(subject: S, transition: string): Promise<void>;
}

export class LifecycleEngine<S, C> {
  private readonly tables = new Map<string, MethodTable<S, C>>();
  private readonly holds: HoldSpec<S>[] = [];

  constructor(
    private readonly store: LifecycleStore<S>,
    tables: readonly MethodTable<S, C>[],
    private readonly now: () => Date,
    private readonly onAfterError: (error: unknown) => void = () => undefined,
  ) {
    for (const table of tables) {
      for (const tr of table.transitions) {
        for (const state of [...tr.from, tr.to]) {
          if (!table.states.includes(state)) throw new Error(`method ${table.method}: transition ${tr.name} names unknown state ${state}`);
        }
      }
      this.tables.set(table.method, table);
    }
  }

  table(method: string): MethodTable<S, C> {
    const table = this.tables.get(method);
    if (!table) throw new Error(`no method table for ${method}`);
    return table;
  }

  /** Registers another module's hold (wired in app.ts). */
  addHold(hold: HoldSpec<S>): void {
    this.holds.push(hold);
  }

  /** Throws the first hold that stops this transition of this subject now. */
  async assertNotHeld(subject: S, name: string): Promise<void> {
    for (const hold of this.holds) if (hold.stops === 'all' || hold.stops.includes(name)) await hold.check(subject, name);
  }

  /** Transitions an actor may fire by hand on this subject now (for the client's buttons; those with a `route` through that route). */
  available(subject: S, role: Role | null): string[] {
    const state = this.store.stateOf(subject);
    return this.table(this.store.methodOf(subject))
      .transitions.filter((tr) => tr.by !== 'clock' && tr.by !== 'system' && tr.from.includes(state) && role !== null && tr.by.includes(role))
      .map((tr) => tr.name);
  }

  /** Clock transitions of a subject that are due at `at`. */
  due(subject: S, at: Date): TransitionSpec<S, C>[] {
    const state = this.store.stateOf(subject);
    return this.table(this.store.methodOf(subject)).transitions.filter((tr) => {
      if (tr.by !== 'clock' || !tr.from.includes(state)) return false;
      const when = tr.dueAt?.(subject);
      return when != null && when.getTime() <= at.getTime();
    });
  }

  /**
   * Fires a transition. Throws TRANSITION_UNKNOWN, TRANSITION_FORBIDDEN, a hold's code,
   * TRADE_WRONG_STATE or a guard's code. Answers the subject after the change.
   */
  async fire(id: number, name: string, actor: Actor | SystemActor, ctx: C, options: FireOptions<S> = {}): Promise<S> {
    const subject = await this.store.load(id);
    if (!subject) throw new AppError('NOT_FOUND', `no trade ${id}`);
    const transition = this.table(this.store.methodOf(subject)).transitions.find((tr) => tr.name === name);
    if (!transition) throw new AppError('TRANSITION_UNKNOWN', `method ${this.store.methodOf(subject)} has no transition ${name}`);
    this.checkActor(transition, actor);
    if (options.generic && transition.route) {
      throw new AppError('TRANSITION_FORBIDDEN', `${name} is fired through ${transition.route}`, { extra: { route: transition.route } });
    }
    await this.assertNotHeld(subject, name);
    const from = this.store.stateOf(subject);
    if (!transition.from.includes(from)) {
      throw new AppError('TRADE_WRONG_STATE', `${name} needs state ${transition.from.join(' or ')}, the trade is ${from}`, { extra: { state: from } });
    }
    for (const guard of transition.guards) await guard.check(subject, ctx);
    const prepared = transition.prepare ? await transition.prepare(subject, ctx) : undefined;

    const after = await this.store.transaction(async (t) => {
      const locked = await this.store.load(id, t);
      if (!locked || this.store.stateOf(locked) !== from) {
        throw new AppError('TRADE_WRONG_STATE', `the trade moved on to ${locked ? this.store.stateOf(locked) : 'nowhere'} meanwhile`, {
          extra: { state: locked ? this.store.stateOf(locked) : null },
        });
      }
      const at = this.now();
      if ((await this.store.moveState(t, locked, from, transition.to, at)) !== 1) {
        throw new AppError('TRADE_WRONG_STATE', 'another process fired a transition first');
      }
      const reason = options.reason ?? null;
      await this.store.record(t, locked, { name, from, to: transition.to, actor: actorLabel(actor) ?? 'unknown', reason, at });
      for (const effect of transition.effects) await effect.apply(locked, ctx, t, prepared);
      if (options.effect) await options.effect(t, locked);
      await this.store.audit(t, locked, actor, { name, from, to: transition.to, reason });
      return (await this.store.load(id, t))!;
    });
    if (transition.after) await transition.after(after, ctx).catch(this.onAfterError);
    return after;
  }

  private checkActor(transition: TransitionSpec<S, C>, actor: Actor | SystemActor): void {
    if (transition.by === 'clock' || transition.by === 'system') {
      if (actor.kind !== 'system') throw new AppError('TRANSITION_FORBIDDEN', `${transition.name} is fired by the ${transition.by === 'clock' ? 'clock' : 'platform'}, not by hand`);
      return;
    }
    if (actor.kind === 'system' || !transition.by.includes(actor.role)) {
      throw new AppError('TRANSITION_FORBIDDEN', `${transition.name} may be fired by ${transition.by.join(', ')}`);
    }
  }
}
