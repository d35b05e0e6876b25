import { createHash } from 'node:crypto';
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Transaction } from 'sequelize';
import { canonicalJson } from '../../../crypto/canonical-json.js';
import { COMPLIANCE_CHECKS, type ComplianceCheck, type EvaluationProgress, type EvaluationResult, type CorrectionView, type EvaluationState, type EvaluationView, type ExplanationView } from '../../../contracts/evaluation.js';
import type { Db } from '../../db/index.js';
import { lockFor } from '../../db/index.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError, isUniqueViolation } from '../../kernel/errors.js';
import { findCjkFont } from '../../kernel/pdf.js';
import type { CertificateService } from '../certificates/service.js';
import type { CreditService } from '../credit/service.js';
import { maskIdNumber } from '../../../contracts/credit-names.js';
import { CREDIT_RESTRICTED, creditDeclineReason, type ExpertService } from '../experts/service.js';
import type { BidService } from '../bids/service.js';
import type { IdentityService } from '../identity/service.js';
import type { OpeningService } from '../opening/service.js';
import { noticeOf, type TradeRow } from '../trades/models.js';
import { notificationText, type TradeService } from '../trades/service.js';
import { arithmeticCorrection, defaultTemplate, evaluate, TEMPLATES, type BidInput, type Member, type Template } from './compute.js';
import { renderEvaluationReport, type EvaluationReport } from './report.js';

export function defineEvaluationModels(db: Db) {
  class Evaluation extends Model<InferAttributes<Evaluation>, InferCreationAttributes<Evaluation>> {
    declare tradeId: number;
    declare templateId: string;
    declare state: EvaluationState;
    declare chairUserId: number | null;
    declare startedAt: Date;
    declare result: string | null;
    declare report: string | null;
    declare reportSha256: string | null;
    declare finalisedAt: Date | null;
    declare extended: CreationOptional<boolean>;
    /** The recheck whose correction this result carries (null: the committee's own result). */
    declare correctedByRecheck: CreationOptional<number | null>;
    /** When the recheck module's automatic check ran on the final report. */
    declare automaticCheckedAt: CreationOptional<Date | null>;
    /** The bidders' credit scores frozen at the bid deadline (JSON {uscc: {score, share}}); null: started before the credit module (neutral). */
    declare creditScores: CreationOptional<string | null>;
    /** The bids' named persons (project managers) under a bidding restriction at the bid deadline (JSON {bidId: FrozenPersonRestriction}). */
    declare creditPersons: CreationOptional<string | null>;
  }
  Evaluation.init(
    {
      tradeId: { type: DataTypes.INTEGER, primaryKey: true },
      templateId: { type: DataTypes.STRING(64), allowNull: false },
      state: { type: DataTypes.STRING(16), allowNull: false },
      chairUserId: { type: DataTypes.INTEGER, allowNull: true },
      startedAt: { type: DataTypes.DATE(3), allowNull: false },
      result: { type: DataTypes.TEXT, allowNull: true },
      report: { type: DataTypes.TEXT, allowNull: true },
      reportSha256: { type: DataTypes.STRING(64), allowNull: true },
      finalisedAt: { type: DataTypes.DATE(3), allowNull: true },
      extended: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      correctedByRecheck: { type: DataTypes.INTEGER, allowNull: true, defaultValue: null },
      automaticCheckedAt: { type: DataTypes.DATE(3), allowNull: true, defaultValue: null },
      creditScores: { type: DataTypes.TEXT, allowNull: true, defaultValue: null },
      creditPersons: { type: DataTypes.TEXT, allowNull: true, defaultValue: null },
    },
    { sequelize: db, tableName: 'evaluations', modelName: 'Evaluation' },
  );
  class EvaluationMember extends Model<InferAttributes<EvaluationMember>, InferCreationAttributes<EvaluationMember>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare userId: number;
    declare chairVote: number | null;
    declare submittedAt: Date | null;
    declare signature: Buffer | null;
    declare refusedReason: string | null;
    declare signedAt: Date | null;
  }
  EvaluationMember.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      chairVote: { type: DataTypes.INTEGER, allowNull: true },
      submittedAt: { type: DataTypes.DATE(3), allowNull: true },
      signature: { type: DataTypes.BLOB('medium'), allowNull: true },
      refusedReason: { type: DataTypes.STRING(1000), allowNull: true },
      signedAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'evaluation_members', modelName: 'EvaluationMember' },
  );
  class ComplianceVote extends Model<InferAttributes<ComplianceVote>, InferCreationAttributes<ComplianceVote>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare bidId: number;
    declare expertUserId: number;
    declare checkName: ComplianceCheck;
    declare pass: boolean;
    declare reason: string | null;
    declare at: Date;
  }
  ComplianceVote.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      bidId: { type: DataTypes.INTEGER, allowNull: false },
      expertUserId: { type: DataTypes.INTEGER, allowNull: false },
      checkName: { type: DataTypes.STRING(16), allowNull: false },
      pass: { type: DataTypes.BOOLEAN, allowNull: false },
      reason: { type: DataTypes.STRING(1000), allowNull: true },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'compliance_votes', modelName: 'ComplianceVote' },
  );
  class EvaluationScore extends Model<InferAttributes<EvaluationScore>, InferCreationAttributes<EvaluationScore>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare bidId: number;
    declare expertUserId: number;
    declare criterion: string;
    declare value: number;
    declare at: Date;
  }
  EvaluationScore.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      bidId: { type: DataTypes.INTEGER, allowNull: false },
      expertUserId: { type: DataTypes.INTEGER, allowNull: false },
      criterion: { type: DataTypes.STRING(32), allowNull: false },
      value: { type: DataTypes.DOUBLE, allowNull: false },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'evaluation_scores', modelName: 'EvaluationScore' },
  );
  class TimeRequest extends Model<InferAttributes<TimeRequest>, InferCreationAttributes<TimeRequest>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare userId: number;
    declare reason: string;
    declare at: Date;
  }
  TimeRequest.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      reason: { type: DataTypes.STRING(500), allowNull: false },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'evaluation_time_requests', modelName: 'EvaluationTimeRequest' },
  );
  class Suspicion extends Model<InferAttributes<Suspicion>, InferCreationAttributes<Suspicion>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare bidId: number;
    declare userId: number;
    declare at: Date;
  }
  Suspicion.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      bidId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'evaluation_suspicions', modelName: 'EvaluationSuspicion' },
  );
  class Explanation extends Model<InferAttributes<Explanation>, InferCreationAttributes<Explanation>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare bidId: number;
    declare question: string;
    declare requestedAt: Date;
    declare deadline: Date;
    declare answer: string | null;
    declare answeredAt: Date | null;
    declare answeredBy: number | null;
  }
  Explanation.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      bidId: { type: DataTypes.INTEGER, allowNull: false },
      question: { type: DataTypes.STRING(1000), allowNull: false },
      requestedAt: { type: DataTypes.DATE(3), allowNull: false },
      deadline: { type: DataTypes.DATE(3), allowNull: false },
      answer: { type: DataTypes.TEXT, allowNull: true },
      answeredAt: { type: DataTypes.DATE(3), allowNull: true },
      answeredBy: { type: DataTypes.INTEGER, allowNull: true },
    },
    { sequelize: db, tableName: 'explanation_requests', modelName: 'ExplanationRequest' },
  );
  class PriceCorrection extends Model<InferAttributes<PriceCorrection>, InferCreationAttributes<PriceCorrection>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare bidId: number;
    declare originalFen: number;
    declare correctedFen: number;
    declare steps: string;
    declare status: 'pending' | 'accepted' | 'refused';
    declare proposedAt: Date;
    declare answeredAt: Date | null;
    declare answeredBy: number | null;
  }
  PriceCorrection.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      bidId: { type: DataTypes.INTEGER, allowNull: false },
      originalFen: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('originalFen')); } },
      correctedFen: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('correctedFen')); } },
      steps: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      proposedAt: { type: DataTypes.DATE(3), allowNull: false },
      answeredAt: { type: DataTypes.DATE(3), allowNull: true },
      answeredBy: { type: DataTypes.INTEGER, allowNull: true },
    },
    { sequelize: db, tableName: 'price_corrections', modelName: 'PriceCorrection' },
  );
  /** An earlier evaluation round voided by a recheck that ordered re-evaluation: its members and a snapshot of everything it did. */
  class EvaluationRound extends Model<InferAttributes<EvaluationRound>, InferCreationAttributes<EvaluationRound>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare round: number;
    declare recheckId: number | null;
    declare drawId: number | null;
    declare members: string;
    declare snapshot: string;
    declare archivedAt: Date;
  }
  EvaluationRound.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      round: { type: DataTypes.INTEGER, allowNull: false },
      recheckId: { type: DataTypes.INTEGER, allowNull: true },
      drawId: { type: DataTypes.INTEGER, allowNull: true },
      members: { type: DataTypes.TEXT, allowNull: false },
      snapshot: { type: DataTypes.TEXT, allowNull: false },
      archivedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'evaluation_rounds', modelName: 'EvaluationRound' },
  );
  return { Evaluation, EvaluationMember, ComplianceVote, EvaluationScore, TimeRequest, Suspicion, Explanation, PriceCorrection, EvaluationRound };
}

/** Everything the arithmetic of compute.ts takes, read from the raw records. */
export type EvaluationInputs = Parameters<typeof evaluate>[0] & { template: Template };
type EvaluationModels = ReturnType<typeof defineEvaluationModels>;

const LABELS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The evaluation of one trade by its drawn committee. Votes and scores are each expert's own until
 * submitted; the server computes every formula (compute.ts) from the raw inputs and writes the
 * report, which every member signs (CMS over the report's SHA-256) or refuses to sign with a reason.
 */
export class EvaluationService {
  readonly models: EvaluationModels;
  /** The recheck module listens here: the automatic recheck runs on every signed report. */
  onFinal: ((tradeId: number) => Promise<void>) | null = null;
  /** The live room listens here (socket.ts); called after every change. */
  onChange: ((tradeId: number) => void) | null = null;
  private changed(tradeId: number): void {
    this.onChange?.(tradeId);
  }

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly identity: IdentityService,
    private readonly certificates: CertificateService,
    private readonly trades: TradeService,
    private readonly opening: OpeningService,
    private readonly experts: ExpertService,
    private readonly bidService: BidService,
    private readonly credit: Pick<CreditService, 'scoresAt' | 'personsRestrictedAt' | 'restrictedExperts'>,
    private readonly config: { cjkFontPath: string | undefined },
  ) {
    this.models = defineEvaluationModels(db);
  }

  private template(trade: TradeRow): Template {
    const id = noticeOf(trade).evaluationTemplate ?? defaultTemplate(trade.kind);
    return TEMPLATES[id] ?? TEMPLATES[defaultTemplate(trade.kind)]!;
  }

  private async members(tradeId: number, t?: Transaction): Promise<Member[]> {
    const rows = await this.models.EvaluationMember.findAll({ where: { tradeId }, order: [['userId', 'ASC']], transaction: t });
    const users = await this.identity.models.User.findAll({ where: { id: rows.map((r) => r.userId) }, transaction: t });
    return rows.map((r) => ({ userId: r.userId, name: users.find((u) => u.id === r.userId)?.displayName ?? String(r.userId) }));
  }

  /** The project managers the opened bids name by ID number in bid.json (bid id → name and ID number). */
  async projectManagers(tradeId: number): Promise<Map<number, { name: string; idNumber: string }>> {
    const results = await this.opening.models.OpeningResult.findAll({ where: { tradeId, outcome: 'opened' } });
    const out = new Map<number, { name: string; idNumber: string }>();
    for (const r of results) {
      const json = r.bidJson ? (JSON.parse(r.bidJson) as { projectManager?: string; projectManagerIdNumber?: string }) : {};
      if (json.projectManagerIdNumber) out.set(r.bidId, { name: json.projectManager ?? '', idNumber: json.projectManagerIdNumber });
    }
    return out;
  }

  /** The opened bids (from the opening record), labelled A, B, C… in opening order. */
  async bids(tradeId: number): Promise<BidInput[]> {
    const corrections = await this.models.PriceCorrection.findAll({ where: { tradeId } });
    const persons = parseCreditPersons((await this.models.Evaluation.findByPk(tradeId))?.creditPersons);
    const results = await this.opening.models.OpeningResult.findAll({ where: { tradeId, outcome: 'opened' }, order: [['ord', 'ASC']] });
    const bids = await this.bidService.models.Bid.findAll({ where: { id: results.map((r) => r.bidId) } });
    const orgs = await this.identity.models.Organisation.findAll({ where: { id: bids.map((b) => b.organisationId) } });
    return results.map((r, i) => {
      const org = orgs.find((o) => o.id === bids.find((b) => b.id === r.bidId)!.organisationId)!;
      const json = r.bidJson ? (JSON.parse(r.bidJson) as { coreProductBrand?: string }) : {};
      const correction = corrections.find((c) => c.bidId === r.bidId);
      return {
        bidId: r.bidId,
        bidder: { uscc: org.uscc, name: org.name, label: LABELS[i] ?? String(i + 1) },
        // a confirmed arithmetic correction binds the bidder (87号令 art 59)
        priceFen: correction?.status === 'accepted' ? correction.correctedFen : (r.priceFen ?? 0),
        brand: json.coreProductBrand ?? null,
        forcedReject: correction?.status === 'refused' ? '投标人不接受算术修正后的报价，投标无效（87号令第五十九条）' : persons[r.bidId] ? personRejection(persons[r.bidId]!) : null,
      };
    });
  }

  private async get(tradeId: number) {
    const evaluation = await this.models.Evaluation.findByPk(tradeId);
    if (!evaluation) throw new AppError('NOT_FOUND', 'the evaluation has not started');
    return evaluation;
  }

  private async member(actor: Actor, tradeId: number) {
    const member = await this.models.EvaluationMember.findOne({ where: { tradeId, userId: actor.userId } });
    if (!member) throw new AppError('NOT_PARTICIPANT', 'only members of the committee take part');
    return member;
  }

  private async assertState(tradeId: number, state: EvaluationState) {
    const evaluation = await this.get(tradeId);
    if (evaluation.state !== state) throw new AppError('CONFLICT', `the evaluation is at ${evaluation.state}, not ${state}`, { extra: { state: evaluation.state } });
    return evaluation;
  }

  /** Staff open the evaluation once the record is published and every seat of the committee has accepted. */
  async start(actor: Actor, tradeId: number): Promise<EvaluationView> {
    const trade = await this.trades.get(tradeId);
    if (!this.trades.canManage(actor, trade) || actor.role === 'agent') throw new AppError('NOT_PARTICIPANT', 'the trading center opens the evaluation');
    if (trade.state !== 'opened') throw new AppError('TRADE_WRONG_STATE', `the evaluation follows the published opening record (the trade is ${trade.state})`);
    const draws = await this.experts.models.ExpertDraw.findAll({ where: { tradeId, state: 'drawn', purpose: 'evaluation' }, order: [['id', 'DESC']], limit: 1 });
    const draw = draws[0];
    if (!draw) throw new AppError('CONFLICT', 'draw the committee first');
    // after a recheck ordered re-evaluation, only a committee drawn since then may evaluate
    const lastRound = await this.models.EvaluationRound.findOne({ where: { tradeId }, order: [['round', 'DESC']] });
    if (lastRound && (lastRound.drawId === null || draw.id <= lastRound.drawId)) throw new AppError('CONFLICT', `the committee of round ${lastRound.round} was voided by recheck ${lastRound.recheckId}: draw a new committee first`, { extra: { round: lastRound.round } });
    const seats = await this.experts.models.ExpertAssignment.findAll({ where: { drawId: draw.id } });
    const requested = (JSON.parse(draw.request) as { seats: { count: number }[] }).seats.reduce((n, s) => n + s.count, 0);
    const accepted = seats.filter((s) => s.status === 'accepted');
    // a member penalised since accepting (scope expert_pool / all) may not sit: replaced now, as a member who must leave
    const restricted = await this.credit.restrictedExperts(this.clock.now());
    const barred = accepted.filter((s) => restricted.has(s.expertUserId));
    if (barred.length > 0) {
      const replaced: { expert: number; replacement: number; issuingRegion: string; basis: string }[] = [];
      await this.db.transaction(async (t) => {
        for (const seat of barred) {
          const r = restricted.get(seat.expertUserId)!;
          const replacement = await this.experts.replaceMember(t, actor, tradeId, seat.expertUserId, creditDeclineReason(r));
          replaced.push({ expert: seat.expertUserId, replacement, issuingRegion: r.issuingRegion, basis: r.basis });
        }
      });
      throw new AppError('CONFLICT', `${barred.length} accepted expert(s) are now under a credit restriction and were replaced by the next of the draw's ranking; start once the replacements have accepted`, {
        extra: { rule: CREDIT_RESTRICTED, replaced },
      });
    }
    if (accepted.length !== requested) throw new AppError('CONFLICT', `${accepted.length} of ${requested} drawn experts have accepted`);
    const creditScores = await this.frozenCreditScores(trade);
    const creditPersons = await this.frozenCreditPersons(trade);
    try {
      await this.db.transaction(async (t) => {
        await this.models.Evaluation.create({ tradeId, templateId: this.template(trade).id, state: 'review', chairUserId: null, startedAt: this.clock.now(), result: null, report: null, reportSha256: null, finalisedAt: null, creditScores: JSON.stringify(creditScores), creditPersons: JSON.stringify(creditPersons) }, { transaction: t });
        for (const seat of accepted) await this.models.EvaluationMember.create({ tradeId, userId: seat.expertUserId, chairVote: null, submittedAt: null, signature: null, refusedReason: null, signedAt: null }, { transaction: t });
        // the machine checks every opened bid's arithmetic in the statutory order and asks the bidder to confirm a correction
        const rule = await this.trades.rules.forTrade('evaluation.arithmetic_correction', trade);
        if (rule?.value === 1) {
          for (const result of await this.opening.models.OpeningResult.findAll({ where: { tradeId, outcome: 'opened' }, transaction: t })) {
            const json = JSON.parse(result.bidJson ?? '{}') as Parameters<typeof arithmeticCorrection>[0];
            const correction = arithmeticCorrection({ ...json, priceFen: result.priceFen ?? 0 });
            if (!correction) continue;
            // a bidder's answer to the correction binds it; a new committee (re-evaluation) does not ask again
            if (await this.models.PriceCorrection.findOne({ where: { bidId: result.bidId }, transaction: t })) continue;
            await this.models.PriceCorrection.create({ tradeId, bidId: result.bidId, originalFen: correction.originalFen, correctedFen: correction.correctedFen, steps: JSON.stringify(correction.steps), status: 'pending', proposedAt: this.clock.now(), answeredAt: null, answeredBy: null }, { transaction: t });
            await this.audit.append(t, { actor: { kind: 'system', name: 'evaluation' }, action: 'evaluation.correction_proposed', subject: `trade:${trade.code}`, payload: { bid: result.bidId, ...correction } });
          }
        }
        await this.audit.append(t, { actor, action: 'evaluation.started', subject: `trade:${trade.code}`, payload: { template: this.template(trade).id, members: accepted.map((s) => s.expertUserId), creditScores, creditScoresAt: trade.bidDeadline.toISOString(), creditPersons } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', 'the evaluation has already started');
      throw error;
    }
    this.changed(tradeId);
    return this.view(actor, tradeId);
  }

  /**
   * The credit restrictions of the persons the opened bids name (the project manager, by ID number
   * in bid.json), frozen like the scores: in force at the bid deadline as this deployment knew them
   * then. A bid whose project manager was barred from bidding fails the responsiveness check (the
   * committee sees the reason and cannot pass it), as a restricted company would have been refused.
   */
  private async frozenCreditPersons(trade: TradeRow): Promise<Record<string, FrozenPersonRestriction>> {
    const managers = await this.projectManagers(trade.id);
    const restricted = await this.credit.personsRestrictedAt([...managers.values()].map((m) => m.idNumber), trade.bidDeadline);
    const out: Record<string, FrozenPersonRestriction> = {};
    for (const [bidId, m] of managers) {
      const hit = restricted.get(m.idNumber);
      if (hit) out[bidId] = { role: 'projectManager', name: m.name, idNumber: maskIdNumber(m.idNumber), ...hit };
    }
    return out;
  }

  /**
   * The credit criterion's scores, frozen when the evaluation starts: every bidder with a bid in the
   * trade, scored at the bid deadline with the trade region's rules, counting only the records this
   * deployment knew by then — a penalty recorded (or received from a peer) later changes nothing.
   */
  private async frozenCreditScores(trade: TradeRow): Promise<Record<string, { score: number; share: number }>> {
    const bids = await this.bidService.models.Bid.findAll({ where: { tradeId: trade.id } });
    const orgs = bids.length ? await this.identity.models.Organisation.findAll({ where: { id: [...new Set(bids.map((b) => b.organisationId))] } }) : [];
    const usccs = [...new Set(orgs.map((o) => o.uscc))].sort();
    return this.credit.scoresAt(usccs, trade.bidDeadline, trade.regionCode);
  }

  /** Members elect their chair: the first candidate with a majority of the members' votes. */
  async voteChair(actor: Actor, tradeId: number, candidate: number): Promise<EvaluationView> {
    const member = await this.member(actor, tradeId);
    const members = await this.members(tradeId);
    if (!members.some((m) => m.userId === candidate)) throw new AppError('VALIDATION_FAILED', 'the chair is one of the committee');
    await this.db.transaction(async (t) => {
      const evaluation = (await this.models.Evaluation.findByPk(tradeId, lockFor(t)))!;
      if (evaluation.chairUserId) throw new AppError('CONFLICT', 'the chair is elected');
      await member.update({ chairVote: candidate }, { transaction: t });
      const votes = await this.models.EvaluationMember.count({ where: { tradeId, chairVote: candidate }, transaction: t });
      if (votes * 2 > members.length) {
        await evaluation.update({ chairUserId: candidate }, { transaction: t });
        await this.audit.append(t, { actor, action: 'evaluation.chair_elected', subject: `trade:${tradeId}`, payload: { chair: candidate, votes } });
      }
    });
    this.changed(tradeId);
    return this.view(actor, tradeId);
  }

  async voteCompliance(actor: Actor, tradeId: number, bidId: number, check: ComplianceCheck, pass: boolean, reason: string | undefined): Promise<EvaluationView> {
    await this.member(actor, tradeId);
    const current = await this.get(tradeId);
    // after the review a replacement member still casts the votes the member they replace had cast (theirs were voided)
    const mine = await this.models.ComplianceVote.count({ where: { tradeId, expertUserId: actor.userId } });
    const needed = (await this.bids(tradeId)).length * COMPLIANCE_CHECKS.length;
    if (current.state !== 'review' && !(current.state === 'scoring' && mine < needed)) throw new AppError('CONFLICT', `the evaluation is at ${current.state}`, { extra: { state: current.state } });
    if (!pass && !reason) throw new AppError('VALIDATION_FAILED', 'a rejection (否决投标) needs its reason');
    if (!(await this.bids(tradeId)).some((b) => b.bidId === bidId)) throw new AppError('NOT_FOUND', `bid ${bidId} is not under evaluation`);
    await this.db.transaction(async (t) => {
      // update in place or insert: a delete of a missing row takes InnoDB gap locks that deadlock with other experts' inserts
      const earlier = await this.models.ComplianceVote.findOne({ where: { tradeId, bidId, expertUserId: actor.userId, checkName: check }, transaction: t });
      if (earlier) await earlier.update({ pass, reason: reason ?? null, at: this.clock.now() }, { transaction: t });
      else await this.models.ComplianceVote.create({ tradeId, bidId, expertUserId: actor.userId, checkName: check, pass, reason: reason ?? null, at: this.clock.now() }, { transaction: t });
    });
    this.changed(tradeId);
    return this.view(actor, tradeId);
  }

  private async assertChair(actor: Actor, tradeId: number) {
    const evaluation = await this.get(tradeId);
    if (evaluation.chairUserId !== actor.userId) throw new AppError('NOT_PARTICIPANT', 'the chair does this');
    return evaluation;
  }

  /** The chair closes the compliance review once every member has voted every check of every bid. */
  async closeReview(actor: Actor, tradeId: number): Promise<EvaluationView> {
    const evaluation = await this.assertChair(actor, tradeId);
    if (evaluation.state !== 'review') throw new AppError('CONFLICT', `the evaluation is at ${evaluation.state}`);
    const [members, bids, votes] = [await this.members(tradeId), await this.bids(tradeId), await this.models.ComplianceVote.count({ where: { tradeId } })];
    const needed = members.length * bids.length * COMPLIANCE_CHECKS.length;
    if (votes < needed) throw new AppError('CONFLICT', `${votes} of ${needed} compliance votes are in`);
    const pending = await this.models.PriceCorrection.count({ where: { tradeId, status: 'pending' } });
    if (pending) throw new AppError('CONFLICT', `${pending} bidder(s) have not answered the arithmetic correction yet`);
    const scoring = this.template(await this.trades.get(tradeId)).criteria.some((c) => c.kind === 'judged');
    await this.db.transaction(async (t) => {
      await evaluation.update({ state: scoring ? 'scoring' : 'computed' }, { transaction: t });
      await this.audit.append(t, { actor, action: 'evaluation.review_closed', subject: `trade:${tradeId}`, payload: { votes } });
    });
    if (!scoring) await this.compute(tradeId);
    this.changed(tradeId);
    return this.view(actor, tradeId);
  }

  /** An expert's draft scores (judged criteria, compliant bids, inside each criterion's range); private until submitted. */
  async saveScores(actor: Actor, tradeId: number, scores: { bidId: number; criterion: string; value: number }[]): Promise<EvaluationView> {
    const member = await this.member(actor, tradeId);
    await this.assertState(tradeId, 'scoring');
    if (member.submittedAt) throw new AppError('CONFLICT', 'your scores are submitted and locked');
    const template = this.template(await this.trades.get(tradeId));
    const compliant = await this.compliantBids(tradeId);
    for (const s of scores) {
      const criterion = template.criteria.find((c) => c.id === s.criterion && c.kind === 'judged');
      if (!criterion) throw new AppError('VALIDATION_FAILED', `no judged criterion ${s.criterion}`);
      if (s.value < 0 || s.value > criterion.max) throw new AppError('VALIDATION_FAILED', `${s.criterion} is scored 0–${criterion.max}`, { extra: { criterion: s.criterion, max: criterion.max } });
      if (!compliant.includes(s.bidId)) throw new AppError('VALIDATION_FAILED', `bid ${s.bidId} is not scored (rejected or unknown)`);
    }
    await this.db.transaction(async (t) => {
      for (const s of scores) {
        const earlier = await this.models.EvaluationScore.findOne({ where: { tradeId, bidId: s.bidId, expertUserId: actor.userId, criterion: s.criterion }, transaction: t });
        if (earlier) await earlier.update({ value: s.value, at: this.clock.now() }, { transaction: t });
        else await this.models.EvaluationScore.create({ tradeId, bidId: s.bidId, expertUserId: actor.userId, criterion: s.criterion, value: s.value, at: this.clock.now() }, { transaction: t });
      }
    });
    return this.view(actor, tradeId);
  }

  /** The opened bids (as `bids()` gave them) the review rejected. */
  private async rejectedBids(tradeId: number, bids: BidInput[]): Promise<number[]> {
    const compliant = await this.compliantBids(tradeId, bids);
    return bids.map((b) => b.bidId).filter((id) => !compliant.includes(id));
  }

  private async compliantBids(tradeId: number, known?: BidInput[]): Promise<number[]> {
    const evaluation = await this.get(tradeId);
    const members = await this.members(tradeId);
    const bids = known ?? (await this.bids(tradeId));
    const votes = await this.votes(tradeId);
    const template = TEMPLATES[evaluation.templateId]!;
    return evaluate({ template, members, bids, votes, scores: [], dropExtremes: false }).compliance.filter((c) => c.compliant).map((c) => c.bidId);
  }

  private async votes(tradeId: number, t?: Transaction) {
    return (await this.models.ComplianceVote.findAll({ where: { tradeId }, order: [['id', 'ASC']], transaction: t })).map((v) => ({ bidId: v.bidId, expert: v.expertUserId, check: v.checkName, pass: Boolean(v.pass), reason: v.reason }));
  }

  /** The raw inputs of the arithmetic (members, opened bids, votes, scores) and the rules in force: what compute and the recheck recompute from. */
  async inputs(tradeId: number, t?: Transaction): Promise<EvaluationInputs> {
    const trade = await this.trades.get(tradeId, t);
    const evaluation = (await this.models.Evaluation.findByPk(tradeId, { transaction: t }))!;
    const drop = await this.trades.rules.forTrade('evaluation.drop_extremes', trade);
    const sameBrand = await this.trades.rules.forTrade('evaluation.same_brand_one_bidder', trade);
    const frozen = evaluation.creditScores ? (JSON.parse(evaluation.creditScores) as Record<string, { score: number; share: number }>) : {};
    return {
      sameBrandAsOne: sameBrand?.value === 1,
      // the credit criterion reads the scores frozen at the start (as of the bid deadline); unknown → neutral
      creditShare: (uscc: string) => frozen[uscc]?.share ?? 1,
      template: TEMPLATES[evaluation.templateId]!,
      members: await this.members(tradeId, t),
      bids: await this.bids(tradeId),
      votes: await this.votes(tradeId, t),
      scores: (await this.models.EvaluationScore.findAll({ where: { tradeId }, order: [['id', 'ASC']], transaction: t })).map((s) => ({ bidId: s.bidId, expert: s.expertUserId, criterion: s.criterion, value: Number(s.value) })),
      dropExtremes: drop?.value === 1,
    };
  }

  async submitScores(actor: Actor, tradeId: number): Promise<EvaluationView> {
    const member = await this.member(actor, tradeId);
    await this.assertState(tradeId, 'scoring');
    const template = this.template(await this.trades.get(tradeId));
    const judged = template.criteria.filter((c) => c.kind === 'judged');
    const compliant = await this.compliantBids(tradeId);
    const mine = await this.models.EvaluationScore.count({ where: { tradeId, expertUserId: actor.userId } });
    if (mine < judged.length * compliant.length) throw new AppError('CONFLICT', `score every criterion of every bid first (${mine} of ${judged.length * compliant.length})`);
    await this.db.transaction(async (t) => {
      await member.update({ submittedAt: this.clock.now() }, { transaction: t });
      await this.audit.append(t, { actor, action: 'evaluation.scores_submitted', subject: `trade:${tradeId}`, payload: { scores: mine } });
    });
    const open = await this.models.EvaluationMember.count({ where: { tradeId, submittedAt: null } });
    if (open === 0) await this.compute(tradeId);
    this.changed(tradeId);
    return this.view(actor, tradeId);
  }

  /** Recomputes everything from the raw votes and scores (also what the recheck will call). */
  async compute(tradeId: number): Promise<EvaluationResult> {
    const trade = await this.trades.get(tradeId);
    const evaluation = await this.get(tradeId);
    const result = evaluate(await this.inputs(tradeId));
    await this.db.transaction(async (t) => {
      await evaluation.update({ state: 'computed', result: JSON.stringify(result) }, { transaction: t });
      await this.audit.append(t, { actor: { kind: 'system', name: 'evaluation' }, action: 'evaluation.computed', subject: `trade:${trade.code}`, payload: { ranking: result.ranked.map((r) => ({ bid: r.bidId, total: r.total, rank: r.rank })), rejected: result.rejected.map((r) => r.bidId) } });
    });
    return result;
  }

  /** The chair writes the report; its SHA-256 is what each member signs. */
  async writeReport(actor: Actor, tradeId: number): Promise<EvaluationView> {
    const evaluation = await this.assertChair(actor, tradeId);
    if (evaluation.state !== 'computed') throw new AppError('CONFLICT', `the evaluation is at ${evaluation.state}`);
    const trade = await this.trades.get(tradeId);
    const members = await this.members(tradeId);
    const report: EvaluationReport = {
      trade: { code: trade.code, title: trade.title, kind: trade.kind, method: trade.method },
      template: { id: evaluation.templateId, name: TEMPLATES[evaluation.templateId]!.name.zh, method: TEMPLATES[evaluation.templateId]!.method },
      committee: members.map((m) => ({ userId: m.userId, name: m.name, chair: m.userId === evaluation.chairUserId })),
      result: JSON.parse(evaluation.result!) as EvaluationResult,
      writtenAt: this.clock.now().toISOString(),
    };
    const text = canonicalJson(report);
    const sha = createHash('sha256').update(text).digest('hex');
    await this.db.transaction(async (t) => {
      await evaluation.update({ state: 'reported', report: text, reportSha256: sha }, { transaction: t });
      await this.audit.append(t, { actor, action: 'evaluation.reported', subject: `trade:${trade.code}`, payload: { sha256: sha } });
    });
    this.changed(tradeId);
    return this.view(actor, tradeId);
  }

  /** A member signs the report's SHA-256 (CMS, detached digest) with their certificate, or refuses with a reason. */
  async sign(actor: Actor, tradeId: number, input: { signature: string } | { refuse: string }): Promise<EvaluationView> {
    const member = await this.member(actor, tradeId);
    const evaluation = await this.assertState(tradeId, 'reported');
    if (member.signedAt) throw new AppError('CONFLICT', 'you have answered');
    const signature = 'signature' in input ? await this.certificates.verifyReportSignature(input.signature, evaluation.reportSha256!, actor.userId, this.clock.now(), 'report') : null;
    const final = await this.db.transaction(async (t) => {
      await member.update({ signature, refusedReason: 'refuse' in input ? input.refuse : null, signedAt: this.clock.now() }, { transaction: t });
      await this.audit.append(t, { actor, action: signature ? 'evaluation.signed' : 'evaluation.signature_refused', subject: `trade:${tradeId}`, payload: { sha256: evaluation.reportSha256, reason: 'refuse' in input ? input.refuse : null } });
      const open = await this.models.EvaluationMember.count({ where: { tradeId, signedAt: null }, transaction: t });
      if (open === 0) await evaluation.update({ state: 'final', finalisedAt: this.clock.now() }, { transaction: t });
      return open === 0;
    });
    // the signed report concludes the evaluation: the trade moves on to recheck / publicity
    if (final) await this.trades.fire({ kind: 'system', name: 'evaluation' }, tradeId, 'conclude_evaluation');
    if (final) await this.onFinal?.(tradeId);
    this.changed(tradeId);
    return this.view(actor, tradeId);
  }

  async reportPdf(actor: Actor, tradeId: number): Promise<Buffer> {
    const evaluation = await this.get(tradeId);
    const trade = await this.trades.get(tradeId);
    const isMember = await this.models.EvaluationMember.findOne({ where: { tradeId, userId: actor.userId } });
    if (!isMember && !this.trades.canOversee(actor, trade) && !this.trades.canManage(actor, trade)) throw new AppError('NOT_PARTICIPANT');
    if (!evaluation.report) throw new AppError('NOT_FOUND', 'no report yet');
    const members = await this.models.EvaluationMember.findAll({ where: { tradeId } });
    return renderEvaluationReport(findCjkFont(this.config.cjkFontPath), JSON.parse(evaluation.report) as EvaluationReport, evaluation.reportSha256!, members.map((m) => ({ userId: m.userId, signed: !!m.signature, refused: m.refusedReason, at: m.signedAt?.toISOString() ?? null })));
  }

  // ── the procedure ───────────────────────────────────────────────────────────────────────────

  /** A member asks for more time; more than the rule's share of members extends the evaluation (实施条例 art 48). */
  async requestMoreTime(actor: Actor, tradeId: number, reason: string): Promise<EvaluationView> {
    await this.member(actor, tradeId);
    const trade = await this.trades.get(tradeId);
    const rule = (await this.trades.rules.forTrade('evaluation.more_time_share', trade))!;
    await this.db.transaction(async (t) => {
      const evaluation = (await this.models.Evaluation.findByPk(tradeId, lockFor(t)))!;
      if (!['review', 'scoring'].includes(evaluation.state)) throw new AppError('CONFLICT', `the evaluation is at ${evaluation.state}`);
      if (await this.models.TimeRequest.findOne({ where: { tradeId, userId: actor.userId }, transaction: t })) throw new AppError('CONFLICT', 'you have asked already');
      await this.models.TimeRequest.create({ tradeId, userId: actor.userId, reason, at: this.clock.now() }, { transaction: t });
      const asked = await this.models.TimeRequest.count({ where: { tradeId }, transaction: t });
      const members = await this.models.EvaluationMember.count({ where: { tradeId }, transaction: t });
      await this.audit.append(t, { actor, action: 'evaluation.more_time_requested', subject: `trade:${trade.code}`, payload: { reason, asked, members } });
      if (!evaluation.extended && asked * 100 > members * rule.value + 1e-9) {
        await evaluation.update({ extended: true }, { transaction: t });
        await this.audit.append(t, { actor: { kind: 'system', name: 'evaluation' }, action: 'evaluation.extended', subject: `trade:${trade.code}`, payload: { asked, members, rule: rule.row.id } });
      }
    });
    this.changed(tradeId);
    return this.view(actor, tradeId);
  }

  /** A member suspects a below-cost price; more than the rule's share of members → the bidder is asked to explain in writing by a deadline. */
  async suspectLowPrice(actor: Actor, tradeId: number, bidId: number): Promise<EvaluationView> {
    await this.member(actor, tradeId);
    const trade = await this.trades.get(tradeId);
    const bid = (await this.bids(tradeId)).find((b) => b.bidId === bidId);
    if (!bid) throw new AppError('NOT_FOUND', `bid ${bidId} is not under evaluation`);
    const share = (await this.trades.rules.forTrade('evaluation.low_price_suspicion_share', trade))!;
    const window = (await this.trades.rules.forTrade('evaluation.explanation_window', trade))!;
    await this.db.transaction(async (t) => {
      const evaluation = (await this.models.Evaluation.findByPk(tradeId, lockFor(t)))!;
      if (!['review', 'scoring'].includes(evaluation.state)) throw new AppError('CONFLICT', `the evaluation is at ${evaluation.state}`);
      if (!(await this.models.Suspicion.findOne({ where: { tradeId, bidId, userId: actor.userId }, transaction: t }))) {
        await this.models.Suspicion.create({ tradeId, bidId, userId: actor.userId, at: this.clock.now() }, { transaction: t });
      }
      const suspected = await this.models.Suspicion.count({ where: { tradeId, bidId }, transaction: t });
      const members = await this.models.EvaluationMember.count({ where: { tradeId }, transaction: t });
      if (suspected * 100 > members * share.value + 1e-9 && !(await this.models.Explanation.findOne({ where: { bidId }, transaction: t }))) {
        const now = this.clock.now();
        const deadline = new Date(now.getTime() + window.value * 60_000);
        await this.models.Explanation.create({ tradeId, bidId, question: '评标委员会认为你方报价明显低于其他投标报价，可能低于成本，请在规定时间内提供书面说明并提交相关证明材料。', requestedAt: now, deadline, answer: null, answeredAt: null, answeredBy: null }, { transaction: t });
        const org = await this.identity.models.Organisation.findOne({ where: { uscc: bid.bidder.uscc }, transaction: t });
        const users = await this.identity.models.User.findAll({ where: { organisationId: org!.id, status: 'active' }, transaction: t });
        const text = notificationText('evaluation.explanation_requested', trade, { deadline: deadline.toISOString() });
        await this.trades.notifier.queue(t, tradeId, users.map((u) => u.id), 'evaluation.explanation_requested', text.title, text.body);
        await this.audit.append(t, { actor: { kind: 'system', name: 'evaluation' }, action: 'evaluation.explanation_requested', subject: `trade:${trade.code}`, payload: { bid: bidId, suspected, members, deadline: deadline.toISOString() } });
      }
    });
    this.changed(tradeId);
    return this.view(actor, tradeId);
  }

  /** The arithmetic correction proposed to the caller's organisation, if any. */
  async myCorrection(actor: Actor, tradeId: number): Promise<{ correction: CorrectionView | null }> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const bids = await this.bidService.models.Bid.findAll({ where: { tradeId, organisationId } });
    const row = await this.models.PriceCorrection.findOne({ where: { tradeId, bidId: bids.map((b) => b.id) } });
    return { correction: row ? correctionView(row) : null };
  }

  /** The bidder confirms the corrected price (it binds them) or refuses it (the bid is invalid). */
  async answerCorrection(actor: Actor, tradeId: number, accept: boolean): Promise<{ correction: CorrectionView | null }> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const bids = await this.bidService.models.Bid.findAll({ where: { tradeId, organisationId } });
    await this.db.transaction(async (t) => {
      const row = await this.models.PriceCorrection.findOne({ where: { tradeId, bidId: bids.map((b) => b.id) }, ...lockFor(t) });
      if (!row) throw new AppError('NOT_FOUND', 'no correction is proposed to you');
      if (row.status !== 'pending') throw new AppError('CONFLICT', `you have ${row.status} it`);
      await row.update({ status: accept ? 'accepted' : 'refused', answeredAt: this.clock.now(), answeredBy: actor.userId }, { transaction: t });
      await this.audit.append(t, { actor, action: accept ? 'evaluation.correction_accepted' : 'evaluation.correction_refused', subject: `trade:${tradeId}`, payload: { bid: row.bidId, correctedFen: row.correctedFen } });
    });
    this.changed(tradeId);
    return this.myCorrection(actor, tradeId);
  }

  /** The bidder's own explanation request, if any. */
  async myExplanation(actor: Actor, tradeId: number): Promise<{ explanation: ExplanationView | null }> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const bids = await this.bidService.models.Bid.findAll({ where: { tradeId, organisationId } });
    const row = await this.models.Explanation.findOne({ where: { tradeId, bidId: bids.map((b) => b.id) } });
    return { explanation: row ? explanationView(row) : null };
  }

  async answerExplanation(actor: Actor, tradeId: number, answer: string): Promise<{ explanation: ExplanationView | null }> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const bids = await this.bidService.models.Bid.findAll({ where: { tradeId, organisationId } });
    await this.db.transaction(async (t) => {
      const row = await this.models.Explanation.findOne({ where: { tradeId, bidId: bids.map((b) => b.id) }, ...lockFor(t) });
      if (!row) throw new AppError('NOT_FOUND', 'no explanation is asked of you');
      if (row.answer) throw new AppError('CONFLICT', 'you have answered');
      if (this.clock.now() >= row.deadline) throw new AppError('CONFLICT', `the deadline was ${row.deadline.toISOString()}`, { extra: { deadline: row.deadline.toISOString() } });
      await row.update({ answer, answeredAt: this.clock.now(), answeredBy: actor.userId }, { transaction: t });
      await this.audit.append(t, { actor, action: 'evaluation.explanation_given', subject: `trade:${tradeId}`, payload: { bid: row.bidId, sha256: createHash('sha256').update(answer).digest('hex') } });
    });
    this.changed(tradeId);
    return this.myExplanation(actor, tradeId);
  }

  /**
   * A member leaves mid-evaluation (must recuse, falls ill…): their votes and scores are void — kept
   * in the audit chain, removed from the count — and the next expert of the draw's ranking is
   * invited; once they accept they join and evaluate anew (实施条例 art 48; 87号令 art 49).
   */
  async replaceMember(actor: Actor, tradeId: number, userId: number, reason: string): Promise<{ replacement: number }> {
    const trade = await this.trades.get(tradeId);
    if (!this.trades.canManage(actor, trade) || actor.role === 'agent') throw new AppError('NOT_PARTICIPANT', 'the trading center replaces a member');
    const replacement = await this.db.transaction(async (t) => {
      const evaluation = (await this.models.Evaluation.findByPk(tradeId, lockFor(t)))!;
      if (!['review', 'scoring'].includes(evaluation.state)) throw new AppError('CONFLICT', `the evaluation is at ${evaluation.state}`);
      const member = await this.models.EvaluationMember.findOne({ where: { tradeId, userId }, transaction: t });
      if (!member) throw new AppError('NOT_FOUND', `expert ${userId} is not a member`);
      const votes = await this.models.ComplianceVote.findAll({ where: { tradeId, expertUserId: userId }, transaction: t });
      const scores = await this.models.EvaluationScore.findAll({ where: { tradeId, expertUserId: userId }, transaction: t });
      await this.audit.append(t, {
        actor,
        action: 'evaluation.member_work_voided',
        subject: `trade:${trade.code}`,
        payload: { expert: userId, reason, votes: votes.map((v) => ({ bid: v.bidId, check: v.checkName, pass: Boolean(v.pass), reason: v.reason })), scores: scores.map((s) => ({ bid: s.bidId, criterion: s.criterion, value: Number(s.value) })) },
      });
      await this.models.ComplianceVote.destroy({ where: { tradeId, expertUserId: userId }, transaction: t });
      await this.models.EvaluationScore.destroy({ where: { tradeId, expertUserId: userId }, transaction: t });
      await this.models.TimeRequest.destroy({ where: { tradeId, userId }, transaction: t });
      await this.models.Suspicion.destroy({ where: { tradeId, userId }, transaction: t });
      if (evaluation.chairUserId === userId) await evaluation.update({ chairUserId: null }, { transaction: t });
      await member.destroy({ transaction: t });
      return this.experts.replaceMember(t, actor, tradeId, userId, reason);
    });
    this.changed(tradeId);
    return { replacement };
  }

  /** Called when an expert accepts a seat: during a running evaluation a replacement joins the committee. */
  async joinIfRunning(tradeId: number, userId: number): Promise<void> {
    const evaluation = await this.models.Evaluation.findByPk(tradeId);
    if (!evaluation || !['review', 'scoring'].includes(evaluation.state)) return;
    if (await this.models.EvaluationMember.findOne({ where: { tradeId, userId } })) return;
    await this.db.transaction(async (t) => {
      await this.models.EvaluationMember.create({ tradeId, userId, chairVote: null, submittedAt: null, signature: null, refusedReason: null, signedAt: null }, { transaction: t });
      await this.audit.append(t, { actor: { kind: 'system', name: 'evaluation' }, action: 'evaluation.member_joined', subject: `trade:${tradeId}`, payload: { expert: userId } });
    });
    this.changed(tradeId);
  }

  /** The room's public progress: states and counts, no scores before the result. */
  async progress(tradeId: number): Promise<EvaluationProgress> {
    const evaluation = await this.get(tradeId);
    const rows = await this.models.EvaluationMember.findAll({ where: { tradeId }, order: [['userId', 'ASC']] });
    const members = await this.members(tradeId);
    const bids = await this.bids(tradeId);
    return {
      tradeId,
      state: evaluation.state,
      chair: evaluation.chairUserId,
      members: rows.map((m) => ({ userId: m.userId, name: members.find((x) => x.userId === m.userId)!.name, submitted: !!m.submittedAt, signed: m.signature ? 'signed' : m.refusedReason ? 'refused' : null })),
      votes: { cast: await this.models.ComplianceVote.count({ where: { tradeId } }), needed: rows.length * bids.length * COMPLIANCE_CHECKS.length },
      result: evaluation.result ? (JSON.parse(evaluation.result) as EvaluationResult) : null,
    };
  }

  async view(actor: Actor, tradeId: number): Promise<EvaluationView> {
    const evaluation = await this.get(tradeId);
    const trade = await this.trades.get(tradeId);
    const memberRows = await this.models.EvaluationMember.findAll({ where: { tradeId }, order: [['userId', 'ASC']] });
    const isMember = memberRows.some((m) => m.userId === actor.userId);
    if (!isMember && !this.trades.canOversee(actor, trade) && !this.trades.canManage(actor, trade)) throw new AppError('NOT_PARTICIPANT', 'the evaluation room is for the committee (and supervisors)');
    const members = await this.members(tradeId);
    const template = TEMPLATES[evaluation.templateId]!;
    const anonymous = Boolean(noticeOf(trade).anonymousTechnical);
    const bids = await this.bids(tradeId);
    return {
      tradeId,
      state: evaluation.state,
      templateId: evaluation.templateId,
      method: template.method,
      anonymous,
      criteria: template.criteria,
      members: memberRows.map((m) => ({ userId: m.userId, name: members.find((x) => x.userId === m.userId)!.name, submitted: !!m.submittedAt, signed: m.signature ? 'signed' : m.refusedReason ? 'refused' : null })),
      chair: evaluation.chairUserId,
      bids: bids.map((b) => ({ bidId: b.bidId, label: b.bidder.label, bidder: anonymous && isMember && evaluation.state === 'scoring' ? null : { uscc: b.bidder.uscc, name: b.bidder.name }, priceFen: b.priceFen })),
      myVotes: (await this.models.ComplianceVote.findAll({ where: { tradeId, expertUserId: actor.userId } })).map((v) => ({ bidId: v.bidId, check: v.checkName, pass: Boolean(v.pass), reason: v.reason })),
      // an expert sees only their own scores until every score is in
      myScores: (await this.models.EvaluationScore.findAll({ where: { tradeId, expertUserId: actor.userId } })).map((s) => ({ bidId: s.bidId, criterion: s.criterion, value: Number(s.value) })),
      result: evaluation.result ? (JSON.parse(evaluation.result) as EvaluationResult) : null,
      reportSha256: evaluation.reportSha256,
      extended: Boolean(evaluation.extended),
      moreTimeRequests: await this.models.TimeRequest.count({ where: { tradeId } }),
      explanations: (await this.models.Explanation.findAll({ where: { tradeId }, order: [['id', 'ASC']] })).map(explanationView),
      corrections: (await this.models.PriceCorrection.findAll({ where: { tradeId }, order: [['id', 'ASC']] })).map(correctionView),
      forcedRejections: bids.flatMap((b) => (b.forcedReject ? [{ bidId: b.bidId, reason: b.forcedReject }] : [])),
      rejectedBids: evaluation.state === 'review' ? [] : await this.rejectedBids(tradeId, bids),
      correctedByRecheck: evaluation.correctedByRecheck ?? null,
      round: (await this.models.EvaluationRound.count({ where: { tradeId } })) + 1,
    };
  }

  // ── what a recheck does to the evaluation ───────────────────────────────────────────────────

  /**
   * A recheck's corrections take effect (inside the recheck's closing transaction): each raw score is
   * set to its corrected value and each missing rejection reason is written; the result is recomputed
   * from the raw inputs and stored, naming the recheck. Answers the old and new values.
   */
  async applyCorrections(
    t: Transaction,
    tradeId: number,
    recheckId: number,
    corrections: ({ kind: 'score'; bidId: number; expertUserId: number; criterion: string; value: number; reason: string } | { kind: 'rejection_reason'; bidId: number; expertUserId: number; check: ComplianceCheck; text: string; reason: string })[],
  ): Promise<{ before: EvaluationResult; after: EvaluationResult; applied: { kind: string; bidId: number; expertUserId: number; criterion?: string; check?: string; from: number | string | null; to: number | string; reason: string }[] }> {
    const evaluation = (await this.models.Evaluation.findByPk(tradeId, lockFor(t)))!;
    const template = TEMPLATES[evaluation.templateId]!;
    const before = JSON.parse(evaluation.result!) as EvaluationResult;
    const applied: { kind: string; bidId: number; expertUserId: number; criterion?: string; check?: string; from: number | string | null; to: number | string; reason: string }[] = [];
    const now = this.clock.now();
    for (const c of corrections) {
      if (c.kind === 'score') {
        const criterion = template.criteria.find((x) => x.id === c.criterion && x.kind === 'judged');
        if (!criterion || c.value < 0 || c.value > criterion.max) throw new AppError('VALIDATION_FAILED', `${c.criterion} is scored 0–${criterion?.max ?? '?'}`);
        const row = await this.models.EvaluationScore.findOne({ where: { tradeId, bidId: c.bidId, expertUserId: c.expertUserId, criterion: c.criterion }, transaction: t });
        const from = row ? Number(row.value) : null;
        if (row) await row.update({ value: c.value, at: now }, { transaction: t });
        else await this.models.EvaluationScore.create({ tradeId, bidId: c.bidId, expertUserId: c.expertUserId, criterion: c.criterion, value: c.value, at: now }, { transaction: t });
        applied.push({ kind: 'score', bidId: c.bidId, expertUserId: c.expertUserId, criterion: c.criterion, from, to: c.value, reason: c.reason });
      } else {
        const vote = await this.models.ComplianceVote.findOne({ where: { tradeId, bidId: c.bidId, expertUserId: c.expertUserId, checkName: c.check, pass: false }, transaction: t });
        if (!vote) throw new AppError('NOT_FOUND', `expert ${c.expertUserId} cast no rejection on ${c.check} of bid ${c.bidId}`);
        const from = vote.reason;
        await vote.update({ reason: c.text }, { transaction: t });
        applied.push({ kind: 'rejection_reason', bidId: c.bidId, expertUserId: c.expertUserId, check: c.check, from, to: c.text, reason: c.reason });
      }
    }
    const after = evaluate(await this.inputs(tradeId, t));
    await evaluation.update({ result: JSON.stringify(after), correctedByRecheck: recheckId }, { transaction: t });
    const trade = await this.trades.get(tradeId, t);
    await this.audit.append(t, {
      actor: { kind: 'system', name: 'recheck' },
      action: 'evaluation.corrected',
      subject: `trade:${trade.code}`,
      payload: { recheck: recheckId, changes: applied, rankingBefore: before.ranked.map((r) => ({ bid: r.bidId, total: r.total, rank: r.rank })), rankingAfter: after.ranked.map((r) => ({ bid: r.bidId, total: r.total, rank: r.rank })), candidates: after.candidates.map((c) => c.bidId) },
    });
    this.changed(tradeId);
    return { before, after, applied };
  }

  /**
   * A recheck ordered re-evaluation by a new committee (实施条例 arts 70, 81): the round is archived
   * (members, votes, scores, result, report, signatures as a snapshot) and its rows removed, so a new
   * committee — drawn without any earlier member — can start. Inside the recheck's transaction.
   */
  async archiveRound(t: Transaction, tradeId: number, recheckId: number): Promise<{ round: number; members: number[] }> {
    const evaluation = (await this.models.Evaluation.findByPk(tradeId, lockFor(t)))!;
    const trade = await this.trades.get(tradeId, t);
    const members = await this.models.EvaluationMember.findAll({ where: { tradeId }, order: [['userId', 'ASC']], transaction: t });
    const names = await this.members(tradeId, t);
    const draws = await this.experts.models.ExpertDraw.findAll({ where: { tradeId, state: 'drawn', purpose: 'evaluation' }, order: [['id', 'DESC']], limit: 1, transaction: t });
    const round = (await this.models.EvaluationRound.count({ where: { tradeId }, transaction: t })) + 1;
    const snapshot = {
      round,
      templateId: evaluation.templateId,
      state: evaluation.state,
      chair: evaluation.chairUserId,
      startedAt: evaluation.startedAt.toISOString(),
      finalisedAt: evaluation.finalisedAt?.toISOString() ?? null,
      members: members.map((m) => ({ userId: m.userId, name: names.find((n) => n.userId === m.userId)?.name ?? String(m.userId), submittedAt: m.submittedAt?.toISOString() ?? null, signature: m.signature ? Buffer.from(m.signature).toString('base64') : null, refusedReason: m.refusedReason, signedAt: m.signedAt?.toISOString() ?? null })),
      votes: await this.votes(tradeId, t),
      scores: (await this.models.EvaluationScore.findAll({ where: { tradeId }, order: [['id', 'ASC']], transaction: t })).map((s) => ({ bidId: s.bidId, expert: s.expertUserId, criterion: s.criterion, value: Number(s.value) })),
      result: evaluation.result ? (JSON.parse(evaluation.result) as EvaluationResult) : null,
      correctedByRecheck: evaluation.correctedByRecheck ?? null,
      creditScores: evaluation.creditScores ? (JSON.parse(evaluation.creditScores) as unknown) : null,
      creditPersons: evaluation.creditPersons ? (JSON.parse(evaluation.creditPersons) as unknown) : null,
      report: evaluation.report,
      reportSha256: evaluation.reportSha256,
      timeRequests: (await this.models.TimeRequest.findAll({ where: { tradeId }, transaction: t })).map((r) => ({ userId: r.userId, reason: r.reason, at: r.at.toISOString() })),
      suspicions: (await this.models.Suspicion.findAll({ where: { tradeId }, transaction: t })).map((r) => ({ bidId: r.bidId, userId: r.userId, at: r.at.toISOString() })),
      explanations: (await this.models.Explanation.findAll({ where: { tradeId }, transaction: t })).map(explanationView),
    };
    const text = canonicalJson(snapshot);
    await this.models.EvaluationRound.create({ tradeId, round, recheckId, drawId: draws[0]?.id ?? null, members: JSON.stringify(members.map((m) => m.userId)), snapshot: text, archivedAt: this.clock.now() }, { transaction: t });
    for (const model of [this.models.ComplianceVote, this.models.EvaluationScore, this.models.TimeRequest, this.models.Suspicion, this.models.Explanation, this.models.EvaluationMember] as const) {
      await (model as typeof this.models.ComplianceVote).destroy({ where: { tradeId }, transaction: t });
    }
    await evaluation.destroy({ transaction: t });
    await this.audit.append(t, { actor: { kind: 'system', name: 'recheck' }, action: 'evaluation.round_archived', subject: `trade:${trade.code}`, payload: { recheck: recheckId, round, members: members.map((m) => m.userId), sha256: createHash('sha256').update(text).digest('hex') } });
    return { round, members: members.map((m) => m.userId) };
  }

  /** Every expert who sat on an earlier (voided) committee of the trade. */
  async earlierMembers(tradeId: number): Promise<number[]> {
    const rounds = await this.models.EvaluationRound.findAll({ where: { tradeId } });
    return [...new Set(rounds.flatMap((r) => JSON.parse(r.members) as number[]))];
  }
}

function correctionView(row: { bidId: number; originalFen: number; correctedFen: number; steps: string; status: 'pending' | 'accepted' | 'refused'; answeredAt: Date | null }): CorrectionView {
  return { bidId: row.bidId, originalFen: row.originalFen, correctedFen: row.correctedFen, steps: JSON.parse(row.steps) as CorrectionView['steps'], status: row.status, answeredAt: row.answeredAt?.toISOString() ?? null };
}

function explanationView(row: { bidId: number; question: string; requestedAt: Date; deadline: Date; answer: string | null; answeredAt: Date | null }): ExplanationView {
  return { bidId: row.bidId, question: row.question, requestedAt: row.requestedAt.toISOString(), deadline: row.deadline.toISOString(), answer: row.answer, answeredAt: row.answeredAt?.toISOString() ?? null };
}

/** A person named in a bid under a bidding restriction at the deadline (ID number masked). */
interface FrozenPersonRestriction {
  role: 'projectManager';
  name: string;
  idNumber: string;
  issuingRegion: string;
  issuingRegionName: string;
  basis: string;
  until: string | null;
}

function parseCreditPersons(json: string | null | undefined): Record<string, FrozenPersonRestriction> {
  return json ? (JSON.parse(json) as Record<string, FrozenPersonRestriction>) : {};
}

const personRejection = (p: FrozenPersonRestriction) =>
  `拟派项目经理${p.name}（${p.idNumber}）在投标截止时处于${p.issuingRegionName}的限制投标期内（${p.basis}），投标无效`;
