import { createHash } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { canonicalJson } from '../../../crypto/canonical-json.js';
import type { EvaluationResult } from '../../../contracts/evaluation.js';
import type { DrawPurpose } from '../../../contracts/experts.js';
import {
  groundById,
  RECHECK_GROUNDS,
  RECHECK_KIND_NAMES,
  RECHECK_OUTCOME_NAMES,
  RECHECK_TRIGGER_NAMES,
  type Correction,
  type DiffItem,
  type RecheckChange,
  type RecheckDiff,
  type RecheckGround,
  type RecheckOutcome,
  type RecheckProgress,
  type RecheckReport,
  type RecheckTrigger,
  type RecheckView,
} from '../../../contracts/recheck.js';
import type { Db } from '../../db/index.js';
import { lockFor } from '../../db/index.js';
import type { Actor, SystemActor } from '../../kernel/actor.js';
import { actorLabel } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError, isUniqueViolation } from '../../kernel/errors.js';
import type { DueSource } from '../../kernel/lifecycle/scheduler.js';
import { findCjkFont } from '../../kernel/pdf.js';
import type { CertificateService } from '../certificates/service.js';
import { evaluate } from '../evaluation/compute.js';
import type { EvaluationService } from '../evaluation/service.js';
import type { ExpertService } from '../experts/service.js';
import type { IdentityService } from '../identity/service.js';
import type { OpeningService } from '../opening/service.js';
import { HELD_BY_RECHECK } from '../trades/lifecycle.js';
import type { TradeRow } from '../trades/models.js';
import type { TradeService } from '../trades/service.js';
import { describe, groundsOf, recheckDiff } from './diff.js';
import { defineRecheckModels, type RecheckModels, type RecheckRow } from './models.js';
import { renderRecheckReport } from './pdf.js';

export type { RecheckTrigger } from '../../../contracts/recheck.js';

const SYSTEM: SystemActor = { kind: 'system', name: 'recheck' };
const OPEN_STATES = ['open', 'signing', 'closing'] as const;

/**
 * The recheck of an evaluation (评标复核 by the original committee / 复审 by an independent panel,
 * domain-rules.md §4). Opened automatically when the platform's recomputation of the final report
 * finds a difference, on request by the tenderee side or a supervisor, or for an objection upheld in
 * publicity; held open, it stops publicity, award and the contract record. Its members review the
 * flagged items and the raw votes and scores, record findings with corrections, propose an outcome
 * the grounds allow, and sign the recheck report; then the outcome takes effect.
 */
export class RecheckService {
  readonly models: RecheckModels;
  /** The live room listens here (socket.ts); called after every change of a recheck. */
  onChange: ((recheckId: number) => void) | null = null;

  constructor(
    readonly db: Db,
    readonly audit: AuditLog,
    readonly clock: Clock,
    readonly identity: IdentityService,
    readonly certificates: CertificateService,
    readonly trades: TradeService,
    readonly opening: OpeningService,
    readonly experts: ExpertService,
    readonly evaluation: EvaluationService,
    readonly config: { cjkFontPath: string | undefined },
  ) {
    this.models = defineRecheckModels(db);
    // the automatic recheck runs on every final report
    evaluation.onFinal = async (tradeId) => {
      await this.automatic(tradeId);
    };
    // publicity, award and the contract record wait while a recheck is open
    trades.engine.addHold({
      name: 'recheck.open',
      stops: HELD_BY_RECHECK,
      check: async (trade) => {
        const open = await this.openOf(trade.id);
        if (open) throw new AppError('RECHECK_OPEN', `recheck ${open.id} of trade ${trade.code} is open (${open.state})`, { extra: { recheckId: open.id } });
      },
    });
    // a seat of a recheck panel joins the recheck; a committee seat still joins a running evaluation
    const previous = experts.onAccepted;
    experts.onAccepted = async (tradeId, userId, draw) => {
      if (draw?.purpose === 'recheck') await this.joinPanel(tradeId, userId, draw.drawId);
      else await previous?.(tradeId, userId, draw);
    };
    experts.purposes = {
      checkRecheckDraw: (trade, size) => this.checkPanelDraw(trade, size),
      exclusions: (trade, purpose) => this.exclusions(trade, purpose),
    };
  }

  private changed(id: number): void {
    this.onChange?.(id);
  }

  // ── opening ─────────────────────────────────────────────────────────────────────────────────

  /** The open recheck of a trade, if any. */
  async openOf(tradeId: number, t?: Transaction): Promise<RecheckRow | null> {
    return this.models.Recheck.findOne({ where: { tradeId, state: [...OPEN_STATES] }, transaction: t });
  }

  /** Is a recheck of this trade open? (The hold on publicity and award reads it.) */
  async isOpen(tradeId: number): Promise<boolean> {
    return (await this.openOf(tradeId)) !== null;
  }

  /** The grounds a recheck of this trade may be opened on by this trigger. */
  async allowedGrounds(trade: TradeRow, trigger: RecheckTrigger): Promise<RecheckGround[]> {
    const gp = await this.trades.rules.forTrade('recheck.grounds.procurement', trade);
    const closedList = trade.kind === 'procurement' && gp?.value === 1;
    return RECHECK_GROUNDS.filter((g) => (closedList || trade.kind !== 'procurement' ? g.kinds.includes(trade.kind) : true) && (trigger === 'automatic' || !g.automaticOnly));
  }

  private async assertGrounds(trade: TradeRow, trigger: RecheckTrigger, grounds: string[]): Promise<void> {
    const allowed = await this.allowedGrounds(trade, trigger);
    for (const id of grounds) {
      if (allowed.some((g) => g.id === id)) continue;
      const gp = trade.kind === 'procurement' ? await this.trades.rules.forTrade('recheck.grounds.procurement', trade) : null;
      throw new AppError('RECHECK_GROUND_NOT_ALLOWED', `「${id}」 is not a ground the law allows for a recheck of this ${trade.kind} trade; allowed: ${allowed.map((g) => g.id).join(', ')}`, {
        extra: { ground: id, allowed: allowed.map((g) => g.id), ...(gp ? { rule: gp.row.id, source: gp.row.source } : {}) },
      });
    }
  }

  /** Staff or the agent of the trade, or a supervisor of its region, ask for a recheck on statutory grounds. */
  async request(actor: Actor, tradeId: number, input: { grounds: string[]; note: string }): Promise<RecheckView> {
    const { id } = await this.open(actor, tradeId, { trigger: 'request', grounds: input.grounds, note: input.note });
    return this.view(actor, id);
  }

  /** Opens a recheck of the trade's signed evaluation (the complaints module calls it for an upheld objection). Answers its id. */
  async open(actor: Actor | SystemActor, tradeId: number, input: { trigger: RecheckTrigger; grounds: string[]; note: string; objectionId?: number }, computed?: RecheckDiff): Promise<{ id: number }> {
    const trade = await this.trades.get(tradeId);
    if (actor.kind === 'user' && !this.trades.canManage(actor, trade) && !(actor.role === 'supervisor' && this.trades.canOversee(actor, trade))) {
      throw new AppError('NOT_PARTICIPANT', 'the tenderee side (staff, the agent) or a supervisor of the trade asks for a recheck');
    }
    if (!['evaluated', 'publicity'].includes(trade.state)) throw new AppError('TRADE_WRONG_STATE', `a recheck is opened after the signed evaluation and before the award (the trade is ${trade.state})`, { extra: { state: trade.state } });
    const grounds = [...new Set(input.grounds)];
    if (!grounds.length) throw new AppError('VALIDATION_FAILED', 'a recheck names its grounds');
    await this.assertGrounds(trade, input.trigger, grounds);
    const evaluation = await this.evaluation.models.Evaluation.findByPk(tradeId);
    if (!evaluation || evaluation.state !== 'final') throw new AppError('CONFLICT', 'only a final (signed) evaluation report is rechecked');
    const existing = await this.openOf(tradeId);
    if (existing) throw new AppError('RECHECK_OPEN', `recheck ${existing.id} of this trade is open`, { extra: { recheckId: existing.id } });
    const diff = computed ?? (await this.computeDiff(tradeId)).diff;
    const panel = (await this.trades.rules.forTrade('recheck.independent_panel', trade))?.value === 1;
    const round = (await this.evaluation.models.EvaluationRound.count({ where: { tradeId } })) + 1;
    let id: number;
    try {
      id = await this.db.transaction(async (t) => {
        const row = await this.models.Recheck.create(
          {
            tradeId,
            openTradeId: tradeId,
            kind: panel ? 'panel' : 'review',
            trigger: input.trigger,
            grounds: JSON.stringify(grounds),
            note: input.note,
            objectionId: input.objectionId ?? null,
            state: 'open',
            openedBy: actorLabel(actor) ?? 'unknown',
            openedAt: this.clock.now(),
            evaluationRound: round,
            diff: JSON.stringify(diff),
            outcome: null,
            outcomeReasons: null,
            proposedBy: null,
            proposedAt: null,
            report: null,
            reportSha256: null,
            closedAt: null,
          },
          { transaction: t },
        );
        // 复核: the original committee joins at once; 复审: the panel joins as its drawn seats accept
        const members = panel ? [] : (await this.evaluation.models.EvaluationMember.findAll({ where: { tradeId }, order: [['userId', 'ASC']], transaction: t })).map((m) => m.userId);
        for (const userId of members) await this.models.RecheckMember.create({ recheckId: row.id, userId, joinedAt: this.clock.now(), signature: null, refusedReason: null, signedAt: null }, { transaction: t });
        await this.audit.append(t, {
          actor,
          action: 'recheck.opened',
          subject: `trade:${trade.code}`,
          payload: { recheck: row.id, kind: row.kind, trigger: input.trigger, grounds, note: input.note, objection: input.objectionId ?? null, round, members, diff: { sha256: createHash('sha256').update(canonicalJson(diff)).digest('hex'), items: diff.items.length } },
        });
        await this.notifyStaff(t, trade, 'recheck.opened', `【评标${RECHECK_KIND_NAMES[row.kind].zh}】${trade.title}`, `交易 ${trade.code} 的评标结果已启动${RECHECK_KIND_NAMES[row.kind].zh}（${RECHECK_TRIGGER_NAMES[input.trigger].zh}）；复核结束前不得公示、定标。 / A recheck of trade ${trade.code} was opened (${input.trigger}); publicity and award wait for it.`);
        // the original committee is asked to the recheck room (a panel learns of it through its draw's invitations)
        if (members.length) {
          await this.trades.notifier.queue(t, trade.id, members, 'recheck.opened', `【评标${RECHECK_KIND_NAMES[row.kind].zh}】${trade.title}：请进入复核室`, `交易 ${trade.code} 的评标结果需由原评标委员会复核（${RECHECK_TRIGGER_NAMES[input.trigger].zh}），请进入复核室（#/rechecks/${row.id}）审查平台标出的问题并签署复核报告。 / Your committee is asked to recheck trade ${trade.code}: open the recheck room (#/rechecks/${row.id}).`);
        }
        return row.id;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        const other = await this.openOf(tradeId);
        throw new AppError('RECHECK_OPEN', 'a recheck of this trade is open', { extra: { recheckId: other?.id ?? null } });
      }
      throw error;
    }
    await this.trades.flushNotifications(tradeId);
    this.changed(id);
    return { id };
  }

  private async computeDiff(tradeId: number): Promise<{ diff: RecheckDiff; recomputed: EvaluationResult }> {
    const trade = await this.trades.get(tradeId);
    const evaluation = (await this.evaluation.models.Evaluation.findByPk(tradeId))!;
    const share = (await this.trades.rules.forTrade('recheck.score_deviation_share', trade))!;
    return recheckDiff(await this.evaluation.inputs(tradeId), JSON.parse(evaluation.result!) as EvaluationResult, share.value, this.clock.now());
  }

  /**
   * The automatic recheck of a final report: recompute and check (diff.ts). Any item opens a recheck
   * carrying the diff; none is recorded in the audit chain as a clean check. Runs once per final
   * report (from the evaluation's onFinal hook, or the scheduler after a restart).
   */
  async automatic(tradeId: number): Promise<{ id: number } | null> {
    const evaluation = await this.evaluation.models.Evaluation.findByPk(tradeId);
    if (!evaluation || evaluation.state !== 'final' || evaluation.automaticCheckedAt) return null;
    const trade = await this.trades.get(tradeId);
    if (trade.state === 'opened') return null; // the report is final but the trade has not moved on yet: the scheduler retries
    const done = async (action: 'recheck.automatic_clean' | 'recheck.automatic_skipped', payload: Record<string, unknown>) =>
      this.db.transaction(async (t) => {
        const locked = (await this.evaluation.models.Evaluation.findByPk(tradeId, lockFor(t)))!;
        if (locked.automaticCheckedAt) return false;
        await locked.update({ automaticCheckedAt: this.clock.now() }, { transaction: t });
        await this.audit.append(t, { actor: SYSTEM, action, subject: `trade:${trade.code}`, payload });
        return true;
      });
    if (!['evaluated', 'publicity'].includes(trade.state)) {
      await done('recheck.automatic_skipped', { state: trade.state });
      return null;
    }
    const { diff, recomputed } = await this.computeDiff(tradeId);
    if (!diff.items.length) {
      await done('recheck.automatic_clean', { reportSha256: evaluation.reportSha256, ranking: recomputed.ranked.map((r) => ({ bid: r.bidId, total: r.total, rank: r.rank })), rules: diff.rules, items: 0 });
      return null;
    }
    if (await this.openOf(tradeId)) {
      await done('recheck.automatic_skipped', { reason: 'a recheck is open', items: diff.items.length });
      return null;
    }
    let opened: { id: number };
    try {
      opened = await this.open(SYSTEM, tradeId, { trigger: 'automatic', grounds: groundsOf(diff.items, trade.kind === 'procurement'), note: describe(diff.items) }, diff);
    } catch (error) {
      // opened meanwhile by another caller (the scheduler and the last signature race)
      if (error instanceof AppError && error.code === 'RECHECK_OPEN') return null;
      throw error;
    }
    await this.db.transaction(async (t) => {
      const locked = (await this.evaluation.models.Evaluation.findByPk(tradeId, lockFor(t)))!;
      await locked.update({ automaticCheckedAt: this.clock.now() }, { transaction: t });
    });
    return opened;
  }

  // ── the panel (复审) ─────────────────────────────────────────────────────────────────────────

  private async openPanel(tradeId: number): Promise<RecheckRow | null> {
    const open = await this.openOf(tradeId);
    return open && open.kind === 'panel' ? open : null;
  }

  /** The panel's draw: the latest drawn 'recheck' draw committed since the recheck opened. */
  private async panelDraw(recheck: RecheckRow) {
    const draws = await this.experts.models.ExpertDraw.findAll({ where: { tradeId: recheck.tradeId, purpose: 'recheck', state: 'drawn', committedAt: { [Op.gte]: recheck.openedAt } }, order: [['id', 'DESC']], limit: 1 });
    return draws[0] ?? null;
  }

  private async panelSize(recheck: RecheckRow): Promise<number | null> {
    if (recheck.kind !== 'panel') return null;
    const draw = await this.panelDraw(recheck);
    if (!draw) return null;
    const request = JSON.parse(draw.request) as { seats: { count: number }[]; tendereeRepresentatives: number };
    return request.seats.reduce((n, s) => n + s.count, 0) + request.tendereeRepresentatives;
  }

  private async checkPanelDraw(trade: TradeRow, size: number): Promise<void> {
    const recheck = await this.openPanel(trade.id);
    if (!recheck || recheck.state !== 'open') throw new AppError('RECHECK_WRONG_STATE', 'a recheck panel is drawn for an open recheck by an independent panel (recheck.independent_panel)', { extra: { recheckId: recheck?.id ?? null } });
    if (await this.panelDraw(recheck)) throw new AppError('RECHECK_WRONG_STATE', `the panel of recheck ${recheck.id} is drawn already`, { extra: { recheckId: recheck.id } });
    const rule = (await this.trades.rules.forTrade('recheck.panel_size', trade))!;
    if (size < rule.value || size % 2 === 0) {
      throw new AppError('COMMITTEE_RULES_VIOLATED', `a recheck panel has at least ${rule.value} members and an odd number (here ${size})`, { extra: { rule: rule.row.id, value: rule.value, source: rule.row.source, size } });
    }
  }

  /** A panel leaves out every member of the trade's committees (this round and earlier ones); a new committee, every earlier member. */
  private async exclusions(trade: TradeRow, purpose: DrawPurpose): Promise<{ rule: string; userIds: number[] }[]> {
    const earlier = await this.evaluation.earlierMembers(trade.id);
    if (purpose === 'evaluation') return earlier.length ? [{ rule: 'avoidance.earlier_committee', userIds: earlier }] : [];
    const current = (await this.evaluation.models.EvaluationMember.findAll({ where: { tradeId: trade.id } })).map((m) => m.userId);
    return [{ rule: 'avoidance.original_committee', userIds: [...new Set([...current, ...earlier])] }];
  }

  private async joinPanel(tradeId: number, userId: number, drawId: number): Promise<void> {
    const recheck = await this.openPanel(tradeId);
    if (!recheck) return;
    const draw = await this.panelDraw(recheck);
    if (!draw || draw.id !== drawId) return;
    try {
      await this.db.transaction(async (t) => {
        await this.models.RecheckMember.create({ recheckId: recheck.id, userId, joinedAt: this.clock.now(), signature: null, refusedReason: null, signedAt: null }, { transaction: t });
        await this.audit.append(t, { actor: SYSTEM, action: 'recheck.member_joined', subject: `trade:${tradeId}`, payload: { recheck: recheck.id, expert: userId, draw: drawId } });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    this.changed(recheck.id);
  }

  // ── review: findings, outcome, signatures ───────────────────────────────────────────────────

  private async get(id: number, t?: Transaction): Promise<RecheckRow> {
    const row = await this.models.Recheck.findByPk(id, t ? lockFor(t) : {});
    if (!row) throw new AppError('NOT_FOUND', `no recheck ${id}`);
    return row;
  }

  private async member(actor: Actor, recheck: RecheckRow) {
    const member = await this.models.RecheckMember.findOne({ where: { recheckId: recheck.id, userId: actor.userId } });
    if (!member) throw new AppError('NOT_PARTICIPANT', `only the members of recheck ${recheck.id} take part`);
    return member;
  }

  private assertState(recheck: RecheckRow, ...states: RecheckRow['state'][]): void {
    if (!states.includes(recheck.state)) throw new AppError('RECHECK_WRONG_STATE', `recheck ${recheck.id} is ${recheck.state}`, { extra: { state: recheck.state } });
  }

  /** Validates a correction against the evaluation's raw inputs (the bid, the committee member, the criterion's range, the rejection vote). */
  private async assertCorrection(tradeId: number, c: Correction): Promise<void> {
    const inputs = await this.evaluation.inputs(tradeId);
    const bid = inputs.bids.find((b) => b.bidId === c.bidId);
    if (!bid) throw new AppError('VALIDATION_FAILED', `bid ${c.bidId} is not under evaluation`, { extra: { bidId: c.bidId } });
    if (!inputs.members.some((m) => m.userId === c.expertUserId)) throw new AppError('VALIDATION_FAILED', `expert ${c.expertUserId} is not a member of the committee`, { extra: { expertUserId: c.expertUserId } });
    if (c.kind === 'score') {
      const criterion = inputs.template.criteria.find((x) => x.id === c.criterion && x.kind === 'judged');
      if (!criterion) throw new AppError('VALIDATION_FAILED', `no judged criterion ${c.criterion}`, { extra: { criterion: c.criterion } });
      if (c.value < 0 || c.value > criterion.max) throw new AppError('VALIDATION_FAILED', `${c.criterion} is scored 0–${criterion.max}`, { extra: { criterion: c.criterion, max: criterion.max } });
      if (!evaluate(inputs).compliance.find((x) => x.bidId === c.bidId)?.compliant) throw new AppError('VALIDATION_FAILED', `bid ${c.bidId} was rejected: it is not scored`, { extra: { bidId: c.bidId } });
    } else {
      if (!inputs.votes.some((v) => v.bidId === c.bidId && v.expert === c.expertUserId && v.check === c.check && !v.pass)) {
        throw new AppError('VALIDATION_FAILED', `expert ${c.expertUserId} cast no rejection on ${c.check} of bid ${c.bidId}`, { extra: { bidId: c.bidId, check: c.check } });
      }
    }
  }

  /** A member records a finding — on a flagged item or on anything they choose — with corrections, each with its reason. */
  async addFinding(actor: Actor, id: number, input: { item?: string; text: string; corrections: Correction[] }): Promise<RecheckView> {
    const recheck = await this.get(id);
    await this.member(actor, recheck);
    this.assertState(recheck, 'open');
    const diff = recheck.diff ? (JSON.parse(recheck.diff) as RecheckDiff) : null;
    if (input.item && !diff?.items.some((i) => i.key === input.item)) throw new AppError('VALIDATION_FAILED', `no flagged item ${input.item}`, { extra: { item: input.item } });
    for (const c of input.corrections) await this.assertCorrection(recheck.tradeId, c);
    const trade = await this.trades.get(recheck.tradeId);
    await this.db.transaction(async (t) => {
      const locked = await this.get(id, t);
      this.assertState(locked, 'open');
      const finding = await this.models.RecheckFinding.create({ recheckId: id, userId: actor.userId, item: input.item ?? null, text: input.text, corrections: JSON.stringify(input.corrections), at: this.clock.now() }, { transaction: t });
      await this.audit.append(t, { actor, action: 'recheck.finding', subject: `trade:${trade.code}`, payload: { recheck: id, finding: finding.id, item: input.item ?? null, text: input.text, corrections: input.corrections } });
    });
    this.changed(id);
    return this.view(actor, id);
  }

  /** The corrections in force: every finding's, in order, the later one winning for the same figure. */
  private async corrections(recheckId: number): Promise<Correction[]> {
    const findings = await this.models.RecheckFinding.findAll({ where: { recheckId }, order: [['id', 'ASC']] });
    const byKey = new Map<string, Correction>();
    for (const f of findings) {
      for (const c of JSON.parse(f.corrections) as Correction[]) byKey.set(c.kind === 'score' ? `score:${c.bidId}:${c.expertUserId}:${c.criterion}` : `reason:${c.bidId}:${c.expertUserId}:${c.check}`, c);
    }
    return [...byKey.values()];
  }

  /** Outcomes the recheck's grounds allow: confirm always; correct and re-evaluate where a ground allows them. */
  private allowedOutcomes(recheck: RecheckRow): RecheckOutcome[] {
    const grounds = (JSON.parse(recheck.grounds) as string[]).map((g) => groundById(g)).filter((g): g is RecheckGround => !!g);
    return (['confirm', 'correct', 'reevaluate'] as const).filter((o) => o === 'confirm' || grounds.some((g) => g.outcomes.includes(o)));
  }

  /** A member proposes the outcome with its reasons; the platform writes the recheck report (its SHA-256 is what every member signs). */
  async propose(actor: Actor, id: number, input: { outcome: RecheckOutcome; reasons: string }): Promise<RecheckView> {
    const recheck = await this.get(id);
    await this.member(actor, recheck);
    this.assertState(recheck, 'open');
    const allowed = this.allowedOutcomes(recheck);
    if (!allowed.includes(input.outcome)) {
      throw new AppError('RECHECK_OUTCOME_NOT_ALLOWED', input.outcome === 'reevaluate' ? 're-evaluation by a new committee needs a ground that voids the committee’s conclusion (实施条例 arts 70, 81)' : `the grounds of this recheck allow ${allowed.join(', ')}`, { extra: { outcome: input.outcome, allowed } });
    }
    const corrections = await this.corrections(id);
    if (input.outcome === 'correct' && !corrections.length) throw new AppError('RECHECK_OUTCOME_NOT_ALLOWED', 'a correction names at least one corrected figure (a finding with corrections)', { extra: { outcome: input.outcome, allowed } });
    const members = await this.models.RecheckMember.findAll({ where: { recheckId: id }, order: [['userId', 'ASC']] });
    if (recheck.kind === 'panel') {
      const size = await this.panelSize(recheck);
      if (size === null || members.length < size) throw new AppError('RECHECK_WRONG_STATE', `the panel is not complete (${members.length} of ${size ?? '?'} members have joined)`, { extra: { members: members.length, size } });
    }
    const report = await this.buildReport(recheck, actor, input, corrections);
    const text = canonicalJson(report);
    const sha = createHash('sha256').update(text).digest('hex');
    const trade = await this.trades.get(recheck.tradeId);
    await this.db.transaction(async (t) => {
      const locked = await this.get(id, t);
      this.assertState(locked, 'open');
      await locked.update({ state: 'signing', outcome: input.outcome, outcomeReasons: input.reasons, proposedBy: actor.userId, proposedAt: this.clock.now(), report: text, reportSha256: sha }, { transaction: t });
      await this.audit.append(t, { actor, action: 'recheck.outcome_proposed', subject: `trade:${trade.code}`, payload: { recheck: id, outcome: input.outcome, reasons: input.reasons, sha256: sha, changes: report.changes.length } });
    });
    this.changed(id);
    return this.view(actor, id);
  }

  private async names(userIds: number[]): Promise<Map<number, string>> {
    const users = await this.identity.models.User.findAll({ where: { id: userIds } });
    return new Map(users.map((u) => [u.id, u.displayName]));
  }

  private async buildReport(recheck: RecheckRow, actor: Actor, input: { outcome: RecheckOutcome; reasons: string }, corrections: Correction[]): Promise<RecheckReport> {
    const trade = await this.trades.get(recheck.tradeId);
    const members = await this.models.RecheckMember.findAll({ where: { recheckId: recheck.id }, order: [['userId', 'ASC']] });
    const findings = await this.models.RecheckFinding.findAll({ where: { recheckId: recheck.id }, order: [['id', 'ASC']] });
    const inputs = await this.evaluation.inputs(recheck.tradeId);
    const names = await this.names([...members.map((m) => m.userId), ...findings.map((f) => f.userId), ...inputs.members.map((m) => m.userId), actor.userId]);
    const evaluation = (await this.evaluation.models.Evaluation.findByPk(recheck.tradeId))!;
    const before = JSON.parse(evaluation.result!) as EvaluationResult;
    const bidder = (bidId: number) => inputs.bids.find((b) => b.bidId === bidId)?.bidder.name ?? `#${bidId}`;
    const ranking = (r: EvaluationResult) => r.ranked.map((x) => ({ rank: x.rank, bidId: x.bidId, bidder: x.bidder.name, total: x.total }));
    let changes: RecheckChange[] = [];
    let after: EvaluationResult | null = null;
    if (input.outcome === 'correct') {
      changes = corrections.map((c) => {
        if (c.kind === 'score') {
          const from = inputs.scores.find((s) => s.bidId === c.bidId && s.expert === c.expertUserId && s.criterion === c.criterion)?.value ?? null;
          return { kind: 'score', bidId: c.bidId, bidder: bidder(c.bidId), expertUserId: c.expertUserId, expert: names.get(c.expertUserId) ?? String(c.expertUserId), criterion: c.criterion, from, to: c.value, reason: c.reason };
        }
        const from = inputs.votes.find((v) => v.bidId === c.bidId && v.expert === c.expertUserId && v.check === c.check && !v.pass)?.reason ?? null;
        return { kind: 'rejection_reason', bidId: c.bidId, bidder: bidder(c.bidId), expertUserId: c.expertUserId, expert: names.get(c.expertUserId) ?? String(c.expertUserId), check: c.check, from, to: c.text, reason: c.reason };
      });
      // the corrected figures in memory: the ranking after, exactly as closing will store it
      const scores = inputs.scores.map((s) => ({ ...s }));
      const votes = inputs.votes.map((v) => ({ ...v }));
      for (const c of corrections) {
        if (c.kind === 'score') {
          const row = scores.find((s) => s.bidId === c.bidId && s.expert === c.expertUserId && s.criterion === c.criterion);
          if (row) row.value = c.value;
          else scores.push({ bidId: c.bidId, expert: c.expertUserId, criterion: c.criterion, value: c.value });
        } else {
          const vote = votes.find((v) => v.bidId === c.bidId && v.expert === c.expertUserId && v.check === c.check && !v.pass);
          if (vote) vote.reason = c.text;
        }
      }
      after = evaluate({ ...inputs, scores, votes });
    }
    const grounds = JSON.parse(recheck.grounds) as string[];
    return {
      trade: { code: trade.code, title: trade.title, kind: trade.kind, method: trade.method },
      recheck: { id: recheck.id, kind: recheck.kind, kindName: RECHECK_KIND_NAMES[recheck.kind].zh, trigger: recheck.trigger, note: recheck.note, openedAt: recheck.openedAt.toISOString(), evaluationRound: recheck.evaluationRound },
      grounds: grounds.map((id) => ({ id, label: groundById(id)?.label.zh ?? id, source: groundById(id)?.source ?? '' })),
      members: members.map((m) => ({ userId: m.userId, name: names.get(m.userId) ?? String(m.userId) })),
      diff: recheck.diff ? (JSON.parse(recheck.diff) as RecheckDiff).items : [],
      findings: findings.map((f) => ({ by: names.get(f.userId) ?? String(f.userId), item: f.item, text: f.text, corrections: JSON.parse(f.corrections) as Correction[] })),
      outcome: { decision: input.outcome, name: RECHECK_OUTCOME_NAMES[input.outcome].zh, reasons: input.reasons, proposedBy: names.get(actor.userId) ?? actor.username },
      changes,
      rankingBefore: input.outcome === 'correct' ? ranking(before) : null,
      rankingAfter: after ? ranking(after) : null,
      candidatesAfter: after ? after.candidates : null,
      writtenAt: this.clock.now().toISOString(),
    };
  }

  /** A member signs the recheck report's SHA-256 (CMS, detached digest) with their certificate, or refuses with a reason. */
  async sign(actor: Actor, id: number, input: { signature: string } | { refuse: string }): Promise<RecheckView> {
    const recheck = await this.get(id);
    const member = await this.member(actor, recheck);
    this.assertState(recheck, 'signing');
    if (member.signedAt) throw new AppError('CONFLICT', 'you have answered');
    const signature = 'signature' in input ? await this.certificates.verifyReportSignature(input.signature, recheck.reportSha256!, actor.userId, this.clock.now(), 'recheck report') : null;
    const trade = await this.trades.get(recheck.tradeId);
    const next = await this.db.transaction(async (t) => {
      const locked = await this.get(id, t);
      this.assertState(locked, 'signing');
      const mine = (await this.models.RecheckMember.findOne({ where: { recheckId: id, userId: actor.userId }, transaction: t }))!;
      if (mine.signedAt) throw new AppError('CONFLICT', 'you have answered');
      await mine.update({ signature, refusedReason: 'refuse' in input ? input.refuse : null, signedAt: this.clock.now() }, { transaction: t });
      await this.audit.append(t, { actor, action: signature ? 'recheck.signed' : 'recheck.signature_refused', subject: `trade:${trade.code}`, payload: { recheck: id, sha256: locked.reportSha256, reason: 'refuse' in input ? input.refuse : null } });
      const all = await this.models.RecheckMember.findAll({ where: { recheckId: id }, transaction: t });
      if (all.some((m) => !m.signedAt)) return 'signing' as const;
      const refused = all.filter((m) => !m.signature).length;
      if (refused * 2 > all.length) {
        // a majority refused the proposal: it falls, and the members may propose again (decisions by majority, 87号令 art 61)
        for (const m of all) await m.update({ signature: null, refusedReason: null, signedAt: null }, { transaction: t });
        await this.audit.append(t, { actor: SYSTEM, action: 'recheck.proposal_rejected', subject: `trade:${trade.code}`, payload: { recheck: id, outcome: locked.outcome, sha256: locked.reportSha256, refused, members: all.length, reasons: all.filter((m) => !m.signature).map((m) => ({ expert: m.userId, reason: m.refusedReason })) } });
        await locked.update({ state: 'open', outcome: null, outcomeReasons: null, proposedBy: null, proposedAt: null, report: null, reportSha256: null }, { transaction: t });
        return 'open' as const;
      }
      await locked.update({ state: 'closing' }, { transaction: t });
      return 'closing' as const;
    });
    if (next === 'closing') await this.finish(id);
    this.changed(id);
    return this.view(actor, id);
  }

  /**
   * Every member has answered: the outcome takes effect and the recheck closes, in one transaction —
   * inside the trade's transition where the outcome moves the trade (withdraw_publicity for a
   * correction during publicity, reevaluate for a new committee). Restart-safe: a recheck left
   * `closing` (e.g. held by a complaint) is finished by the scheduler.
   */
  async finish(id: number): Promise<void> {
    const recheck = await this.get(id);
    if (recheck.state !== 'closing') return;
    const trade = await this.trades.get(recheck.tradeId);
    const effect = async (t: Transaction) => {
      const locked = await this.get(id, t);
      if (locked.state !== 'closing') throw new AppError('RECHECK_WRONG_STATE', `recheck ${id} is ${locked.state}`);
      const payload: Record<string, unknown> = {};
      if (locked.outcome === 'correct') {
        const report = JSON.parse(locked.report!) as RecheckReport;
        const applied = await this.evaluation.applyCorrections(t, locked.tradeId, id, await this.corrections(id));
        payload.changes = applied.applied;
        payload.candidates = applied.after.candidates.map((c) => c.bidId);
        payload.matchesReport = JSON.stringify(applied.after.ranked.map((r) => [r.bidId, r.rank, r.total])) === JSON.stringify(report.rankingAfter?.map((r) => [r.bidId, r.rank, r.total]));
      } else if (locked.outcome === 'reevaluate') {
        payload.archived = await this.evaluation.archiveRound(t, locked.tradeId, id);
      }
      await locked.update({ state: 'closed', openTradeId: null, closedAt: this.clock.now() }, { transaction: t });
      await this.audit.append(t, { actor: SYSTEM, action: 'recheck.closed', subject: `trade:${trade.code}`, payload: { recheck: id, outcome: locked.outcome, reasons: locked.outcomeReasons, sha256: locked.reportSha256, ...payload } });
      const text = `交易 ${trade.code} 的评标${RECHECK_KIND_NAMES[locked.kind].zh}已结束：${RECHECK_OUTCOME_NAMES[locked.outcome!].zh}。 / The recheck of trade ${trade.code} closed: ${locked.outcome}.`;
      await this.notifyStaff(t, trade, 'recheck.closed', `【评标${RECHECK_KIND_NAMES[locked.kind].zh}结束】${trade.title}`, text);
    };
    const transition = recheck.outcome === 'reevaluate' ? 'reevaluate' : recheck.outcome === 'correct' && trade.state === 'publicity' ? 'withdraw_publicity' : null;
    try {
      if (transition) await this.trades.fire(SYSTEM, trade.id, transition, `recheck ${id}: ${recheck.outcome}`, (t) => effect(t));
      else await this.db.transaction((t) => effect(t));
    } catch (error) {
      // finished meanwhile by another caller (the scheduler, another process)
      if (error instanceof AppError && error.code === 'RECHECK_WRONG_STATE') return;
      throw error;
    }
    await this.trades.flushNotifications(trade.id);
    this.changed(id);
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  private async canSee(actor: Actor, recheck: RecheckRow, trade: TradeRow): Promise<boolean> {
    if (this.trades.canManage(actor, trade) || this.trades.canOversee(actor, trade)) return true;
    if (await this.models.RecheckMember.findOne({ where: { recheckId: recheck.id, userId: actor.userId } })) return true;
    return !!(await this.evaluation.models.EvaluationMember.findOne({ where: { tradeId: trade.id, userId: actor.userId } }));
  }

  async view(actor: Actor, id: number): Promise<RecheckView> {
    const recheck = await this.get(id);
    const trade = await this.trades.get(recheck.tradeId);
    if (!(await this.canSee(actor, recheck, trade))) throw new AppError('NOT_PARTICIPANT', 'a recheck is for its members, the trade’s staff and agent, and supervisors');
    const members = await this.models.RecheckMember.findAll({ where: { recheckId: id }, order: [['userId', 'ASC']] });
    const findings = await this.models.RecheckFinding.findAll({ where: { recheckId: id }, order: [['id', 'ASC']] });
    const evaluation = await this.evaluation.models.Evaluation.findByPk(recheck.tradeId);
    // the raw record of the round under recheck (once re-evaluation archived it, it lives in the round's snapshot)
    const round = (await this.evaluation.models.EvaluationRound.count({ where: { tradeId: recheck.tradeId } })) + 1;
    const current = evaluation && round === recheck.evaluationRound ? await this.evaluation.inputs(recheck.tradeId) : null;
    const names = await this.names([...members.map((m) => m.userId), ...findings.map((f) => f.userId), ...(current?.members.map((m) => m.userId) ?? [])]);
    const grounds = JSON.parse(recheck.grounds) as string[];
    return {
      id,
      tradeId: recheck.tradeId,
      tradeCode: trade.code,
      kind: recheck.kind,
      trigger: recheck.trigger,
      grounds: grounds.map((g) => ({ id: g, label: groundById(g)?.label ?? { zh: g, en: g }, source: groundById(g)?.source ?? '' })),
      note: recheck.note,
      objectionId: recheck.objectionId,
      state: recheck.state,
      openedBy: recheck.openedBy,
      openedAt: recheck.openedAt.toISOString(),
      evaluationRound: recheck.evaluationRound,
      panelSize: await this.panelSize(recheck),
      members: members.map((m) => ({ userId: m.userId, name: names.get(m.userId) ?? String(m.userId), joinedAt: m.joinedAt.toISOString(), signed: m.signature ? 'signed' : m.refusedReason ? 'refused' : null, refusedReason: m.refusedReason, signedAt: m.signedAt?.toISOString() ?? null })),
      diff: recheck.diff ? (JSON.parse(recheck.diff) as RecheckDiff) : null,
      findings: findings.map((f) => ({ id: f.id, userId: f.userId, name: names.get(f.userId) ?? String(f.userId), item: f.item, text: f.text, corrections: JSON.parse(f.corrections) as Correction[], at: f.at.toISOString() })),
      outcome: recheck.outcome ? { decision: recheck.outcome, reasons: recheck.outcomeReasons ?? '', proposedBy: recheck.proposedBy!, proposedAt: recheck.proposedAt!.toISOString() } : null,
      allowedOutcomes: this.allowedOutcomes(recheck),
      reportSha256: recheck.reportSha256,
      report: recheck.report ? (JSON.parse(recheck.report) as RecheckReport) : null,
      closedAt: recheck.closedAt?.toISOString() ?? null,
      evaluation:
        current && evaluation
          ? {
              criteria: current.template.criteria.map((c) => ({ id: c.id, name: c.name, kind: c.kind, max: c.max })),
              bids: current.bids.map((b) => ({ bidId: b.bidId, label: b.bidder.label, bidder: b.bidder.name, priceFen: b.priceFen })),
              experts: current.members.map((m) => ({ userId: m.userId, name: names.get(m.userId) ?? m.name })),
              votes: current.votes.map((v) => ({ bidId: v.bidId, expertUserId: v.expert, check: v.check, pass: v.pass, reason: v.reason })),
              scores: current.scores.map((s) => ({ bidId: s.bidId, expertUserId: s.expert, criterion: s.criterion, value: s.value })),
              result: evaluation.result ? (JSON.parse(evaluation.result) as EvaluationResult) : null,
            }
          : null,
    };
  }

  /** A trade's rechecks, newest first. */
  async list(actor: Actor, tradeId: number): Promise<RecheckView[]> {
    const trade = await this.trades.get(tradeId);
    const rows = await this.models.Recheck.findAll({ where: { tradeId }, order: [['id', 'DESC']] });
    const views: RecheckView[] = [];
    for (const row of rows) if (await this.canSee(actor, row, trade)) views.push(await this.view(actor, row.id));
    if (!views.length && !this.trades.canManage(actor, trade) && !this.trades.canOversee(actor, trade)) {
      const member = await this.evaluation.models.EvaluationMember.findOne({ where: { tradeId, userId: actor.userId } });
      if (!member) throw new AppError('NOT_PARTICIPANT', 'the rechecks are for the trade’s staff and agent, supervisors and the members');
    }
    return views;
  }

  /** The room's progress: members and their answers, the number of findings, the proposed outcome (no signature bytes). */
  async progress(id: number): Promise<RecheckProgress> {
    const recheck = await this.get(id);
    const members = await this.models.RecheckMember.findAll({ where: { recheckId: id }, order: [['userId', 'ASC']] });
    const names = await this.names(members.map((m) => m.userId));
    return {
      recheckId: id,
      tradeId: recheck.tradeId,
      state: recheck.state,
      members: members.map((m) => ({ userId: m.userId, name: names.get(m.userId) ?? String(m.userId), signed: m.signature ? 'signed' : m.refusedReason ? 'refused' : null })),
      findings: await this.models.RecheckFinding.count({ where: { recheckId: id } }),
      outcome: recheck.outcome,
    };
  }

  /** 评标复核/复审报告 as a Chinese PDF. */
  async reportPdf(actor: Actor, id: number): Promise<Buffer> {
    const recheck = await this.get(id);
    const trade = await this.trades.get(recheck.tradeId);
    if (!(await this.canSee(actor, recheck, trade))) throw new AppError('NOT_PARTICIPANT');
    if (!recheck.report) throw new AppError('NOT_FOUND', 'no recheck report yet (the outcome is not proposed)');
    const members = await this.models.RecheckMember.findAll({ where: { recheckId: id } });
    return renderRecheckReport(
      findCjkFont(this.config.cjkFontPath),
      JSON.parse(recheck.report) as RecheckReport,
      recheck.reportSha256!,
      members.map((m) => ({ userId: m.userId, signed: !!m.signature, refused: m.refusedReason, at: m.signedAt?.toISOString() ?? null })),
      { state: recheck.state, closedAt: recheck.closedAt?.toISOString() ?? null },
    );
  }

  // ── notifications and the scheduler ─────────────────────────────────────────────────────────

  /** Staff of the trade's region, its agency's users and the region's supervisors. */
  private async notifyStaff(t: Transaction, trade: TradeRow, kind: 'recheck.opened' | 'recheck.closed', title: string, body: string): Promise<void> {
    const users = await this.identity.models.User.findAll({ where: { status: 'active', role: ['center_staff', 'supervisor', 'agent'] }, transaction: t });
    const to = users.filter((u) => (u.role === 'agent' ? trade.agencyOrganisationId !== null && u.organisationId === trade.agencyOrganisationId : this.identity.regions.covers(u.regionCode, trade.regionCode)));
    if (to.length) await this.trades.notifier.queue(t, trade.id, to.map((u) => u.id), kind, title, body);
  }

  /** Restart-safe work: final reports not yet checked automatically, and rechecks left closing. */
  dueSources(): DueSource[] {
    const pending = async () => {
      const unchecked = await this.evaluation.models.Evaluation.findAll({ where: { state: 'final', automaticCheckedAt: null }, order: [['tradeId', 'ASC']], limit: 50 });
      const trades = unchecked.length ? await this.trades.models.Trade.findAll({ where: { id: unchecked.map((e) => e.tradeId), state: { [Op.ne]: 'opened' } } }) : [];
      const closing = await this.models.Recheck.findAll({ where: { state: 'closing' }, order: [['id', 'ASC']], limit: 50 });
      return [...trades.map((t) => ({ id: t.id, name: 'recheck.automatic' })), ...closing.map((r) => ({ id: r.id, name: 'recheck.close' }))];
    };
    return [
      {
        due: async () => pending(),
        next: async () => null,
        fire: async (id, name) => {
          if (name === 'recheck.automatic') await this.automatic(id);
          else await this.finish(id);
        },
      },
    ];
  }
}

export type { DiffItem };
