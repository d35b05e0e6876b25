import { createHash, randomBytes } from 'node:crypto';
import { DataTypes, Model, Op, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Transaction } from 'sequelize';
import { canonicalJson } from '../../../crypto/canonical-json.js';
import type { AssignmentView, DrawPurpose, DrawView, PoolEntry, ReplayView, SeatView } from '../../../contracts/experts.js';
import type { Db } from '../../db/index.js';
import { lockFor } from '../../db/index.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError, isUniqueViolation } from '../../kernel/errors.js';
import type { BidService } from '../bids/service.js';
import type { CreditService } from '../credit/service.js';
import type { IdentityService } from '../identity/service.js';
import { noticeOf, type TradeRow } from '../trades/models.js';
import type { TradeService } from '../trades/service.js';

export function defineExpertModels(db: Db) {
  class ExpertConflict extends Model<InferAttributes<ExpertConflict>, InferCreationAttributes<ExpertConflict>> {
    declare id: CreationOptional<number>;
    declare expertUserId: number;
    declare organisationId: number;
    declare reason: string;
    declare declaredAt: Date;
  }
  ExpertConflict.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      expertUserId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      reason: { type: DataTypes.STRING(500), allowNull: false },
      declaredAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'expert_conflicts', modelName: 'ExpertConflict' },
  );
  class ExpertDraw extends Model<InferAttributes<ExpertDraw>, InferCreationAttributes<ExpertDraw>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare state: 'committed' | 'drawn';
    declare request: string;
    declare seedCommitment: string;
    declare seed: string;
    declare poolSnapshot: string;
    declare poolHash: string;
    declare excluded: string;
    declare purpose: CreationOptional<DrawPurpose>;
    declare committedBy: number;
    declare committedAt: Date;
    declare drawnAt: Date | null;
  }
  ExpertDraw.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      state: { type: DataTypes.STRING(16), allowNull: false },
      request: { type: DataTypes.TEXT, allowNull: false },
      seedCommitment: { type: DataTypes.STRING(64), allowNull: false },
      seed: { type: DataTypes.STRING(64), allowNull: false },
      poolSnapshot: { type: DataTypes.TEXT, allowNull: false },
      poolHash: { type: DataTypes.STRING(64), allowNull: false },
      excluded: { type: DataTypes.TEXT, allowNull: false },
      purpose: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'evaluation' },
      committedBy: { type: DataTypes.INTEGER, allowNull: false },
      committedAt: { type: DataTypes.DATE(3), allowNull: false },
      drawnAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'expert_draws', modelName: 'ExpertDraw' },
  );
  class ExpertAssignment extends Model<InferAttributes<ExpertAssignment>, InferCreationAttributes<ExpertAssignment>> {
    declare id: CreationOptional<number>;
    declare drawId: number;
    declare tradeId: number;
    declare seat: number;
    declare specialty: string;
    declare expertUserId: number;
    declare status: SeatView['status'];
    declare replaces: number | null;
    declare invitedAt: Date;
    declare respondedAt: Date | null;
    declare declineReason: string | null;
  }
  ExpertAssignment.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      drawId: { type: DataTypes.INTEGER, allowNull: false },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      seat: { type: DataTypes.INTEGER, allowNull: false },
      specialty: { type: DataTypes.STRING(32), allowNull: false },
      expertUserId: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      replaces: { type: DataTypes.INTEGER, allowNull: true },
      invitedAt: { type: DataTypes.DATE(3), allowNull: false },
      respondedAt: { type: DataTypes.DATE(3), allowNull: true },
      declineReason: { type: DataTypes.STRING(500), allowNull: true },
    },
    { sequelize: db, tableName: 'expert_assignments', modelName: 'ExpertAssignment' },
  );
  return { ExpertConflict, ExpertDraw, ExpertAssignment };
}
type ExpertModels = ReturnType<typeof defineExpertModels>;
type DrawRow = InstanceType<ExpertModels['ExpertDraw']>;

/** The exclusion rule a credit restriction (scope expert_pool / all) is counted under. */
export const CREDIT_RESTRICTED = 'credit.restricted';

/** A seat declined for a credit restriction: the rule, the basis and the issuing region. */
export const creditDeclineReason = (r: { issuingRegion: string; basis: string }) => `${CREDIT_RESTRICTED}：${r.basis}（${r.issuingRegion}）`.slice(0, 500);

interface DrawRequest {
  seats: { specialty: string; count: number }[];
  tendereeRepresentatives: number;
}

/**
 * What another module adds to the draw for its own purposes (the recheck module sets it): whether a
 * recheck panel may be drawn now and its composition, and the experts a draw must leave out.
 */
export interface DrawPurposeHooks {
  /** Throws unless a recheck panel of this size may be drawn for the trade now. */
  checkRecheckDraw(trade: TradeRow, size: number): Promise<void>;
  /** Experts a draw of this purpose leaves out, per avoidance reason (e.g. the earlier committees). */
  exclusions(trade: TradeRow, purpose: DrawPurpose): Promise<{ rule: string; userIds: number[] }[]>;
}

/** The city (prefecture) a region belongs to: itself if it is one, else the nearest city ancestor. */
function cityOf(lineage: { code: string; level: string }[]): string | null {
  return lineage.find((r) => r.level === 'city')?.code ?? lineage.find((r) => r.level === 'province')?.code ?? null;
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The draw is a pure function of the pool snapshot, the request, the trade's city, the outside-city
 * minimum and the seed: every eligible expert gets the rank SHA-256(seed ‖ ":" ‖ userId), and seats
 * are filled in rank order, the outside-city minimum first. Declines are refilled from the same
 * order. Anyone can recompute it from the published facts (`replay`).
 */
export function computeSeats(
  pool: PoolEntry[],
  request: DrawRequest,
  seed: string,
  options: { tradeCity: string | null; cityOf: (regionCode: string) => string | null; outsideCityMin: number; declined?: Map<number, number> },
): { seat: number; specialty: string; userId: number; replaces: number | null }[] {
  const ranked = [...pool].sort((a, b) => sha256Hex(`${seed}:${a.userId}`).localeCompare(sha256Hex(`${seed}:${b.userId}`)));
  const taken = new Set<number>();
  const seats: { seat: number; specialty: string; userId: number; replaces: number | null }[] = [];
  const outside = (e: PoolEntry) => options.tradeCity !== null && options.cityOf(e.regionCode) !== options.tradeCity;
  const slots = request.seats.flatMap((s) => Array.from({ length: s.count }, () => s.specialty));
  // first the seats the outside-city minimum needs, in slot order, each from the best-ranked outsider of its specialty
  let outsiders = 0;
  const filled: (PoolEntry | null)[] = slots.map(() => null);
  for (let i = 0; i < slots.length && outsiders < options.outsideCityMin; i++) {
    const pick = ranked.find((e) => !taken.has(e.userId) && e.specialties.includes(slots[i]!) && outside(e));
    if (pick) {
      filled[i] = pick;
      taken.add(pick.userId);
      outsiders++;
    }
  }
  if (outsiders < options.outsideCityMin) throw new AppError('DRAW_POOL_TOO_SMALL', `only ${outsiders} eligible experts from outside the trade's city for ${options.outsideCityMin} required seats`, { extra: { rule: 'experts.outside_city_min' } });
  for (let i = 0; i < slots.length; i++) {
    if (filled[i]) continue;
    const pick = ranked.find((e) => !taken.has(e.userId) && e.specialties.includes(slots[i]!));
    if (!pick) throw new AppError('DRAW_POOL_TOO_SMALL', `not enough eligible experts in specialty ${slots[i]} (${request.seats.find((s) => s.specialty === slots[i])?.count} requested)`, { extra: { specialty: slots[i] } });
    filled[i] = pick;
    taken.add(pick.userId);
  }
  filled.forEach((e, i) => seats.push({ seat: i + 1, specialty: slots[i]!, userId: e!.userId, replaces: null }));
  // replacements for declines, in the order they happened (seat → the declining expert's seat)
  for (const [, declinedSeat] of options.declined ?? new Map<number, number>()) {
    const original = seats.find((s) => s.seat === declinedSeat)!;
    const pick = ranked.find((e) => !taken.has(e.userId) && e.specialties.includes(original.specialty));
    if (!pick) throw new AppError('DRAW_POOL_TOO_SMALL', `no eligible expert left in specialty ${original.specialty} to replace seat ${declinedSeat}`);
    taken.add(pick.userId);
    seats.push({ seat: seats.length + 1, specialty: original.specialty, userId: pick.userId, replaces: declinedSeat });
  }
  return seats;
}

/**
 * The expert pool and the draw (实施条例 arts 45–47; 12号令 art 12; GP 条例 art 9). Avoidance: no
 * expert employed by the tenderee, the agency or any bidder of the trade, none with a declared
 * conflict with one of them, none suspended, none who served the same tenderee within
 * `experts.repeat_window`, none a credit restriction bars from the pool (`credit.restricted`); the
 * committee's composition is checked against the rules table before the draw; a pool too small gives
 * DRAW_POOL_TOO_SMALL, never a smaller committee. A restriction recorded after the snapshot still
 * binds: a restricted expert the ranking reaches (at the draw or for a replacement) is recorded as
 * declined with the restriction as reason and the next of the same ranking is invited, so the replay
 * still matches.
 */
export class ExpertService {
  readonly models: ExpertModels;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly identity: IdentityService,
    private readonly trades: TradeService,
    private readonly bids: BidService,
    private readonly credit: Pick<CreditService, 'restrictedExperts'>,
  ) {
    this.models = defineExpertModels(db);
  }

  // ── the pool ────────────────────────────────────────────────────────────────────────────────

  async pool(): Promise<(PoolEntry & { status: string; employerName: string })[]> {
    const profiles = await this.identity.models.ExpertProfile.findAll({ order: [['userId', 'ASC']] });
    const users = await this.identity.models.User.findAll({ where: { id: profiles.map((p) => p.userId) } });
    return profiles.map((p) => {
      const user = users.find((u) => u.id === p.userId)!;
      return {
        userId: p.userId,
        name: user.displayName,
        regionCode: user.regionCode,
        specialties: JSON.parse(p.specialties) as string[],
        employerOrganisationId: p.employerOrganisationId,
        qualificationLevel: p.qualificationLevel,
        status: user.status === 'active' ? p.status : 'suspended',
        employerName: p.employerName,
      };
    });
  }

  async setStatus(actor: Actor, userId: number, status: 'active' | 'suspended', reason: string): Promise<void> {
    await this.db.transaction(async (t) => {
      const [count] = await this.identity.models.ExpertProfile.update({ status }, { where: { userId }, transaction: t });
      if (!count) throw new AppError('NOT_FOUND', `no expert ${userId}`);
      await this.audit.append(t, { actor, action: 'experts.status_changed', subject: `user:${userId}`, payload: { status, reason } });
    });
  }

  async declareConflict(actor: Actor, organisationId: number, reason: string): Promise<{ organisationId: number; reason: string; declaredAt: string }> {
    if (!(await this.identity.models.ExpertProfile.findByPk(actor.userId))) throw new AppError('NOT_PARTICIPANT', 'only experts in the pool declare conflicts');
    if (!(await this.identity.models.Organisation.findByPk(organisationId))) throw new AppError('NOT_FOUND', `no organisation ${organisationId}`);
    const now = this.clock.now();
    try {
      await this.db.transaction(async (t) => {
        await this.models.ExpertConflict.create({ expertUserId: actor.userId, organisationId, reason, declaredAt: now }, { transaction: t });
        await this.audit.append(t, { actor, action: 'experts.conflict_declared', subject: `user:${actor.userId}`, payload: { organisation: organisationId, reason } });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    return { organisationId, reason, declaredAt: now.toISOString() };
  }

  // ── the draw ────────────────────────────────────────────────────────────────────────────────

  /** Committee composition against the rules table: size ≥ minimum and odd, experts ≥ 2/3, representatives ≤ the cap. */
  private async checkComposition(trade: TradeRow, request: DrawRequest): Promise<number> {
    const experts = request.seats.reduce((n, s) => n + s.count, 0);
    const size = experts + request.tendereeRepresentatives;
    const sizeRule = (await this.trades.rules.forTrade('evaluation.committee_size', trade))!;
    const share = (await this.trades.rules.forTrade('evaluation.expert_share', trade))!;
    const cap = (await this.trades.rules.forTrade('evaluation.tenderee_rep_cap', trade))!;
    const refuse = (rule: typeof sizeRule, detail: string) =>
      new AppError('COMMITTEE_RULES_VIOLATED', detail, { extra: { rule: rule.row.id, value: rule.value, source: rule.row.source, size, experts, representatives: request.tendereeRepresentatives } });
    if (size < sizeRule.value || size % 2 === 0) throw refuse(sizeRule, `the committee must have at least ${sizeRule.value} members and an odd number (here ${size})`);
    if (experts * 100 < size * share.value - 1e-9) throw refuse(share, `experts must be at least two thirds of the committee (here ${experts} of ${size})`);
    if (request.tendereeRepresentatives * 100 > size * cap.value + 1e-9) throw refuse(cap, `the tenderee's representatives may be at most ${cap.value.toFixed(2)}% of the committee (here ${request.tendereeRepresentatives} of ${size})`);
    return size;
  }

  /** The eligible pool for a trade now, and how many each avoidance rule left out. */
  private async eligiblePool(trade: TradeRow, purpose: DrawPurpose = 'evaluation'): Promise<{ pool: PoolEntry[]; excluded: { rule: string; count: number }[] }> {
    const notice = noticeOf(trade);
    const bidderOrgs = new Set((await this.bids.models.Bid.findAll({ where: { tradeId: trade.id } })).map((b) => b.organisationId));
    const parties = new Set([trade.tendereeOrganisationId, ...(trade.agencyOrganisationId ? [trade.agencyOrganisationId] : []), ...bidderOrgs, ...(notice.invitees ?? [])]);
    const conflicts = await this.models.ExpertConflict.findAll({ where: { organisationId: [...parties] } });
    const window = (await this.trades.rules.forTrade('experts.repeat_window', trade))!;
    const since = new Date(this.clock.now().getTime() - window.value * 86_400_000);
    const sameTendereeTrades = (await this.trades.models.Trade.findAll({ where: { tendereeOrganisationId: trade.tendereeOrganisationId, id: { [Op.ne]: trade.id } } })).map((t) => t.id);
    const recent = sameTendereeTrades.length
      ? await this.models.ExpertAssignment.findAll({ where: { tradeId: sameTendereeTrades, status: 'accepted', respondedAt: { [Op.gte]: since } } })
      : [];
    const counts = new Map<string, number>();
    const out = (rule: string) => counts.set(rule, (counts.get(rule) ?? 0) + 1);
    const pool: PoolEntry[] = [];
    const extra = (await this.purposes?.exclusions(trade, purpose)) ?? [];
    const restricted = await this.credit.restrictedExperts(this.clock.now());
    for (const e of await this.pool()) {
      const earlier = extra.find((x) => x.userIds.includes(e.userId));
      if (e.status !== 'active') out('experts.suspended');
      else if (restricted.has(e.userId)) out(CREDIT_RESTRICTED);
      else if (earlier) out(earlier.rule);
      else if (e.employerOrganisationId === trade.tendereeOrganisationId) out('avoidance.employed_by_tenderee');
      else if (e.employerOrganisationId !== null && e.employerOrganisationId === trade.agencyOrganisationId) out('avoidance.employed_by_agency');
      else if (e.employerOrganisationId !== null && bidderOrgs.has(e.employerOrganisationId)) out('avoidance.employed_by_bidder');
      else if (conflicts.some((c) => c.expertUserId === e.userId)) out('avoidance.declared_conflict');
      else if (recent.some((a) => a.expertUserId === e.userId)) out('experts.repeat_window');
      else pool.push({ userId: e.userId, name: e.name, regionCode: e.regionCode, specialties: e.specialties, employerOrganisationId: e.employerOrganisationId, qualificationLevel: e.qualificationLevel });
    }
    return { pool, excluded: [...counts].map(([rule, count]) => ({ rule, count })) };
  }

  /** Step 1: snapshot the eligible pool and publish the seed's hash (the seed stays secret). Allowed once bids are opened. */
  async commit(actor: Actor, tradeId: number, input: DrawRequest & { purpose?: DrawPurpose }): Promise<DrawView> {
    const trade = await this.trades.get(tradeId);
    if (!this.trades.canManage(actor, trade) || actor.role === 'agent') throw new AppError('NOT_PARTICIPANT', 'the trading center draws the experts');
    const purpose = input.purpose ?? 'evaluation';
    const request: DrawRequest = { seats: input.seats, tendereeRepresentatives: input.tendereeRepresentatives };
    if (purpose === 'recheck') {
      // an independent recheck panel (复审): after the signed report, while a panel recheck is open
      if (!['evaluated', 'publicity'].includes(trade.state)) throw new AppError('TRADE_WRONG_STATE', `a recheck panel is drawn after the evaluation and before the award (the trade is ${trade.state})`);
      if (!this.purposes) throw new AppError('CONFLICT', 'no recheck is open for this trade');
      await this.purposes.checkRecheckDraw(trade, request.seats.reduce((n, s) => n + s.count, 0) + request.tendereeRepresentatives);
    } else {
      if (!['opening', 'opened'].includes(trade.state)) throw new AppError('TRADE_WRONG_STATE', `experts are drawn after the bid deadline (the trade is ${trade.state})`);
      await this.checkComposition(trade, request);
    }
    const { pool, excluded } = await this.eligiblePool(trade, purpose);
    const seed = randomBytes(32).toString('hex');
    const snapshot = canonicalJson(pool);
    const id = await this.db.transaction(async (t) => {
      const draw = await this.models.ExpertDraw.create(
        {
          tradeId,
          state: 'committed',
          request: JSON.stringify(request),
          seedCommitment: sha256Hex(seed),
          seed,
          poolSnapshot: snapshot,
          poolHash: sha256Hex(snapshot),
          excluded: JSON.stringify(excluded),
          purpose,
          committedBy: actor.userId,
          committedAt: this.clock.now(),
          drawnAt: null,
        },
        { transaction: t },
      );
      await this.audit.append(t, { actor, action: 'experts.draw_committed', subject: `trade:${trade.code}`, payload: { draw: draw.id, purpose, seedCommitment: draw.seedCommitment, poolHash: draw.poolHash, poolSize: pool.length, request, excluded } });
      return draw.id;
    });
    return this.view(actor, tradeId, id);
  }

  private async options(trade: TradeRow) {
    const outside = (await this.trades.rules.forTrade('experts.outside_city_min', trade))!;
    const city = (code: string) => cityOf(this.identity.regions.lineage(code));
    return { tradeCity: city(trade.regionCode), cityOf: city, outsideCityMin: outside.value };
  }

  /** Step 2: draw from the committed snapshot with the committed seed, then reveal the seed. */
  async run(actor: Actor, tradeId: number, drawId: number): Promise<DrawView> {
    const trade = await this.trades.get(tradeId);
    if (!this.trades.canManage(actor, trade) || actor.role === 'agent') throw new AppError('NOT_PARTICIPANT', 'the trading center draws the experts');
    const options = await this.options(trade);
    const now = this.clock.now();
    const restricted = await this.credit.restrictedExperts(now);
    await this.db.transaction(async (t) => {
      const draw = await this.models.ExpertDraw.findOne({ where: { id: drawId, tradeId }, ...lockFor(t) });
      if (!draw) throw new AppError('NOT_FOUND', `no draw ${drawId}`);
      if (draw.state !== 'committed') throw new AppError('DRAW_WRONG_STATE', 'this draw has run');
      // a restriction recorded since the commit: that seat is declined for it and refilled from the same ranking
      const seats = await this.fillSeats(t, actor, draw, trade, options, now, restricted);
      await draw.update({ state: 'drawn', drawnAt: now }, { transaction: t });
      await this.audit.append(t, {
        actor,
        action: 'experts.drawn',
        subject: `trade:${trade.code}`,
        payload: { draw: drawId, seed: draw.seed, seats: seats.map((s) => ({ seat: s.seat, specialty: s.specialty, expert: s.userId, ...(s.restricted ? { declined: CREDIT_RESTRICTED } : {}) })), outsideCityMin: options.outsideCityMin },
      });
    });
    return this.view(actor, tradeId, drawId);
  }

  /**
   * An expert accepts or declines; a decline is refilled at once from the same ranking. An expert a
   * credit restriction bars since the invitation cannot accept: the seat is declined for them
   * (`credit.restricted`, as at the draw), the ranking moves on, and the answer is CREDIT_RESTRICTED.
   */
  async respond(actor: Actor, assignmentId: number, accept: boolean, reason: string | undefined): Promise<AssignmentView> {
    const assignment = await this.models.ExpertAssignment.findByPk(assignmentId);
    if (!assignment || assignment.expertUserId !== actor.userId) throw new AppError('NOT_YOUR_ASSIGNMENT');
    const trade = await this.trades.get(assignment.tradeId);
    const options = await this.options(trade);
    const restricted = await this.credit.restrictedExperts(this.clock.now());
    const barred = accept ? restricted.get(actor.userId) : undefined;
    await this.db.transaction(async (t) => {
      const draw = (await this.models.ExpertDraw.findByPk(assignment.drawId, lockFor(t)))!;
      const locked = (await this.models.ExpertAssignment.findByPk(assignmentId, { transaction: t }))!;
      if (locked.status !== 'invited') throw new AppError('DRAW_WRONG_STATE', `you have already ${locked.status}`);
      const now = this.clock.now();
      if (barred) {
        await locked.update({ status: 'declined', respondedAt: now, declineReason: creditDeclineReason(barred) }, { transaction: t });
        await this.audit.append(t, { actor, action: 'experts.credit_excluded', subject: `trade:${trade.code}`, payload: { draw: draw.id, seat: locked.seat, expert: actor.userId, rule: CREDIT_RESTRICTED, issuingRegion: barred.issuingRegion, basis: barred.basis, at: 'accept' } });
        const replacement = await this.refill(t, actor, draw, trade, options, now, restricted);
        await this.audit.append(t, { actor, action: 'experts.declined', subject: `trade:${trade.code}`, payload: { draw: draw.id, seat: locked.seat, reason: CREDIT_RESTRICTED, replacement } });
        return;
      }
      await locked.update({ status: accept ? 'accepted' : 'declined', respondedAt: now, declineReason: accept ? null : (reason ?? null) }, { transaction: t });
      const replacement = accept ? null : await this.refill(t, actor, draw, trade, options, now, restricted);
      await this.audit.append(t, { actor, action: accept ? 'experts.accepted' : 'experts.declined', subject: `trade:${trade.code}`, payload: { draw: draw.id, seat: locked.seat, reason: reason ?? null, replacement } });
    });
    if (barred) {
      throw new AppError('CREDIT_RESTRICTED', `restricted by ${barred.issuingRegion}: ${barred.basis}; the seat passed to the next expert of the ranking`, {
        extra: { issuingRegion: barred.issuingRegion, issuingRegionName: barred.issuingRegionName, basis: barred.basis, until: barred.until },
      });
    }
    if (accept) await this.onAccepted?.(trade.id, actor.userId, { drawId: assignment.drawId, purpose: (await this.models.ExpertDraw.findByPk(assignment.drawId))!.purpose });
    return (await this.assignmentsOf(actor)).find((a) => a.id === assignmentId)!;
  }

  /**
   * Creates every seat the ranking gives that is not yet recorded (the committee at the draw, the
   * replacement after a decline). The pool snapshot was taken at the commit: an expert a credit
   * restriction bars now is recorded as declined — reason `credit.restricted` and the restriction —
   * at the same instant, and the ranking moves on, exactly as for a decline, so the replay matches.
   */
  private async fillSeats(
    t: Transaction,
    actor: Actor,
    draw: DrawRow,
    trade: TradeRow,
    options: Awaited<ReturnType<ExpertService['options']>>,
    now: Date,
    restricted: Map<number, { issuingRegion: string; basis: string }>,
  ): Promise<(ReturnType<typeof computeSeats>[number] & { restricted: boolean })[]> {
    const created: (ReturnType<typeof computeSeats>[number] & { restricted: boolean })[] = [];
    for (;;) {
      const all = await this.models.ExpertAssignment.findAll({ where: { drawId: draw.id }, order: [['seat', 'ASC']], transaction: t });
      const declined = new Map(all.filter((a) => a.status === 'declined').sort((a, b) => a.respondedAt!.getTime() - b.respondedAt!.getTime() || a.seat - b.seat).map((a, i) => [i, a.seat]));
      const seats = computeSeats(JSON.parse(draw.poolSnapshot) as PoolEntry[], JSON.parse(draw.request) as DrawRequest, draw.seed, { ...options, declined });
      const recorded = new Set(all.map((a) => a.seat));
      const fresh = seats.filter((s) => !recorded.has(s.seat));
      for (const s of fresh) {
        const restriction = restricted.get(s.userId);
        const declineReason = restriction ? creditDeclineReason(restriction) : null;
        await this.models.ExpertAssignment.create(
          { drawId: draw.id, tradeId: trade.id, seat: s.seat, specialty: s.specialty, expertUserId: s.userId, status: restriction ? 'declined' : 'invited', replaces: s.replaces, invitedAt: now, respondedAt: restriction ? now : null, declineReason },
          { transaction: t },
        );
        if (restriction) {
          await this.audit.append(t, { actor, action: 'experts.credit_excluded', subject: `trade:${trade.code}`, payload: { draw: draw.id, seat: s.seat, expert: s.userId, rule: CREDIT_RESTRICTED, issuingRegion: restriction.issuingRegion, basis: restriction.basis } });
        }
        created.push({ ...s, restricted: !!restriction });
      }
      if (!fresh.some((s) => restricted.has(s.userId))) return created;
    }
  }

  /** Invites the next eligible expert of the same ranking for the seat just vacated (declines are replayed in order). */
  private async refill(t: Transaction, actor: Actor, draw: DrawRow, trade: TradeRow, options: Awaited<ReturnType<ExpertService['options']>>, now: Date, restricted: Map<number, { issuingRegion: string; basis: string }>): Promise<number> {
    const created = await this.fillSeats(t, actor, draw, trade, options, now, restricted);
    return created.filter((s) => !s.restricted).at(-1)!.userId;
  }

  /**
   * A member who must leave mid-evaluation (recusal, illness): their seat counts as declined and the
   * next expert of the same ranking is invited (a replacement is also drawn, 实施条例 art 47).
   */
  async replaceMember(t: Transaction, actor: Actor, tradeId: number, userId: number, reason: string): Promise<number> {
    const trade = await this.trades.get(tradeId, t);
    const options = await this.options(trade);
    const restricted = await this.credit.restrictedExperts(this.clock.now());
    const seat = await this.models.ExpertAssignment.findOne({ where: { tradeId, expertUserId: userId, status: 'accepted' }, order: [['id', 'DESC']], transaction: t });
    if (!seat) throw new AppError('NOT_FOUND', `expert ${userId} holds no accepted seat on this trade`);
    const draw = (await this.models.ExpertDraw.findByPk(seat.drawId, lockFor(t)))!;
    const now = this.clock.now();
    await seat.update({ status: 'declined', respondedAt: now, declineReason: `替换：${reason}` }, { transaction: t });
    const next = await this.refill(t, actor, draw, trade, options, now, restricted);
    await this.audit.append(t, { actor, action: 'experts.member_replaced', subject: `trade:${trade.code}`, payload: { draw: draw.id, seat: seat.seat, expert: userId, reason, replacement: next } });
    return next;
  }

  /** The evaluation adds an expert who accepts a replacement seat while it runs (the recheck wraps it: a panel seat joins the recheck). */
  onAccepted: ((tradeId: number, userId: number, draw?: { drawId: number; purpose: DrawPurpose }) => Promise<void>) | null = null;
  /** The recheck module's part in the draw (purpose 'recheck', and who earlier rounds leave out). */
  purposes: DrawPurposeHooks | null = null;

  async assignmentsOf(actor: Actor): Promise<AssignmentView[]> {
    const rows = await this.models.ExpertAssignment.findAll({ where: { expertUserId: actor.userId }, order: [['id', 'DESC']] });
    const trades = await this.trades.models.Trade.findAll({ where: { id: rows.map((r) => r.tradeId) } });
    return rows.map((r) => {
      const trade = trades.find((t) => t.id === r.tradeId)!;
      return { id: r.id, tradeId: r.tradeId, tradeCode: trade.code, tradeTitle: trade.title, specialty: r.specialty, status: r.status, invitedAt: r.invitedAt.toISOString() };
    });
  }

  /** Recomputes the seats from the published snapshot and the revealed seed (and the declines in order). */
  async replay(actor: Actor, tradeId: number, drawId: number): Promise<ReplayView> {
    const trade = await this.trades.get(tradeId);
    if (!this.trades.canOversee(actor, trade) && !this.trades.canManage(actor, trade)) throw new AppError('NOT_PARTICIPANT');
    const draw = await this.models.ExpertDraw.findOne({ where: { id: drawId, tradeId } });
    if (!draw || draw.state !== 'drawn') throw new AppError('DRAW_WRONG_STATE', 'only a draw that has run can be replayed');
    const recorded = await this.models.ExpertAssignment.findAll({ where: { drawId }, order: [['seat', 'ASC']] });
    const declined = new Map(recorded.filter((a) => a.status === 'declined').sort((a, b) => a.respondedAt!.getTime() - b.respondedAt!.getTime() || a.seat - b.seat).map((a, i) => [i, a.seat]));
    if (sha256Hex(draw.seed) !== draw.seedCommitment || sha256Hex(draw.poolSnapshot) !== draw.poolHash) return { drawId, matches: false, seats: [] };
    const seats = computeSeats(JSON.parse(draw.poolSnapshot) as PoolEntry[], JSON.parse(draw.request) as DrawRequest, draw.seed, { ...(await this.options(trade)), declined });
    const matches = seats.length === recorded.length && seats.every((s, i) => s.seat === recorded[i]!.seat && s.userId === recorded[i]!.expertUserId && s.specialty === recorded[i]!.specialty);
    return { drawId, matches, seats };
  }

  async view(actor: Actor, tradeId: number, drawId: number): Promise<DrawView> {
    const trade = await this.trades.get(tradeId);
    if (!this.trades.canOversee(actor, trade) && !this.trades.canManage(actor, trade)) throw new AppError('NOT_PARTICIPANT', 'the committee stays confidential until the result');
    const draw = (await this.models.ExpertDraw.findOne({ where: { id: drawId, tradeId } })) as DrawRow | null;
    if (!draw) throw new AppError('NOT_FOUND', `no draw ${drawId}`);
    const request = JSON.parse(draw.request) as DrawRequest;
    const seats = await this.models.ExpertAssignment.findAll({ where: { drawId }, order: [['seat', 'ASC']] });
    const users = await this.identity.models.User.findAll({ where: { id: seats.map((s) => s.expertUserId) } });
    return {
      id: draw.id,
      tradeId,
      state: draw.state,
      purpose: draw.purpose,
      seedCommitment: draw.seedCommitment,
      seed: draw.state === 'drawn' ? draw.seed : null,
      poolHash: draw.poolHash,
      poolSize: (JSON.parse(draw.poolSnapshot) as unknown[]).length,
      excluded: JSON.parse(draw.excluded) as DrawView['excluded'],
      requested: request.seats,
      tendereeRepresentatives: request.tendereeRepresentatives,
      committeeSize: request.seats.reduce((n, s) => n + s.count, 0) + request.tendereeRepresentatives,
      seats: seats.map((s) => {
        const user = users.find((u) => u.id === s.expertUserId)!;
        return { seat: s.seat, specialty: s.specialty, userId: s.expertUserId, name: user.displayName, regionCode: user.regionCode, status: s.status, replaces: s.replaces, respondedAt: s.respondedAt?.toISOString() ?? null, declineReason: s.declineReason };
      }),
      committedAt: draw.committedAt.toISOString(),
      drawnAt: draw.drawnAt?.toISOString() ?? null,
    };
  }

  /** The pool snapshot and seed of a drawn draw, for anyone replaying it offline (staff and supervisors). */
  async published(actor: Actor, tradeId: number, drawId: number): Promise<{ pool: PoolEntry[]; seed: string; request: DrawRequest }> {
    const view = await this.view(actor, tradeId, drawId);
    if (view.state !== 'drawn') throw new AppError('DRAW_WRONG_STATE', 'the seed is revealed after the draw');
    const draw = (await this.models.ExpertDraw.findByPk(drawId))!;
    return { pool: JSON.parse(draw.poolSnapshot) as PoolEntry[], seed: draw.seed, request: JSON.parse(draw.request) as DrawRequest };
  }

  /** A trade's draws, newest first (staff and supervisors). */
  async list(actor: Actor, tradeId: number): Promise<DrawView[]> {
    const trade = await this.trades.get(tradeId);
    if (!this.trades.canOversee(actor, trade) && !this.trades.canManage(actor, trade)) throw new AppError('NOT_PARTICIPANT', 'the committee stays confidential until the result');
    const rows = await this.models.ExpertDraw.findAll({ where: { tradeId }, order: [['id', 'DESC']] });
    const views: DrawView[] = [];
    for (const row of rows) views.push(await this.view(actor, tradeId, row.id));
    return views;
  }
}
