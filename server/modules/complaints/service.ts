import type { Response } from 'express';
import { chinaTimeText } from '../../kernel/calendar/calendar.js';
import { Op, QueryTypes, type FindOptions, type Transaction, type WhereOptions } from 'sequelize';
import {
  OBJECTION_LABELS,
  SUBJECT_LABELS,
  type AttachmentView,
  type ComplaintDecisionView,
  type ComplaintOutcome,
  type ComplaintRemedy,
  type ComplaintStatus,
  type ComplaintSubject,
  type ComplaintView,
  type ObjectionLabel,
  type ObjectionStatus,
  type ObjectionView,
  type WindowView,
} from '../../../contracts/complaints.js';
import type { NotificationView } from '../../../contracts/trades.js';
import type { Db } from '../../db/index.js';
import { lockFor } from '../../db/index.js';
import type { Actor, SystemActor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { DueSource } from '../../kernel/lifecycle/scheduler.js';
import type { EffectiveRule } from '../../kernel/rules/service.js';
import type { BlobStore } from '../../kernel/storage.js';
import type { Received, ReceivedFile } from '../../kernel/upload.js';
import type { BidService } from '../bids/service.js';
import type { IdentityService } from '../identity/service.js';
import type { OpeningService } from '../opening/service.js';
import type { AwardService } from '../award/service.js';
import type { RecheckService } from '../recheck/service.js';
import type { TradeService } from '../trades/service.js';
import type { TradeRow } from '../trades/models.js';
import { addCivilDays, civilDateOf, startOfCivilDay, type CalendarService, type CivilDate } from '../../kernel/calendar/index.js';
import { defineComplaintModels, type AttachmentRow, type ComplaintModels, type ComplaintRow, type ObjectionRow } from './models.js';

const SYSTEM: SystemActor = { kind: 'system', name: 'complaints' };

/** What a pending objection about the candidates or the award holds (实施条例 art 54: suspended until the reply; GP 条例 art 54). */
export const HELD_BY_OBJECTION = ['start_publicity', 'award', 'record_contract'] as const;
const HOLDING_SUBJECTS: readonly ComplaintSubject[] = ['candidates', 'award'];
/** Subjects that need an objection first in the tender-law family (实施条例 art 60 ¶2: matters of arts 22, 44, 54). */
const OBJECTION_FIRST: readonly ComplaintSubject[] = ['documents', 'opening', 'candidates'];
const TENDER_LAW = '招标投标法 第六十五条；招标投标法实施条例 第六十条';

export interface FilingFields {
  subject: ComplaintSubject;
  facts: string;
  request: string;
  legalBasis: string;
  step?: string | undefined;
}

interface Window {
  rule: string | null;
  source: string;
  from: Date | null;
  endsAt: Date | null;
}

/** The instant a civil day ends (= the next day's 00:00 +08:00). */
const endOfDay = (date: CivilDate): Date => startOfCivilDay(addCivilDays(date, 1));
/** The civil day on which an exclusive end instant falls (an end at 00:00 belongs to the day before). */
const lastDayOf = (end: Date): CivilDate => civilDateOf(new Date(end.getTime() - 1));
const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Objections and challenges (异议 / 质疑) to the tenderee or agent, complaints (投诉) to the
 * supervisor: statutory windows from the event challenged, reply and decision deadlines, the holds
 * they put on the trade, attachments, notifications and the published decisions.
 */
export class ComplaintService {
  readonly models: ComplaintModels;

  constructor(
    readonly db: Db,
    readonly audit: AuditLog,
    readonly clock: Clock,
    readonly identity: IdentityService,
    readonly calendar: CalendarService,
    readonly trades: TradeService,
    readonly bids: BidService,
    readonly opening: OpeningService,
    readonly recheck: RecheckService,
    readonly award: AwardService,
    readonly blobs: BlobStore,
  ) {
    this.models = defineComplaintModels(db);
    trades.engine.addHold({
      name: 'complaints.objection_pending',
      stops: HELD_BY_OBJECTION,
      check: async (trade) => {
        const pending = await this.models.Objection.findOne({ where: { tradeId: trade.id, status: 'pending', subject: [...HOLDING_SUBJECTS] }, order: [['id', 'ASC']] });
        if (pending) {
          throw new AppError('OBJECTION_PENDING', `${OBJECTION_LABELS[pending.label].zh} #${pending.id} 尚未答复，${trade.code} 暂停至答复后 / objection ${pending.id} awaits its reply (due ${pending.replyDueAt.toISOString()})`, {
            extra: { objection: pending.id, replyDueAt: pending.replyDueAt.toISOString(), source: '招标投标法实施条例 第五十四条；政府采购法实施条例 第五十四条' },
          });
        }
      },
    });
    trades.engine.addHold({
      name: 'complaints.suspension',
      stops: 'all',
      check: async (trade) => {
        const complaint = await this.suspending(trade.id);
        if (complaint) {
          throw new AppError('TRADE_SUSPENDED', `投诉 #${complaint.id} 已受理，交易 ${trade.code} 暂停至处理决定作出 / complaint ${complaint.id} is accepted: the trade is suspended until the decision`, {
            extra: { complaint: complaint.id, suspendedUntil: iso(complaint.suspendedUntil), decisionDueAt: iso(complaint.decisionDueAt) },
          });
        }
      },
    });
  }

  /** The accepted complaint that suspends the trade now, if any. */
  async suspending(tradeId: number): Promise<ComplaintRow | null> {
    const now = this.clock.now();
    return this.models.Complaint.findOne({
      where: { tradeId, status: 'accepted', [Op.or]: [{ suspendedUntil: null }, { suspendedUntil: { [Op.gt]: now } }] },
      order: [['id', 'ASC']],
    });
  }

  // ── parties ─────────────────────────────────────────────────────────────────────────────────

  private isProcurement(trade: TradeRow): boolean {
    return trade.kind === 'procurement';
  }

  private labelOf(trade: TradeRow): ObjectionLabel {
    return this.isProcurement(trade) ? 'challenge' : 'objection';
  }

  private supervises(actor: Actor, trade: TradeRow): boolean {
    return actor.role === 'supervisor' && this.identity.regions.covers(actor.regionCode, trade.regionCode);
  }

  /** The filer's organisation, the trade's managers (staff of the region, its agent, admins) and the region's supervisors. */
  private isParty(actor: Actor, trade: TradeRow, organisationId: number): boolean {
    if (actor.role === 'bidder') return actor.organisationId !== null && actor.organisationId === organisationId;
    return this.trades.canManage(actor, trade) || this.supervises(actor, trade);
  }

  private assertParty(actor: Actor, trade: TradeRow, organisationId: number, what: string): void {
    if (!this.isParty(actor, trade, organisationId)) throw new AppError('NOT_PARTICIPANT', `${what} is for the parties concerned (the filer, the trade's staff or agent, the region's supervisors)`);
  }

  /** Organisations that registered, downloaded the documents or bid (利害关系人). */
  private async participantOrgs(tradeId: number, t?: Transaction): Promise<Set<number>> {
    const rows = await this.db.query<{ organisation_id: number }>(
      'SELECT organisation_id FROM trade_registrations WHERE trade_id = ? UNION SELECT organisation_id FROM document_downloads WHERE trade_id = ? UNION SELECT organisation_id FROM bids WHERE trade_id = ?',
      { replacements: [tradeId, tradeId, tradeId], type: QueryTypes.SELECT, ...(t ? { transaction: t } : {}) },
    );
    return new Set(rows.map((r) => Number(r.organisation_id)));
  }

  private async assertInterested(trade: TradeRow, organisationId: number): Promise<void> {
    if (!(await this.participantOrgs(trade.id)).has(organisationId)) {
      throw new AppError('NOT_PARTICIPANT', `only an organisation that registered for, downloaded the documents of or bid in ${trade.code} may raise this (利害关系人)`);
    }
  }

  // ── recipients of notifications ─────────────────────────────────────────────────────────────

  private async activeUsers(where: Record<string, unknown>, t: Transaction): Promise<{ id: number; role: string; regionCode: string }[]> {
    return this.identity.models.User.findAll({ where: { ...where, status: 'active' }, transaction: t });
  }

  /** Staff of the trade's region, users of its agency and of the tenderee. */
  private async managerIds(trade: TradeRow, t: Transaction): Promise<number[]> {
    const staff = (await this.activeUsers({ role: 'center_staff' }, t)).filter((u) => this.identity.regions.covers(u.regionCode, trade.regionCode));
    const orgs = [trade.tendereeOrganisationId, ...(trade.agencyOrganisationId ? [trade.agencyOrganisationId] : [])];
    const users = await this.activeUsers({ organisationId: orgs }, t);
    return [...new Set([...staff.map((u) => u.id), ...users.map((u) => u.id)])];
  }

  private async supervisorIds(trade: TradeRow, t: Transaction): Promise<number[]> {
    return (await this.activeUsers({ role: 'supervisor' }, t)).filter((u) => this.identity.regions.covers(u.regionCode, trade.regionCode)).map((u) => u.id);
  }

  private async orgUserIds(organisationIds: Iterable<number>, t: Transaction): Promise<number[]> {
    const ids = [...new Set(organisationIds)];
    if (!ids.length) return [];
    return (await this.activeUsers({ organisationId: ids }, t)).map((u) => u.id);
  }

  private async notify(t: Transaction, trade: TradeRow, userIds: number[], kind: NotificationView['kind'], title: string, body: string): Promise<void> {
    const unique = [...new Set(userIds)];
    if (unique.length) await this.trades.notifier.queue(t, trade.id, unique, kind, title, body);
  }

  // ── windows ─────────────────────────────────────────────────────────────────────────────────

  private async rule(prefix: string, trade: TradeRow): Promise<EffectiveRule> {
    const rule = await this.trades.rules.forTrade(prefix, trade);
    if (!rule) throw new Error(`no rule ${prefix} for ${trade.kind}/${trade.method}`);
    return rule;
  }

  /** End (exclusive instant) of a period of `rule` counted from the civil day `from` (the start day not counted). */
  private async periodEnd(trade: TradeRow, rule: EffectiveRule, from: CivilDate): Promise<Date> {
    const calendar = await this.calendar.forRegion(trade.regionCode);
    return endOfDay(calendar.periodEnd(from, { amount: rule.value, unit: rule.row.unit as 'day' | 'workingDay' }));
  }

  /** The transition a `process` filing challenges: the named step's latest occurrence, else the latest step. */
  private async stepOf(trade: TradeRow, step: string | undefined | null, name?: string): Promise<{ name: string; at: Date } | null> {
    const where: Record<string, unknown> = { tradeId: trade.id };
    if (name ?? step) where.name = name ?? step;
    const row = await this.trades.models.TradeTransition.findOne({ where, order: [['seq', 'DESC']] });
    return row ? { name: row.name, at: row.at } : null;
  }

  private closed(code: 'OBJECTION_WINDOW_CLOSED' | 'COMPLAINT_WINDOW_CLOSED', window: Window, detail: string): AppError {
    return new AppError(code, detail, { extra: { rule: window.rule, source: window.source, windowFrom: iso(window.from), windowEndsAt: iso(window.endsAt) } });
  }

  /**
   * The window for an objection (异议) or challenge (质疑) about `subject` at `now`; throws
   * OBJECTION_WINDOW_CLOSED (rule, source, end) when it has not opened or has closed.
   */
  async objectionWindow(trade: TradeRow, subject: ComplaintSubject, step: string | undefined, now: Date): Promise<Window & { step: string | null }> {
    const label = OBJECTION_LABELS[this.labelOf(trade)].zh;
    const refuse = (window: Window, detail: string) => this.closed('OBJECTION_WINDOW_CLOSED', window, `${label}（${SUBJECT_LABELS[subject].zh}）：${detail}`);
    const check = (window: Window, what: string): Window & { step: string | null } => {
      if (window.from && now < window.from) throw refuse(window, `${what} has not happened yet`);
      if (window.endsAt && now >= window.endsAt) throw refuse(window, `the window ended at ${window.endsAt.toISOString()}`);
      return { ...window, step: null };
    };
    if (!trade.publishedAt) throw refuse({ rule: null, source: TENDER_LAW, from: null, endsAt: null }, 'the trade is not published');
    const session = subject === 'opening' ? await this.opening.models.OpeningSession.findByPk(trade.id) : null;

    if (this.isProcurement(trade)) {
      // 质疑: within N working days of knowing (政府采购法 art 52; 条例 art 53 for the "should have known" dates)
      const rule = await this.rule('complaints.challenge_window', trade);
      const base = { rule: rule.row.id, source: rule.row.source };
      switch (subject) {
        case 'documents':
          return check({ ...base, from: trade.publishedAt, endsAt: await this.periodEnd(trade, rule, lastDayOf(trade.documentsUntil)) }, 'publication');
        case 'opening': {
          if (!session) throw refuse({ ...base, from: null, endsAt: null }, 'the opening has not started');
          const endsAt = session.publishedAt ? await this.periodEnd(trade, rule, civilDateOf(session.publishedAt)) : null;
          return check({ ...base, from: session.startedAt, endsAt }, 'the opening');
        }
        case 'candidates': {
          const publicity = await this.award.currentPublicity(trade.id);
          if (!publicity) throw refuse({ ...base, from: null, endsAt: null }, 'no result announcement (结果公告) has been published');
          return check({ ...base, from: publicity.startsAt, endsAt: await this.periodEnd(trade, rule, lastDayOf(publicity.endsAt)) }, 'the result announcement');
        }
        case 'award': {
          const awarded = await this.stepOf(trade, null, 'award');
          if (!awarded) throw refuse({ ...base, from: null, endsAt: null }, 'no award has been made');
          return check({ ...base, from: awarded.at, endsAt: await this.periodEnd(trade, rule, civilDateOf(awarded.at)) }, 'the award');
        }
        case 'process': {
          const done = await this.stepOf(trade, step);
          if (!done) throw refuse({ ...base, from: null, endsAt: null }, step ? `the trade has no step ${step}` : 'no procedural step has happened');
          return { ...check({ ...base, from: done.at, endsAt: await this.periodEnd(trade, rule, civilDateOf(done.at)) }, 'the step'), step: done.name };
        }
      }
    }

    // 异议 (tender-law family)
    switch (subject) {
      case 'documents': {
        const rule = await this.trades.rules.forTrade('complaints.objection_documents_lead', trade);
        if (!rule) {
          // land, mining and property notices: no statutory lead; objections to the documents are taken until the bid deadline
          return check({ rule: null, source: '招标投标法实施条例 第二十二条（参照）', from: trade.publishedAt, endsAt: trade.bidDeadline }, 'publication');
        }
        // at least N days before the bid deadline: the last day s with periodEnd(s, N days) ≤ the deadline's day
        const calendar = await this.calendar.forRegion(trade.regionCode);
        const last = calendar.latestStartFor(civilDateOf(trade.bidDeadline), { amount: rule.value, unit: rule.row.unit as 'day' });
        return check({ rule: rule.row.id, source: rule.row.source, from: trade.publishedAt, endsAt: endOfDay(last) }, 'publication');
      }
      case 'opening': {
        // on the spot (实施条例 art 44): from the start of the opening to the end of the online confirmation window
        const rule = await this.rule('opening.confirmation_window', trade);
        const base = { rule: rule.row.id, source: rule.row.source };
        if (!session) throw refuse({ ...base, from: null, endsAt: null }, 'the opening has not started');
        const endsAt = session.confirmUntil ?? (session.state === 'closed' || session.state === 'failed' ? (session.closedAt ?? session.publishedAt ?? session.startedAt) : null);
        return check({ ...base, from: session.startedAt, endsAt }, 'the opening');
      }
      case 'candidates': {
        const rule = await this.rule('complaints.objection_candidates', trade);
        const base = { rule: rule.row.id, source: rule.row.source };
        const publicity = await this.award.currentPublicity(trade.id);
        if (!publicity) throw refuse({ ...base, from: null, endsAt: null }, 'objections to the evaluation result are taken only during the candidate publicity (中标候选人公示), and none is running');
        return check({ ...base, from: publicity.startsAt, endsAt: publicity.endsAt }, 'the candidate publicity');
      }
      case 'award': {
        const awarded = await this.stepOf(trade, null, 'award');
        if (!awarded) throw refuse({ rule: null, source: TENDER_LAW, from: null, endsAt: null }, 'no award has been made');
        return check({ rule: null, source: TENDER_LAW, from: awarded.at, endsAt: null }, 'the award');
      }
      case 'process': {
        const done = await this.stepOf(trade, step);
        if (!done) throw refuse({ rule: null, source: TENDER_LAW, from: null, endsAt: null }, step ? `the trade has no step ${step}` : 'no procedural step has happened');
        return { ...check({ rule: null, source: TENDER_LAW, from: done.at, endsAt: null }, 'the step'), step: done.name };
      }
    }
  }

  private async replyDue(trade: TradeRow, filedAt: Date): Promise<{ rule: EffectiveRule; dueAt: Date }> {
    const rule = await this.rule(this.isProcurement(trade) ? 'complaints.challenge_reply' : 'complaints.objection_reply', trade);
    return { rule, dueAt: await this.periodEnd(trade, rule, civilDateOf(filedAt)) };
  }

  // ── objections ──────────────────────────────────────────────────────────────────────────────

  private async storeAttachments(t: Transaction, owner: 'objection' | 'complaint', ownerId: number, files: ReceivedFile[], actor: Actor, at: Date): Promise<void> {
    for (const file of files) {
      await this.models.ComplaintAttachment.create(
        { owner, ownerId, part: file.field, fileName: file.fileName, mediaType: file.mediaType, size: file.ingested!.size, sha256: file.ingested!.sha256, uploadedBy: actor.userId, uploadedAt: at },
        { transaction: t },
      );
    }
  }

  private async commitFiles(upload: Received<unknown>): Promise<ReceivedFile[]> {
    const files = Object.values(upload.files).filter((f) => f.ingested).sort((a, b) => a.field.localeCompare(b.field));
    for (const file of files) await this.blobs.commit(file.ingested!);
    return files;
  }

  async fileObjection(actor: Actor, tradeId: number, upload: Received<FilingFields>): Promise<ObjectionView> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const trade = await this.trades.visible(tradeId, actor);
    await this.assertInterested(trade, organisationId);
    const { subject, facts, request, legalBasis, step } = upload.fields;
    if (step && subject !== 'process') throw new AppError('VALIDATION_FAILED', 'step names the procedural step of a `process` objection');
    const now = this.clock.now();
    const window = await this.objectionWindow(trade, subject, step, now);
    const reply = await this.replyDue(trade, now);
    const label = this.labelOf(trade);
    const files = await this.commitFiles(upload);
    const id = await this.db.transaction(async (t) => {
      const row = await this.models.Objection.create(
        {
          tradeId,
          organisationId,
          userId: actor.userId,
          label,
          subject,
          step: window.step,
          facts,
          request,
          legalBasis,
          status: 'pending',
          filedAt: now,
          windowRule: window.rule,
          windowSource: window.source,
          windowFrom: window.from,
          windowEndsAt: window.endsAt,
          replyRule: reply.rule.row.id,
          replyDueAt: reply.dueAt,
          reply: null,
          upheld: null,
          repliedAt: null,
          repliedBy: null,
          replyLate: false,
          recheckId: null,
          recheckError: null,
          withdrawnAt: null,
        },
        { transaction: t },
      );
      await this.storeAttachments(t, 'objection', row.id, files, actor, now);
      await this.audit.append(t, {
        actor,
        action: 'complaints.objection_filed',
        subject: `trade:${trade.code}`,
        payload: {
          objection: row.id,
          label,
          subject,
          step: window.step,
          organisation: organisationId,
          window: { rule: window.rule, endsAt: iso(window.endsAt) },
          replyDueAt: reply.dueAt.toISOString(),
          attachments: files.map((f) => ({ name: f.fileName, sha256: f.ingested!.sha256, size: f.ingested!.size })),
        },
      });
      const org = await this.identity.models.Organisation.findByPk(organisationId, { transaction: t });
      const zh = OBJECTION_LABELS[label].zh;
      await this.notify(
        t,
        trade,
        await this.managerIds(trade, t),
        'complaints.filed',
        `【${zh}】${trade.title}`,
        `${org?.name ?? ''} 对交易 ${trade.code} 的${SUBJECT_LABELS[subject].zh}提出${zh}（#${row.id}），请于 ${chinaTimeText(reply.dueAt)} 前答复${HOLDING_SUBJECTS.includes(subject) ? '；答复前暂停公示、定标和合同备案' : ''}。 / A ${OBJECTION_LABELS[label].en.toLowerCase()} (#${row.id}) about the ${SUBJECT_LABELS[subject].en.toLowerCase()} was filed; reply by ${reply.dueAt.toISOString()}.`,
      );
      return row.id;
    });
    await this.trades.flushNotifications(tradeId);
    return this.objectionView(await this.objectionRow(id));
  }

  private async objectionRow(id: number, t?: Transaction): Promise<ObjectionRow> {
    const row = await this.models.Objection.findByPk(id, t ? lockFor(t) : {});
    if (!row) throw new AppError('NOT_FOUND', `no objection ${id}`);
    return row;
  }

  async getObjection(actor: Actor, id: number): Promise<ObjectionView> {
    const row = await this.objectionRow(id);
    const trade = await this.trades.get(row.tradeId);
    this.assertParty(actor, trade, row.organisationId, 'an objection');
    return this.objectionView(row, trade);
  }

  /**
   * The tenderee's (agent's, purchaser's) reply. An upheld objection about the candidates opens a
   * recheck of the evaluation; if the recheck module refuses, the reply stands and the refusal is
   * recorded and answered with it.
   */
  async replyObjection(actor: Actor, id: number, input: { reply: string; upheld: boolean; grounds?: string[] | undefined }): Promise<ObjectionView> {
    const row = await this.objectionRow(id);
    const trade = await this.trades.get(row.tradeId);
    if (!this.trades.canManage(actor, trade)) {
      throw new AppError(actor.role === 'center_staff' ? 'FORBIDDEN_REGION' : 'NOT_PARTICIPANT', `the tenderee's side of ${trade.code} (its staff or agent) replies`);
    }
    const now = this.clock.now();
    await this.db.transaction(async (t) => {
      const locked = await this.objectionRow(id, t);
      if (locked.status !== 'pending') throw new AppError('CONFLICT', `objection ${id} is ${locked.status}`);
      const late = now >= locked.replyDueAt;
      await locked.update({ status: 'replied', reply: input.reply, upheld: input.upheld, repliedAt: now, repliedBy: actor.userId, replyLate: late }, { transaction: t });
      await this.audit.append(t, {
        actor,
        action: 'complaints.objection_replied',
        subject: `trade:${trade.code}`,
        payload: { objection: id, upheld: input.upheld, late, replyDueAt: locked.replyDueAt.toISOString() },
      });
      const zh = OBJECTION_LABELS[locked.label].zh;
      const title = `【${zh}答复】${trade.title}`;
      const body = `对交易 ${trade.code} ${SUBJECT_LABELS[locked.subject].zh}的${zh}（#${id}）已答复：${input.upheld ? '成立' : '不成立'}。答复内容：${input.reply} / The ${OBJECTION_LABELS[locked.label].en.toLowerCase()} #${id} was answered (${input.upheld ? 'upheld' : 'not upheld'}).`;
      await this.notify(t, trade, await this.orgUserIds([locked.organisationId], t), 'complaints.replied', title, body);
      if (this.isProcurement(trade)) {
        // 94号令 art 14: the answer is copied to the other suppliers concerned (no trade secrets: the reply only)
        const others = [...(await this.participantOrgs(trade.id, t))].filter((o) => o !== locked.organisationId);
        await this.notify(t, trade, await this.orgUserIds(others, t), 'complaints.replied', `【质疑答复（抄送）】${trade.title}`, body);
      }
    });
    await this.trades.flushNotifications(trade.id);
    if (input.upheld && row.subject === 'candidates') await this.openRecheckFor(actor, trade, 'objection', id, input.grounds, `${OBJECTION_LABELS[row.label].zh} #${id} 成立：${row.request}`);
    return this.objectionView(await this.objectionRow(id), trade);
  }

  /** Opens a recheck (outside any transaction: the recheck module opens its own); records the id or the refusal on the objection or complaint. */
  private async openRecheckFor(actor: Actor, trade: TradeRow, owner: 'objection' | 'complaint', id: number, grounds: string[] | undefined, note: string): Promise<void> {
    let recheckId: number | null = null;
    let error: { code: string; detail: string } | null = null;
    const trigger = owner === 'objection' ? 'objection' : 'request';
    try {
      // without named grounds: every ground that allows a correction (objective items, arithmetic; 87号令 art 64's four for procurement) —
      // grounds that void the committee's conclusion must be named
      const chosen = grounds?.length ? grounds : (await this.recheck.allowedGrounds(trade, trigger)).filter((g) => !g.outcomes.includes('reevaluate')).map((g) => g.id);
      const opened = await this.recheck.open(actor, trade.id, {
        trigger,
        grounds: chosen,
        note: note.slice(0, 1000),
        ...(owner === 'objection' ? { objectionId: id } : {}),
      });
      recheckId = opened.id;
    } catch (caught) {
      error = caught instanceof AppError ? { code: caught.code, detail: caught.message } : { code: 'INTERNAL', detail: caught instanceof Error ? caught.message : String(caught) };
    }
    await this.db.transaction(async (t) => {
      const model = owner === 'objection' ? this.models.Objection : this.models.Complaint;
      await (model as typeof this.models.Objection).update({ recheckId, recheckError: error ? JSON.stringify(error) : null }, { where: { id }, transaction: t });
      await this.audit.append(t, {
        actor,
        action: error ? `complaints.recheck_refused` : 'complaints.recheck_opened',
        subject: `trade:${trade.code}`,
        payload: { [owner]: id, recheck: recheckId, error },
      });
    });
  }

  async withdrawObjection(actor: Actor, id: number, reason: string | undefined): Promise<ObjectionView> {
    const row = await this.objectionRow(id);
    const trade = await this.trades.get(row.tradeId);
    if (actor.organisationId !== row.organisationId) throw new AppError('NOT_PARTICIPANT', 'only the objecting organisation withdraws its objection');
    await this.db.transaction(async (t) => {
      const locked = await this.objectionRow(id, t);
      if (locked.status !== 'pending') throw new AppError('CONFLICT', `objection ${id} is ${locked.status}`);
      await locked.update({ status: 'withdrawn', withdrawnAt: this.clock.now() }, { transaction: t });
      await this.audit.append(t, { actor, action: 'complaints.objection_withdrawn', subject: `trade:${trade.code}`, payload: { objection: id, reason: reason ?? null } });
      await this.notify(t, trade, await this.managerIds(trade, t), 'complaints.replied', `【${OBJECTION_LABELS[locked.label].zh}撤回】${trade.title}`, `${OBJECTION_LABELS[locked.label].zh} #${id} 已由提出人撤回。 / Objection #${id} was withdrawn.`);
    });
    return this.objectionView(await this.objectionRow(id), trade);
  }

  async tradeObjections(actor: Actor, tradeId: number, status?: ObjectionStatus): Promise<ObjectionView[]> {
    return this.partiesRows(actor, tradeId, status, 'objections', (options) => this.models.Objection.findAll(options), (row, trade) => this.objectionView(row, trade));
  }

  /** The caller's objections: a bidder's organisation's; staff, agents and supervisors: those on trades they manage or oversee. */
  async myObjections(actor: Actor, status?: ObjectionStatus): Promise<ObjectionView[]> {
    return this.callersRows(actor, status, (options) => this.models.Objection.findAll(options), (row, trade) => this.objectionView(row, trade));
  }

  /** One trade's objections or complaints as the caller may read them: a bidder its organisation's, the trade's managers and supervisors all. */
  private async partiesRows<R, V>(actor: Actor, tradeId: number, status: string | undefined, what: string, find: (options: FindOptions) => Promise<R[]>, view: (row: R, trade: TradeRow) => Promise<V>): Promise<V[]> {
    const trade = await this.trades.visible(tradeId, actor);
    const where: WhereOptions = { tradeId, ...(status ? { status } : {}) };
    if (actor.role === 'bidder') {
      if (!actor.organisationId) return [];
      Object.assign(where, { organisationId: actor.organisationId });
    } else if (!this.trades.canManage(actor, trade) && !this.supervises(actor, trade)) {
      throw new AppError('NOT_PARTICIPANT', `${what} are for the parties concerned`);
    }
    const rows = await find({ where, order: [['id', 'ASC']] });
    return Promise.all(rows.map((r) => view(r, trade)));
  }

  /** Objections or complaints across trades that the caller is a party to (newest first, at most 200). */
  private async callersRows<R extends { tradeId: number; organisationId: number }, V>(actor: Actor, status: string | undefined, find: (options: FindOptions) => Promise<R[]>, view: (row: R, trade: TradeRow) => Promise<V>): Promise<V[]> {
    const where: WhereOptions = status ? { status } : {};
    if (actor.role === 'bidder') {
      if (!actor.organisationId) return [];
      Object.assign(where, { organisationId: actor.organisationId });
    }
    const rows = await find({ where, order: [['id', 'DESC']], limit: 500 });
    const out: V[] = [];
    for (const row of rows) {
      const trade = await this.trades.get(row.tradeId);
      if (this.isParty(actor, trade, row.organisationId)) out.push(await view(row, trade));
      if (out.length >= 200) break;
    }
    return out;
  }

  // ── complaints ──────────────────────────────────────────────────────────────────────────────

  /** The complaint window (投诉期限) and the objection it follows; throws PRIOR_OBJECTION_REQUIRED, COMPLAINT_TOO_EARLY or COMPLAINT_WINDOW_CLOSED. */
  async complaintWindow(trade: TradeRow, organisationId: number, subject: ComplaintSubject, step: string | undefined, objectionId: number | undefined, now: Date): Promise<Window & { objection: ObjectionRow | null; step: string | null }> {
    const procurement = this.isProcurement(trade);
    const rule = await this.rule('complaints.complaint_window', trade);
    const required = procurement || OBJECTION_FIRST.includes(subject);
    const source = procurement ? `${rule.row.source}；政府采购法实施条例 第五十五条` : `${rule.row.source}（第二款：异议前置）`;
    let objection: ObjectionRow | null = null;
    if (objectionId !== undefined) {
      objection = await this.models.Objection.findByPk(objectionId);
      if (!objection || objection.tradeId !== trade.id || objection.organisationId !== organisationId) {
        throw new AppError('PRIOR_OBJECTION_REQUIRED', `objection ${objectionId} is not one your organisation raised on ${trade.code}`, { extra: { rule: rule.row.id, source } });
      }
      if (objection.status === 'withdrawn') throw new AppError('PRIOR_OBJECTION_REQUIRED', `objection ${objectionId} was withdrawn`, { extra: { rule: rule.row.id, source } });
      if (objection.subject !== subject) {
        throw new AppError('PRIOR_OBJECTION_REQUIRED', `the complaint may not go beyond the objection: objection ${objectionId} is about ${objection.subject}, not ${subject}`, { extra: { rule: rule.row.id, source } });
      }
      if (objection.status === 'pending' && now < objection.replyDueAt) {
        throw new AppError('COMPLAINT_TOO_EARLY', `objection ${objectionId} awaits its reply until ${objection.replyDueAt.toISOString()}; the time it takes does not count`, {
          extra: { objection: objectionId, replyDueAt: objection.replyDueAt.toISOString() },
        });
      }
    } else if (required) {
      throw new AppError(
        'PRIOR_OBJECTION_REQUIRED',
        procurement ? '政府采购投诉须先提出质疑（政府采购法第五十五条） / a procurement complaint follows a challenge (质疑): name it in objectionId' : `对${SUBJECT_LABELS[subject].zh}的投诉须先向招标人提出异议（实施条例第六十条第二款） / name the objection in objectionId`,
        { extra: { rule: rule.row.id, source } },
      );
    }

    let from: Date;
    let endsAt: Date;
    let chosenStep: string | null = null;
    if (objection) {
      if (procurement) {
        // 15 working days after the answer period expires (answered or not)
        from = objection.replyDueAt;
        endsAt = await this.periodEnd(trade, rule, lastDayOf(objection.replyDueAt));
      } else {
        // 10 days from knowing: the reply, or the reply deadline when unanswered (the objection's time is not counted)
        const known = objection.repliedAt && objection.repliedAt < objection.replyDueAt ? objection.repliedAt : objection.replyDueAt;
        from = known;
        endsAt = await this.periodEnd(trade, rule, known === objection.repliedAt ? civilDateOf(known) : lastDayOf(known));
      }
      chosenStep = objection.step;
    } else {
      // award / process in the tender-law family, without an objection: 10 days from the event
      const event = await this.stepOf(trade, step, subject === 'award' ? 'award' : undefined);
      if (!event) throw this.closed('COMPLAINT_WINDOW_CLOSED', { rule: rule.row.id, source, from: null, endsAt: null }, subject === 'award' ? 'no award has been made' : `the trade has no step ${step ?? ''}`);
      from = event.at;
      endsAt = await this.periodEnd(trade, rule, civilDateOf(event.at));
      chosenStep = subject === 'process' ? event.name : null;
    }
    const window = { rule: rule.row.id, source, from, endsAt };
    if (now >= endsAt) throw this.closed('COMPLAINT_WINDOW_CLOSED', window, `投诉期限已于 ${chinaTimeText(endsAt)} 届满 / the complaint window ended at ${endsAt.toISOString()}`);
    return { ...window, objection, step: chosenStep };
  }

  async fileComplaint(actor: Actor, tradeId: number, upload: Received<FilingFields & { objectionId?: number | undefined }>): Promise<ComplaintView> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const trade = await this.trades.visible(tradeId, actor);
    await this.assertInterested(trade, organisationId);
    const { subject, facts, request, legalBasis, step, objectionId } = upload.fields;
    if (step && subject !== 'process') throw new AppError('VALIDATION_FAILED', 'step names the procedural step of a `process` complaint');
    const now = this.clock.now();
    const window = await this.complaintWindow(trade, organisationId, subject, step, objectionId, now);
    const acceptance = await this.rule('complaints.acceptance', trade);
    const acceptanceDueAt = await this.periodEnd(trade, acceptance, civilDateOf(now));
    const files = await this.commitFiles(upload);
    const id = await this.db.transaction(async (t) => {
      if (window.objection) {
        const open = await this.models.Complaint.count({ where: { objectionId: window.objection.id, status: ['filed', 'accepted', 'decided'] }, transaction: t });
        if (open) throw new AppError('CONFLICT', `a complaint about objection ${window.objection.id} is already filed or decided`);
      }
      const row = await this.models.Complaint.create(
        {
          tradeId,
          organisationId,
          userId: actor.userId,
          objectionId: window.objection?.id ?? null,
          subject,
          step: window.step,
          facts,
          request,
          legalBasis,
          status: 'filed',
          filedAt: now,
          windowRule: window.rule,
          windowSource: window.source,
          windowFrom: window.from,
          windowEndsAt: window.endsAt,
          acceptanceRule: acceptance.row.id,
          acceptanceDueAt,
          acceptedAt: null,
          rejectedAt: null,
          rejectionReason: null,
          actedBy: null,
          actedLate: false,
          decisionDueAt: null,
          suspendedUntil: null,
          suspensionEndedAt: null,
          outcome: null,
          decision: null,
          remedy: null,
          decidedAt: null,
          decidedBy: null,
          decisionLate: false,
          recheckId: null,
          recheckError: null,
          remedyEffect: null,
          withdrawnAt: null,
        },
        { transaction: t },
      );
      await this.storeAttachments(t, 'complaint', row.id, files, actor, now);
      await this.audit.append(t, {
        actor,
        action: 'complaints.complaint_filed',
        subject: `trade:${trade.code}`,
        payload: {
          complaint: row.id,
          subject,
          objection: window.objection?.id ?? null,
          organisation: organisationId,
          window: { rule: window.rule, endsAt: iso(window.endsAt) },
          acceptanceDueAt: acceptanceDueAt.toISOString(),
          attachments: files.map((f) => ({ name: f.fileName, sha256: f.ingested!.sha256, size: f.ingested!.size })),
        },
      });
      const org = await this.identity.models.Organisation.findByPk(organisationId, { transaction: t });
      await this.notify(
        t,
        trade,
        [...(await this.supervisorIds(trade, t)), ...(await this.managerIds(trade, t))],
        'complaints.filed',
        `【投诉】${trade.title}`,
        `${org?.name ?? ''} 就交易 ${trade.code} 的${SUBJECT_LABELS[subject].zh}向监督部门投诉（#${row.id}），应于 ${chinaTimeText(acceptanceDueAt)} 前决定是否受理。 / Complaint #${row.id} was filed; accept or reject by ${acceptanceDueAt.toISOString()}.`,
      );
      return row.id;
    });
    await this.trades.flushNotifications(tradeId);
    return this.complaintView(await this.complaintRow(id));
  }

  private async complaintRow(id: number, t?: Transaction): Promise<ComplaintRow> {
    const row = await this.models.Complaint.findByPk(id, t ? lockFor(t) : {});
    if (!row) throw new AppError('NOT_FOUND', `no complaint ${id}`);
    return row;
  }

  async getComplaint(actor: Actor, id: number): Promise<ComplaintView> {
    const row = await this.complaintRow(id);
    const trade = await this.trades.get(row.tradeId);
    this.assertParty(actor, trade, row.organisationId, 'a complaint');
    return this.complaintView(row, trade);
  }

  private assertSupervisor(actor: Actor, trade: TradeRow): void {
    if (!this.supervises(actor, trade)) throw new AppError('FORBIDDEN_REGION', `the supervisory department of ${trade.regionCode} handles complaints about ${trade.code}`);
  }

  /** 受理: the trade is suspended until the decision (for procurement at most the rule's days). */
  async accept(actor: Actor, id: number, note: string | undefined): Promise<ComplaintView> {
    const row = await this.complaintRow(id);
    const trade = await this.trades.get(row.tradeId);
    this.assertSupervisor(actor, trade);
    const now = this.clock.now();
    const decisionRule = await this.rule('complaints.decision', trade);
    const decisionDueAt = await this.periodEnd(trade, decisionRule, civilDateOf(now));
    const maxRule = this.isProcurement(trade) ? await this.trades.rules.forTrade('complaints.suspension_max', trade) : null;
    const suspendedUntil = maxRule ? await this.periodEnd(trade, maxRule, civilDateOf(now)) : null;
    await this.db.transaction(async (t) => {
      const locked = await this.complaintRow(id, t);
      if (locked.status !== 'filed') throw new AppError('CONFLICT', `complaint ${id} is ${locked.status}`);
      const late = now >= locked.acceptanceDueAt;
      await locked.update({ status: 'accepted', acceptedAt: now, actedBy: actor.userId, actedLate: late, decisionDueAt, suspendedUntil }, { transaction: t });
      await this.audit.append(t, {
        actor,
        action: 'complaints.complaint_accepted',
        subject: `trade:${trade.code}`,
        payload: { complaint: id, late, acceptanceDueAt: locked.acceptanceDueAt.toISOString(), decisionDueAt: decisionDueAt.toISOString(), suspendedUntil: iso(suspendedUntil), note: note ?? null },
      });
      const users = [...(await this.orgUserIds([locked.organisationId, ...(await this.participantOrgs(trade.id, t))], t)), ...(await this.managerIds(trade, t))];
      await this.notify(
        t,
        trade,
        users,
        'complaints.accepted',
        `【投诉受理·交易暂停】${trade.title}`,
        `监督部门已受理关于交易 ${trade.code} 的投诉（#${id}），交易暂停至处理决定作出${suspendedUntil ? `（最长至 ${chinaTimeText(suspendedUntil)}）` : ''}；处理决定期限 ${chinaTimeText(decisionDueAt)}。 / Complaint #${id} was accepted: the trade is suspended until the decision (due ${decisionDueAt.toISOString()}).`,
      );
    });
    await this.trades.flushNotifications(trade.id);
    return this.complaintView(await this.complaintRow(id), trade);
  }

  /** 不予受理, with reasons. */
  async reject(actor: Actor, id: number, reason: string): Promise<ComplaintView> {
    const row = await this.complaintRow(id);
    const trade = await this.trades.get(row.tradeId);
    this.assertSupervisor(actor, trade);
    const now = this.clock.now();
    await this.db.transaction(async (t) => {
      const locked = await this.complaintRow(id, t);
      if (locked.status !== 'filed') throw new AppError('CONFLICT', `complaint ${id} is ${locked.status}`);
      const late = now >= locked.acceptanceDueAt;
      await locked.update({ status: 'rejected', rejectedAt: now, rejectionReason: reason, actedBy: actor.userId, actedLate: late }, { transaction: t });
      await this.audit.append(t, { actor, action: 'complaints.complaint_rejected', subject: `trade:${trade.code}`, payload: { complaint: id, late, acceptanceDueAt: locked.acceptanceDueAt.toISOString(), reason } });
      await this.notify(
        t,
        trade,
        [...(await this.orgUserIds([locked.organisationId], t)), ...(await this.managerIds(trade, t))],
        'complaints.decided',
        `【投诉不予受理】${trade.title}`,
        `关于交易 ${trade.code} 的投诉（#${id}）不予受理。理由：${reason} / Complaint #${id} was not accepted: ${reason}`,
      );
    });
    await this.trades.flushNotifications(trade.id);
    return this.complaintView(await this.complaintRow(id), trade);
  }

  /** 处理决定: lifts the suspension; published. An upheld complaint may open a recheck or send the trade to re-tender. */
  async decide(actor: Actor, id: number, input: { outcome: ComplaintOutcome; decision: string; remedy: ComplaintRemedy; grounds?: string[] | undefined }): Promise<ComplaintView> {
    const row = await this.complaintRow(id);
    const trade = await this.trades.get(row.tradeId);
    this.assertSupervisor(actor, trade);
    if (input.outcome === 'dismissed' && input.remedy !== 'none' && input.remedy !== 'keep') {
      throw new AppError('VALIDATION_FAILED', 'a dismissed complaint orders no remedy (none or keep)', { errors: [{ path: ['body', 'remedy'], code: 'invalid_value', message: 'none or keep for a dismissed complaint' }] });
    }
    if (input.remedy === 'recheck' && row.subject !== 'candidates') {
      throw new AppError('VALIDATION_FAILED', 'a recheck of the evaluation answers a complaint about the evaluation result (subject candidates)', { errors: [{ path: ['body', 'remedy'], code: 'invalid_value', message: 'recheck is for a candidates complaint' }] });
    }
    const now = this.clock.now();
    await this.db.transaction(async (t) => {
      const locked = await this.complaintRow(id, t);
      if (locked.status !== 'accepted') throw new AppError('CONFLICT', `complaint ${id} is ${locked.status}; a decision follows acceptance`);
      const late = !!locked.decisionDueAt && now >= locked.decisionDueAt;
      await locked.update({ status: 'decided', outcome: input.outcome, decision: input.decision, remedy: input.remedy, decidedAt: now, decidedBy: actor.userId, decisionLate: late }, { transaction: t });
      await this.audit.append(t, {
        actor,
        action: 'complaints.complaint_decided',
        subject: `trade:${trade.code}`,
        payload: { complaint: id, outcome: input.outcome, remedy: input.remedy, late, decisionDueAt: iso(locked.decisionDueAt) },
      });
      const users = [...(await this.orgUserIds([locked.organisationId, ...(await this.participantOrgs(trade.id, t))], t)), ...(await this.managerIds(trade, t))];
      await this.notify(
        t,
        trade,
        users,
        'complaints.decided',
        `【投诉处理决定】${trade.title}`,
        `关于交易 ${trade.code} 的投诉（#${id}）已作出处理决定：${input.outcome === 'upheld' ? '投诉成立' : '驳回投诉'}（${REMEDY_ZH[input.remedy]}）。交易暂停解除。 / Complaint #${id} decided (${input.outcome}, remedy ${input.remedy}); the suspension is lifted.`,
      );
    });
    await this.trades.flushNotifications(trade.id);
    if (input.outcome === 'upheld' && input.remedy === 'recheck') await this.openRecheckFor(actor, trade, 'complaint', id, input.grounds, `投诉 #${id} 处理决定：${input.decision}`);
    if (input.outcome === 'upheld' && input.remedy === 're_tender') await this.retenderFor(actor, trade, id);
    return this.complaintView(await this.complaintRow(id), trade);
  }

  /** Re-tender ordered by the decision: a trade past the evaluation fails (fail_award) and may be tendered again; earlier, its staff cancel it. */
  private async retenderFor(actor: Actor, trade: TradeRow, id: number): Promise<void> {
    let effect: string;
    try {
      const current = await this.trades.get(trade.id);
      if (['evaluated', 'publicity', 'awarded'].includes(current.state)) {
        await this.trades.fire(SYSTEM, trade.id, 'fail_award', `投诉 #${id} 处理决定：重新招标`);
        effect = 'fail_award: the trade failed and may be tendered again (POST /api/trades/:id/retender)';
      } else {
        effect = `the trade is ${current.state}: its staff cancel it and tender again`;
      }
    } catch (caught) {
      effect = `fail_award refused: ${caught instanceof AppError ? `${caught.code} ${caught.message}` : String(caught)}`;
    }
    await this.db.transaction(async (t) => {
      await this.models.Complaint.update({ remedyEffect: effect }, { where: { id }, transaction: t });
      await this.audit.append(t, { actor, action: 'complaints.remedy_applied', subject: `trade:${trade.code}`, payload: { complaint: id, remedy: 're_tender', effect } });
    });
  }

  /** The complainant withdraws (撤回投诉): handling ends, the suspension is lifted. */
  async withdrawComplaint(actor: Actor, id: number, reason: string | undefined): Promise<ComplaintView> {
    const row = await this.complaintRow(id);
    const trade = await this.trades.get(row.tradeId);
    if (actor.organisationId !== row.organisationId) throw new AppError('NOT_PARTICIPANT', 'only the complainant withdraws its complaint');
    await this.db.transaction(async (t) => {
      const locked = await this.complaintRow(id, t);
      if (locked.status !== 'filed' && locked.status !== 'accepted') throw new AppError('CONFLICT', `complaint ${id} is ${locked.status}`);
      const wasAccepted = locked.status === 'accepted';
      await locked.update({ status: 'withdrawn', withdrawnAt: this.clock.now() }, { transaction: t });
      await this.audit.append(t, { actor, action: 'complaints.complaint_withdrawn', subject: `trade:${trade.code}`, payload: { complaint: id, reason: reason ?? null, suspensionLifted: wasAccepted } });
      await this.notify(
        t,
        trade,
        [...(await this.supervisorIds(trade, t)), ...(await this.managerIds(trade, t)), ...(wasAccepted ? await this.orgUserIds(await this.participantOrgs(trade.id, t), t) : [])],
        'complaints.decided',
        `【投诉撤回】${trade.title}`,
        `关于交易 ${trade.code} 的投诉（#${id}）已由投诉人撤回，投诉处理终止${wasAccepted ? '，交易暂停解除' : ''}。 / Complaint #${id} was withdrawn${wasAccepted ? '; the suspension is lifted' : ''}.`,
      );
    });
    await this.trades.flushNotifications(trade.id);
    return this.complaintView(await this.complaintRow(id), trade);
  }

  async tradeComplaints(actor: Actor, tradeId: number, status?: ComplaintStatus): Promise<ComplaintView[]> {
    return this.partiesRows(actor, tradeId, status, 'complaints', (options) => this.models.Complaint.findAll(options), (row, trade) => this.complaintView(row, trade));
  }

  async myComplaints(actor: Actor, status?: ComplaintStatus): Promise<ComplaintView[]> {
    return this.callersRows(actor, status, (options) => this.models.Complaint.findAll(options), (row, trade) => this.complaintView(row, trade));
  }

  /** Published decisions (公开): all, or one trade's. */
  async decisions(tradeId?: number, actor: Actor | null = null): Promise<ComplaintDecisionView[]> {
    if (tradeId !== undefined) await this.trades.visible(tradeId, actor);
    const rows = await this.models.Complaint.findAll({ where: { status: 'decided', ...(tradeId !== undefined ? { tradeId } : {}) }, order: [['decidedAt', 'DESC'], ['id', 'DESC']], limit: 200 });
    const out: ComplaintDecisionView[] = [];
    for (const row of rows) {
      const trade = await this.trades.get(row.tradeId);
      const org = await this.identity.models.Organisation.findByPk(row.organisationId);
      const decider = row.decidedBy ? await this.identity.models.User.findByPk(row.decidedBy) : null;
      const authority = decider?.organisationId ? await this.identity.models.Organisation.findByPk(decider.organisationId) : null;
      out.push({
        complaintId: row.id,
        tradeId: trade.id,
        tradeCode: trade.code,
        tradeTitle: trade.title,
        tradeKind: trade.kind,
        regionCode: trade.regionCode,
        complainant: org?.name ?? '',
        subject: row.subject,
        request: row.request,
        outcome: row.outcome!,
        decision: row.decision ?? '',
        remedy: row.remedy!,
        filedAt: row.filedAt.toISOString(),
        acceptedAt: iso(row.acceptedAt),
        decidedAt: row.decidedAt!.toISOString(),
        decidedBy: authority?.name ?? decider?.displayName ?? '',
      });
    }
    return out;
  }

  // ── attachments ─────────────────────────────────────────────────────────────────────────────

  async downloadAttachment(actor: Actor, owner: 'objection' | 'complaint', id: number, attachmentId: number, res: Response): Promise<void> {
    const row = owner === 'objection' ? await this.objectionRow(id) : await this.complaintRow(id);
    const trade = await this.trades.get(row.tradeId);
    this.assertParty(actor, trade, row.organisationId, `an ${owner}'s attachment`);
    const file = await this.models.ComplaintAttachment.findOne({ where: { id: attachmentId, owner, ownerId: id } });
    if (!file) throw new AppError('NOT_FOUND', `no attachment ${attachmentId}`);
    await this.audit.record({ actor, action: 'complaints.attachment_read', subject: `trade:${trade.code}`, payload: { [owner]: id, attachment: attachmentId, sha256: file.sha256 } });
    await this.blobs.send(res, { sha256: file.sha256, size: file.size, fileName: file.fileName, mediaType: file.mediaType });
  }

  // ── views ───────────────────────────────────────────────────────────────────────────────────

  private async attachments(owner: 'objection' | 'complaint', ownerId: number): Promise<AttachmentView[]> {
    const rows: AttachmentRow[] = await this.models.ComplaintAttachment.findAll({ where: { owner, ownerId }, order: [['part', 'ASC'], ['id', 'ASC']] });
    return rows.map((a) => ({ id: a.id, fileName: a.fileName, mediaType: a.mediaType, size: a.size, sha256: a.sha256, uploadedAt: a.uploadedAt.toISOString() }));
  }

  private async names(orgId: number, userIds: (number | null)[]): Promise<{ org: string; users: Map<number, string> }> {
    const org = await this.identity.models.Organisation.findByPk(orgId);
    const ids = userIds.filter((u): u is number => u !== null);
    const users = ids.length ? await this.identity.models.User.findAll({ where: { id: ids } }) : [];
    return { org: org?.name ?? '', users: new Map(users.map((u) => [u.id, u.displayName])) };
  }

  private windowView(row: { windowRule: string | null; windowSource: string; windowFrom: Date | null; windowEndsAt: Date | null }): WindowView {
    return { rule: row.windowRule, source: row.windowSource, from: iso(row.windowFrom), endsAt: iso(row.windowEndsAt) };
  }

  async objectionView(row: ObjectionRow, trade?: TradeRow): Promise<ObjectionView> {
    const tr = trade ?? (await this.trades.get(row.tradeId));
    const { org, users } = await this.names(row.organisationId, [row.userId, row.repliedBy]);
    return {
      id: row.id,
      tradeId: tr.id,
      tradeCode: tr.code,
      tradeTitle: tr.title,
      label: row.label,
      subject: row.subject,
      step: row.step,
      organisationId: row.organisationId,
      organisationName: org,
      filedBy: users.get(row.userId) ?? '',
      facts: row.facts,
      request: row.request,
      legalBasis: row.legalBasis,
      attachments: await this.attachments('objection', row.id),
      status: row.status,
      filedAt: row.filedAt.toISOString(),
      window: this.windowView(row),
      replyRule: row.replyRule,
      replyDueAt: row.replyDueAt.toISOString(),
      reply: row.reply,
      upheld: row.upheld === null ? null : Boolean(row.upheld),
      repliedAt: iso(row.repliedAt),
      repliedBy: row.repliedBy ? (users.get(row.repliedBy) ?? null) : null,
      replyLate: Boolean(row.replyLate),
      holds: row.status === 'pending' && HOLDING_SUBJECTS.includes(row.subject) ? [...HELD_BY_OBJECTION] : [],
      recheckId: row.recheckId,
      recheckError: row.recheckError ? (JSON.parse(row.recheckError) as { code: string; detail: string }) : null,
      withdrawnAt: iso(row.withdrawnAt),
    };
  }

  async complaintView(row: ComplaintRow, trade?: TradeRow): Promise<ComplaintView> {
    const tr = trade ?? (await this.trades.get(row.tradeId));
    const { org, users } = await this.names(row.organisationId, [row.userId, row.decidedBy]);
    const now = this.clock.now();
    return {
      id: row.id,
      tradeId: tr.id,
      tradeCode: tr.code,
      tradeTitle: tr.title,
      subject: row.subject,
      step: row.step,
      objectionId: row.objectionId,
      organisationId: row.organisationId,
      organisationName: org,
      filedBy: users.get(row.userId) ?? '',
      facts: row.facts,
      request: row.request,
      legalBasis: row.legalBasis,
      attachments: await this.attachments('complaint', row.id),
      status: row.status,
      filedAt: row.filedAt.toISOString(),
      window: this.windowView(row),
      acceptanceRule: row.acceptanceRule,
      acceptanceDueAt: row.acceptanceDueAt.toISOString(),
      acceptedAt: iso(row.acceptedAt),
      rejectedAt: iso(row.rejectedAt),
      rejectionReason: row.rejectionReason,
      actedLate: Boolean(row.actedLate),
      decisionDueAt: iso(row.decisionDueAt),
      suspended: row.status === 'accepted' && (!row.suspendedUntil || now < row.suspendedUntil),
      suspendedUntil: iso(row.suspendedUntil),
      suspensionEndedAt: iso(row.suspensionEndedAt),
      outcome: row.outcome,
      decision: row.decision,
      remedy: row.remedy,
      decidedAt: iso(row.decidedAt),
      decidedBy: row.decidedBy ? (users.get(row.decidedBy) ?? null) : null,
      decisionLate: Boolean(row.decisionLate),
      recheckId: row.recheckId,
      recheckError: row.recheckError ? (JSON.parse(row.recheckError) as { code: string; detail: string }) : null,
      remedyEffect: row.remedyEffect,
      withdrawnAt: iso(row.withdrawnAt),
    };
  }

  // ── time-driven: the procurement suspension's maximum ─────────────────────────────────────────

  /** Ends a procurement suspension that reached its maximum (the hold already lapses at that instant; this records it). */
  async endSuspension(id: number): Promise<void> {
    const now = this.clock.now();
    const trade = await this.trades.get((await this.complaintRow(id)).tradeId);
    const rule = await this.trades.rules.forTrade('complaints.suspension_max', trade);
    await this.db.transaction(async (t) => {
      const locked = await this.complaintRow(id, t);
      if (locked.status !== 'accepted' || !locked.suspendedUntil || locked.suspensionEndedAt || locked.suspendedUntil > now) return;
      await locked.update({ suspensionEndedAt: locked.suspendedUntil }, { transaction: t });
      await this.audit.append(t, {
        actor: SYSTEM,
        action: 'complaints.suspension_expired',
        subject: `trade:${trade.code}`,
        payload: { complaint: id, suspendedUntil: locked.suspendedUntil.toISOString(), rule: rule?.row.id ?? null, source: rule?.row.source ?? null },
      });
      await this.notify(
        t,
        trade,
        [...(await this.supervisorIds(trade, t)), ...(await this.managerIds(trade, t))],
        'complaints.accepted',
        `【暂停期满】${trade.title}`,
        `投诉 #${id} 处理期间暂停采购活动已满最长期限（${rule?.value ?? ''} 日），采购活动可以继续；投诉仍待处理决定。 / The procurement suspension for complaint #${id} reached its maximum and has ended; the complaint still awaits a decision.`,
      );
    });
    await this.trades.flushNotifications(trade.id);
  }

  dueSources(): DueSource[] {
    const { Complaint } = this.models;
    const open = { status: 'accepted', suspensionEndedAt: null };
    return [
      {
        due: async (at) => {
          const rows = await Complaint.findAll({ where: { ...open, suspendedUntil: { [Op.lte]: at } }, order: [['suspendedUntil', 'ASC']], limit: 100 });
          return rows.map((r) => ({ id: r.id, name: 'complaints.suspension_expired' }));
        },
        next: async (after) => {
          const row = await Complaint.findOne({ where: { ...open, suspendedUntil: { [Op.gt]: after } }, order: [['suspendedUntil', 'ASC']] });
          return row?.suspendedUntil ?? null;
        },
        fire: (id) => this.endSuspension(id),
      },
    ];
  }
}

const REMEDY_ZH: Record<ComplaintRemedy, string> = {
  none: '无需采取措施',
  keep: '维持原结果',
  recheck: '组织复核评审',
  correct_documents: '责令修改招标（采购）文件',
  re_tender: '重新招标（采购）',
};
