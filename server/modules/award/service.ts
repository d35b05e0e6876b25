import { Readable } from 'node:stream';
import fsp from 'node:fs/promises';
import type { Response } from 'express';
import { Op, type Transaction } from 'sequelize';
import {
  ContractParties,
  type AwardNoticeView,
  type AwardSummaryView,
  type CandidateOutcomeView,
  type CandidateStatus,
  type CandidateView,
  type ContractView,
  type PublicityListItem,
  type PublicityStatus,
  type PublicityView,
} from '../../../contracts/award.js';
import type { EvaluationResult } from '../../../contracts/evaluation.js';
import { maskIdNumber } from '../../../contracts/credit-names.js';
import type { NotificationView } from '../../../contracts/trades.js';
import type { Db } from '../../db/index.js';
import { lockFor } from '../../db/index.js';
import { actorLabel, type Actor, type SystemActor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import { addCivilDays, civilDateOf, startOfCivilDay, type CivilDate } from '../../kernel/calendar/index.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import { validationError } from '../../kernel/http.js';
import type { DueSource } from '../../kernel/lifecycle/scheduler.js';
import type { Logger } from '../../kernel/logger.js';
import { findCjkFont } from '../../kernel/pdf.js';
import type { EffectiveRule } from '../../kernel/rules/service.js';
import type { BlobStore } from '../../kernel/storage.js';
import type { Received } from '../../kernel/upload.js';
import type { BidService } from '../bids/service.js';
import type { CertificateService } from '../certificates/service.js';
import type { CreditGate } from '../credit/gate.js';
import type { EvaluationService } from '../evaluation/service.js';
import type { IdentityService } from '../identity/service.js';
import type { TradeRow } from '../trades/models.js';
import type { TradeService } from '../trades/service.js';
import { defineAwardModels, type AwardModels, type AwardRow, type PublicityRow } from './models.js';
import { renderAwardNotice, renderResultNotice, rmbCapitals, type NoticeFacts } from './pdf.js';
import { yuan } from '../opening/pdf.js';

const SYSTEM: SystemActor = { kind: 'system', name: 'award' };
const ELIGIBLE: readonly CandidateStatus[] = ['candidate', 'winner'];

/** What was published for each candidate (the snapshot in award_publicities.candidates). */
interface PublishedCandidate {
  rank: number;
  bidId: number;
  bidderName: string;
  uscc: string;
  priceFen: number;
  totalScore: number;
}

/** The publicity window other modules read (objections to the result must fall inside it). */
export interface PublicityWindow {
  id: number;
  round: number;
  startsAt: Date;
  /** Exclusive: the window is open while now < endsAt (24:00 China time at the end of lastDay). */
  endsAt: Date;
  lastDay: string;
  status: PublicityStatus;
  withdrawnAt: Date | null;
}

/** The instant a civil date ends (24:00 China time, i.e. 00:00 of the next day). */
const endOfCivilDay = (date: CivilDate): Date => startOfCivilDay(addCivilDays(date, 1));

/** A tender (中标) or a non-tender procurement (成交). */
function wordsFor(trade: TradeRow): { word: '中标' | '成交'; noticeTitle: string; publicityTitle: string } {
  const nonTender = trade.kind === 'procurement' && !['open_tender', 'invited_tender'].includes(trade.method);
  const word = nonTender ? '成交' : '中标';
  const publicityTitle = trade.kind === 'construction' ? '中标候选人公示' : trade.kind === 'procurement' ? `${word}结果公告` : '交易结果公示';
  return { word, noticeTitle: `${word}通知书`, publicityTitle };
}

/** The rules family of a trade kind: construction, procurement, or the property rights (land, mining, property). */
const familyOf = (trade: TradeRow) => (trade.kind === 'construction' || trade.kind === 'procurement' ? trade.kind : 'rights');

/**
 * Candidate publicity, the award and its notices, the contract record.
 *
 * The trade's state moves only through the lifecycle transitions (start_publicity, award,
 * record_contract, fail_award), each fired with this module's writes as its effect, so a hold
 * (an open recheck, a pending objection, a suspension) refuses them with its own code. Passing the
 * award to the next candidate after the award keeps the trade `awarded`: a new notice is issued and
 * the earlier one is marked void.
 */
export class AwardService {
  readonly models: AwardModels;
  /**
   * Where the current evaluation result comes from. Default: the signed evaluation's result; a
   * recheck that corrects the ranking writes its corrected result there (or replaces this).
   */
  resultFor: (tradeId: number) => Promise<{ result: EvaluationResult; finalisedAt: Date | null; reportSha256: string | null } | null>;

  constructor(
    readonly db: Db,
    readonly audit: AuditLog,
    readonly clock: Clock,
    readonly identity: IdentityService,
    readonly certificates: CertificateService,
    readonly trades: TradeService,
    readonly bids: BidService,
    readonly evaluation: EvaluationService,
    readonly credit: CreditGate,
    readonly blobs: BlobStore,
    readonly config: { cjkFontPath: string | undefined },
    readonly logger: Logger,
  ) {
    this.models = defineAwardModels(db);
    this.resultFor = async (tradeId) => {
      const row = await this.evaluation.models.Evaluation.findByPk(tradeId);
      if (!row?.result || row.state !== 'final') return null;
      return { result: JSON.parse(row.result) as EvaluationResult, finalisedAt: row.finalisedAt, reportSha256: row.reportSha256 };
    };
  }

  // ── permissions ─────────────────────────────────────────────────────────────────────────────

  private assertManage(actor: Actor, trade: TradeRow): void {
    if (!this.trades.canManage(actor, trade)) {
      throw new AppError(actor.role === 'center_staff' ? 'FORBIDDEN_REGION' : 'NOT_PARTICIPANT', `you do not manage trade ${trade.code}`);
    }
  }

  /** Disqualification: those who manage the trade, and the supervisors of its region. */
  private assertMayDisqualify(actor: Actor, trade: TradeRow): void {
    if (this.trades.canManage(actor, trade)) return;
    if (actor.role === 'supervisor' && this.trades.canOversee(actor, trade)) return;
    throw new AppError(actor.role === 'center_staff' || actor.role === 'supervisor' ? 'FORBIDDEN_REGION' : 'NOT_PARTICIPANT', `you have no part in trade ${trade.code}`);
  }

  // ── rules on the calendar ───────────────────────────────────────────────────────────────────

  private async rule(prefix: string, trade: TradeRow): Promise<EffectiveRule> {
    const rule = await this.trades.rules.forTrade(prefix, trade);
    if (!rule) throw new Error(`rules table has no row ${prefix} for ${trade.kind}/${trade.method}`);
    return rule;
  }

  /** The last civil day of the period `prefix` started at `from` (on the trade region's calendar). */
  private async lastDay(prefix: string, trade: TradeRow, from: Date): Promise<{ rule: EffectiveRule; lastDay: CivilDate }> {
    const limit = await this.trades.periodLimit(prefix, trade, from);
    if (!limit) throw new Error(`rules table has no period ${prefix} for ${trade.kind}/${trade.method}`);
    return { rule: limit.rule, lastDay: limit.earliest };
  }

  private async passesOn(trade: TradeRow): Promise<boolean> {
    return (await this.rule('award.pass_to_next_candidate', trade)).value === 1;
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  private async publicities(tradeId: number, t?: Transaction): Promise<PublicityRow[]> {
    return this.models.Publicity.findAll({ where: { tradeId }, order: [['round', 'ASC']], ...(t ? { transaction: t } : {}) });
  }

  /** When the latest round was withdrawn: marked, or implied by the trade having left publicity backwards (withdraw_publicity, reevaluate). */
  private async withdrawal(row: PublicityRow, latest: boolean, trade: TradeRow, t?: Transaction): Promise<{ at: Date; reason: string | null } | null> {
    if (row.withdrawnAt) return { at: row.withdrawnAt, reason: row.withdrawnReason };
    if (!latest || !['evaluated', 'opened'].includes(trade.state)) return null;
    const back = await this.trades.models.TradeTransition.findOne({
      where: { tradeId: trade.id, fromState: 'publicity', toState: { [Op.in]: ['evaluated', 'opened'] }, at: { [Op.gte]: row.startsAt } },
      order: [['seq', 'DESC']],
      ...(t ? { transaction: t } : {}),
    });
    return { at: back?.at ?? row.startsAt, reason: back ? `${back.name}${back.reason ? `：${back.reason}` : ''}` : null };
  }

  private statusOf(row: PublicityRow, withdrawn: { at: Date } | null): PublicityStatus {
    if (withdrawn) return 'withdrawn';
    return this.clock.now() < row.endsAt ? 'running' : 'ended';
  }

  /** Every publicity round of a trade, oldest first, with its status (the complaints module reads past windows here). */
  async publicityHistory(tradeId: number): Promise<PublicityWindow[]> {
    const trade = await this.trades.get(tradeId);
    const rows = await this.publicities(tradeId);
    const out: PublicityWindow[] = [];
    for (const [i, row] of rows.entries()) {
      const withdrawn = await this.withdrawal(row, i === rows.length - 1, trade);
      out.push({ id: row.id, round: row.round, startsAt: row.startsAt, endsAt: row.endsAt, lastDay: row.lastDay, status: this.statusOf(row, withdrawn), withdrawnAt: withdrawn?.at ?? null });
    }
    return out;
  }

  /** The trade's current publicity (its window is the window for objections to the result), or null (none, or withdrawn). */
  async currentPublicity(tradeId: number): Promise<PublicityWindow | null> {
    const history = await this.publicityHistory(tradeId);
    const last = history[history.length - 1];
    return last && last.status !== 'withdrawn' ? last : null;
  }

  private async candidatesOf(publicity: PublicityRow | undefined, t?: Transaction): Promise<CandidateView[]> {
    if (!publicity) return [];
    const published = JSON.parse(publicity.candidates) as PublishedCandidate[];
    const rows = await this.models.Candidate.findAll({ where: { tradeId: publicity.tradeId, bidId: published.map((c) => c.bidId) }, ...(t ? { transaction: t } : {}) });
    return published.map((c) => {
      const row = rows.find((r) => r.bidId === c.bidId);
      return { ...c, status: row?.status ?? 'candidate', reason: row?.reason ?? null, decidedAt: row?.decidedAt?.toISOString() ?? null };
    });
  }

  private async publicityView(trade: TradeRow, row: PublicityRow, latest: boolean): Promise<PublicityView> {
    const withdrawn = await this.withdrawal(row, latest, trade);
    const rule = await this.rule(`award.publicity_period.${familyOf(trade)}`, trade);
    return {
      id: row.id,
      tradeId: trade.id,
      tradeCode: trade.code,
      tradeTitle: trade.title,
      kind: trade.kind,
      method: trade.method,
      regionCode: trade.regionCode,
      round: row.round,
      title: row.title,
      status: this.statusOf(row, withdrawn),
      startsAt: row.startsAt.toISOString(),
      endsAt: row.endsAt.toISOString(),
      lastDay: row.lastDay,
      period: { rule: row.periodRule, value: row.periodValue, unit: rule.row.unit, source: rule.row.source },
      publishBy: row.publishBy?.toISOString() ?? null,
      late: Boolean(row.late),
      note: row.note,
      candidates: await this.candidatesOf(row),
      withdrawnAt: withdrawn?.at.toISOString() ?? null,
      withdrawnReason: withdrawn?.reason ?? null,
    };
  }

  /** The portal's publicity page of a trade: the latest round and the earlier ones. */
  async publicity(actor: Actor | null, tradeId: number): Promise<{ current: PublicityView; rounds: PublicityView[] }> {
    const trade = await this.trades.visible(tradeId, actor);
    const rows = await this.publicities(tradeId);
    if (!rows.length) throw new AppError('NOT_FOUND', `trade ${trade.code} has no publicity yet`);
    const rounds = await Promise.all(rows.map((row, i) => this.publicityView(trade, row, i === rows.length - 1)));
    return { current: rounds[rounds.length - 1]!, rounds };
  }

  /** The portal's list: running and ended publicities with their results (latest round of each trade). */
  async publicityList(query: { status?: PublicityStatus | 'all'; region?: string }): Promise<PublicityListItem[]> {
    const rows = await this.models.Publicity.findAll({ order: [['id', 'DESC']], limit: 1000 });
    const latest = new Map<number, PublicityRow>();
    for (const row of rows) if (!latest.has(row.tradeId)) latest.set(row.tradeId, row);
    const regions = query.region ? new Set(this.identity.regions.subtree(query.region)) : null;
    const out: PublicityListItem[] = [];
    for (const row of latest.values()) {
      const trade = await this.trades.get(row.tradeId);
      if (regions && !regions.has(trade.regionCode)) continue;
      const view = await this.publicityView(trade, row, true);
      const wanted = query.status ?? 'all';
      if (wanted !== 'all' && view.status !== wanted) continue;
      const award = await this.models.Award.findOne({ where: { tradeId: trade.id, status: 'current' } });
      const winner = award ? await this.models.Candidate.findOne({ where: { tradeId: trade.id, bidId: award.bidId } }) : null;
      out.push({
        publicity: view,
        award: award && winner ? { winner: winner.bidderName, uscc: winner.uscc, priceFen: award.priceFen, awardedAt: award.awardedAt.toISOString() } : null,
        tradeState: trade.state,
      });
      if (out.length >= 200) break;
    }
    return out;
  }

  private noticeNumber(trade: TradeRow, seq: number): string {
    return `${trade.code}-${wordsFor(trade).word === '成交' ? 'CJ' : 'ZB'}-${String(seq).padStart(2, '0')}`;
  }

  private async awardView(trade: TradeRow, award: AwardRow): Promise<AwardNoticeView> {
    const winner = (await this.models.Candidate.findOne({ where: { tradeId: trade.id, bidId: award.bidId } }))!;
    const publicity = (await this.models.Publicity.findByPk(award.publicityId))!;
    const results = await this.models.ResultNotice.findAll({ where: { awardId: award.id }, order: [['id', 'ASC']] });
    const base = `/api/trades/${trade.id}/award`;
    return {
      id: award.id,
      seq: award.seq,
      status: award.status,
      bidId: award.bidId,
      winner: { name: winner.bidderName, uscc: winner.uscc },
      priceFen: award.priceFen,
      totalScore: award.totalScore,
      publicityRound: publicity.round,
      awardedAt: award.awardedAt.toISOString(),
      noticeDeadline: award.noticeDeadline?.toISOString() ?? null,
      noticeLate: Boolean(award.noticeLate),
      contractDeadline: award.contractDeadline.toISOString(),
      contractLastDay: award.contractLastDay,
      voidedAt: award.voidedAt?.toISOString() ?? null,
      voidReason: award.voidReason,
      notice: { title: award.noticeTitle, url: award.status === 'current' ? `${base}/notice.pdf` : `${base}/notices/${award.seq}.pdf`, sha256: award.noticeSha256, size: award.noticeSize },
      results: results.map((r) => ({
        bidId: r.bidId,
        bidderName: r.bidderName,
        url: award.status === 'current' ? `${base}/results/${r.bidId}.pdf` : `${base}/notices/${award.seq}/results/${r.bidId}.pdf`,
        sha256: r.sha256,
        size: r.size,
      })),
    };
  }

  private contractView(trade: TradeRow, row: InstanceType<AwardModels['ContractRecord']>, award: AwardRow | null): ContractView {
    return {
      tradeId: trade.id,
      awardId: row.awardId,
      signedOn: row.signedOn,
      amountFen: row.amountFen,
      awardedPriceFen: award?.priceFen ?? 0,
      parties: JSON.parse(row.parties) as ContractView['parties'],
      fileName: row.fileName,
      sha256: row.sha256,
      size: row.size,
      recordedAt: row.recordedAt.toISOString(),
      dueBy: row.dueBy,
      late: Boolean(row.late),
    };
  }

  /** The public award summary: notices (current and void) with links and hashes, candidates, the contract. */
  async summary(actor: Actor | null, tradeId: number): Promise<AwardSummaryView> {
    const trade = await this.trades.visible(tradeId, actor);
    const awards = await this.models.Award.findAll({ where: { tradeId }, order: [['seq', 'ASC']] });
    const notices = await Promise.all(awards.map((a) => this.awardView(trade, a)));
    const rows = await this.publicities(tradeId);
    const contract = await this.models.ContractRecord.findOne({ where: { tradeId } });
    const failure =
      trade.state === 'failed'
        ? await this.trades.models.TradeTransition.findOne({ where: { tradeId, name: 'fail_award' }, order: [['seq', 'DESC']] })
        : null;
    return {
      tradeId,
      tradeCode: trade.code,
      tradeTitle: trade.title,
      state: trade.state,
      current: notices.find((n) => n.status === 'current') ?? null,
      notices,
      candidates: await this.candidatesOf(rows[rows.length - 1]),
      contract: contract ? this.contractView(trade, contract, awards.find((a) => a.id === contract.awardId) ?? null) : null,
      failed: failure ? { code: 'NO_CANDIDATE_LEFT', at: failure.at.toISOString() } : null,
    };
  }

  // ── publicity ───────────────────────────────────────────────────────────────────────────────

  /**
   * Starts (or, after a recheck withdrew it, restarts as the next round) the publicity of the
   * evaluation's candidates. The window ends at the end of the last day of award.publicity_period.*
   * on the region's calendar; whether it started within award.publicity_start.* of the report is
   * recorded (and a late start audited), not refused: the candidates must be published all the same.
   */
  async startPublicity(actor: Actor, tradeId: number, note: string | undefined): Promise<{ current: PublicityView; rounds: PublicityView[] }> {
    const trade = await this.trades.get(tradeId);
    this.assertManage(actor, trade);
    if (trade.state !== 'evaluated') {
      await this.trades.engine.assertNotHeld(trade, 'start_publicity');
      throw new AppError('TRADE_WRONG_STATE', `publicity follows the signed evaluation (the trade is ${trade.state})`, { extra: { state: trade.state } });
    }
    const source = await this.resultFor(tradeId);
    if (!source) throw new AppError('TRADE_WRONG_STATE', 'the evaluation report is not final yet', { extra: { state: trade.state } });
    const published = await this.published(source.result);
    if (!published.length) {
      await this.trades.engine.assertNotHeld(trade, 'fail_award');
      await this.fail(trade, '评标委员会未推荐中标候选人 / the committee recommended no candidate');
      throw new AppError('NO_CANDIDATE_LEFT', 'the evaluation recommends no candidate: the trade has failed and may be tendered again', { extra: { state: 'failed' } });
    }
    const family = familyOf(trade);
    const now = this.clock.now();
    const period = await this.lastDay(`award.publicity_period.${family}`, trade, now);
    // the report was received when the evaluation became final, or when a recheck / withdrawal last sent it back
    const back = await this.trades.models.TradeTransition.findOne({ where: { tradeId, toState: 'evaluated' }, order: [['seq', 'DESC']] });
    const received = [source.finalisedAt, back?.at].filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0] ?? now;
    const start = await this.lastDay(`award.publicity_start.${family}`, trade, received);
    const publishBy = endOfCivilDay(start.lastDay);
    const late = now >= publishBy;
    const { publicityTitle } = wordsFor(trade);

    await this.trades.fire(actor, tradeId, 'start_publicity', note, async (t, locked) => {
      const rows = await this.publicities(tradeId, t);
      for (const [i, row] of rows.entries()) {
        if (row.withdrawnAt) continue;
        const withdrawn = await this.withdrawal(row, i === rows.length - 1, locked, t);
        await row.update({ withdrawnAt: withdrawn?.at ?? now, withdrawnReason: withdrawn?.reason ?? `superseded by round ${rows.length + 1}` }, { transaction: t });
      }
      const round = (rows[rows.length - 1]?.round ?? 0) + 1;
      for (const c of published) {
        const bid = await this.bids.models.Bid.findByPk(c.bidId, { transaction: t });
        const existing = await this.models.Candidate.findOne({ where: { tradeId, bidId: c.bidId }, transaction: t });
        if (existing) {
          // a disqualification or decline stands across rounds; a previous winner is a candidate again
          await existing.update({ rank: c.rank, priceFen: c.priceFen, totalScore: c.totalScore, ...(existing.status === 'winner' ? { status: 'candidate' as const } : {}) }, { transaction: t });
        } else {
          await this.models.Candidate.create(
            { tradeId, bidId: c.bidId, organisationId: bid!.organisationId, rank: c.rank, bidderName: c.bidderName, uscc: c.uscc, priceFen: c.priceFen, totalScore: c.totalScore, status: 'candidate', reason: null, decidedAt: null, decidedBy: null },
            { transaction: t },
          );
        }
      }
      await this.models.Publicity.create(
        {
          tradeId,
          round,
          title: publicityTitle,
          candidates: JSON.stringify(published),
          startsAt: now,
          endsAt: endOfCivilDay(period.lastDay),
          lastDay: period.lastDay,
          periodRule: period.rule.row.id,
          periodValue: period.rule.value,
          publishBy,
          late,
          note: note ?? null,
          withdrawnAt: null,
          withdrawnReason: null,
          createdBy: actor.userId,
        },
        { transaction: t },
      );
      const payload = {
        round,
        candidates: published.map((c) => ({ rank: c.rank, bid: c.bidId, uscc: c.uscc, priceFen: c.priceFen, total: c.totalScore })),
        startsAt: now.toISOString(),
        lastDay: period.lastDay,
        rule: { id: period.rule.row.id, value: period.rule.value, unit: period.rule.row.unit },
        publishBy: publishBy.toISOString(),
        publishRule: start.rule.row.id,
        late,
      };
      await this.audit.append(t, { actor, action: 'award.publicity_started', subject: `trade:${locked.code}`, payload });
      if (late) {
        await this.audit.append(t, {
          actor,
          action: 'award.publicity_late',
          subject: `trade:${locked.code}`,
          payload: { round, publishBy: publishBy.toISOString(), startedAt: now.toISOString(), rule: start.rule.row.id, value: start.rule.value, unit: start.rule.row.unit, source: start.rule.row.source },
        });
      }
      await this.trades.notifyParticipants(t, locked, 'award.publicity_started', {}, {
        title: `【${publicityTitle}】${locked.title}`,
        body: `交易 ${locked.code} 第 ${round} 轮${publicityTitle}已发布，公示期自 ${civilDateOf(now)} 至 ${period.lastDay}（含）。第一${wordsFor(locked).word}候选人：${published[0]!.bidderName}。对评标结果有异议的，请在公示期内通过平台提出。 / The candidates of trade ${locked.code} are published (round ${round}) until the end of ${period.lastDay}.`,
      });
    });
    await this.trades.flushNotifications(tradeId);
    return this.publicity(actor, tradeId);
  }

  /** The candidates as published, from the evaluation result (rank, bidder, USCC, price, total). */
  private async published(result: EvaluationResult): Promise<PublishedCandidate[]> {
    return result.candidates
      .slice()
      .sort((a, b) => a.rank - b.rank)
      .map((c) => {
        const ranked = result.ranked.find((r) => r.bidId === c.bidId);
        if (!ranked) throw new Error(`candidate ${c.bidId} is not in the ranking`);
        return { rank: c.rank, bidId: c.bidId, bidderName: ranked.bidder.name, uscc: ranked.bidder.uscc, priceFen: ranked.priceFen, totalScore: ranked.total };
      });
  }

  private async latestPublicity(tradeId: number, t?: Transaction): Promise<PublicityRow> {
    const rows = await this.publicities(tradeId, t);
    const last = rows[rows.length - 1];
    if (!last) throw new AppError('TRADE_WRONG_STATE', 'the candidates have not been published');
    return last;
  }

  // ── candidates: disqualification, declines, the credit gate ─────────────────────────────────

  /** The eligible candidates of the current publicity in rank order (optionally under `t`). */
  private async eligible(publicity: PublicityRow, t?: Transaction): Promise<CandidateView[]> {
    return (await this.candidatesOf(publicity, t)).filter((c) => ELIGIBLE.includes(c.status));
  }

  /** Staff, the agent or a supervisor disqualify a candidate (during publicity or after the award) with the reason. */
  async disqualify(actor: Actor, tradeId: number, bidId: number, reason: string): Promise<CandidateOutcomeView> {
    const trade = await this.trades.get(tradeId);
    this.assertMayDisqualify(actor, trade);
    return this.removeCandidate(actor, trade, bidId, 'disqualified', reason);
  }

  /** The winning bidder (or, during publicity, the first candidate in line) declines the award (放弃中标). */
  async decline(actor: Actor, tradeId: number, reason: string): Promise<CandidateOutcomeView> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const trade = await this.trades.get(tradeId);
    if (trade.state !== 'publicity' && trade.state !== 'awarded') {
      throw new AppError('TRADE_WRONG_STATE', `the award can be declined during publicity or after the award, before the contract (the trade is ${trade.state})`, { extra: { state: trade.state } });
    }
    const publicity = await this.latestPublicity(tradeId);
    const first = (await this.eligible(publicity))[0];
    const current = await this.models.Award.findOne({ where: { tradeId, status: 'current' } });
    const bidId = trade.state === 'awarded' ? current?.bidId : first?.bidId;
    const holder = bidId ? await this.models.Candidate.findOne({ where: { tradeId, bidId } }) : null;
    if (!holder || holder.organisationId !== organisationId) throw new AppError('NOT_PARTICIPANT', 'only the bidder the award goes to may decline it');
    return this.removeCandidate(actor, trade, holder.bidId, 'declined', reason);
  }

  /**
   * Takes a candidate out (disqualified or declined) and passes the award on: during publicity the
   * next candidate becomes first in line; after the award a new notice goes to the next candidate
   * and the earlier one is void. Without a candidate left (or with award.pass_to_next_candidate off
   * and the first one out) the trade fails (fail_award) and can be tendered again.
   */
  private async removeCandidate(actor: Actor, trade: TradeRow, bidId: number, status: 'disqualified' | 'declined', reason: string): Promise<CandidateOutcomeView> {
    if (trade.state !== 'publicity' && trade.state !== 'awarded') {
      throw new AppError('TRADE_WRONG_STATE', `candidates are disqualified during publicity or after the award (the trade is ${trade.state})`, { extra: { state: trade.state } });
    }
    const publicity = await this.latestPublicity(trade.id);
    const candidate = (await this.candidatesOf(publicity)).find((c) => c.bidId === bidId);
    if (!candidate) throw new AppError('NOT_FOUND', `bid ${bidId} is not a candidate of trade ${trade.code}`);
    if (!ELIGIBLE.includes(candidate.status)) throw new AppError('CANDIDATE_NOT_ELIGIBLE', `the candidate is already out (${candidate.status})`, { extra: { status: candidate.status } });
    const current = await this.models.Award.findOne({ where: { tradeId: trade.id, status: 'current' } });
    const wasFirst = trade.state === 'awarded' ? current?.bidId === bidId : (await this.eligible(publicity))[0]?.bidId === bidId;
    // a new notice is an award: it waits for a recheck or a suspension like the award itself
    if (trade.state === 'awarded' && wasFirst) await this.trades.engine.assertNotHeld(trade, 'award');

    await this.db.transaction(async (t) => {
      const locked = (await this.trades.models.Trade.findByPk(trade.id, lockFor(t)))!;
      if (locked.state !== trade.state) throw new AppError('TRADE_WRONG_STATE', `the trade moved on to ${locked.state}`, { extra: { state: locked.state } });
      const row = (await this.models.Candidate.findOne({ where: { tradeId: trade.id, bidId }, transaction: t }))!;
      if (!ELIGIBLE.includes(row.status)) throw new AppError('CANDIDATE_NOT_ELIGIBLE', `the candidate is already out (${row.status})`, { extra: { status: row.status } });
      const now = this.clock.now();
      await row.update({ status, reason, decidedAt: now, decidedBy: actorLabel(actor) }, { transaction: t });
      if (wasFirst && current) {
        const [voided] = await this.models.Award.update(
          { status: 'void', voidedAt: now, voidReason: `${status === 'declined' ? '中标人放弃中标' : '中标人被取消中标资格'}：${reason}` },
          { where: { id: current.id, status: 'current' }, transaction: t },
        );
        if (voided !== 1) throw new AppError('CONFLICT', 'the award notice changed meanwhile; look again');
      }
      await this.audit.append(t, {
        actor,
        action: status === 'declined' ? 'award.declined' : 'award.candidate_disqualified',
        subject: `trade:${locked.code}`,
        payload: { bid: bidId, uscc: row.uscc, rank: row.rank, reason, first: wasFirst, voidedNotice: wasFirst && current ? current.seq : null },
      });
    });
    if (!wasFirst) return { outcome: 'recorded', next: (await this.eligible(publicity))[0] ?? null, award: await this.summary(null, trade.id) };
    const why = `${candidate.bidderName}${status === 'declined' ? '放弃中标' : '被取消中标资格'}（${reason}）`;
    return this.passOn(trade, publicity, why, current);
  }

  /**
   * After the first candidate went out: the next eligible one (past the credit gate) takes its place,
   * or the trade fails. After the award, the next one gets a new notice.
   */
  private async passOn(trade: TradeRow, publicity: PublicityRow, why: string, voided: AwardRow | null): Promise<CandidateOutcomeView> {
    const next = (await this.passesOn(trade)) ? await this.firstAllowed(trade, publicity) : null;
    if (!next) {
      const rule = await this.rule('award.pass_to_next_candidate', trade);
      await this.fail(trade, `${why}；${rule.value === 1 ? '已无其他中标候选人' : '本地区规则不允许依次递补（award.pass_to_next_candidate）'} / no candidate left`);
      return { outcome: 'failed', next: null, award: await this.summary(null, trade.id), code: 'NO_CANDIDATE_LEFT' };
    }
    if (trade.state === 'awarded' && voided) {
      await this.issue(trade, publicity, next, { number: this.noticeNumber(trade, voided.seq), reason: why }, null);
    } else {
      await this.db.transaction(async (t) => {
        const { word } = wordsFor(trade);
        await this.trades.notifyParticipants(t, trade, 'award.passed_on', {}, {
          title: `【${word}候选人递补】${trade.title}`,
          body: `交易 ${trade.code}：${why}，按排序由 ${next.bidderName}（第 ${next.rank} 名）递补为第一${word}候选人。 / Trade ${trade.code}: the first candidate is out; ${next.bidderName} is next in line.`,
        });
        await this.audit.append(t, { actor: SYSTEM, action: 'award.passed_on', subject: `trade:${trade.code}`, payload: { to: next.bidId, uscc: next.uscc, rank: next.rank, why } });
      });
      await this.trades.flushNotifications(trade.id);
    }
    return { outcome: 'passed_on', next: (await this.candidatesOf(publicity)).find((c) => c.bidId === next.bidId)!, award: await this.summary(null, trade.id) };
  }

  /**
   * The first eligible candidate the credit gate allows to be awarded — the company and the project
   * manager its bid names must both be free of a bidding restriction now. A restricted one is
   * disqualified with the restriction's region and basis as the reason (audited) and passed over —
   * unless award.pass_to_next_candidate is off, when nobody after the first may take it.
   */
  private async firstAllowed(trade: TradeRow, publicity: PublicityRow): Promise<CandidateView | null> {
    const passes = await this.passesOn(trade);
    const managers = await this.evaluation.projectManagers(trade.id);
    for (const [i, candidate] of (await this.eligible(publicity)).entries()) {
      if (i > 0 && !passes) return null;
      // the company, and the project manager its bid names (by ID number in bid.json)
      const manager = managers.get(candidate.bidId)?.idNumber;
      const [hit] = await this.credit.restrictionsOf([candidate.uscc, ...(manager ? [manager] : [])], 'award', this.clock.now());
      if (!hit) return candidate;
      const reason = `${hit.subject === candidate.uscc ? '' : '拟派项目经理'}信用惩戒限制（${hit.issuingRegionCode}）：${hit.basis}`;
      await this.db.transaction(async (t) => {
        const row = (await this.models.Candidate.findOne({ where: { tradeId: trade.id, bidId: candidate.bidId }, ...lockFor(t) }))!;
        if (!ELIGIBLE.includes(row.status)) return;
        await row.update({ status: 'disqualified', reason, decidedAt: this.clock.now(), decidedBy: actorLabel({ kind: 'system', name: 'credit' }) }, { transaction: t });
        await this.audit.append(t, {
          actor: { kind: 'system', name: 'credit' },
          action: 'award.candidate_disqualified',
          subject: `trade:${trade.code}`,
          payload: { bid: candidate.bidId, uscc: candidate.uscc, rank: candidate.rank, reason, credit: { region: hit.issuingRegionCode, basis: hit.basis, until: hit.endsAt?.toISOString() ?? null, ...(hit.subject === candidate.uscc ? {} : { projectManager: maskIdNumber(hit.subject) }) } },
        });
      });
    }
    return null;
  }

  /** No candidate is left: the trade fails (流标) and may be tendered again (POST /api/trades/:id/retender). */
  private async fail(trade: TradeRow, why: string): Promise<void> {
    await this.trades.fire(SYSTEM, trade.id, 'fail_award', `NO_CANDIDATE_LEFT: ${why}`, async (t, locked) => {
      await this.audit.append(t, { actor: SYSTEM, action: 'award.failed', subject: `trade:${locked.code}`, payload: { code: 'NO_CANDIDATE_LEFT', why } });
      await this.trades.notifyParticipants(t, locked, 'award.result', {}, {
        title: `【流标】${locked.title}`,
        body: `交易 ${locked.code}：${why}。本项目流标，将依法重新组织招标（采购）。 / Trade ${locked.code} failed: no candidate is left to take the award.`,
      });
    });
    await this.trades.flushNotifications(trade.id);
  }

  // ── the award ───────────────────────────────────────────────────────────────────────────────

  /**
   * 定标: after the publicity ended (else PUBLICITY_RUNNING with its end), the first eligible
   * candidate the credit gate allows is awarded; the notice and the result notices are rendered,
   * stored by SHA-256 and published. The notice deadline (award.notice_within from the publicity's
   * end) is recorded with a late flag; the contract deadline runs from the notice.
   */
  async award(actor: Actor, tradeId: number): Promise<AwardSummaryView> {
    const trade = await this.trades.get(tradeId);
    this.assertManage(actor, trade);
    await this.trades.engine.assertNotHeld(trade, 'award');
    if (trade.state !== 'publicity') throw new AppError('TRADE_WRONG_STATE', `the award follows the publicity (the trade is ${trade.state})`, { extra: { state: trade.state } });
    const publicity = await this.latestPublicity(tradeId);
    const now = this.clock.now();
    if (now < publicity.endsAt) {
      throw new AppError('PUBLICITY_RUNNING', `the publicity runs until the end of ${publicity.lastDay} (${publicity.endsAt.toISOString()})`, {
        extra: { endsAt: publicity.endsAt.toISOString(), lastDay: publicity.lastDay, round: publicity.round },
      });
    }
    const winner = await this.firstAllowed(trade, publicity);
    if (!winner) {
      const passed = (await this.candidatesOf(publicity)).filter((c) => c.status === 'disqualified' && c.reason?.startsWith('信用惩戒'));
      await this.fail(trade, `中标候选人均不能中标${passed.length ? `（${passed.map((c) => `${c.bidderName}：${c.reason}`).join('；')}）` : ''}`);
      throw new AppError('NO_CANDIDATE_LEFT', 'no candidate may take the award: the trade has failed and may be tendered again', { extra: { state: 'failed' } });
    }
    const passedOver = (await this.candidatesOf(publicity)).filter((c) => c.rank < winner.rank && c.status === 'disqualified');
    await this.issue(trade, publicity, winner, null, actor);
    if (passedOver.length) {
      const { word } = wordsFor(trade);
      await this.db.transaction(async (t) =>
        this.trades.notifyParticipants(t, trade, 'award.passed_on', {}, {
          title: `【${word}候选人递补】${trade.title}`,
          body: `交易 ${trade.code}：${passedOver.map((c) => `${c.bidderName}（第 ${c.rank} 名）${c.reason ?? ''}`).join('；')}，${word}人依次确定为 ${winner.bidderName}。 / Trade ${trade.code}: the award passed over ${passedOver.length} candidate(s) to ${winner.bidderName}.`,
        }),
      );
      await this.trades.flushNotifications(tradeId);
    }
    return this.summary(actor, tradeId);
  }

  /** Stores generated bytes as a blob (content-addressed, fsynced) and answers its hash and size. */
  private async store(bytes: Buffer): Promise<{ sha256: string; size: number }> {
    const ingested = await this.blobs.ingest(Readable.from([bytes]), bytes.length + 1);
    await this.blobs.commit(ingested);
    return { sha256: ingested.sha256, size: ingested.size };
  }

  private async centerName(trade: TradeRow): Promise<string> {
    const centers = await this.identity.models.Organisation.findAll({ where: { kind: 'trading_center' } });
    const covering = centers.filter((c) => this.identity.regions.covers(c.regionCode, trade.regionCode)).sort((a, b) => b.regionCode.replace(/0+$/, '').length - a.regionCode.replace(/0+$/, '').length);
    return covering[0]?.name ?? '公共资源交易平台';
  }

  /**
   * Issues a notice to `winner` (the first award, with `actor`; or a pass-on after the award, by the
   * platform): renders the notice and a result notice for every other bidder, stores them, and
   * records the award in the `award` transition (first) or in its own transaction (pass-on).
   */
  private async issue(trade: TradeRow, publicity: PublicityRow, winner: CandidateView, replaces: { number: string; reason: string } | null, actor: Actor | null): Promise<void> {
    const now = this.clock.now();
    const seq = ((await this.models.Award.max('seq', { where: { tradeId: trade.id } })) as number | null ?? 0) + 1;
    const source = await this.resultFor(trade.id);
    const result = source?.result ?? null;
    const contractRule = await this.lastDay('award.contract_within', trade, now);
    const contractDeadline = endOfCivilDay(contractRule.lastDay);
    const warning = await this.rule('award.contract_warning', trade);
    const warnAt = startOfCivilDay(addCivilDays(contractRule.lastDay, -warning.value));
    // the notice deadline counts from the end of the publicity (the first notice only)
    let noticeDeadline: Date | null = null;
    let noticeRule: EffectiveRule | null = null;
    if (seq === 1) {
      const within = await this.lastDay('award.notice_within', trade, new Date(publicity.endsAt.getTime() - 1));
      noticeDeadline = endOfCivilDay(within.lastDay);
      noticeRule = within.rule;
    }
    const noticeLate = noticeDeadline !== null && now >= noticeDeadline;
    const { word, noticeTitle, publicityTitle } = wordsFor(trade);
    const orgs = await this.identity.models.Organisation.findAll({ where: { id: [trade.tendereeOrganisationId, ...(trade.agencyOrganisationId ? [trade.agencyOrganisationId] : [])] } });
    const tenderee = orgs.find((o) => o.id === trade.tendereeOrganisationId)!;
    const facts: NoticeFacts = {
      title: noticeTitle,
      word,
      number: this.noticeNumber(trade, seq),
      trade: { code: trade.code, title: trade.title, kind: trade.kind, method: trade.method, bidDeadline: civilDateOf(trade.bidDeadline) },
      tenderee: { name: tenderee.name, uscc: tenderee.uscc },
      agency: orgs.find((o) => o.id === trade.agencyOrganisationId)?.name ?? null,
      center: await this.centerName(trade),
      winner: { name: winner.bidderName, uscc: winner.uscc },
      priceFen: winner.priceFen,
      totalScore: winner.totalScore,
      rank: winner.rank,
      publicity: { round: publicity.round, from: civilDateOf(publicity.startsAt), lastDay: publicity.lastDay, title: publicityTitle },
      awardedOn: civilDateOf(now),
      contractWithinDays: contractRule.rule.value,
      contractLastDay: contractRule.lastDay,
      replaces,
      evaluationSha256: source?.reportSha256 ?? null,
    };
    const font = findCjkFont(this.config.cjkFontPath);
    const noticeFile = await this.store(await renderAwardNotice(font, facts));

    // every other bidder that took part in the evaluation gets a result notice with its own standing
    const candidates = await this.candidatesOf(publicity);
    const others = new Map<number, { name: string; uscc: string; rank: number | null; total: number | null; outcome: string }>();
    for (const r of result?.ranked ?? []) {
      if (r.bidId === winner.bidId) continue;
      const c = candidates.find((x) => x.bidId === r.bidId);
      const outcome =
        c?.status === 'declined' ? `你方已放弃中标（${c.reason ?? ''}）。` : c?.status === 'disqualified' ? `你方被取消中标候选人资格，原因：${c.reason ?? ''}。` : `你方未${word}。`;
      others.set(r.bidId, { name: r.bidder.name, uscc: r.bidder.uscc, rank: r.rank, total: r.total, outcome });
    }
    for (const r of result?.rejected ?? []) {
      if (others.has(r.bidId) || r.bidId === winner.bidId) continue;
      const bid = await this.bids.models.Bid.findByPk(r.bidId);
      const org = bid ? await this.identity.models.Organisation.findByPk(bid.organisationId) : null;
      others.set(r.bidId, { name: org?.name ?? r.bidder, uscc: org?.uscc ?? '', rank: null, total: null, outcome: `你方投标被评标委员会否决，理由：${r.reasons.join('；')}。` });
    }
    const resultFiles: { bidId: number; organisationId: number; name: string; sha256: string; size: number }[] = [];
    for (const [bidId, other] of others) {
      const bid = await this.bids.models.Bid.findByPk(bidId);
      if (!bid) continue;
      const bytes = await renderResultNotice(font, { ...facts, number: `${facts.number}-${String(resultFiles.length + 1).padStart(2, '0')}`, recipient: { name: other.name, uscc: other.uscc }, own: { rank: other.rank, totalScore: other.total, outcome: other.outcome } });
      resultFiles.push({ bidId, organisationId: bid.organisationId, name: other.name, ...(await this.store(bytes)) });
    }

    const write = async (t: Transaction, locked: TradeRow) => {
      const row = (await this.models.Candidate.findOne({ where: { tradeId: trade.id, bidId: winner.bidId }, ...lockFor(t) }))!;
      if (!ELIGIBLE.includes(row.status)) throw new AppError('CANDIDATE_NOT_ELIGIBLE', `the candidate went out meanwhile (${row.status})`, { extra: { status: row.status } });
      if (await this.models.Award.findOne({ where: { tradeId: trade.id, status: 'current' }, transaction: t })) throw new AppError('CONFLICT', 'a notice is already current');
      await row.update({ status: 'winner' }, { transaction: t });
      const award = await this.models.Award.create(
        {
          tradeId: trade.id,
          seq,
          publicityId: publicity.id,
          bidId: winner.bidId,
          organisationId: row.organisationId,
          priceFen: winner.priceFen,
          totalScore: winner.totalScore,
          status: 'current',
          awardedAt: now,
          noticeDeadline,
          noticeLate,
          contractDeadline,
          contractLastDay: contractRule.lastDay,
          warnAt,
          warningSentAt: null,
          noticeTitle,
          noticeSha256: noticeFile.sha256,
          noticeSize: noticeFile.size,
          voidedAt: null,
          voidReason: null,
          createdBy: actorLabel(actor ?? SYSTEM)!,
        },
        { transaction: t },
      );
      for (const f of resultFiles) {
        await this.models.ResultNotice.create({ awardId: award.id, tradeId: trade.id, bidId: f.bidId, organisationId: f.organisationId, bidderName: f.name, sha256: f.sha256, size: f.size }, { transaction: t });
      }
      await this.audit.append(t, {
        actor: actor ?? SYSTEM,
        action: seq === 1 ? 'award.awarded' : 'award.passed_on',
        subject: `trade:${locked.code}`,
        payload: {
          seq,
          number: facts.number,
          bid: winner.bidId,
          uscc: winner.uscc,
          priceFen: winner.priceFen,
          rank: winner.rank,
          notice: noticeFile.sha256,
          results: resultFiles.map((f) => ({ bid: f.bidId, sha256: f.sha256 })),
          noticeDeadline: noticeDeadline?.toISOString() ?? null,
          noticeLate,
          contractLastDay: contractRule.lastDay,
          replaces: replaces?.number ?? null,
        },
      });
      if (noticeLate && noticeRule) {
        await this.audit.append(t, {
          actor: actor ?? SYSTEM,
          action: 'award.notice_late',
          subject: `trade:${locked.code}`,
          payload: { deadline: noticeDeadline!.toISOString(), issuedAt: now.toISOString(), rule: noticeRule.row.id, value: noticeRule.value, unit: noticeRule.row.unit, source: noticeRule.row.source },
        });
      }
      const usersOf = async (organisationIds: number[]) =>
        (await this.identity.models.User.findAll({ where: { organisationId: organisationIds, status: 'active' }, transaction: t })).map((u) => u.id);
      await this.trades.notifier.queue(
        t,
        trade.id,
        await usersOf([row.organisationId]),
        'award.awarded',
        `【${noticeTitle}】${trade.title}`,
        `贵单位被确定为交易 ${trade.code} 的${word}人，${word}价 ${yuan(winner.priceFen)}（${rmbCapitals(winner.priceFen)}）。请于 ${contractRule.lastDay} 前与招标人（采购人）订立书面合同。通知书编号 ${facts.number}，SHA-256 ${noticeFile.sha256}。 / You are awarded trade ${trade.code}; sign the contract by ${contractRule.lastDay}.`,
      );
      const otherUsers = await usersOf([...new Set(resultFiles.map((f) => f.organisationId))]);
      if (otherUsers.length) {
        await this.trades.notifier.queue(
          t,
          trade.id,
          otherUsers,
          'award.result',
          `【${word}结果通知】${trade.title}`,
          `交易 ${trade.code} 的${word}人为 ${winner.bidderName}，${word}价 ${yuan(winner.priceFen)}。贵单位的结果通知书已发布，可在平台查阅。 / The result of trade ${trade.code}: awarded to ${winner.bidderName}.`,
        );
      }
      if (replaces) {
        await this.trades.notifyParticipants(t, locked, 'award.passed_on', {}, {
          title: `【${word}人变更】${trade.title}`,
          body: `交易 ${trade.code}：${replaces.reason}，原${noticeTitle}（${replaces.number}）作废，按排序确定 ${winner.bidderName} 为${word}人，新通知书编号 ${facts.number}。 / Trade ${trade.code}: the award passed on to ${winner.bidderName}; notice ${replaces.number} is void.`,
        });
      }
    };
    if (actor && seq === 1) await this.trades.fire(actor, trade.id, 'award', undefined, write);
    else {
      await this.db.transaction(async (t) => {
        const locked = (await this.trades.models.Trade.findByPk(trade.id, lockFor(t)))!;
        if (locked.state !== 'awarded' && locked.state !== 'publicity') throw new AppError('TRADE_WRONG_STATE', `the trade moved on to ${locked.state}`, { extra: { state: locked.state } });
        await write(t, locked);
      });
    }
    await this.trades.flushNotifications(trade.id);
    this.trades.scheduler?.poke();
  }

  // ── the contract record (合同备案) ───────────────────────────────────────────────────────────

  async recordContract(actor: Actor, tradeId: number, upload: Received<{ signedOn: string; amountFen: number; parties: string }>): Promise<ContractView> {
    const trade = await this.trades.get(tradeId);
    this.assertManage(actor, trade);
    await this.trades.engine.assertNotHeld(trade, 'record_contract');
    if (trade.state !== 'awarded') throw new AppError('TRADE_WRONG_STATE', `a contract is recorded after the award (the trade is ${trade.state})`, { extra: { state: trade.state } });
    const award = await this.models.Award.findOne({ where: { tradeId, status: 'current' } });
    if (!award) throw new AppError('TRADE_WRONG_STATE', 'no award notice is current');
    const file = upload.files.file!;
    const head = Buffer.alloc(5);
    const handle = await fsp.open(file.ingested!.tempPath, 'r');
    try {
      await handle.read(head, 0, 5, 0);
    } finally {
      await handle.close();
    }
    if (head.toString('latin1') !== '%PDF-') throw new AppError('CONTRACT_NOT_PDF', 'the signed contract must be a PDF document');
    let partiesJson: unknown;
    try {
      partiesJson = JSON.parse(upload.fields.parties);
    } catch {
      throw new AppError('VALIDATION_FAILED', 'parties must be JSON: {"purchaser":{"name","uscc"},"winner":{"name","uscc"}}', { errors: [{ path: ['body', 'parties'], code: 'invalid_json', message: 'not JSON' }] });
    }
    const parsed = ContractParties.safeParse(partiesJson);
    if (!parsed.success) throw validationError(parsed.error.issues.map((i) => ({ ...i, path: ['parties', ...i.path] })), 'body');
    const parties = parsed.data;
    const winner = (await this.models.Candidate.findOne({ where: { tradeId, bidId: award.bidId } }))!;
    const tenderee = (await this.identity.models.Organisation.findByPk(trade.tendereeOrganisationId))!;
    if (parties.winner.uscc !== winner.uscc || parties.purchaser.uscc !== tenderee.uscc) {
      throw new AppError('CONTRACT_PARTIES_MISMATCH', `the contract is between ${tenderee.name} (${tenderee.uscc}) and the winner ${winner.bidderName} (${winner.uscc})`, {
        extra: { purchaser: { name: tenderee.name, uscc: tenderee.uscc }, winner: { name: winner.bidderName, uscc: winner.uscc } },
      });
    }
    const now = this.clock.now();
    const signedOn = upload.fields.signedOn;
    const awardedOn = civilDateOf(award.awardedAt);
    if (signedOn < awardedOn || signedOn > civilDateOf(now)) {
      throw new AppError('CONTRACT_DATE_INVALID', `the signing date must lie between the award notice (${awardedOn}) and today (${civilDateOf(now)})`, { extra: { earliest: awardedOn, latest: civilDateOf(now) } });
    }
    const late = signedOn > award.contractLastDay;
    const contractRule = await this.rule('award.contract_within', trade);
    await this.blobs.commit(file.ingested!);
    await this.trades.fire(actor, tradeId, 'record_contract', undefined, async (t, locked) => {
      const still = await this.models.Award.findOne({ where: { id: award.id, status: 'current' }, transaction: t });
      if (!still) throw new AppError('CONFLICT', 'the award notice was voided meanwhile');
      await this.models.ContractRecord.create(
        {
          tradeId,
          awardId: award.id,
          signedOn,
          amountFen: upload.fields.amountFen,
          parties: JSON.stringify(parties),
          fileName: file.fileName,
          mediaType: 'application/pdf',
          size: file.ingested!.size,
          sha256: file.ingested!.sha256,
          dueBy: award.contractLastDay,
          late,
          recordedAt: now,
          recordedBy: actor.userId,
        },
        { transaction: t },
      );
      await this.audit.append(t, {
        actor,
        action: 'award.contract_recorded',
        subject: `trade:${locked.code}`,
        payload: { award: award.seq, signedOn, amountFen: upload.fields.amountFen, awardedPriceFen: award.priceFen, differsFromAward: upload.fields.amountFen !== award.priceFen, parties, sha256: file.ingested!.sha256, size: file.ingested!.size, dueBy: award.contractLastDay, late },
      });
      if (late) {
        await this.audit.append(t, {
          actor,
          action: 'award.contract_late',
          subject: `trade:${locked.code}`,
          payload: { signedOn, dueBy: award.contractLastDay, rule: contractRule.row.id, value: contractRule.value, unit: contractRule.row.unit, source: contractRule.row.source },
        });
      }
    });
    return (await this.contract(null, tradeId))!;
  }

  async contract(actor: Actor | null, tradeId: number): Promise<ContractView | null> {
    const trade = await this.trades.visible(tradeId, actor);
    const row = await this.models.ContractRecord.findOne({ where: { tradeId } });
    if (!row) return null;
    return this.contractView(trade, row, await this.models.Award.findByPk(row.awardId));
  }

  /** The signed contract itself: the trade's managers and supervisors, and the two parties. */
  async sendContractDocument(actor: Actor, tradeId: number, res: Response): Promise<void> {
    const trade = await this.trades.visible(tradeId, actor);
    const row = await this.models.ContractRecord.findOne({ where: { tradeId } });
    if (!row) throw new AppError('NOT_FOUND', `trade ${trade.code} has no contract record`);
    const award = (await this.models.Award.findByPk(row.awardId))!;
    const party = actor.organisationId !== null && [award.organisationId, trade.tendereeOrganisationId].includes(actor.organisationId);
    if (!party && !this.trades.canManage(actor, trade) && !this.trades.canOversee(actor, trade)) throw new AppError('NOT_PARTICIPANT', 'the signed contract is for its parties, the trading center and supervisors');
    await this.blobs.send(res, { sha256: row.sha256, size: row.size, fileName: row.fileName, mediaType: row.mediaType });
  }

  // ── published PDFs ──────────────────────────────────────────────────────────────────────────

  private sendPdf(res: Response, sha256: string, size: number, fileName: string): Promise<void> {
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Length', String(size));
    res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(fileName)}`);
    res.setHeader('X-Content-SHA256', sha256);
    return new Promise<void>((resolve, reject) => {
      const stream = this.blobs.read(sha256);
      stream.on('error', reject);
      res.on('finish', resolve);
      res.on('close', resolve);
      stream.pipe(res);
    });
  }

  /** The award notice: the current one, or by its number in the trade (void ones stay published, marked in the summary). */
  async sendNotice(actor: Actor | null, tradeId: number, seq: number | null, res: Response): Promise<void> {
    const trade = await this.trades.visible(tradeId, actor);
    const award = await this.models.Award.findOne({ where: seq === null ? { tradeId, status: 'current' } : { tradeId, seq } });
    if (!award) throw new AppError('NOT_FOUND', seq === null ? `trade ${trade.code} has no current award notice` : `no notice ${seq}`);
    await this.sendPdf(res, award.noticeSha256, award.noticeSize, `${award.noticeTitle}-${this.noticeNumber(trade, award.seq)}.pdf`);
  }

  async sendResult(actor: Actor | null, tradeId: number, seq: number | null, bidId: number, res: Response): Promise<void> {
    const trade = await this.trades.visible(tradeId, actor);
    const award = await this.models.Award.findOne({ where: seq === null ? { tradeId, status: 'current' } : { tradeId, seq } });
    const notice = award ? await this.models.ResultNotice.findOne({ where: { awardId: award.id, bidId } }) : null;
    if (!award || !notice) throw new AppError('NOT_FOUND', `no result notice for bid ${bidId} of trade ${trade.code}`);
    await this.sendPdf(res, notice.sha256, notice.size, `${wordsFor(trade).word}结果通知书-${this.noticeNumber(trade, award.seq)}-${bidId}.pdf`);
  }

  // ── the contract warning ────────────────────────────────────────────────────────────────────

  /**
   * award.contract_warning days before the contract's last day, the trade's staff (center_staff of
   * the region, the agent's users) are told once. Restart-safe: each tick asks the database; the
   * warning_sent_at column is set by a conditional update, so two processes send it once.
   */
  dueSources(): DueSource[] {
    const { Award } = this.models;
    return [
      {
        due: async (at) => {
          const rows = await Award.findAll({ where: { status: 'current', warningSentAt: null, warnAt: { [Op.lte]: at } }, order: [['warnAt', 'ASC']], limit: 100 });
          const out: { id: number; name: string }[] = [];
          for (const row of rows) {
            const trade = await this.trades.models.Trade.findByPk(row.tradeId);
            if (trade?.state === 'awarded') out.push({ id: row.id, name: 'award.contract_due' });
          }
          return out;
        },
        next: async (after) => (await Award.findOne({ where: { status: 'current', warningSentAt: null, warnAt: { [Op.gt]: after } }, order: [['warnAt', 'ASC']] }))?.warnAt ?? null,
        fire: async (id) => this.sendContractWarning(id),
      },
    ];
  }

  private async sendContractWarning(awardId: number): Promise<void> {
    let tradeId: number | null = null;
    await this.db.transaction(async (t) => {
      const award = await this.models.Award.findByPk(awardId, lockFor(t));
      if (!award || award.status !== 'current' || award.warningSentAt) return;
      const trade = (await this.trades.models.Trade.findByPk(award.tradeId, { transaction: t }))!;
      if (trade.state !== 'awarded') return;
      const now = this.clock.now();
      const [count] = await this.models.Award.update({ warningSentAt: now }, { where: { id: awardId, warningSentAt: null }, transaction: t });
      if (count !== 1) return;
      const winner = (await this.models.Candidate.findOne({ where: { tradeId: trade.id, bidId: award.bidId }, transaction: t }))!;
      const staff = (await this.identity.models.User.findAll({ where: { role: 'center_staff', status: 'active' }, transaction: t })).filter((u) => this.identity.regions.covers(u.regionCode, trade.regionCode));
      const agents = trade.agencyOrganisationId ? await this.identity.models.User.findAll({ where: { role: 'agent', organisationId: trade.agencyOrganisationId, status: 'active' }, transaction: t }) : [];
      const recipients = [...new Set([...staff, ...agents].map((u) => u.id))];
      const daysLeft = Math.max(0, Math.round((award.contractDeadline.getTime() - startOfCivilDay(civilDateOf(now)).getTime()) / 86_400_000) - 1);
      const kind: NotificationView['kind'] = 'award.contract_due';
      if (recipients.length) {
        await this.trades.notifier.queue(
          t,
          trade.id,
          recipients,
          kind,
          `【合同签订提醒】${trade.title}`,
          `交易 ${trade.code} 的${wordsFor(trade).word}人 ${winner.bidderName} 须于 ${award.contractLastDay} 前与招标人（采购人）订立书面合同（还剩 ${daysLeft} 日），合同尚未备案。 / The contract of trade ${trade.code} is due by ${award.contractLastDay} and is not recorded yet.`,
        );
      }
      await this.audit.append(t, { actor: { kind: 'system', name: 'scheduler' }, action: 'award.contract_warning_sent', subject: `trade:${trade.code}`, payload: { award: award.seq, dueBy: award.contractLastDay, recipients } });
      tradeId = trade.id;
    });
    if (tradeId !== null) await this.trades.flushNotifications(tradeId);
  }
}
