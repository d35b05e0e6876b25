import type { Response } from 'express';
import { Op, type Transaction } from 'sequelize';
import { createCsr } from '../../../crypto/csr.js';
import { generateOpeningKeyPair } from '../../../crypto/node/opening-key.js';
import { sealShareFor, splitOpeningKey } from '../../../crypto/opening-key.js';
import {
  INVITATION_METHODS,
  METHODS_BY_KIND,
  type DocumentView,
  type DownloadView,
  type NotificationView,
  type OfficialView,
  type RegistrationView,
  type TradeNoticeInput,
  type TradeState,
  type TradeView,
} from '../../../contracts/trades.js';
import type { Db } from '../../db/index.js';
import { lockFor } from '../../db/index.js';
import type { Actor, SystemActor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import { atCivilTime, civilDateOf, type CalendarService, type CivilDate } from '../../kernel/calendar/index.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError, isUniqueViolation } from '../../kernel/errors.js';
import { LifecycleEngine, type LifecycleStore } from '../../kernel/lifecycle/engine.js';
import type { Scheduler } from '../../kernel/lifecycle/scheduler.js';
import type { Logger } from '../../kernel/logger.js';
import type { EffectiveRule, RulesService } from '../../kernel/rules/service.js';
import type { BlobStore } from '../../kernel/storage.js';
import type { Received } from '../../kernel/upload.js';
import type { CertificateService } from '../certificates/service.js';
import type { CreditGate } from '../credit/gate.js';
import type { IdentityService } from '../identity/service.js';
import { METHOD_TABLES, type TradeContext } from './lifecycle.js';
import { defineTradeModels, noticeOf, type DocumentRow, type TradeModels, type TradeRow } from './models.js';
import type { Notifier } from './notifier.js';

export interface OpeningKeyMaterial {
  certificatePem: string;
  serial: string;
  shares: { userId: number; certificateSerial: string; index: number; sealed: Uint8Array }[];
}

export interface OfficialHolder {
  userId: number;
  certificatePem: string;
  serial: string;
}

const MANAGER_ROLES = new Set(['admin', 'center_staff', 'agent']);
const OVERSIGHT_ROLES = new Set(['admin', 'center_staff', 'supervisor']);

/**
 * Trades: notices, documents, registrations, the download register and the lifecycle. Bids live in
 * the bids module, which asks this service about the trade it is bidding on.
 */
export class TradeService {
  readonly models: TradeModels;
  readonly engine: LifecycleEngine<TradeRow, TradeContext>;
  scheduler: Scheduler | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly identity: IdentityService,
    private readonly certificates: CertificateService,
    readonly rules: RulesService,
    private readonly calendar: CalendarService,
    private readonly credit: CreditGate,
    private readonly blobs: BlobStore,
    readonly notifier: Notifier,
    private readonly logger: Logger,
  ) {
    this.models = defineTradeModels(db);
    const { Trade, TradeTransition } = this.models;
    const store: LifecycleStore<TradeRow> = {
      load: (id, t) => Trade.findByPk(id, t ? lockFor(t) : {}),
      stateOf: (trade) => trade.state,
      methodOf: (trade) => trade.method,
      moveState: async (t, trade, from, to, at) => {
        const [count] = await Trade.update({ state: to as TradeState, updatedAt: at, version: trade.version + 1 }, { where: { id: trade.id, state: from }, transaction: t });
        return count;
      },
      record: async (t, trade, entry) => {
        const last = (await TradeTransition.max('seq', { where: { tradeId: trade.id }, transaction: t })) as number | null;
        await TradeTransition.create(
          { tradeId: trade.id, seq: (last ?? 0) + 1, name: entry.name, fromState: entry.from, toState: entry.to, actor: entry.actor, reason: entry.reason, at: entry.at },
          { transaction: t },
        );
      },
      audit: (t, trade, actor, entry) =>
        this.audit.append(t, { actor, action: `trade.${entry.name}`, subject: `trade:${trade.code}`, payload: { from: entry.from, to: entry.to, reason: entry.reason } }).then(() => undefined),
      transaction: (fn) => this.db.transaction(fn),
    };
    this.engine = new LifecycleEngine(store, METHOD_TABLES, () => this.clock.now(), (error) => this.logger.error({ err: error }, 'trade.after_failed'));
  }

  now(): Date {
    return this.clock.now();
  }

  private context(): TradeContext {
    return { service: this };
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  async get(id: number, t?: Transaction): Promise<TradeRow> {
    const trade = await this.models.Trade.findByPk(id, t ? { transaction: t } : {});
    if (!trade) throw new AppError('NOT_FOUND', `no trade ${id}`);
    return trade;
  }

  /** May this actor manage (edit, publish, upload documents to) the trade? */
  canManage(actor: Actor | null, trade: { regionCode: string; agencyOrganisationId: number | null; tendereeOrganisationId?: number }): boolean {
    if (!actor) return false;
    if (actor.role === 'admin') return true;
    if (actor.role === 'center_staff') return this.identity.regions.covers(actor.regionCode, trade.regionCode);
    if (actor.role === 'agent') return actor.organisationId !== null && actor.organisationId === trade.agencyOrganisationId;
    return false;
  }

  /** Oversight (download register, bid counts): staff and supervisors of the trade's region. */
  canOversee(actor: Actor | null, trade: TradeRow): boolean {
    if (!actor || !OVERSIGHT_ROLES.has(actor.role)) return false;
    return actor.role === 'admin' || this.identity.regions.covers(actor.regionCode, trade.regionCode);
  }

  private assertManage(actor: Actor, trade: TradeRow): void {
    if (!this.canManage(actor, trade)) {
      throw new AppError(actor.role === 'center_staff' ? 'FORBIDDEN_REGION' : 'NOT_PARTICIPANT', `you do not manage trade ${trade.code}`);
    }
  }

  /** A draft is visible to those who manage it; everything else is public. */
  async visible(id: number, actor: Actor | null): Promise<TradeRow> {
    const trade = await this.get(id);
    if (trade.state === 'draft' && !this.canManage(actor, trade)) throw new AppError('NOT_FOUND', `no trade ${id}`);
    return trade;
  }

  async view(trade: TradeRow, actor: Actor | null, withHistory = false): Promise<TradeView> {
    const notice = noticeOf(trade);
    const orgs = await this.identity.models.Organisation.findAll({ where: { id: [trade.tendereeOrganisationId, ...(trade.agencyOrganisationId ? [trade.agencyOrganisationId] : [])] } });
    const nameOf = (id: number | null) => orgs.find((o) => o.id === id)?.name ?? null;
    const officials = await this.models.TradeOfficial.findAll({ where: { tradeId: trade.id }, order: [['id', 'ASC']] });
    const users = await this.identity.models.User.findAll({ where: { id: officials.map((o) => o.userId) } });
    const officialViews: OfficialView[] = officials.map((o) => ({
      userId: o.userId,
      displayName: users.find((u) => u.id === o.userId)?.displayName ?? '',
      certificateSerial: o.certificateSerial,
      shareIndex: o.shareIndex,
    }));
    const limits: TradeView['limits'] = [];
    for (const prefix of ['deadline.min_period', 'documents.min_period', 'clarification.lead']) {
      const rule = await this.rules.forTrade(prefix, trade);
      if (rule) limits.push({ rule: rule.row.id, value: rule.value, unit: rule.row.unit });
    }
    const view: TradeView = {
      id: trade.id,
      code: trade.code,
      state: trade.state,
      kind: trade.kind,
      method: trade.method,
      regionCode: trade.regionCode,
      title: trade.title,
      notice: { ...notice, bidDeadline: trade.bidDeadline.toISOString(), openingAt: trade.openingAt.toISOString(), tendereeName: nameOf(trade.tendereeOrganisationId) ?? '', agencyName: nameOf(trade.agencyOrganisationId) },
      bidDeadline: trade.bidDeadline.toISOString(),
      openingAt: trade.openingAt.toISOString(),
      publishedAt: trade.publishedAt?.toISOString() ?? null,
      openingCertificatePem: trade.openingCertificatePem,
      openingCertificateSerial: trade.openingCertificateSerial,
      officials: officialViews,
      threshold: trade.threshold,
      actions: this.canManage(actor, trade) ? this.engine.available(trade, actor?.role ?? null) : [],
      limits,
      serverTime: this.clock.now().toISOString(),
    };
    if (withHistory) {
      const rows = await this.models.TradeTransition.findAll({ where: { tradeId: trade.id }, order: [['seq', 'ASC']] });
      view.history = rows.map((r) => ({ seq: r.seq, name: r.name, from: r.fromState, to: r.toState, actor: r.actor, at: r.at.toISOString(), reason: r.reason }));
    }
    if (actor?.role === 'bidder' && actor.organisationId) {
      view.registered = (await this.models.TradeRegistration.count({ where: { tradeId: trade.id, organisationId: actor.organisationId } })) > 0;
    }
    return view;
  }

  async list(actor: Actor | null, query: { kind?: string; state?: string; region?: string; mine?: string }): Promise<TradeView[]> {
    const where: Record<string, unknown> = {};
    if (query.kind) where.kind = query.kind;
    if (query.state) where.state = query.state;
    if (query.region) where.regionCode = this.identity.regions.subtree(query.region);
    const rows = await this.models.Trade.findAll({ where, order: [['id', 'DESC']], limit: 200 });
    const visible = rows.filter((trade) => (trade.state === 'draft' || query.mine === 'true' ? this.canManage(actor, trade) : true));
    return Promise.all(visible.map((trade) => this.view(trade, actor)));
  }

  // ── writing the notice ──────────────────────────────────────────────────────────────────────

  private async checkNotice(actor: Actor, input: TradeNoticeInput): Promise<void> {
    if (!METHODS_BY_KIND[input.kind].includes(input.method)) {
      throw new AppError('METHOD_NOT_ALLOWED', `${input.kind} trades may use ${METHODS_BY_KIND[input.kind].join(', ')}`);
    }
    if (input.details.kind !== input.kind) throw new AppError('VALIDATION_FAILED', 'details.kind must equal kind');
    if (!this.identity.regions.get(input.regionCode)) throw new AppError('REGION_UNKNOWN', `no region ${input.regionCode}`);
    if (actor.role === 'center_staff' && !this.identity.regions.covers(actor.regionCode, input.regionCode)) {
      throw new AppError('FORBIDDEN_REGION', `region ${input.regionCode} is outside ${actor.regionCode}`);
    }
    if (actor.role === 'agent' && input.agencyOrganisationId !== actor.organisationId) {
      throw new AppError('NOT_PARTICIPANT', 'an agent creates trades for its own agency (agencyOrganisationId)');
    }
    const bad = (detail: string) => new AppError('VALIDATION_FAILED', detail);
    if (new Date(input.documentsUntil) > new Date(input.bidDeadline)) throw bad('documentsUntil must not be after bidDeadline');
    if (new Date(input.openingAt) < new Date(input.bidDeadline)) throw bad('openingAt must not be before bidDeadline');
    if (input.threshold > input.officials.length) throw bad('threshold must not exceed the number of officials');
    if (new Set(input.officials).size !== input.officials.length) throw bad('officials must be distinct');
    if (new Set(input.lots.map((l) => l.no)).size !== input.lots.length) throw bad('lot numbers must be distinct');
    if (input.invitees?.length && !INVITATION_METHODS.includes(input.method) && input.method === 'open_tender') throw bad('an open tender has no invitees');
    const orgIds = [input.tendereeOrganisationId, ...(input.agencyOrganisationId ? [input.agencyOrganisationId] : []), ...(input.invitees ?? [])];
    const orgs = await this.identity.models.Organisation.count({ where: { id: [...new Set(orgIds)] } });
    if (orgs !== new Set(orgIds).size) throw bad('an organisation named in the notice does not exist');
    const officials = await this.identity.models.User.findAll({ where: { id: input.officials } });
    if (officials.length !== input.officials.length || officials.some((u) => u.role !== 'official' || u.status !== 'active')) {
      throw bad('every official must be an active user with role official');
    }
  }

  private async nextCode(regionCode: string, t: Transaction): Promise<string> {
    const year = civilDateOf(this.clock.now()).slice(0, 4);
    const prefix = `${regionCode}-${year}-`;
    const count = await this.models.Trade.count({ where: { code: { [Op.like]: `${prefix}%` } }, transaction: t });
    return `${prefix}${String(count + 1).padStart(4, '0')}`;
  }

  private fieldsOf(input: TradeNoticeInput) {
    return {
      kind: input.kind,
      method: input.method,
      regionCode: input.regionCode,
      title: input.title,
      notice: JSON.stringify(input),
      tendereeOrganisationId: input.tendereeOrganisationId,
      agencyOrganisationId: input.agencyOrganisationId ?? null,
      documentsUntil: new Date(input.documentsUntil),
      bidDeadline: new Date(input.bidDeadline),
      openingAt: new Date(input.openingAt),
      threshold: input.threshold,
    };
  }

  async create(actor: Actor, input: TradeNoticeInput): Promise<TradeRow> {
    await this.checkNotice(actor, input);
    // The code is the next number in the region and year; two creations racing for it (MySQL runs
    // them concurrently) collide on the unique index, and the loser takes the next number.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.createOnce(actor, input);
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }

  private async createOnce(actor: Actor, input: TradeNoticeInput): Promise<TradeRow> {
    const id = await this.db.transaction(async (t) => {
      const now = this.clock.now();
      const code = await this.nextCode(input.regionCode, t);
      const trade = await this.models.Trade.create(
        { ...this.fieldsOf(input), code, state: 'draft', publishedAt: null, openingCertificatePem: null, openingCertificateSerial: null, createdBy: actor.userId, createdAt: now, updatedAt: now },
        { transaction: t },
      );
      await this.models.TradeOfficial.bulkCreate(
        input.officials.map((userId) => ({ tradeId: trade.id, userId, certificateSerial: null, shareIndex: null, sealedShare: null })),
        { transaction: t },
      );
      await this.audit.append(t, { actor, action: 'trade.created', subject: `trade:${code}`, payload: { kind: input.kind, method: input.method, region: input.regionCode, title: input.title } });
      return trade.id;
    });
    return this.get(id);
  }

  async update(actor: Actor, id: number, input: TradeNoticeInput): Promise<TradeRow> {
    const trade = await this.get(id);
    this.assertManage(actor, trade);
    await this.checkNotice(actor, input);
    await this.db.transaction(async (t) => {
      const [count] = await this.models.Trade.update(
        { ...this.fieldsOf(input), updatedAt: this.clock.now(), version: trade.version + 1 },
        { where: { id, state: 'draft', version: trade.version }, transaction: t },
      );
      if (count !== 1) throw new AppError('TRADE_WRONG_STATE', 'only a draft can be edited (and not while someone else edits it)');
      await this.models.TradeOfficial.destroy({ where: { tradeId: id }, transaction: t });
      await this.models.TradeOfficial.bulkCreate(
        input.officials.map((userId) => ({ tradeId: id, userId, certificateSerial: null, shareIndex: null, sealedShare: null })),
        { transaction: t },
      );
      await this.audit.append(t, { actor, action: 'trade.edited', subject: `trade:${trade.code}`, payload: { title: input.title } });
    });
    return this.get(id);
  }

  /** A failed trade (流标) is tendered again as a new draft that names it; staff then set new dates and publish. */
  async retender(actor: Actor, id: number): Promise<TradeRow> {
    const failed = await this.get(id);
    this.assertManage(actor, failed);
    if (failed.state !== 'failed') throw new AppError('TRADE_WRONG_STATE', `only a failed trade is tendered again (this one is ${failed.state})`);
    const notice = noticeOf(failed);
    const title = notice.title.endsWith('（重新招标）') ? notice.title : `${notice.title.slice(0, 194)}（重新招标）`;
    const draft = await this.create(actor, { ...notice, title, previousTradeId: failed.id });
    await this.audit.record({ actor, action: 'trade.retendered', subject: `trade:${failed.code}`, payload: { next: draft.code } });
    return draft;
  }

  /** Fires a lifecycle transition; `effect` is the calling module's own writes inside the same transaction. */
  async fire(actor: Actor | SystemActor, id: number, transition: string, reason?: string, effect?: (t: Transaction, trade: TradeRow) => Promise<void>): Promise<TradeRow> {
    if (actor.kind === 'user') this.assertManage(actor, await this.get(id));
    return this.engine.fire(id, transition, actor, this.context(), { reason: reason ?? null, effect });
  }

  /** The generic transitions route: transitions a module route owns (publicity, award, contract) are refused there. */
  async fireByHand(actor: Actor, id: number, transition: string, reason?: string): Promise<TradeRow> {
    this.assertManage(actor, await this.get(id));
    return this.engine.fire(id, transition, actor, this.context(), { reason: reason ?? null, generic: true });
  }

  // ── rules on the calendar ───────────────────────────────────────────────────────────────────

  /** The earliest civil date a period (rule family `prefix`) started at `from` allows, on the region's calendar. */
  async periodLimit(prefix: string, trade: TradeRow, from: Date): Promise<{ rule: EffectiveRule; earliest: CivilDate } | null> {
    const rule = await this.rules.forTrade(prefix, trade);
    if (!rule || (rule.row.unit !== 'day' && rule.row.unit !== 'workingDay')) return null;
    const calendar = await this.calendar.forRegion(trade.regionCode);
    return { rule, earliest: calendar.periodEnd(civilDateOf(from), { amount: rule.value, unit: rule.row.unit }) };
  }

  // ── publication: the opening key ────────────────────────────────────────────────────────────

  /** Opening officials a notice may name (staff: in their jurisdiction), and whether each holds a certificate today. */
  async officials(actor: Actor): Promise<{ id: number; username: string; displayName: string; regionCode: string; certificateSerial: string | null }[]> {
    const users = await this.identity.models.User.findAll({ where: { role: 'official', status: 'active' }, order: [['id', 'ASC']] });
    const mine = users.filter((u) => actor.role !== 'center_staff' || this.identity.regions.covers(actor.regionCode, u.regionCode));
    return Promise.all(
      mine.map(async (u) => {
        const cert = await this.certificates.models.Certificate.findOne({ where: { userId: u.id, status: 'valid' }, order: [['notAfter', 'DESC']] });
        const usable = cert && cert.notAfter > this.clock.now() && cert.notBefore <= this.clock.now();
        return { id: u.id, username: u.username, displayName: u.displayName, regionCode: u.regionCode, certificateSerial: usable ? cert.serial : null };
      }),
    );
  }

  /** Named officials who hold a usable encryption certificate; OFFICIALS_INSUFFICIENT if fewer than k (or k below the rule). */
  async officialHolders(trade: TradeRow): Promise<OfficialHolder[]> {
    const rule = await this.rules.forTrade('opening.officials_threshold', trade);
    if (rule && trade.threshold < rule.value) {
      throw new AppError('OFFICIALS_INSUFFICIENT', `at least ${rule.value} officials' shares must be needed to open (threshold ${trade.threshold})`, {
        extra: { rule: rule.row.id, value: rule.value, source: rule.row.source },
      });
    }
    const officials = await this.models.TradeOfficial.findAll({ where: { tradeId: trade.id }, order: [['id', 'ASC']] });
    const holders: OfficialHolder[] = [];
    const missing: number[] = [];
    for (const official of officials) {
      const certs = await this.certificates.models.Certificate.findAll({ where: { userId: official.userId, status: 'valid' }, order: [['notAfter', 'DESC']] });
      let found: OfficialHolder | null = null;
      for (const cert of certs) {
        try {
          await this.certificates.assertUsable(cert.pem, { userId: official.userId, usage: 'encryption', at: this.clock.now() });
          found = { userId: official.userId, certificatePem: cert.pem, serial: cert.serial };
          break;
        } catch {
          // expired, revoked or otherwise unusable: try the next
        }
      }
      if (found) holders.push(found);
      else missing.push(official.userId);
    }
    if (holders.length < trade.threshold || holders.length < 2) {
      throw new AppError('OFFICIALS_INSUFFICIENT', `${holders.length} of ${officials.length} officials hold a valid certificate; ${trade.threshold} are needed`, {
        extra: { holders: holders.map((h) => h.userId), missing, threshold: trade.threshold },
      });
    }
    return holders;
  }

  /** Makes the opening key pair, has the CA certify it, splits the private key k-of-n and seals each share to its official. The whole key is dropped here. */
  async makeOpeningKey(trade: TradeRow): Promise<OpeningKeyMaterial> {
    const holders = await this.officialHolders(trade);
    const keys = await generateOpeningKeyPair();
    const days = Math.ceil((trade.openingAt.getTime() - this.clock.now().getTime()) / 86_400_000) + 365;
    const cert = await this.certificates.issueServiceCertificate(null, createCsr(keys.privateKeyPem, { commonName: `开标密钥 ${trade.code}` }), 'opening', days);
    const shares = await splitOpeningKey({ privateKeyPem: keys.privateKeyPem, openingCertificatePem: cert.pem, tradeId: trade.code, k: trade.threshold, n: holders.length });
    const sealed = await Promise.all(shares.map((share, i) => sealShareFor(share, holders[i]!.certificatePem)));
    return {
      certificatePem: cert.pem,
      serial: cert.serial,
      shares: holders.map((h, i) => ({ userId: h.userId, certificateSerial: h.serial, index: i + 1, sealed: sealed[i]! })),
    };
  }

  async storeOpeningKey(t: Transaction, trade: TradeRow, material: OpeningKeyMaterial): Promise<void> {
    const now = this.clock.now();
    await this.models.Trade.update(
      { openingCertificatePem: material.certificatePem, openingCertificateSerial: material.serial, publishedAt: now },
      { where: { id: trade.id }, transaction: t },
    );
    for (const share of material.shares) {
      await this.models.TradeOfficial.update(
        { certificateSerial: share.certificateSerial, shareIndex: share.index, sealedShare: Buffer.from(share.sealed) },
        { where: { tradeId: trade.id, userId: share.userId }, transaction: t },
      );
    }
    await this.audit.append(t, {
      actor: { kind: 'system', name: 'opening-key' },
      action: 'trade.opening_key_split',
      subject: `trade:${trade.code}`,
      payload: { certificate: material.serial, k: trade.threshold, n: material.shares.length, officials: material.shares.map((s) => ({ user: s.userId, certificate: s.certificateSerial, index: s.index })) },
    });
  }

  /** The sealed share an official downloads (CMS enveloped to the official's certificate). */
  async sealedShareFor(actor: Actor, tradeId: number): Promise<{ sealed: Buffer; index: number; certificateSerial: string }> {
    const row = await this.models.TradeOfficial.findOne({ where: { tradeId, userId: actor.userId } });
    if (!row?.sealedShare || row.shareIndex === null || !row.certificateSerial) throw new AppError('NOT_FOUND', 'you hold no share of this trade’s opening key');
    return { sealed: row.sealedShare, index: row.shareIndex, certificateSerial: row.certificateSerial };
  }

  // ── documents ───────────────────────────────────────────────────────────────────────────────

  async hasTenderDocuments(tradeId: number): Promise<boolean> {
    return (await this.models.TradeDocument.count({ where: { tradeId, kind: 'tender_documents' } })) > 0;
  }

  async publishDocuments(t: Transaction, trade: TradeRow): Promise<void> {
    await this.models.TradeDocument.update({ publishedAt: this.clock.now() }, { where: { tradeId: trade.id, publishedAt: null }, transaction: t });
  }

  documentView(doc: DocumentRow): DocumentView {
    return {
      id: doc.id,
      tradeId: doc.tradeId,
      kind: doc.kind,
      title: doc.title,
      fileName: doc.fileName,
      size: Number(doc.size),
      sha256: doc.sha256,
      mediaType: doc.mediaType,
      publishedAt: doc.publishedAt?.toISOString() ?? null,
      affectsBids: Boolean(doc.affectsBids),
      deadlineMoved: doc.deadlineFrom && doc.deadlineTo ? { from: doc.deadlineFrom.toISOString(), to: doc.deadlineTo.toISOString() } : null,
    };
  }

  /**
   * Adds a document. In a draft it waits for publication; during bidding it is published at once as a
   * clarification/amendment: if it affects bids and comes inside the clarification lead time, the
   * deadline (and the opening, which is at the deadline) moves out to the first date the rule allows —
   * never earlier than it was — and everyone who registered, downloaded or bid is notified.
   */
  async addDocument(
    actor: Actor,
    tradeId: number,
    upload: Received<{ kind: DocumentView['kind']; title: string; affectsBids?: 'true' | 'false' | undefined }>,
  ): Promise<DocumentView> {
    const file = upload.files.file!;
    const trade = await this.get(tradeId);
    this.assertManage(actor, trade);
    const { kind, title } = upload.fields;
    const affectsBids = upload.fields.affectsBids === 'true' || kind === 'amendment';
    if (trade.state === 'bidding' && (kind === 'tender_documents' || kind === 'attachment')) {
      throw new AppError('TRADE_WRONG_STATE', 'after publication, changes to the documents are published as a clarification or amendment');
    }
    if (trade.state !== 'draft' && trade.state !== 'bidding') throw new AppError('TRADE_WRONG_STATE', `documents cannot be added to a trade in state ${trade.state}`);
    await this.blobs.commit(file.ingested!);
    const id = await this.db.transaction(async (t) => {
      const locked = (await this.models.Trade.findByPk(tradeId, lockFor(t)))!;
      if (locked.state !== trade.state) throw new AppError('TRADE_WRONG_STATE', `the trade moved on to ${locked.state}`);
      const now = this.clock.now();
      let moved: { from: Date; to: Date } | null = null;
      if (locked.state === 'bidding') {
        if (now >= locked.bidDeadline) throw new AppError('BID_DEADLINE_PASSED', 'the bid deadline has passed');
        if (affectsBids) moved = await this.deadlineAfterClarification(locked, now);
        if (moved) {
          await this.models.Trade.update(
            { bidDeadline: moved.to, openingAt: moved.to, version: locked.version + 1, updatedAt: now },
            { where: { id: tradeId }, transaction: t },
          );
        }
      }
      const doc = await this.models.TradeDocument.create(
        {
          tradeId,
          kind,
          title,
          fileName: file.fileName,
          mediaType: file.mediaType,
          size: file.ingested!.size,
          sha256: file.ingested!.sha256,
          affectsBids,
          publishedAt: locked.state === 'bidding' ? now : null,
          deadlineFrom: moved?.from ?? null,
          deadlineTo: moved?.to ?? null,
          uploadedBy: actor.userId,
          createdAt: now,
        },
        { transaction: t },
      );
      await this.audit.append(t, {
        actor,
        action: locked.state === 'bidding' ? 'trade.clarified' : 'trade.document_added',
        subject: `trade:${locked.code}`,
        payload: { document: doc.id, kind, title, sha256: file.ingested!.sha256, size: file.ingested!.size, affectsBids, deadlineMoved: moved ? { from: moved.from.toISOString(), to: moved.to.toISOString() } : null },
      });
      if (locked.state === 'bidding') await this.notifyParticipants(t, locked, moved ? 'trade.deadline_moved' : 'trade.amended', { document: title, deadline: (moved?.to ?? locked.bidDeadline).toISOString() });
      return doc.id;
    });
    await this.flushNotifications(tradeId);
    this.scheduler?.poke();
    return this.documentView((await this.models.TradeDocument.findByPk(id))!);
  }

  /** The new deadline if a clarification issued `now` falls inside the lead time, else null. */
  private async deadlineAfterClarification(trade: TradeRow, now: Date): Promise<{ from: Date; to: Date } | null> {
    const limit = await this.periodLimit('clarification.lead', trade, now);
    if (!limit || civilDateOf(trade.bidDeadline) >= limit.earliest) return null;
    const to = atCivilTime(limit.earliest, trade.bidDeadline);
    return to > trade.bidDeadline ? { from: trade.bidDeadline, to } : null;
  }

  async documents(actor: Actor | null, tradeId: number): Promise<DocumentView[]> {
    const trade = await this.visible(tradeId, actor);
    const rows = await this.models.TradeDocument.findAll({ where: { tradeId: trade.id }, order: [['id', 'ASC']] });
    return rows.filter((d) => d.publishedAt || this.canManage(actor, trade)).map((d) => this.documentView(d));
  }

  /** Streams a document. Bidders must have registered; each bidder download goes into the register. */
  async download(actor: Actor, tradeId: number, documentId: number, res: Response): Promise<void> {
    const trade = await this.visible(tradeId, actor);
    const doc = await this.models.TradeDocument.findOne({ where: { id: documentId, tradeId } });
    if (!doc || (!doc.publishedAt && !this.canManage(actor, trade))) throw new AppError('NOT_FOUND', `no document ${documentId}`);
    if (actor.role === 'bidder') {
      const organisationId = this.bidderOrganisation(actor);
      const registered = await this.models.TradeRegistration.count({ where: { tradeId, organisationId } });
      if (!registered) throw new AppError('BIDDER_NOT_REGISTERED', 'register for the trade (报名) to download its documents');
      await this.db.transaction(async (t) => {
        await this.models.DocumentDownload.create({ tradeId, documentId, organisationId, userId: actor.userId, at: this.clock.now() }, { transaction: t });
        await this.audit.append(t, { actor, action: 'trade.document_downloaded', subject: `trade:${trade.code}`, payload: { document: documentId, sha256: doc.sha256 } });
      });
    } else if (!this.canManage(actor, trade) && !this.canOversee(actor, trade) && actor.role !== 'official') {
      throw new AppError('NOT_PARTICIPANT', 'tender documents are for registered bidders and the trade’s staff');
    }
    await this.blobs.send(res, { sha256: doc.sha256, size: Number(doc.size), fileName: doc.fileName, mediaType: doc.mediaType });
  }

  // ── registration (报名) and the download register ─────────────────────────────────────────

  bidderOrganisation(actor: Actor): number {
    if (actor.role !== 'bidder' || actor.organisationId === null) throw new AppError('ORGANISATION_REQUIRED', 'only a bidder of a registered organisation may do this');
    return actor.organisationId;
  }

  /** Checks shared by registration and bid upload: invitation and credit. */
  async assertMayTakePart(trade: TradeRow, organisationId: number, action: 'register' | 'bid', at: Date, t?: Transaction): Promise<void> {
    const invitees = noticeOf(trade).invitees;
    if (INVITATION_METHODS.includes(trade.method) || (invitees && invitees.length > 0)) {
      if (!invitees?.includes(organisationId)) throw new AppError('NOT_INVITED', `trade ${trade.code} is by invitation`);
    }
    const org = await this.identity.models.Organisation.findByPk(organisationId, t ? { transaction: t } : {});
    if (!org) throw new AppError('ORGANISATION_REQUIRED');
    await this.credit.assertAllowed(org.uscc, action, at, t);
  }

  async register(actor: Actor, tradeId: number): Promise<RegistrationView> {
    const organisationId = this.bidderOrganisation(actor);
    const trade = await this.visible(tradeId, actor);
    const now = this.clock.now();
    if (trade.state !== 'bidding') throw new AppError('TRADE_WRONG_STATE', `registration is open while the trade is bidding (it is ${trade.state})`);
    if (now >= trade.documentsUntil) throw new AppError('DOCUMENTS_CLOSED', `documents were available until ${trade.documentsUntil.toISOString()}`);
    await this.assertMayTakePart(trade, organisationId, 'register', now);
    const existing = await this.models.TradeRegistration.findOne({ where: { tradeId, organisationId } });
    const row =
      existing ??
      (await this.db.transaction(async (t) => {
        const created = await this.models.TradeRegistration.create({ tradeId, organisationId, userId: actor.userId, registeredAt: now }, { transaction: t });
        await this.audit.append(t, { actor, action: 'trade.registered', subject: `trade:${trade.code}`, payload: { organisation: organisationId } });
        return created;
      }));
    const org = await this.identity.models.Organisation.findByPk(organisationId);
    return { tradeId, organisationId, organisationName: org?.name ?? '', registeredAt: row.registeredAt.toISOString() };
  }

  async assertRegistered(tradeId: number, organisationId: number, t?: Transaction): Promise<void> {
    const count = await this.models.TradeRegistration.count({ where: { tradeId, organisationId }, ...(t ? { transaction: t } : {}) });
    if (!count) throw new AppError('BIDDER_NOT_REGISTERED', 'register for the trade (报名) before bidding');
  }

  /** Who downloaded what and when: staff and supervisors of the region only. */
  async downloadRegister(actor: Actor, tradeId: number): Promise<{ registrations: RegistrationView[]; downloads: DownloadView[] }> {
    const trade = await this.get(tradeId);
    if (!this.canOversee(actor, trade) && !this.canManage(actor, trade)) throw new AppError('NOT_PARTICIPANT', 'the download register is confidential until the opening');
    if (actor.role === 'agent') throw new AppError('NOT_PARTICIPANT', 'the download register is for the trading center and supervisors');
    const regs = await this.models.TradeRegistration.findAll({ where: { tradeId }, order: [['registeredAt', 'ASC']] });
    const downloads = await this.models.DocumentDownload.findAll({ where: { tradeId }, order: [['at', 'ASC'], ['id', 'ASC']] });
    const orgs = await this.identity.models.Organisation.findAll({ where: { id: [...new Set([...regs.map((r) => r.organisationId), ...downloads.map((d) => d.organisationId)])] } });
    const users = await this.identity.models.User.findAll({ where: { id: [...new Set(downloads.map((d) => d.userId))] } });
    const docs = await this.models.TradeDocument.findAll({ where: { tradeId } });
    const org = (id: number) => orgs.find((o) => o.id === id);
    await this.audit.record({ actor, action: 'trade.register_viewed', subject: `trade:${trade.code}` });
    return {
      registrations: regs.map((r) => ({ tradeId, organisationId: r.organisationId, organisationName: org(r.organisationId)?.name ?? '', registeredAt: r.registeredAt.toISOString() })),
      downloads: downloads.map((d) => ({
        organisationId: d.organisationId,
        organisationName: org(d.organisationId)?.name ?? '',
        uscc: org(d.organisationId)?.uscc ?? '',
        username: users.find((u) => u.id === d.userId)?.username ?? '',
        documentId: d.documentId,
        documentTitle: docs.find((x) => x.id === d.documentId)?.title ?? '',
        at: d.at.toISOString(),
      })),
    };
  }

  // ── notifications ───────────────────────────────────────────────────────────────────────────

  /** Every user of an organisation that registered, downloaded or bid gets a notification (written in `t`). */
  async notifyParticipants(t: Transaction, trade: TradeRow, kind: NotificationView['kind'], facts: Record<string, string> = {}, texts?: { title: string; body: string }): Promise<void> {
    const orgIds = new Set<number>();
    for (const r of await this.models.TradeRegistration.findAll({ where: { tradeId: trade.id }, transaction: t })) orgIds.add(r.organisationId);
    for (const d of await this.models.DocumentDownload.findAll({ where: { tradeId: trade.id }, transaction: t })) orgIds.add(d.organisationId);
    const bidders = (await this.db.query('SELECT DISTINCT organisation_id FROM bids WHERE trade_id = ?', { replacements: [trade.id], transaction: t })) as unknown as [{ organisation_id: number }[]];
    for (const b of bidders[0]) orgIds.add(Number(b.organisation_id));
    if (!orgIds.size) return;
    const users = await this.identity.models.User.findAll({ where: { organisationId: [...orgIds], status: 'active' }, transaction: t });
    const { title, body } = texts ?? notificationText(kind, trade, facts);
    await this.notifier.queue(t, trade.id, users.map((u) => u.id), kind, title, body);
  }

  flushNotifications(tradeId: number): Promise<void> {
    return this.notifier.flush(tradeId);
  }
}

export function notificationText(kind: NotificationView['kind'], trade: TradeRow, facts: Record<string, string>): { title: string; body: string } {
  switch (kind) {
    case 'trade.deadline_moved':
      return {
        title: `【澄清/修改】${trade.title}：投标截止时间顺延`,
        body: `交易 ${trade.code} 发布了影响投标文件编制的澄清或修改「${facts.document ?? ''}」，投标截止时间顺延至 ${facts.deadline ?? ''}。此前递交的投标文件请核对后决定是否修改。 / A clarification affecting bids was published; the bid deadline moves to ${facts.deadline ?? ''}.`,
      };
    case 'trade.amended':
      return {
        title: `【澄清/修改】${trade.title}`,
        body: `交易 ${trade.code} 发布了澄清或修改「${facts.document ?? ''}」，请下载查阅。 / A clarification was published for trade ${trade.code}.`,
      };
    case 'trade.cancelled':
      return { title: `【终止】${trade.title}`, body: `交易 ${trade.code} 已终止。 / Trade ${trade.code} was cancelled.` };
    case 'evaluation.explanation_requested':
      return {
        title: `【澄清说明】${trade.title}：请对投标报价作出书面说明`,
        body: `评标委员会认为贵公司在交易 ${trade.code} 中的报价可能低于成本，请于 ${facts.deadline ?? ''} 前在线提交书面说明及证明材料。 / The committee asks for a written explanation of your price by ${facts.deadline ?? ''}.`,
      };
    default:
      // the recheck, award and complaints modules write their own texts (notifyParticipants `texts`, or Notifier.queue)
      throw new Error(`no standard text for notification ${kind}`);
  }
}
