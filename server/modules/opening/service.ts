import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Namespace } from 'socket.io';
import { readBidPackage } from '../../../crypto/bid-package.js';
import { describeCertificate } from '../../../crypto/certificates.js';
import { isCryptoError } from '../../../crypto/errors.js';
import { openBidFile, type BidFileOpener } from '../../../crypto/node/sealed-bid-file.js';
import { combineShares, decodeShare } from '../../../crypto/opening-key.js';
import { base64ToBytes } from '../../../crypto/pkijs-support.js';
import { BidJson } from '../../../contracts/bids.js';
import { maskIdNumber } from '../../../contracts/credit-names.js';
import {
  OPENING_EVENT,
  type BidOutcome,
  type OpeningEvent,
  type OpeningEventType,
  type OpeningRecord,
  type OpeningResultView,
  type OpeningView,
  type RefusalReason,
} from '../../../contracts/opening.js';
import type { Db } from '../../db/index.js';
import { lockFor } from '../../db/index.js';
import type { Actor, SystemActor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { DueSource } from '../../kernel/lifecycle/scheduler.js';
import type { Logger } from '../../kernel/logger.js';
import { findCjkFont } from '../../kernel/pdf.js';
import type { BlobStore } from '../../kernel/storage.js';
import type { BidRow, BidService } from '../bids/service.js';
import type { IdentityService } from '../identity/service.js';
import { noticeOf, type TradeRow } from '../trades/models.js';
import type { TradeService } from '../trades/service.js';
import { defineOpeningModels, type OpeningModels, type ResultRow, type SessionRow } from './models.js';
import { renderOpeningRecord } from './pdf.js';

const SYSTEM: SystemActor = { kind: 'system', name: 'opening' };
const MINUTE = 60_000;

interface Decrypted {
  outcome: BidOutcome;
  reason: RefusalReason | null;
  detail: string | null;
  bidJson: Record<string, unknown> | null;
  priceFen: number | null;
  innerSignerSerial: string | null;
  packageSha256: string | null;
}

/**
 * The opening hall (architecture.md "One sealed bid's way through", step 4). The session, each
 * share's arrival, each bid's result and the record are rows written before anything is broadcast;
 * the live hall replays them by sequence number. The rebuilt opening key exists only in this
 * function's memory while the bids are decrypted; submitted shares are wiped once it has been used.
 */
export class OpeningService {
  readonly models: OpeningModels;
  private namespace: Namespace | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly identity: IdentityService,
    private readonly trades: TradeService,
    private readonly bids: BidService,
    private readonly blobs: BlobStore,
    private readonly config: { cjkFontPath: string | undefined },
    private readonly logger: Logger,
  ) {
    this.models = defineOpeningModels(db);
  }

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  // ── access ──────────────────────────────────────────────────────────────────────────────────

  /** Who may watch the hall: the trade's staff and supervisors, its named officials, and bidders who registered. */
  async assertParticipant(actor: Actor, trade: TradeRow): Promise<void> {
    if (this.trades.canOversee(actor, trade) || this.trades.canManage(actor, trade)) return;
    if (actor.role === 'official' && (await this.trades.models.TradeOfficial.count({ where: { tradeId: trade.id, userId: actor.userId } }))) return;
    if (actor.role === 'bidder' && actor.organisationId && (await this.trades.models.TradeRegistration.count({ where: { tradeId: trade.id, organisationId: actor.organisationId } }))) return;
    throw new AppError('NOT_PARTICIPANT', 'the opening hall is for the trade’s staff, officials and registered bidders');
  }

  private assertStaff(actor: Actor, trade: TradeRow): void {
    if (actor.role === 'agent' || !this.trades.canManage(actor, trade)) throw new AppError('NOT_PARTICIPANT', 'the trading center runs the opening');
  }

  // ── events ──────────────────────────────────────────────────────────────────────────────────

  /** Appends a numbered event in `t` (the session row is locked by the caller) and broadcasts it after commit. */
  private async event(t: Transaction, session: SessionRow, type: OpeningEventType, payload: Record<string, unknown>): Promise<void> {
    const seq = session.lastSeq + 1;
    const at = this.clock.now();
    await this.models.OpeningEventRow.create({ tradeId: session.tradeId, seq, type, payload: JSON.stringify(payload), at }, { transaction: t });
    await session.update({ lastSeq: seq }, { transaction: t });
    const event: OpeningEvent = { seq, type, at: at.toISOString(), payload };
    t.afterCommit(() => {
      this.namespace?.to(`opening:${session.tradeId}`).emit(OPENING_EVENT, event);
    });
  }

  async events(tradeId: number, after: number): Promise<OpeningEvent[]> {
    const rows = await this.models.OpeningEventRow.findAll({ where: { tradeId }, order: [['seq', 'ASC']] });
    return rows.filter((r) => r.seq > after).map((r) => ({ seq: r.seq, type: r.type, at: r.at.toISOString(), payload: JSON.parse(r.payload) as Record<string, unknown> }));
  }

  private async lockedSession(t: Transaction, tradeId: number): Promise<SessionRow> {
    const session = await this.models.OpeningSession.findByPk(tradeId, lockFor(t));
    if (!session) throw new AppError('OPENING_WRONG_STATE', 'the opening has not started');
    return session;
  }

  // ── the steps ───────────────────────────────────────────────────────────────────────────────

  /** Staff open the hall once the deadline has passed (trade in `opening`). With too few bids there is no opening (流标). */
  async start(actor: Actor, tradeId: number): Promise<OpeningView> {
    const trade = await this.trades.get(tradeId);
    this.assertStaff(actor, trade);
    if (trade.state !== 'opening') throw new AppError('TRADE_WRONG_STATE', `the trade is ${trade.state}; the opening starts after the bid deadline`, { extra: { state: trade.state } });
    const mode = noticeOf(trade).unlockMode;
    const window = await this.trades.rules.forTrade('opening.bidder_unlock_window', trade);
    await this.db.transaction(async (t) => {
      if (await this.models.OpeningSession.findByPk(tradeId, lockFor(t))) throw new AppError('OPENING_WRONG_STATE', 'the opening has already started');
      const now = this.clock.now();
      const session = await this.models.OpeningSession.create(
        {
          tradeId,
          state: 'unlocking',
          mode,
          startedAt: now,
          startedBy: actor.userId,
          unlockUntil: mode === 'bidder' ? new Date(now.getTime() + (window?.value ?? 30) * MINUTE) : null,
          record: null,
          publishedAt: null,
          confirmUntil: null,
          closedAt: null,
        },
        { transaction: t },
      );
      const current = await this.currentBids(tradeId, t);
      await this.event(t, session, 'opening.started', { mode, bids: current.length, unlockUntil: session.unlockUntil?.toISOString() ?? null, sharesNeeded: trade.threshold });
      await this.audit.append(t, { actor, action: 'opening.started', subject: `trade:${trade.code}`, payload: { mode, bids: current.length } });
      const minimum = await this.minimumValidBids(trade);
      if (current.length < minimum.value) {
        // 投标人少于3个的，不得开标: nothing is decrypted
        await this.writeRecord(t, session, trade, `投标人少于${minimum.value}个，不得开标（${minimum.source}）`);
      }
    });
    return this.view(actor, tradeId);
  }

  private async currentBids(tradeId: number, t?: Transaction): Promise<BidRow[]> {
    return this.bids.models.Bid.findAll({ where: { tradeId, status: 'current' }, order: [['receivedAt', 'ASC'], ['id', 'ASC']], ...(t ? { transaction: t } : {}) });
  }

  private async minimumValidBids(trade: TradeRow): Promise<{ value: number; source: string }> {
    const rule = await this.trades.rules.forTrade('opening.min_valid_bids', trade);
    return { value: rule?.value ?? 1, source: rule?.row.source ?? '' };
  }

  /** An official's decrypted share. When k are in, the key is rebuilt in memory and every waiting bid is opened. */
  async submitShare(actor: Actor, tradeId: number, shareText: string): Promise<OpeningView> {
    const trade = await this.trades.get(tradeId);
    const official = await this.trades.models.TradeOfficial.findOne({ where: { tradeId, userId: actor.userId } });
    if (!official || official.shareIndex === null) throw new AppError('NOT_AN_OFFICIAL', 'you hold no share of this trade’s opening key');
    let share;
    try {
      share = await decodeShare(shareText);
    } catch (error) {
      throw new AppError('SHARE_INVALID', error instanceof Error ? error.message : String(error));
    }
    if (share.tradeId !== trade.code || share.index !== official.shareIndex) {
      throw new AppError('SHARE_INVALID', `this is share ${share.index} of ${share.tradeId}; yours is share ${official.shareIndex} of ${trade.code}`);
    }
    const ready = await this.db.transaction(async (t) => {
      const session = await this.lockedSession(t, tradeId);
      if (session.state !== 'unlocking') throw new AppError('OPENING_WRONG_STATE', `the opening is ${session.state}`);
      const earlier = await this.models.ShareSubmission.findOne({ where: { tradeId, userId: actor.userId }, transaction: t });
      // a share already used (and wiped) may be submitted again for a later remedy in a bidder-unlock opening
      if (earlier?.share) {
        // k shares already in but no record (the process that was opening died): resubmitting resumes it
        if ((await this.liveShares(tradeId, t)) >= trade.threshold) return true;
        throw new AppError('SHARE_ALREADY_SUBMITTED');
      }
      const now = this.clock.now();
      if (earlier) await earlier.update({ share: shareText, submittedAt: now }, { transaction: t });
      else await this.models.ShareSubmission.create({ tradeId, userId: actor.userId, shareIndex: official.shareIndex!, share: shareText, submittedAt: now }, { transaction: t });
      const count = await this.liveShares(tradeId, t);
      const user = await this.identity.models.User.findByPk(actor.userId, { transaction: t });
      await this.event(t, session, 'share.received', { official: user?.displayName ?? actor.username, index: official.shareIndex, count, needed: trade.threshold });
      await this.audit.append(t, { actor, action: 'opening.share_received', subject: `trade:${trade.code}`, payload: { index: official.shareIndex, count, needed: trade.threshold } });
      return count >= trade.threshold;
    });
    if (ready) await this.runOpening(trade);
    return this.view(actor, tradeId);
  }

  /** One opening per trade at a time in this process (two last shares arriving together start it once). */
  private readonly running = new Map<number, Promise<void>>();

  private runOpening(trade: TradeRow): Promise<void> {
    let run = this.running.get(trade.id);
    if (!run) {
      run = this.openWithOfficialsKey(trade).finally(() => this.running.delete(trade.id));
      this.running.set(trade.id, run);
    }
    return run;
  }

  private async liveShares(tradeId: number, t?: Transaction): Promise<number> {
    return (await this.models.ShareSubmission.findAll({ where: { tradeId }, ...(t ? { transaction: t } : {}) })).filter((s) => s.share).length;
  }

  /** Rebuilds the opening key from the submitted shares and opens every bid that waits for it; wipes the shares. */
  private async openWithOfficialsKey(trade: TradeRow): Promise<void> {
    const submissions = (await this.models.ShareSubmission.findAll({ where: { tradeId: trade.id } })).filter((s) => s.share);
    let privateKeyPem: string | null = null;
    try {
      privateKeyPem = await combineShares(
        submissions.map((s) => s.share!).filter(Boolean),
        { openingCertificatePem: trade.openingCertificatePem!, tradeId: trade.code },
      );
    } catch (error) {
      throw new AppError('OPENING_KEY_FAILED', error instanceof Error ? error.message : String(error));
    }
    try {
      const session = (await this.models.OpeningSession.findByPk(trade.id))!;
      const opened = new Set((await this.models.OpeningResult.findAll({ where: { tradeId: trade.id } })).map((r) => r.bidId));
      const remedyOnly = session.mode === 'bidder';
      for (const bid of await this.currentBids(trade.id)) {
        if (opened.has(bid.id)) continue;
        // in bidder mode the officials' key opens only the bids staff sent to the remedy (someone else's fault)
        if (remedyOnly && !(await this.remedyRequested(trade.id, bid.id))) continue;
        const result = await this.decrypt(trade, bid, { privateKeyPem, certificatePem: trade.openingCertificatePem! });
        // a remedy that fails too is 撤回 (not the bidder's fault)
        await this.saveResult(trade, bid, remedyOnly && result.outcome === 'refused' ? { ...result, outcome: 'withdrawn', reason: 'UNLOCK_FAILED' } : result);
      }
    } finally {
      privateKeyPem = null;
      // the shares have done their work: the database keeps who submitted and when, not the shares
      await this.db.transaction(async (t) => {
        await this.models.ShareSubmission.update({ share: null }, { where: { tradeId: trade.id }, transaction: t });
        await this.audit.append(t, { actor: SYSTEM, action: 'opening.key_used_and_wiped', subject: `trade:${trade.code}`, payload: { shares: submissions.length } });
      });
    }
    await this.finishIfDone(trade.id);
  }

  private async remedyRequested(tradeId: number, bidId: number): Promise<boolean> {
    const events = await this.models.OpeningEventRow.findAll({ where: { tradeId, type: 'bid.unlocked' } });
    return events.some((e) => {
      const p = JSON.parse(e.payload) as { bidId: number; remedy?: string };
      return p.bidId === bidId && p.remedy === 'other';
    });
  }

  /** Bidder-unlock mode: the bidder hands over its bid's content key (unwrapped on its side). */
  async unlock(actor: Actor, tradeId: number, bidId: number, cekBase64: string): Promise<OpeningView> {
    const trade = await this.trades.get(tradeId);
    const organisationId = this.trades.bidderOrganisation(actor);
    const session = await this.models.OpeningSession.findByPk(tradeId);
    if (!session || session.state !== 'unlocking' || session.mode !== 'bidder') throw new AppError('OPENING_WRONG_STATE', 'bidders unlock only in a bidder-unlock opening that is running');
    if (!session.unlockUntil || this.clock.now() >= session.unlockUntil) throw new AppError('OPENING_WRONG_STATE', 'the unlocking window has closed');
    const bid = await this.bids.models.Bid.findOne({ where: { id: bidId, tradeId, organisationId, status: 'current' } });
    if (!bid) throw new AppError('NOT_FOUND', `no current bid ${bidId} of yours`);
    if (await this.models.OpeningResult.findOne({ where: { bidId } })) throw new AppError('OPENING_WRONG_STATE', 'this bid is already open');
    const cek = base64ToBytes(cekBase64);
    if (!cek || cek.length !== 32) throw new AppError('UNLOCK_REFUSED', 'the content key must be 32 bytes');
    const result = await this.decrypt(trade, bid, { cek });
    cek.fill(0);
    if (result.outcome === 'refused' && result.reason === 'DECRYPTION_FAILED') throw new AppError('UNLOCK_REFUSED', result.detail ?? undefined);
    await this.saveResult(trade, bid, result, actor);
    await this.finishIfDone(tradeId);
    return this.view(actor, tradeId);
  }

  /** After the bidders' window: a bid its bidder did not unlock is revoked (its fault) or sent to the officials' key (someone else's). */
  async remedy(actor: Actor, tradeId: number, bidId: number, fault: 'bidder' | 'other', note: string): Promise<OpeningView> {
    const trade = await this.trades.get(tradeId);
    this.assertStaff(actor, trade);
    const session = await this.models.OpeningSession.findByPk(tradeId);
    if (!session || session.state !== 'unlocking' || session.mode !== 'bidder') throw new AppError('OPENING_WRONG_STATE', 'remedies are for a running bidder-unlock opening');
    if (session.unlockUntil && this.clock.now() < session.unlockUntil) throw new AppError('OPENING_WRONG_STATE', `the bidders’ window runs until ${session.unlockUntil.toISOString()}`);
    const bid = await this.bids.models.Bid.findOne({ where: { id: bidId, tradeId, status: 'current' } });
    if (!bid) throw new AppError('NOT_FOUND', `no current bid ${bidId}`);
    if (await this.models.OpeningResult.findOne({ where: { bidId } })) throw new AppError('OPENING_WRONG_STATE', 'this bid is already decided');
    if (fault === 'bidder') {
      await this.saveResult(trade, bid, { outcome: 'revoked', reason: 'BIDDER_DID_NOT_UNLOCK', detail: note, bidJson: null, priceFen: null, innerSignerSerial: null, packageSha256: null }, actor);
      await this.finishIfDone(tradeId);
    } else {
      await this.db.transaction(async (t) => {
        const locked = await this.lockedSession(t, tradeId);
        await this.event(t, locked, 'bid.unlocked', { bidId, remedy: 'other', note });
        await this.audit.append(t, { actor, action: 'opening.remedy', subject: `trade:${trade.code}`, payload: { bid: bidId, fault, note } });
      });
      // k shares already in open it at once; otherwise it waits for the officials to submit theirs
      if ((await this.liveShares(tradeId)) >= trade.threshold) await this.runOpening(trade);
    }
    return this.view(actor, tradeId);
  }

  /**
   * Decrypts one bid by streaming: content key, GCM, inner signature — which must be by the same
   * certificate as the outer one the platform checked against the uploader at upload — then
   * bid.json against the contract and against this trade and bidder. Never throws for a bad bid:
   * answers a refusal with its reason.
   */
  private async decrypt(trade: TradeRow, bid: BidRow, opener: BidFileOpener): Promise<Decrypted> {
    const work = path.join(this.blobs.tempDir, `open-${randomUUID()}`);
    await fsp.mkdir(work, { recursive: true, mode: 0o700 });
    const refused = (reason: RefusalReason, detail: string): Decrypted => ({ outcome: 'refused', reason, detail: detail.slice(0, 500), bidJson: null, priceFen: null, innerSignerSerial: null, packageSha256: null });
    try {
      const signaturePath = path.join(work, 'bid.sig');
      await fsp.writeFile(signaturePath, bid.signature);
      const packagePath = path.join(work, 'package.zip');
      let opened;
      try {
        opened = await openBidFile({ sealedPath: this.blobs.pathOf(bid.sha256), signaturePath, outputPath: packagePath, opener });
      } catch (error) {
        const code = isCryptoError(error) ? error.code : 'UNKNOWN';
        const message = error instanceof Error ? error.message : String(error);
        if (['NOT_A_RECIPIENT', 'KEY_MISMATCH', 'AUTH_TAG_INVALID'].includes(code)) return refused('DECRYPTION_FAILED', `${code}: ${message}`);
        if (['SIGNER_MISMATCH', 'SIGNATURE_INVALID', 'DIGEST_MISMATCH'].includes(code)) return refused('SIGNATURE_MISMATCH', `${code}: ${message}`);
        return refused('MALFORMED_PACKAGE', `${code}: ${message}`);
      }
      const org = await this.identity.models.Organisation.findByPk(bid.organisationId);
      const inner = describeCertificate(opened.innerSignerCertificatePem);
      if (inner.subject.uscc !== org?.uscc) return refused('SIGNATURE_MISMATCH', `the bid is signed inside by ${inner.subject.dn}, not by ${org?.name}`);
      let parsed;
      try {
        const bytes = new Uint8Array(await fsp.readFile(packagePath));
        const pkg = await readBidPackage(bytes);
        parsed = BidJson.safeParse(pkg.bidJson);
        if (!parsed.success) return refused('MALFORMED_PACKAGE', `bid.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        if (parsed.data.trade !== trade.code) return refused('MALFORMED_PACKAGE', `bid.json names trade ${parsed.data.trade}, not ${trade.code}`);
        if (parsed.data.bidder.uscc !== org?.uscc) return refused('MALFORMED_PACKAGE', `bid.json names bidder ${parsed.data.bidder.uscc}, not ${org?.uscc}`);
      } catch (error) {
        return refused('MALFORMED_PACKAGE', error instanceof Error ? error.message : String(error));
      }
      // the opened package is kept (content-addressed) for the evaluation; it is no longer secret
      const ingested = await this.blobs.ingest((await import('node:fs')).createReadStream(packagePath), Number.MAX_SAFE_INTEGER);
      await this.blobs.commit(ingested);
      return { outcome: 'opened', reason: null, detail: null, bidJson: parsed.data as unknown as Record<string, unknown>, priceFen: parsed.data.priceFen, innerSignerSerial: inner.serial, packageSha256: ingested.sha256 };
    } finally {
      await fsp.rm(work, { recursive: true, force: true });
    }
  }

  private async saveResult(trade: TradeRow, bid: BidRow, result: Decrypted, actor: Actor | SystemActor = SYSTEM): Promise<void> {
    await this.db.transaction(async (t) => {
      const session = await this.lockedSession(t, trade.id);
      // another process opening the same trade got here first: its result stands
      if (await this.models.OpeningResult.findOne({ where: { bidId: bid.id }, transaction: t })) return;
      const ord = (await this.models.OpeningResult.count({ where: { tradeId: trade.id }, transaction: t })) + 1;
      await this.models.OpeningResult.create(
        {
          tradeId: trade.id,
          bidId: bid.id,
          ord,
          outcome: result.outcome,
          reason: result.reason,
          detail: result.detail,
          bidJson: result.bidJson ? JSON.stringify(result.bidJson) : null,
          priceFen: result.priceFen,
          innerSignerSerial: result.innerSignerSerial,
          packageSha256: result.packageSha256,
          at: this.clock.now(),
        },
        { transaction: t },
      );
      // names and prices wait for the record: the live event says only which bid and how it went
      await this.event(t, session, 'bid.unlocked', { bidId: bid.id, order: ord, outcome: result.outcome, reason: result.reason });
      await this.audit.append(t, { actor, action: 'opening.bid_result', subject: `trade:${trade.code}`, payload: { bid: bid.id, sha256: bid.sha256, outcome: result.outcome, reason: result.reason, price: result.priceFen } });
    });
  }

  /** When every current bid has a result, the record is written (and the trade fails if too few are valid). */
  private async finishIfDone(tradeId: number): Promise<void> {
    const trade = await this.trades.get(tradeId);
    const bids = await this.currentBids(tradeId);
    const results = await this.models.OpeningResult.count({ where: { tradeId } });
    if (results < bids.length) return;
    await this.db.transaction(async (t) => {
      const session = await this.lockedSession(t, tradeId);
      if (session.state !== 'unlocking') return;
      await this.writeRecord(t, session, trade, null);
    });
  }

  private async writeRecord(t: Transaction, session: SessionRow, trade: TradeRow, noOpening: string | null): Promise<void> {
    const record = await this.buildRecord(trade, session, t, noOpening);
    await session.update({ state: 'recorded', record: JSON.stringify(record) }, { transaction: t });
    for (const result of record.results) await this.event(t, session, 'bid.result', result as unknown as Record<string, unknown>);
    await this.event(t, session, 'record.ready', { validBids: record.validBids, minimumValidBids: record.minimumValidBids, failed: record.failed, failureBasis: record.failureBasis });
    await this.audit.append(t, { actor: SYSTEM, action: 'opening.recorded', subject: `trade:${trade.code}`, payload: { validBids: record.validBids, failed: record.failed, results: record.results.map((r) => ({ bid: r.bidId, outcome: r.outcome, reason: r.reason, price: r.priceFen })) } });
  }

  private async buildRecord(trade: TradeRow, session: SessionRow, t: Transaction, noOpening: string | null): Promise<OpeningRecord> {
    const notice = noticeOf(trade);
    const results = await this.models.OpeningResult.findAll({ where: { tradeId: trade.id }, order: [['ord', 'ASC']], transaction: t });
    const views = await this.resultViews(results, true, t);
    const minimum = await this.minimumValidBids(trade);
    const valid = views.filter((r) => r.outcome === 'opened').length;
    const officials = await this.trades.models.TradeOfficial.findAll({ where: { tradeId: trade.id }, order: [['id', 'ASC']], transaction: t });
    const users = await this.identity.models.User.findAll({ where: { id: officials.map((o) => o.userId) }, transaction: t });
    const submissions = await this.models.ShareSubmission.findAll({ where: { tradeId: trade.id }, transaction: t });
    const failed = valid < minimum.value;
    return {
      trade: { id: trade.id, code: trade.code, title: trade.title, kind: trade.kind, method: trade.method, regionCode: trade.regionCode },
      openingAt: trade.openingAt.toISOString(),
      openingPlace: notice.openingPlace,
      startedAt: session.startedAt.toISOString(),
      finishedAt: this.clock.now().toISOString(),
      mode: session.mode,
      officials: officials.map((o) => ({
        userId: o.userId,
        displayName: users.find((u) => u.id === o.userId)?.displayName ?? '',
        shareIndex: o.shareIndex,
        submittedAt: submissions.find((s) => s.userId === o.userId)?.submittedAt.toISOString() ?? null,
      })),
      results: views,
      validBids: valid,
      minimumValidBids: minimum.value,
      failed,
      failureBasis: failed ? (noOpening ?? `有效投标不足${minimum.value}个，流标（${minimum.source}）`) : null,
      confirmations: [],
    };
  }

  private async resultViews(rows: ResultRow[], reveal: boolean, t?: Transaction): Promise<OpeningResultView[]> {
    const bids = await this.bids.models.Bid.findAll({ where: { id: rows.map((r) => r.bidId) }, ...(t ? { transaction: t } : {}) });
    const orgs = await this.identity.models.Organisation.findAll({ where: { id: bids.map((b) => b.organisationId) }, ...(t ? { transaction: t } : {}) });
    return rows.map((r) => {
      const bid = bids.find((b) => b.id === r.bidId)!;
      const org = orgs.find((o) => o.id === bid.organisationId);
      return {
        bidId: r.bidId,
        order: r.ord,
        outcome: r.outcome,
        reason: r.reason,
        detail: reveal ? r.detail : null,
        bidder: reveal && org ? { uscc: org.uscc, name: org.name } : null,
        priceFen: reveal ? r.priceFen : null,
        bidJson: reveal && r.bidJson ? publicBidJson(r.bidJson) : null,
        innerSignerSerial: reveal ? r.innerSignerSerial : null,
        sha256: bid.sha256,
      };
    });
  }

  /** Staff publish the record to the bidders and the portal; the trade moves on (or fails), the confirmation window opens. */
  async publish(actor: Actor, tradeId: number): Promise<OpeningView> {
    const trade = await this.trades.get(tradeId);
    this.assertStaff(actor, trade);
    const window = await this.trades.rules.forTrade('opening.confirmation_window', trade);
    const failed = await this.db.transaction(async (t) => {
      const session = await this.lockedSession(t, tradeId);
      if (session.state !== 'recorded') throw new AppError('OPENING_WRONG_STATE', `the record can be published once written (the opening is ${session.state})`);
      const now = this.clock.now();
      const record = JSON.parse(session.record!) as OpeningRecord;
      await session.update({ state: record.failed ? 'failed' : 'published', publishedAt: now, confirmUntil: record.failed ? null : new Date(now.getTime() + (window?.value ?? 30) * MINUTE) }, { transaction: t });
      await this.event(t, session, record.failed ? 'opening.failed' : 'record.published', { publishedAt: now.toISOString(), confirmUntil: session.confirmUntil?.toISOString() ?? null, failed: record.failed, failureBasis: record.failureBasis });
      await this.audit.append(t, { actor, action: 'opening.published', subject: `trade:${trade.code}`, payload: { failed: record.failed } });
      return record.failed;
    });
    await this.trades.fire(SYSTEM, tradeId, failed ? 'fail' : 'record_opening', failed ? '流标' : '开标记录已公布');
    this.scheduler?.poke();
    return this.view(actor, tradeId);
  }

  scheduler: { poke(): void } | null = null;

  async confirm(actor: Actor, tradeId: number, decision: 'confirm' | 'object', text: string | undefined): Promise<OpeningView> {
    const trade = await this.trades.get(tradeId);
    const organisationId = this.trades.bidderOrganisation(actor);
    if (decision === 'object' && !text) throw new AppError('OBJECTION_TEXT_REQUIRED');
    const bid = await this.bids.models.Bid.findOne({ where: { tradeId, organisationId } });
    if (!bid) throw new AppError('NOT_PARTICIPANT', 'only bidders of this trade confirm its opening record');
    await this.db.transaction(async (t) => {
      const session = await this.lockedSession(t, tradeId);
      const now = this.clock.now();
      if (session.state !== 'published' || !session.confirmUntil || now >= session.confirmUntil) throw new AppError('CONFIRMATION_CLOSED');
      if (await this.models.Confirmation.findOne({ where: { tradeId, organisationId }, transaction: t })) throw new AppError('CONFLICT', 'your organisation has already answered');
      await this.models.Confirmation.create({ tradeId, organisationId, userId: actor.userId, decision, text: text ?? null, at: now }, { transaction: t });
      await this.event(t, session, 'confirmation.received', { decision, count: await this.models.Confirmation.count({ where: { tradeId }, transaction: t }) });
      await this.audit.append(t, { actor, action: decision === 'confirm' ? 'opening.confirmed' : 'opening.objected', subject: `trade:${trade.code}`, payload: { organisation: organisationId, text: text ?? null } });
    });
    return this.view(actor, tradeId);
  }

  /** At the end of the window: silence counts as confirmation, and the record says so. */
  async close(tradeId: number): Promise<void> {
    const trade = await this.trades.get(tradeId);
    await this.db.transaction(async (t) => {
      const session = await this.lockedSession(t, tradeId);
      if (session.state !== 'published' || !session.confirmUntil || this.clock.now() < session.confirmUntil) throw new AppError('OPENING_WRONG_STATE', 'not due');
      const record = JSON.parse(session.record!) as OpeningRecord;
      const orgIds = [...new Set((await this.bids.models.Bid.findAll({ where: { tradeId }, transaction: t })).map((b) => b.organisationId))];
      const orgs = await this.identity.models.Organisation.findAll({ where: { id: orgIds }, transaction: t });
      const answers = await this.models.Confirmation.findAll({ where: { tradeId }, transaction: t });
      record.confirmations = orgs.map((org) => {
        const answer = answers.find((a) => a.organisationId === org.id);
        return { organisationName: org.name, uscc: org.uscc, decision: answer?.decision ?? 'deemed_confirmed', text: answer?.text ?? null, at: answer?.at.toISOString() ?? null };
      });
      const now = this.clock.now();
      await session.update({ state: 'closed', closedAt: now, record: JSON.stringify(record) }, { transaction: t });
      await this.event(t, session, 'opening.closed', { confirmations: record.confirmations.map((c) => ({ uscc: c.uscc, decision: c.decision })) });
      await this.audit.append(t, { actor: SYSTEM, action: 'opening.closed', subject: `trade:${trade.code}`, payload: { confirmations: record.confirmations.map((c) => ({ uscc: c.uscc, decision: c.decision })) } });
    });
  }

  /** For the scheduler: confirmation windows that ended. */
  dueSource(): DueSource {
    const { OpeningSession } = this.models;
    return {
      due: async (at) => (await OpeningSession.findAll({ where: { state: 'published' } })).filter((s) => s.confirmUntil && s.confirmUntil <= at).map((s) => ({ id: s.tradeId, name: 'opening.close' })),
      next: async (after) => {
        const times = (await OpeningSession.findAll({ where: { state: 'published' } })).map((s) => s.confirmUntil).filter((d): d is Date => !!d && d > after);
        return times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
      },
      fire: (id) => this.close(id).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'OPENING_WRONG_STATE') throw new AppError('TRADE_WRONG_STATE', 'closed elsewhere');
        throw error;
      }),
    };
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  async view(actor: Actor | null, tradeId: number): Promise<OpeningView> {
    const trade = await this.trades.get(tradeId);
    const session = await this.models.OpeningSession.findByPk(tradeId);
    if (actor && !session?.publishedAt) await this.assertParticipant(actor, trade);
    if (!actor && !session?.publishedAt) throw new AppError('AUTH_REQUIRED');
    const rows = await this.models.OpeningResult.findAll({ where: { tradeId }, order: [['ord', 'ASC']] });
    const recorded = !!session && session.state !== 'unlocking';
    const submissions = await this.models.ShareSubmission.findAll({ where: { tradeId }, order: [['submittedAt', 'ASC']] });
    const users = await this.identity.models.User.findAll({ where: { id: submissions.map((s) => s.userId) } });
    const current = await this.currentBids(tradeId);
    const myBid = actor?.role === 'bidder' && actor.organisationId ? current.find((b) => b.organisationId === actor.organisationId) : undefined;
    const mine = actor?.role === 'bidder' && actor.organisationId ? await this.models.Confirmation.findOne({ where: { tradeId, organisationId: actor.organisationId } }) : null;
    return {
      tradeId,
      state: session?.state ?? 'waiting',
      mode: session?.mode ?? noticeOf(trade).unlockMode,
      openingAt: trade.openingAt.toISOString(),
      startedAt: session?.startedAt.toISOString() ?? null,
      unlockUntil: session?.unlockUntil?.toISOString() ?? null,
      sharesNeeded: trade.threshold,
      sharesIn: submissions.map((s) => ({ userId: s.userId, displayName: users.find((u) => u.id === s.userId)?.displayName ?? '', shareIndex: s.shareIndex, at: s.submittedAt.toISOString() })),
      pending: Math.max(0, current.length - rows.length),
      ...(actor && this.trades.canManage(actor, trade) && actor.role !== 'agent'
        ? { pendingBids: current.filter((b) => !rows.some((r) => r.bidId === b.id)).map((b) => ({ bidId: b.id, sha256: b.sha256, receivedAt: b.receivedAt.toISOString() })) }
        : {}),
      results: await this.resultViews(rows, recorded),
      record: recorded && session?.record ? (JSON.parse(session.record) as OpeningRecord) : null,
      publishedAt: session?.publishedAt?.toISOString() ?? null,
      confirmUntil: session?.confirmUntil?.toISOString() ?? null,
      myConfirmation: mine ? { decision: mine.decision, text: mine.text, at: mine.at.toISOString() } : null,
      myBid: myBid ? { bidId: myBid.id, unlocked: rows.some((r) => r.bidId === myBid.id) } : null,
      lastSeq: session?.lastSeq ?? 0,
      serverTime: this.clock.now().toISOString(),
    };
  }

  /** The opening record as a PDF (pdfkit, CJK font): public once published, staff before. */
  async recordPdf(actor: Actor | null, tradeId: number): Promise<Buffer> {
    const trade = await this.trades.get(tradeId);
    const session = await this.models.OpeningSession.findByPk(tradeId);
    if (!session?.record) throw new AppError('NOT_FOUND', 'no opening record yet');
    if (!session.publishedAt) {
      if (!actor) throw new AppError('AUTH_REQUIRED');
      await this.assertParticipant(actor, trade);
      if (actor.role === 'bidder') throw new AppError('NOT_PARTICIPANT', 'the record is published to bidders by the trading center');
    }
    return renderOpeningRecord(findCjkFont(this.config.cjkFontPath), JSON.parse(session.record) as OpeningRecord);
  }
}

/** The opened bid's facts as the record shows them: a named person's ID number is masked (the evaluation reads the full one). */
function publicBidJson(text: string): Record<string, unknown> {
  const json = JSON.parse(text) as Record<string, unknown>;
  if (typeof json.projectManagerIdNumber === 'string') json.projectManagerIdNumber = maskIdNumber(json.projectManagerIdNumber);
  return json;
}
